"""Milestones of a fixed contract: funding through escrow, delivery, acceptance (検収) with the release
of the money, returns, and the acceptance of deliveries a client left unanswered.

pending → funding_requested (the client started a funding that is not confirmed yet) → funded (the
money is held: the worker may start) → delivered → accepted → released; the funding's own state in the
ledger is the truth, and `milestone_sync_funding` brings the milestone in line with it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, limits
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, InvalidTransition
from hataraku.core.uploads import content_matches, read_all
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import FeePlan, FundingSource

from .. import notices
from ..constants import (
    DELIVERY_ALLOWED_EXTENSIONS,
    DELIVERY_MAX_BYTES,
    DELIVERY_MAX_FILES,
    MAX_RETURNS,
    ContractStatus,
    MilestoneStatus,
)
from ..models import Contract, Delivery, DeliveryFile, Milestone
from ._common import (
    contract_url,
    escrow_awaits_funding,
    escrow_is_funded,
    milestone_transition,
    notify,
    request_funding,
    require_client,
    require_worker,
)
from .lifecycle import maybe_complete

# Milestones whose escrow holds money the work is done against: a dispute can be opened on these.
DISPUTABLE = frozenset({MilestoneStatus.FUNDED, MilestoneStatus.DELIVERED, MilestoneStatus.RETURNED})

# Not funded yet: waiting for the client to pay, or for the money she sent to be confirmed.
UNFUNDED = (MilestoneStatus.PENDING, MilestoneStatus.FUNDING_REQUESTED)


def milestone_fund(
    *,
    milestone: Milestone,
    actor: User,
    idempotency_key: str,
    source: str | None = None,
    provider: str | None = None,
) -> Milestone:
    """The client puts the milestone's amount into escrow. Opens the escrow (once) and asks for the
    funding; the milestone waits in `funding_requested` until the money is actually held (a bank transfer
    stays pending until staff confirm it — the ledger's `FundingPosted` event then funds the milestone,
    through `milestone_sync_funding`)."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=milestone.contract_id)
        require_client(contract, actor)
        if contract.status != ContractStatus.ACTIVE:
            raise InvalidTransition(_("契約が成立してから仮払いできます。"))
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.status not in UNFUNDED:
            raise InvalidTransition(_("このマイルストーンはすでに仮払い済みです。"))
        if locked.escrow_id is not None:
            # A funding was already requested (e.g. a bank transfer awaiting confirmation): do not ask twice.
            return locked
        escrow = ledger.escrow_open(
            client=contract.client,
            reference=f"milestone:{locked.pk}",
            fee_group=f"contract:{contract.pk}",
            fee_plan=FeePlan.PROJECT_TIERED,
            withholding=contract.withholding,
            actor=actor,
            idempotency_key=f"{idempotency_key}:open",
            worker=contract.worker,
        )
        source = source or FundingSource.BANK_TRANSFER
        if source == FundingSource.BANK_TRANSFER:
            request_funding(
                contract=contract,
                escrow=escrow,
                amount=locked.amount,
                idempotency_key=f"{idempotency_key}:fund",
                provider=provider,
            )
        else:
            ledger.escrow_fund(
                escrow=escrow,
                amount=locked.amount,
                source=source,
                actor=actor,
                idempotency_key=f"{idempotency_key}:fund",
            )
        locked.escrow = escrow
        locked.save(update_fields=["escrow"])
        audit_record(
            actor=actor,
            action="milestone.fund_requested",
            target=locked,
            data={"escrow": escrow.pk, "amount": locked.amount},
        )
        _milestone_follow_funding(locked, actor)
    milestone.refresh_from_db(fields=["escrow", "status"])
    return locked


def _milestone_mark_funded(milestone: Milestone, actor: User | None) -> None:
    milestone_transition(milestone=milestone, target=MilestoneStatus.FUNDED, actor=actor)
    contract = milestone.contract
    notify(
        user=contract.worker,
        code=notices.MILESTONE_FUNDED,
        params={"title": contract.title, "m": milestone.title},
        url=contract_url(contract),
    )


def _milestone_follow_funding(milestone: Milestone, actor: User | None) -> bool:
    """Bring an unfunded milestone (locked by the caller) in line with its escrow: funded once the money
    is held, `funding_requested` while a funding is on its way, back to pending when none is (a transfer
    that never came was voided: the client chooses how to pay again). True if it became funded."""
    if milestone.status not in UNFUNDED or milestone.escrow_id is None:
        return False
    if escrow_is_funded(milestone.escrow, milestone.amount):
        _milestone_mark_funded(milestone, actor)
        return True
    target = (
        MilestoneStatus.FUNDING_REQUESTED
        if escrow_awaits_funding(milestone.escrow)
        else MilestoneStatus.PENDING
    )
    if milestone.status != target:
        milestone_transition(milestone=milestone, target=target, actor=actor)
    return False


