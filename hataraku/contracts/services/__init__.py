"""Every write of the contracts app, one module per part of a contract's life:

- `offers`: the offer on a proposal, each side's agreement, the withdrawal of an offer;
- `changes`: changes of agreed terms, milestones added to a fixed contract included;
- `milestones`: funding, delivery, acceptance and release of a fixed contract's milestones;
- `hourly`: time logged, weeks submitted, corrections; `weeks`: approval, payment, the end of an hourly
  contract;
- `accommodations`: requests for more time or a pause (Freelance Act art. 13);
- `disputes`: staff mediation;
- `cancellations`: ending a funded milestone early by agreement of both (Freelance Act art. 5);
- `bonuses`: a bonus the client adds, paid through its own escrow with fee, tax and withholding;
- `lifecycle`: the written terms and the completion of a fixed contract; `_common`: who may act, the
  state moves (`core.state.transition`), notices and the funding request every part shares.

Lock order (the same everywhere, so two services never wait on each other in a cycle):
contract → milestone / hourly week → (ledger: escrow → accounts).
"""

from __future__ import annotations

from ..hourly import week_start_for as week_start_for
from ._common import contract_transition as contract_transition
from ._common import milestone_transition as milestone_transition
from ._common import week_transition as week_transition
from .accommodations import AccommodationPreview as AccommodationPreview
from .accommodations import accommodation_answer as accommodation_answer
from .accommodations import accommodation_preview as accommodation_preview
from .accommodations import accommodation_request as accommodation_request
from .bonuses import bonus_give as bonus_give
from .bonuses import bonus_preview as bonus_preview
from .bonuses import bonus_sync_release as bonus_sync_release
from .bonuses import bonus_withdraw as bonus_withdraw
from .bonuses import bonuses_sync_release as bonuses_sync_release
from .cancellations import CANCELLABLE as CANCELLABLE
from .cancellations import cancellation_answer as cancellation_answer
from .cancellations import cancellation_preview as cancellation_preview
from .cancellations import cancellation_propose as cancellation_propose
from .cancellations import cancellation_withdraw as cancellation_withdraw
from .changes import change_request_answer as change_request_answer
from .changes import change_request_propose as change_request_propose
from .changes import milestone_add_propose as milestone_add_propose
from .disputes import dispute_decide as dispute_decide
from .disputes import dispute_open as dispute_open
from .hourly import contract_activated_on as contract_activated_on
from .hourly import time_correction_answer as time_correction_answer
from .hourly import time_correction_propose as time_correction_propose
from .hourly import time_entry_add as time_entry_add
from .hourly import week_amount as week_amount
from .hourly import week_auto_approve_at as week_auto_approve_at
from .hourly import week_request_correction as week_request_correction
from .hourly import week_resubmit as week_resubmit
from .hourly import week_submit as week_submit
from .hourly import weeks_submit_due as weeks_submit_due
from .lifecycle import terms_generate as terms_generate
from .milestones import DISPUTABLE as DISPUTABLE
from .milestones import milestone_accept as milestone_accept
from .milestones import milestone_auto_accept_due as milestone_auto_accept_due
from .milestones import milestone_deliver as milestone_deliver
from .milestones import milestone_fund as milestone_fund
from .milestones import milestone_return as milestone_return
from .milestones import milestone_sync_funding as milestone_sync_funding
from .milestones import milestones_sync_funding as milestones_sync_funding
from .milestones import validate_delivery_files as validate_delivery_files
from .offers import contract_agree as contract_agree
from .offers import contract_cancel_offer as contract_cancel_offer
from .offers import contract_offer as contract_offer
from .weeks import contract_complete as contract_complete
from .weeks import week_approve as week_approve
from .weeks import week_sync_release as week_sync_release
from .weeks import weeks_auto_approve_due as weeks_auto_approve_due
from .weeks import weeks_payment_reminders_due as weeks_payment_reminders_due
from .weeks import weeks_sync_release as weeks_sync_release
