"""Writes for jobs, proposals and invitations (identity verification lives in `hataraku.accounts`).

Every service takes keyword-only arguments, runs in one `transaction.atomic`, writes an audit row inside it
and leaves side effects (notices' e-mails, events) to after commit. Status moves go through
`hataraku.core.state.transition` and the machines in `constants.py`.

- `postings`: a job's terms and their rules, drafts, edits (revisions), publishing, closing, deleting;
- `proposals`: proposing, the client's choices, and the contracts app's reports on an offer;
- `invitations`: スカウト.
"""

from .invitations import invitation_send as invitation_send
from .postings import JOB_FIELDS as JOB_FIELDS
from .postings import JOB_FULL_MESSAGE as JOB_FULL_MESSAGE
from .postings import JobInput as JobInput
from .postings import MeetingInput as MeetingInput
from .postings import job_create as job_create
from .postings import job_delete as job_delete
from .postings import job_input_errors as job_input_errors
from .postings import job_is_full as job_is_full
from .postings import job_snapshot as job_snapshot
from .postings import job_transition as job_transition
from .postings import job_update as job_update
from .proposals import MilestoneInput as MilestoneInput
from .proposals import proposal_decline as proposal_decline
from .proposals import proposal_input_errors as proposal_input_errors
from .proposals import proposal_mark_accepted as proposal_mark_accepted
from .proposals import proposal_offer as proposal_offer
from .proposals import proposal_offer_withdrawn as proposal_offer_withdrawn
from .proposals import proposal_shortlist as proposal_shortlist
from .proposals import proposal_submit as proposal_submit
from .proposals import proposal_transition as proposal_transition
from .proposals import proposal_withdraw as proposal_withdraw