def milestone_sync_funding(*, milestone: Milestone) -> bool:
    """Move an unfunded milestone along with its escrow's funding (see `_milestone_follow_funding`).
    True if it became funded."""
    with transaction.atomic():
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        funded = _milestone_follow_funding(locked, None)
    milestone.refresh_from_db(fields=["status"])
    return funded


def milestones_sync_funding() -> int:
    """Periodic reconciliation: every unfunded milestone whose escrow money has arrived becomes funded, and
    one whose funding was voided goes back to pending. The `FundingPosted` handler funds at once; this
    catches anything a failed handler left, and the voids nobody announces."""
    moved = 0
    for m in Milestone.objects.filter(status__in=UNFUNDED, escrow__isnull=False).select_related("escrow"):
        if milestone_sync_funding(milestone=m):
            moved += 1
    return moved


def validate_delivery_files(files: Sequence[UploadedFile]) -> None:
    if len(files) > DELIVERY_MAX_FILES:
        raise DomainError(_("ファイルは一度に5つまで納品できます。"), field="files")
    for f in files:
        name = f.name or ""
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext not in DELIVERY_ALLOWED_EXTENSIONS:
            raise DomainError(
                _(
                    "「%(name)s」は納品できない種類のファイルです。PDF・画像・Office文書・テキスト・ZIPを使ってください。"
                )
                % {"name": name},
                field="files",
            )
        if (f.size or 0) > DELIVERY_MAX_BYTES:
            raise DomainError(
                _("「%(name)s」は大きすぎます。1ファイル20MBまでです。") % {"name": name}, field="files"
            )
        if not content_matches(ext, read_all(f)):
            raise DomainError(
                _(
                    "「%(name)s」は名前と中身の種類が一致しないため納品できません。ファイルを開いて保存し直してからお試しください。"
                )
                % {"name": name},
                field="files",
            )


def milestone_deliver(
    *, milestone: Milestone, actor: User, message: str, files: Sequence[UploadedFile] = ()
) -> Delivery:
    """The worker delivers. Only against money already held in escrow: no unpaid work is ever delivered."""
    if not (message or "").strip():
        raise DomainError(_("納品のメッセージを入力してください。"), field="message")
    limits.check_length(message, limit=limits.DELIVERY_MESSAGE, field="message")
    validate_delivery_files(files)
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=milestone.contract_id)
        require_worker(contract, actor)
        if contract.status != ContractStatus.ACTIVE:
            raise InvalidTransition(_("進行中の契約ではないため、納品できません。"))
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.status in UNFUNDED:
            if locked.escrow_id is not None and escrow_is_funded(locked.escrow, locked.amount):
                _milestone_mark_funded(locked, None)
            else:
                raise InvalidTransition(
                    _(
                        "このマイルストーンはまだ仮払いされていないため、納品できません。仮払いの完了をお待ちください。"
                    ),
                    code="milestone_not_funded",
                )
        if locked.status not in (MilestoneStatus.FUNDED, MilestoneStatus.RETURNED):
            raise InvalidTransition(
                _("このマイルストーンは「%(status)s」のため、納品できません。")
                % {"status": locked.get_status_display()}
            )
        now = clock.now()
        delivery = Delivery.objects.create(milestone=locked, delivered_by=actor, message=message.strip())
        for f in files:
            DeliveryFile.objects.create(
                delivery=delivery, file=f, original_name=(f.name or "")[:200], size=f.size or 0
            )
        milestone_transition(
            milestone=locked,
            target=MilestoneStatus.DELIVERED,
            actor=actor,
            data={"delivery": delivery.pk},
            delivered_at=now,
        )
        notify(
            user=contract.client,
            code=notices.MILESTONE_DELIVERED,
            params={"m": locked.title, "days": contract.acceptance_days},
            url=reverse("contracts:milestone", args=[contract.pk, locked.pk]),
        )
    milestone.refresh_from_db(fields=["status", "delivered_at"])
    return delivery


def milestone_accept(*, milestone: Milestone, actor: User | None, auto: bool = False) -> Milestone:
    """Acceptance (検収) and payment: delivered → accepted → released, in one transaction with the ledger's
    release, so there is never an accepted milestone without the money moving (or the reverse).

    Locks contract → milestone before the ledger locks escrow → accounts. A second acceptance by the client
    (the same request sent twice) finds the milestone accepted and answers it, paying nothing more; the
    release's idempotency key guards against a double payment too. The tick's automatic acceptance of a
    milestone decided meanwhile raises, so it is not counted."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=milestone.contract_id)
        if not auto:
            require_client(contract, actor)
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.status != MilestoneStatus.DELIVERED:
            if locked.status in (MilestoneStatus.ACCEPTED, MilestoneStatus.RELEASED):
                if not auto and locked.accepted_at is not None:
                    # The same acceptance again (a double click, a resent POST, two tabs): answer what
                    # the first one did, and move nothing. A milestone paid by a dispute decision was
                    # never accepted (no accepted_at): accepting it is another decision, refused below.
                    milestone.refresh_from_db(fields=["status", "accepted_at"])
                    return locked
                raise InvalidTransition(
                    _("このマイルストーンはすでに検収済みです。"), code="already_accepted"
                )
            raise InvalidTransition(_("納品されていないマイルストーンは検収できません。"))
        now = clock.now()
        milestone_transition(
            milestone=locked,
            target=MilestoneStatus.ACCEPTED,
            actor=actor,
            data={"auto": auto},
            accepted_at=now,
            auto_accepted=auto,
        )
        assert locked.escrow is not None  # a delivered milestone was funded
        ledger.escrow_release(
            escrow=locked.escrow,
            amount=locked.amount,
            worker=contract.worker,
            actor=actor,
            idempotency_key=f"milestone:{locked.pk}:release",
        )
        milestone_transition(milestone=locked, target=MilestoneStatus.RELEASED, actor=actor, released_at=now)
        notify(
            user=contract.worker,
            code=notices.MILESTONE_RELEASED_AUTO if auto else notices.MILESTONE_RELEASED,
            params={"m": locked.title},
            url=contract_url(contract),
        )
        if auto:
            notify(
                user=contract.client,
                code=notices.MILESTONE_AUTO_ACCEPTED,
                params={"m": locked.title},
                url=contract_url(contract),
            )
        maybe_complete(contract, actor)
    milestone.refresh_from_db(fields=["status", "accepted_at"])
    return locked


def milestone_return(*, milestone: Milestone, actor: User, reason: str) -> Milestone:
    """The client returns a delivery with reasons. At most MAX_RETURNS times: after that the client must
    accept or ask staff, so a worker is never stuck redoing work forever."""
    if not (reason or "").strip():
        raise DomainError(_("差し戻しの理由を入力してください。"), field="reason")
    limits.check_length(reason.strip(), limit=limits.RETURN_REASON, field="reason")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=milestone.contract_id)
        require_client(contract, actor)
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.status != MilestoneStatus.DELIVERED:
            raise InvalidTransition(_("納品されていないマイルストーンは差し戻せません。"))
        if locked.return_count >= MAX_RETURNS:
            raise DomainError(
                _("差し戻しは2回までです。検収するか、運営に仲介を依頼してください。"),
                code="too_many_returns",
            )
        delivery = locked.deliveries.order_by("-created_at", "-id").first()
        if delivery is not None:
            delivery.return_reason = reason.strip()
            delivery.returned_at = clock.now()
            delivery.save(update_fields=["return_reason", "returned_at", "updated_at"])
        milestone_transition(
            milestone=locked,
            target=MilestoneStatus.RETURNED,
            actor=actor,
            data={"reason": reason.strip()},
            return_count=locked.return_count + 1,
        )
        notify(
            user=contract.worker,
            code=notices.MILESTONE_RETURNED,
            params={"reason": reason.strip()[:200]},
            url=contract_url(contract),
        )
    milestone.refresh_from_db(fields=["status", "return_count"])
    return locked


def milestone_auto_accept_due() -> int:
    """Accept every delivery whose acceptance period has passed without an answer, and pay it. Safe to run
    any number of times (each milestone is accepted once; a second run finds nothing to do). Run by the
    minute tick through `tasks.run_periodic` (also `manage.py contracts_periodic`)."""
    now = clock.now()
    accepted = 0
    candidates = Milestone.objects.filter(
        status=MilestoneStatus.DELIVERED, delivered_at__isnull=False
    ).select_related("contract")
    for m in candidates:
        if m.delivered_at + dt.timedelta(days=m.contract.acceptance_days) > now:  # type: ignore[operator]
            continue
        try:
            milestone_accept(milestone=m, actor=None, auto=True)
        except DomainError:
            # Accepted or disputed in the meantime: nothing to do for this one.
            continue
        accepted += 1
    return accepted
