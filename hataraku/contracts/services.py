"""Every write of the contracts app.

Lock order (the same everywhere, so two services never wait on each other in a cycle):
contract → milestone / hourly week → (ledger: escrow → accounts). Each state change goes through
`contract_transition` / `milestone_transition` / `week_transition`, which lock the row, check the table in
constants.py, write the audit row and schedule notifications on commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from hataraku.core import clock, events, limits
from hataraku.core.audit import audit_record
from hataraku.core.dates import check_date
from hataraku.core.errors import Conflict, DomainError, InvalidTransition, NotFound, PermissionDenied
from hataraku.core.money import YEN_INPUT_MAX
from hataraku.core.uploads import content_matches, read_all
from hataraku.profiles.constants import CONSENT_ACCOMMODATION
from hataraku.profiles.selectors import consent_covers
from hataraku.profiles.services import sensitive_note_add

from . import hourly
from . import terms as terms_lib
from .constants import (
    ACCOMMODATION_ANSWER_DAYS,
    ACCOMMODATION_CLIENT_LABELS,
    CONTRACT_TRANSITIONS,
    DELIVERY_ALLOWED_EXTENSIONS,
    DELIVERY_MAX_BYTES,
    DELIVERY_MAX_FILES,
    MAX_MILESTONES,
    MAX_RETURNS,
    MAX_WEEK_CORRECTIONS,
    MILESTONE_TRANSITIONS,
    PAYMENT_REMINDER_AFTER_DAYS,
    PAYMENT_REMINDER_EVERY_DAYS,
    WEEK_TRANSITIONS,
    AccommodationKind,
    AccommodationReason,
    AccommodationStatus,
    ChangeRequestStatus,
    ContractKind,
    ContractStatus,
    DisputeStatus,
    MilestoneStatus,
    TimeCorrectionStatus,
    WeekStatus,
    transition_allowed,
)
from .events import StatusChanged
from .hourly import week_start_for
from .models import (
    AccommodationRequest,
    ChangeRequest,
    Contract,
    ContractTerms,
    Delivery,
    DeliveryFile,
    Dispute,
    HourlyWeek,
    Milestone,
    TimeCorrection,
    TimeEntry,
)

if TYPE_CHECKING:
    from hataraku.accounts.models import User

logger = logging.getLogger(__name__)


# Milestones whose escrow holds money the work is done against: a dispute can be opened on these.
DISPUTABLE = frozenset({MilestoneStatus.FUNDED, MilestoneStatus.DELIVERED, MilestoneStatus.RETURNED})


# --- helpers ----------------------------------------------------------------------------------------------


def _notify(*, user: User, kind: str, title: str, body: str, url: str = "") -> None:
    """Schedule a notification after commit, so nobody hears about a change that rolled back."""

    def send() -> None:
        from hataraku.messaging.services import notify

        notify(user=user, kind=kind, title=title, body=body, url=url)

    transaction.on_commit(send)


def _contract_url(contract: Contract) -> str:
    return contract.get_absolute_url()


def _is_party(contract: Contract, user: User | None) -> bool:
    return bool(user is not None and user.pk in (contract.client_id, contract.worker_id))


def _other_party(contract: Contract, user: User) -> Any:
    return contract.worker if user.pk == contract.client_id else contract.client


def _require_party(contract: Contract, actor: User | None) -> None:
    """Anyone but the two parties is told the contract does not exist (404, never 403)."""
    if not _is_party(contract, actor):
        raise NotFound(_("契約が見つかりません。"))


def _require_client(contract: Contract, actor: User | None) -> None:
    _require_party(contract, actor)
    if actor is None or actor.pk != contract.client_id:
        raise PermissionDenied(_("この操作はクライアントだけができます。"))


def _require_worker(contract: Contract, actor: User) -> None:
    _require_party(contract, actor)
    if actor.pk != contract.worker_id:
        raise PermissionDenied(_("この操作はワーカーだけができます。"))


def _require_staff(actor: User) -> None:
    if not getattr(actor, "is_staff", False):
        raise NotFound(_("見つかりません。"))


# --- state transitions -------------------------------------------------------------------------------------


_Row = TypeVar("_Row", Contract, Milestone, HourlyWeek)


def _transition(
    *,
    row: _Row,
    table: dict[str, frozenset[str]],
    target: str,
    actor: User | None,
    action: str,
    refusal: str,
    data: dict[str, Any],
    fields: dict[str, Any],
) -> _Row:
    """The one way a contract, milestone or hourly week changes state: lock the row, check the transition
    table, set the status (and `fields`) and write the audit row, in one transaction. `refusal` is the
    Japanese message for a move the table does not allow; it takes the current status as %(status)s."""
    with transaction.atomic():
        locked = type(row).objects.select_for_update().get(pk=row.pk)
        if not transition_allowed(table, locked.status, target):
            raise InvalidTransition(
                refusal % {"status": locked.get_status_display()}, current=locked.status, target=target
            )
        previous = locked.status
        locked.status = target
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", *fields])
        audit_record(actor=actor, action=action, target=locked, data={"from": previous, "to": target, **data})
        events.announce(
            StatusChanged(
                model=locked._meta.model_name or "",
                pk=locked.pk,
                contract_id=locked.pk if isinstance(locked, Contract) else locked.contract_id,
                previous=previous,
                status=target,
                actor_id=getattr(actor, "pk", None),
            )
        )
    # The caller's instance follows, so code holding it does not act on a stale status.
    for name in ["status", *fields]:
        setattr(row, name, getattr(locked, name))
    return locked


def contract_transition(
    *, contract: Contract, target: str, actor: User | None, data: dict[str, Any] | None = None
) -> Contract:
    """Move a contract along CONTRACT_TRANSITIONS. Locks the contract row; call inside the caller's atomic
    block (or alone: it opens its own)."""
    fields: dict[str, Any] = {}
    if target == ContractStatus.COMPLETED:
        fields["completed_at"] = clock.now()
    elif target == ContractStatus.ACTIVE:
        # Hourly time may be logged from this day on, never before (`hourly.work_date_error`).
        fields["activated_at"] = clock.now()
    return _transition(
        row=contract,
        table=CONTRACT_TRANSITIONS,
        target=target,
        actor=actor,
        action="contract.transition",
        refusal=_("この契約は「%(status)s」のため、この操作はできません。"),
        data=data or {},
        fields=fields,
    )


def milestone_transition(
    *,
    milestone: Milestone,
    target: str,
    actor: User | None,
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> Milestone:
    """Move a milestone along MILESTONE_TRANSITIONS, setting `fields` with it. Locks the milestone row."""
    return _transition(
        row=milestone,
        table=MILESTONE_TRANSITIONS,
        target=target,
        actor=actor,
        action="milestone.transition",
        refusal=_("このマイルストーンは「%(status)s」のため、この操作はできません。"),
        data={"contract": milestone.contract_id, **(data or {})},
        fields=fields,
    )


def week_transition(
    *, week: HourlyWeek, target: str, actor: User | None, data: dict[str, Any] | None = None, **fields: Any
) -> HourlyWeek:
    """Move an hourly week along WEEK_TRANSITIONS, setting `fields` with it. Locks the week row."""
    return _transition(
        row=week,
        table=WEEK_TRANSITIONS,
        target=target,
        actor=actor,
        action="hourly_week.transition",
        refusal=_("この週は「%(status)s」のため、この操作はできません。"),
        data={"contract": week.contract_id, **(data or {})},
        fields=fields,
    )


# --- terms -----------------------------------------------------------------------------------------------


def _terms_data(contract: Contract) -> dict[str, Any]:
    milestones = [
        {"order": m.order, "title": m.title, "amount": m.amount, "due_date": m.due_date}
        for m in contract.milestones.exclude(status=MilestoneStatus.CANCELLED).order_by("order")
    ]
    return terms_lib.build_terms_data(
        contract_title=contract.title,
        description=contract.description,
        client_name=contract.client.name_for_display,
        worker_name=contract.worker.name_for_display,
        commissioned_on=contract.commissioned_on or clock.today(),
        kind=contract.kind,
        acceptance_days=contract.acceptance_days,
        withholding=contract.withholding,
        milestones=milestones,
        hourly_rate=contract.hourly_rate,
        weekly_hour_cap=contract.weekly_hour_cap,
    )


def terms_generate(*, contract: Contract, change_request: ChangeRequest | None = None) -> ContractTerms:
    """Write the next version of the terms from the contract as it is now. Inside the caller's atomic."""
    data = _terms_data(contract)
    text = terms_lib.render_terms_text(data)
    last = contract.terms.order_by("-version").first()
    version = (last.version + 1) if last else 1
    terms = ContractTerms.objects.create(
        contract=contract,
        version=version,
        data=data,
        text=text,
        text_hash=terms_lib.text_hash(text),
        created_at=clock.now(),
        change_request=change_request,
    )
    return terms


def _withholding_applies(*, client: User, job: Any) -> bool:
    """源泉徴収: the client is a withholding agent (a company), the worker is an individual (every worker
    account is a person), and the work is of a kind listed in 所得税法 第204条1項1号 (原稿料・デザイン料…)."""
    client_is_agent = getattr(client, "client_kind", "") == "company" or bool(
        getattr(client, "is_withholding_agent", False)
    )
    return bool(client_is_agent and job.category.requires_withholding)


# --- offer and agreement -------------------------------------------------------------------------------------


def contract_offer(*, proposal: Any, actor: User, idempotency_key: str) -> Contract:
    """The client offers a contract on a proposal. Creates the contract in `offered` with its milestones
    (copied from the proposal, or one milestone of the whole amount) and the first version of the terms.
    Calling again with the same key returns the same contract."""
    with transaction.atomic():
        existing = Contract.objects.filter(offer_key=idempotency_key).first()
        if existing is not None:
            if existing.proposal_id != proposal.pk:
                raise Conflict(_("同じ操作キーで別の契約がすでに作られています。"))
            return existing
        job = proposal.job
        if actor is None or actor.pk != job.client_id:
            raise NotFound(_("応募が見つかりません。"))
        if proposal.worker_id == job.client_id:
            raise DomainError(_("自分の仕事に自分で契約することはできません。"))
        if Contract.objects.filter(proposal=proposal).exclude(status=ContractStatus.CANCELLED).exists():
            raise Conflict(_("この応募にはすでに契約の申し込みがあります。"))
        # A withdrawn offer sent the proposal back to the shortlist; the proposal link is one-to-one, so
        # the cancelled contract lets go of it (its audit rows keep the proposal id) for the new offer.
        Contract.objects.filter(proposal=proposal, status=ContractStatus.CANCELLED).update(proposal=None)
        kind = ContractKind.HOURLY if job.pay_type == "hourly" else ContractKind.FIXED
        proposal_milestones = (
            list(proposal.milestones.order_by("order")) if kind == ContractKind.FIXED else []
        )
        # Proposals are checked by the date rule when sent; this stops older ones (year 9999) from
        # overflowing the terms' payment-date arithmetic.
        check_date(proposal.delivery_date, label=_("応募の納品予定日"), allow_past=True)
        for pm in proposal_milestones:
            check_date(pm.due_date, label=_("応募のマイルストーンの期日"), allow_past=True)
        if len(proposal_milestones) > MAX_MILESTONES:
            raise DomainError(_("マイルストーンは20個までです。"))
        contract = Contract.objects.create(
            job=job,
            proposal=proposal,
            client=job.client,
            worker=proposal.worker,
            kind=kind,
            title=job.title,
            description=job.description_md,
            total_amount=proposal.amount if kind == ContractKind.FIXED else 0,
            hourly_rate=proposal.amount if kind == ContractKind.HOURLY else None,
            weekly_hour_cap=job.weekly_hour_cap if kind == ContractKind.HOURLY else None,
            withholding=_withholding_applies(client=job.client, job=job),
            commissioned_on=clock.today(),
            offer_key=idempotency_key,
        )
        if kind == ContractKind.FIXED:
            if proposal_milestones:
                for i, pm in enumerate(proposal_milestones, start=1):
                    Milestone.objects.create(
                        contract=contract, order=i, title=pm.title, amount=pm.amount, due_date=pm.due_date
                    )
                contract.total_amount = sum(pm.amount for pm in proposal_milestones)
                contract.save(update_fields=["total_amount"])
            else:
                Milestone.objects.create(
                    contract=contract,
                    order=1,
                    title=job.title,
                    amount=proposal.amount,
                    due_date=proposal.delivery_date,
                )
        terms = terms_generate(contract=contract)
        audit_record(
            actor=actor,
            action="contract.offer",
            target=contract,
            data={"proposal": proposal.pk, "terms_version": terms.version, "kind": kind},
        )
        _notify(
            user=contract.worker,
            kind="contract_offered",
            title=_("契約の申し込みが届きました"),
            body=_("「%(title)s」の取引条件を確認して、合意するかどうかを選んでください。")
            % {"title": contract.title},
            url=_contract_url(contract),
        )
    return contract


def _mark_proposal_accepted(contract: Contract, actor: User) -> None:
    """Tell the jobs app the offer became a contract (its table allows offered → accepted)."""
    if contract.proposal is None or contract.proposal.status != "offered":
        return
    try:
        from hataraku.jobs import services as job_services
    except ImportError:  # pragma: no cover - the jobs app ships its services alongside
        return
    mover = getattr(job_services, "proposal_mark_accepted", None)
    if mover is not None:
        mover(proposal=contract.proposal, actor=actor)


def contract_agree(*, contract: Contract, actor: User, terms_version: int) -> Contract:
    """One side agrees to the terms version it was shown. If the terms changed since (a newer version),
    the agreement is refused: nobody can be bound to terms they did not see. When both sides have agreed,
    the contract becomes agreed and then active."""
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        _require_party(locked, actor)
        if locked.status != ContractStatus.OFFERED:
            raise InvalidTransition(_("この契約はすでに合意済みか、取り消されています。"))
        current = locked.current_terms()
        if current is None or current.version != terms_version:
            raise Conflict(
                _("取引条件が変更されています。最新の取引条件を確認してから、もう一度合意してください。")
            )
        now = clock.now()
        is_client = actor.pk == locked.client_id
        field = "agreed_by_client_at" if is_client else "agreed_by_worker_at"
        if getattr(locked, field) is not None:
            raise InvalidTransition(_("すでに合意しています。相手の合意をお待ちください。"))
        setattr(locked, field, now)
        locked.save(update_fields=[field])
        audit_record(
            actor=actor,
            action="contract.agree",
            target=locked,
            data={
                "side": "client" if is_client else "worker",
                "terms_version": current.version,
                "hash": current.text_hash,
            },
        )
        if locked.agreed_by_client_at and locked.agreed_by_worker_at:
            contract_transition(contract=locked, target=ContractStatus.AGREED, actor=actor)
            contract_transition(contract=locked, target=ContractStatus.ACTIVE, actor=actor)
            _mark_proposal_accepted(locked, actor)
            for party in (locked.client, locked.worker):
                _notify(
                    user=party,
                    kind="contract_agreed",
                    title=_("契約が成立しました"),
                    body=_("「%(title)s」の取引条件に双方が合意しました。") % {"title": locked.title},
                    url=_contract_url(locked),
                )
        else:
            _notify(
                user=_other_party(locked, actor),
                kind="contract_agree_waiting",
                title=_("相手が取引条件に合意しました"),
                body=_("「%(title)s」の取引条件を確認してください。") % {"title": locked.title},
                url=_contract_url(locked),
            )
    for name in ("status", "agreed_by_client_at", "agreed_by_worker_at"):
        setattr(contract, name, getattr(locked, name))
    return locked


def contract_cancel_offer(*, contract: Contract, actor: User) -> Contract:
    """Either side withdraws from an offer no one is bound by yet. Once both agreed, the contract is only
    ended by finishing it (`contract_complete`, or every milestone finished); the status is checked before
    anything is written, so a refused cancel leaves no audit row behind. The proposal goes back to the
    client's shortlist, so the client can offer again or decline it with a kind message."""
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        _require_party(locked, actor)
        if locked.status != ContractStatus.OFFERED:
            raise InvalidTransition(
                _(
                    "この契約はすでに成立しているため、取り消せません。"
                    "続けられない事情があるときは、相手へのメッセージか運営への仲介の依頼でご相談ください。"
                )
                if locked.status in (ContractStatus.AGREED, ContractStatus.ACTIVE)
                else _("この契約は「%(status)s」のため、取り消せません。")
                % {"status": locked.get_status_display()}
            )
        locked = contract_transition(contract=locked, target=ContractStatus.CANCELLED, actor=actor)
        _return_proposal_to_shortlist(locked, actor)
        _notify(
            user=_other_party(locked, actor),
            kind="contract_cancelled",
            title=_("契約の申し込みが取り消されました"),
            body=locked.title,
            url=_contract_url(locked),
        )
    contract.status = locked.status
    return locked


def _return_proposal_to_shortlist(contract: Contract, actor: User) -> None:
    """offered → shortlisted: an offer the worker turns down or the client withdraws goes back to the
    client's shortlist, in the name of whoever withdrew it."""
    proposal = contract.proposal
    if proposal is None or proposal.status != "offered":
        return
    from hataraku.jobs import services as job_services

    job_services.proposal_offer_withdrawn(proposal=proposal, actor=actor)


# --- change requests -------------------------------------------------------------------------------------


def _clean_changes(contract: Contract, changes: dict[str, Any]) -> dict[str, Any]:
    """Accepts {"milestones": {"<id>": {"due_date": "YYYY-MM-DD", "title": str, "amount": int}}}. Amounts
    change only on milestones not yet funded: funded money is already in escrow."""
    cleaned: dict[str, Any] = {"milestones": {}}
    by_id = {str(m.pk): m for m in contract.milestones.all()}
    for mid, values in (changes.get("milestones") or {}).items():
        milestone = by_id.get(str(mid))
        if milestone is None:
            raise DomainError(_("変更するマイルストーンが見つかりません。"))
        if milestone.status in (
            MilestoneStatus.RELEASED,
            MilestoneStatus.CANCELLED,
            MilestoneStatus.ACCEPTED,
        ):
            raise DomainError(_("支払い済みのマイルストーンは変更できません。"))
        entry: dict[str, Any] = {}
        if values.get("due_date"):
            try:
                due = dt.date.fromisoformat(str(values["due_date"]))
            except ValueError as exc:
                raise DomainError(
                    _("新しい納期を日付(例: 2026-12-20)で入力してください。"), field="due_date"
                ) from exc
            # A past date would make the new terms' inspection and payment dates past too.
            check_date(due, label=_("新しい納期"), field="due_date")
            entry["due_date"] = due.isoformat()
        if values.get("title"):
            entry["title"] = str(values["title"])[:200]
        if values.get("amount") is not None and int(values["amount"]) != milestone.amount:
            if milestone.status != MilestoneStatus.PENDING or milestone.escrow_id:
                raise DomainError(_("仮払い済みのマイルストーンの金額は変更できません。"))
            if not 1 <= int(values["amount"]) <= YEN_INPUT_MAX:
                raise DomainError(_("金額は1円から1億円までにしてください。"))
            entry["amount"] = int(values["amount"])
        if entry:
            cleaned["milestones"][str(milestone.pk)] = entry
    if not cleaned["milestones"]:
        raise DomainError(_("変更する内容を入力してください。"))
    return cleaned


def change_request_propose(
    *, contract: Contract, actor: User, changes: dict[str, Any], reason: str = ""
) -> ChangeRequest:
    """Propose new terms. The proposer consents by proposing; nothing changes until the other side accepts."""
    limits.check_length(reason, limit=limits.CHANGE_REASON, field="reason")
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        _require_party(locked, actor)
        if locked.status not in (ContractStatus.AGREED, ContractStatus.ACTIVE):
            raise InvalidTransition(_("合意済みで進行中の契約だけ、条件の変更を申し出られます。"))
        if locked.change_requests.filter(status=ChangeRequestStatus.PENDING).exists():
            raise Conflict(_("回答待ちの変更の申し出があります。先にそちらへの回答をお待ちください。"))
        cleaned = _clean_changes(locked, changes)
        current = locked.current_terms()
        cr = ChangeRequest.objects.create(
            contract=locked,
            proposed_by=actor,
            changes=cleaned,
            reason=reason,
            base_version=current.version if current else 0,
        )
        audit_record(actor=actor, action="contract.change_propose", target=cr, data={"changes": cleaned})
        _notify(
            user=_other_party(locked, actor),
            kind="contract_change_proposed",
            title=_("取引条件の変更の申し出が届きました"),
            body=_("「%(title)s」の変更内容を確認して、承諾するか見送るかを選んでください。")
            % {"title": locked.title},
            url=_contract_url(locked),
        )
    return cr


def _apply_changes(contract: Contract, changes: dict[str, Any]) -> None:
    for mid, values in changes.get("milestones", {}).items():
        milestone = Milestone.objects.select_for_update().get(pk=int(mid), contract=contract)
        fields = []
        if "due_date" in values:
            milestone.due_date = dt.date.fromisoformat(values["due_date"])
            fields.append("due_date")
        if "title" in values:
            milestone.title = values["title"]
            fields.append("title")
        if "amount" in values:
            milestone.amount = int(values["amount"])
            fields.append("amount")
        if fields:
            milestone.save(update_fields=fields)
    if contract.kind == ContractKind.FIXED:
        contract.total_amount = sum(
            contract.milestones.exclude(status=MilestoneStatus.CANCELLED).values_list("amount", flat=True)
        )
        contract.save(update_fields=["total_amount"])


def change_request_answer(*, change_request: ChangeRequest, actor: User, accept: bool) -> ChangeRequest:
    """The other side accepts (new terms version) or rejects. The proposer cannot answer their own
    request: agreed terms never change on one side's word."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=change_request.contract_id)
        cr = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
        _require_party(contract, actor)
        if actor.pk == cr.proposed_by_id:
            raise PermissionDenied(_("変更を申し出た側は承諾できません。相手の同意が必要です。"))
        if cr.status != ChangeRequestStatus.PENDING:
            raise InvalidTransition(_("この変更の申し出にはすでに回答済みです。"))
        current = contract.current_terms()
        if current is not None and current.version != cr.base_version:
            raise Conflict(_("取引条件がその後変わっています。もう一度申し出てください。"))
        if accept:
            # The contract may have moved since the proposal (a milestone funded, paid or disputed):
            # check the changes again against it as it is now, before anything is written.
            try:
                _clean_changes(contract, cr.changes)
            except DomainError as exc:
                raise Conflict(
                    _(
                        "申し出のあとで契約の状況が変わったため、この変更は反映できません(%(reason)s)。"
                        "お手数ですが「見送る」を選び、必要なら改めて申し出てください。"
                    )
                    % {"reason": exc.message.rstrip("。")},
                    code="changed_since_proposal",
                ) from exc
        cr.status = ChangeRequestStatus.ACCEPTED if accept else ChangeRequestStatus.REJECTED
        cr.responded_by = actor
        cr.responded_at = clock.now()
        cr.save(update_fields=["status", "responded_by", "responded_at"])
        data: dict[str, Any] = {"accepted": accept}
        if accept:
            _apply_changes(contract, cr.changes)
            terms = terms_generate(contract=contract, change_request=cr)
            data["terms_version"] = terms.version
        audit_record(actor=actor, action="contract.change_answer", target=cr, data=data)
        _notify(
            user=cr.proposed_by,
            kind="contract_change_answered",
            title=_("変更の申し出が承諾されました") if accept else _("変更の申し出は見送られました"),
            body=contract.title,
            url=_contract_url(contract),
        )
    change_request.status = cr.status
    return cr


# --- milestones ------------------------------------------------------------------------------------------


def _escrow_is_funded(escrow: Any, amount: int) -> bool:
    from hataraku.ledger.selectors import escrow_held

    return bool(escrow is not None and escrow_held(escrow) >= amount)


def _request_bank_transfer(
    *, contract: Contract, escrow: Any, amount: int, idempotency_key: str, provider: str | None = None
) -> None:
    """Ask the client for the money through the payments app: by bank transfer (default) it gets a
    reference code (受付番号) for the client and appears in the staff's queue; by card it opens a Stripe
    Checkout page. Either way the ledger funding is posted when the money is ours, and its `FundingPosted`
    event funds the milestone or releases the week (contracts/handlers.py)."""
    from hataraku.payments import services as payments
    from hataraku.payments.constants import Provider
    from hataraku.payments.providers import enabled_providers

    chosen = provider or Provider.BANK_TRANSFER
    if chosen not in enabled_providers():
        raise DomainError(
            _("この支払い方法は使えません。銀行振込をお選びください。"), code="unknown_provider"
        )
    payments.funding_request(
        client=contract.client,
        escrow=escrow,
        amount=amount,
        provider=chosen,
        idempotency_key=idempotency_key,
    )


def milestone_fund(
    *,
    milestone: Milestone,
    actor: User,
    idempotency_key: str,
    source: str | None = None,
    provider: str | None = None,
) -> Milestone:
    """The client puts the milestone's amount into escrow. Opens the escrow (once) and asks for the
    funding; the milestone becomes `funded` only when the money is actually held (a bank transfer stays
    pending until staff confirm it — the ledger's `FundingPosted` event then funds the milestone, through
    `milestone_sync_funding`)."""
    from hataraku.ledger import services as ledger
    from hataraku.ledger.constants import FeePlan, FundingSource

    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=milestone.contract_id)
        _require_client(contract, actor)
        if contract.status != ContractStatus.ACTIVE:
            raise InvalidTransition(_("契約が成立してから仮払いできます。"))
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.status != MilestoneStatus.PENDING:
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
            _request_bank_transfer(
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
        if _escrow_is_funded(escrow, locked.amount):
            _milestone_mark_funded(locked, actor)
    milestone.escrow = locked.escrow
    milestone.status = locked.status
    return locked


def _milestone_mark_funded(milestone: Milestone, actor: User | None) -> None:
    milestone_transition(milestone=milestone, target=MilestoneStatus.FUNDED, actor=actor)
    contract = milestone.contract
    _notify(
        user=contract.worker,
        kind="milestone_funded",
        title=_("仮払いが済みました。作業を始められます"),
        body=_("「%(title)s」のマイルストーン「%(m)s」") % {"title": contract.title, "m": milestone.title},
        url=_contract_url(contract),
    )


def milestone_sync_funding(*, milestone: Milestone) -> bool:
    """Move a pending milestone to funded once its escrow holds the amount. True if it moved."""
    with transaction.atomic():
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.status != MilestoneStatus.PENDING or locked.escrow_id is None:
            return False
        if not _escrow_is_funded(locked.escrow, locked.amount):
            return False
        _milestone_mark_funded(locked, None)
    milestone.status = locked.status
    return True


def milestones_sync_funding() -> int:
    """Periodic reconciliation: every pending milestone whose escrow money has arrived becomes funded.
    The `FundingPosted` handler does this at once; this catches anything a failed handler left."""
    moved = 0
    for m in Milestone.objects.filter(status=MilestoneStatus.PENDING, escrow__isnull=False).select_related(
        "escrow"
    ):
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
        _require_worker(contract, actor)
        if contract.status != ContractStatus.ACTIVE:
            raise InvalidTransition(_("進行中の契約ではないため、納品できません。"))
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.status == MilestoneStatus.PENDING:
            if locked.escrow_id is not None and _escrow_is_funded(locked.escrow, locked.amount):
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
        _notify(
            user=contract.client,
            kind="milestone_delivered",
            title=_("納品がありました。検収してください"),
            body=_("「%(m)s」が納品されました。%(days)s日以内に確認がない場合は自動で検収されます。")
            % {"m": locked.title, "days": contract.acceptance_days},
            url=reverse("contracts:milestone", args=[contract.pk, locked.pk]),
        )
    milestone.status = locked.status
    milestone.delivered_at = locked.delivered_at
    return delivery


def _notify_completed(contract: Contract) -> None:
    for party in (contract.client, contract.worker):
        _notify(
            user=party,
            kind="contract_completed",
            title=_("契約が完了しました。評価をお願いします"),
            body=contract.title,
            url=_contract_url(contract),
        )


def _maybe_complete(contract: Contract, actor: User | None) -> None:
    """A fixed contract is completed when every milestone is finished — released, or cancelled by a
    dispute that refunded it. Even when a dispute refunded everything the contract ends `completed`,
    not `cancelled`: the parties worked together and both may review it; `cancelled` is kept for an
    offer that never became a contract. Hourly contracts end through `contract_complete`."""
    if contract.kind != ContractKind.FIXED or contract.status != ContractStatus.ACTIVE:
        return
    milestones = contract.milestones.all()
    open_ = milestones.exclude(status__in=[MilestoneStatus.RELEASED, MilestoneStatus.CANCELLED])
    if milestones.exists() and not open_.exists():
        contract_transition(contract=contract, target=ContractStatus.COMPLETED, actor=actor)
        _notify_completed(contract)


def contract_complete(*, contract: Contract, actor: User) -> Contract:
    """Either party ends an active hourly contract. Every hour logged must be settled first, so that
    ending never leaves a worker unpaid: refused while a week has logged time not yet approved (the
    current week included — it can be approved once submitted), a week is disputed, or a billed week is
    still waiting for the client's money. Unapproved weeks without any time are closed at ¥0 along the way.
    Fixed contracts complete by themselves when their last milestone is finished."""
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        _require_party(locked, actor)
        if locked.kind != ContractKind.HOURLY:
            raise InvalidTransition(
                _("固定報酬の契約は、すべてのマイルストーンの支払いが済むと自動で完了します。")
            )
        if locked.status != ContractStatus.ACTIVE:
            raise InvalidTransition(
                _("この契約は「%(status)s」のため、終了できません。")
                % {"status": locked.get_status_display()}
            )
        weeks = list(HourlyWeek.objects.select_for_update().filter(contract=locked).order_by("week_start"))
        minutes = dict(
            TimeEntry.objects.filter(week__contract=locked)
            .values("week_id")
            .annotate(total=Sum("minutes"))
            .values_list("week_id", "total")
        )
        this_week = week_start_for(clock.today())
        empty_open = []
        for w in weeks:
            if w.status == WeekStatus.DISPUTED:
                raise Conflict(
                    _("%(start)sからの週は運営が仲介中です。仲介の結果が出てから、契約を終了できます。")
                    % {"start": w.week_start}
                )
            unsettled = (WeekStatus.OPEN, WeekStatus.SUBMITTED, WeekStatus.CORRECTION)
            if w.status in unsettled and minutes.get(w.pk):
                if w.status == WeekStatus.OPEN and w.week_start >= this_week:
                    raise Conflict(
                        _(
                            "今週(%(start)sから)の作業時間がまだ支払われていません。"
                            "週が終わって承認と支払いが済んでから、契約を終了できます。"
                        )
                        % {"start": w.week_start}
                    )
                raise Conflict(
                    _(
                        "%(start)sからの週の作業時間がまだ承認されていません。"
                        "提出・承認と支払いが済んでから、契約を終了できます。"
                    )
                    % {"start": w.week_start}
                )
            if w.status in unsettled:
                empty_open.append(w)
            elif w.escrow_id and not w.released_at:
                raise Conflict(
                    _(
                        "%(start)sからの週の入金がまだ確認できていません。"
                        "入金が確認され、ワーカーに支払われてから、契約を終了できます。"
                    )
                    % {"start": w.week_start}
                )
        for w in empty_open:
            week_transition(week=w, target=WeekStatus.BILLED, actor=actor, reviewed_at=clock.now())
        contract_transition(contract=locked, target=ContractStatus.COMPLETED, actor=actor)
        _notify_completed(locked)
    contract.status = locked.status
    contract.completed_at = locked.completed_at
    return locked


def milestone_accept(*, milestone: Milestone, actor: User | None, auto: bool = False) -> Milestone:
    """Acceptance (検収) and payment: delivered → accepted → released, in one transaction with the ledger's
    release, so there is never an accepted milestone without the money moving (or the reverse).

    Locks contract → milestone before the ledger locks escrow → accounts. A second acceptance by the client
    (the same request sent twice) finds the milestone accepted and answers it, paying nothing more; the
    release's idempotency key guards against a double payment too. The tick's automatic acceptance of a
    milestone decided meanwhile raises, so it is not counted."""
    from hataraku.ledger import services as ledger

    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=milestone.contract_id)
        if not auto:
            _require_client(contract, actor)
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if locked.status != MilestoneStatus.DELIVERED:
            if locked.status in (MilestoneStatus.ACCEPTED, MilestoneStatus.RELEASED):
                if not auto and locked.accepted_at is not None:
                    # The same acceptance again (a double click, a resent POST, two tabs): answer what
                    # the first one did, and move nothing. A milestone paid by a dispute decision was
                    # never accepted (no accepted_at): accepting it is another decision, refused below.
                    milestone.status = locked.status
                    milestone.accepted_at = locked.accepted_at
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
        _notify(
            user=contract.worker,
            kind="milestone_released",
            title=_("検収され、報酬が支払われました"),
            body=_("「%(m)s」が検収されました。") % {"m": locked.title}
            + (_("(検収期間が過ぎたため自動で検収しました)") if auto else ""),
            url=_contract_url(contract),
        )
        if auto:
            _notify(
                user=contract.client,
                kind="milestone_auto_accepted",
                title=_("検収期間が過ぎたため、自動で検収しました"),
                body=locked.title,
                url=_contract_url(contract),
            )
        _maybe_complete(contract, actor)
    milestone.status = locked.status
    milestone.accepted_at = locked.accepted_at
    return locked


def milestone_return(*, milestone: Milestone, actor: User, reason: str) -> Milestone:
    """The client returns a delivery with reasons. At most MAX_RETURNS times: after that the client must
    accept or ask staff, so a worker is never stuck redoing work forever."""
    if not (reason or "").strip():
        raise DomainError(_("差し戻しの理由を入力してください。"), field="reason")
    limits.check_length(reason.strip(), limit=limits.RETURN_REASON, field="reason")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=milestone.contract_id)
        _require_client(contract, actor)
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
        _notify(
            user=contract.worker,
            kind="milestone_returned",
            title=_("納品物が差し戻されました"),
            body=reason.strip()[:200],
            url=_contract_url(contract),
        )
    milestone.status = locked.status
    milestone.return_count = locked.return_count
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


# --- hourly --------------------------------------------------------------------------------------------------


def time_entry_add(
    *, contract: Contract, actor: User, work_date: dt.date, minutes: int, memo: str
) -> TimeEntry:
    """Log time with a memo, for a day from the contract's activation to today, in this week or the one
    before it (`hourly.work_date_error`), into a week not yet submitted. Refused over the weekly cap: the
    cap is what the client agreed to pay for. Older or submitted weeks change only through a
    `time_correction_propose` the client accepts."""
    if minutes <= 0 or minutes > 24 * 60:
        raise DomainError(_("作業時間は1分以上、24時間以内で入力してください。"), field="minutes")
    if not (memo or "").strip():
        raise DomainError(_("作業メモを入力してください。"), field="memo")
    limits.check_length(memo, limit=limits.TIME_ENTRY_MEMO, field="memo")
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        _require_worker(locked, actor)
        if locked.kind != ContractKind.HOURLY or locked.status != ContractStatus.ACTIVE:
            raise InvalidTransition(_("進行中の時間単価の契約だけ、作業時間を記録できます。"))
        refusal = hourly.work_date_error(
            work_date=work_date, activated_on=contract_activated_on(locked), today=clock.today()
        )
        if refusal:
            raise DomainError(refusal, field="work_date", code="work_date_not_loggable")
        week, _created = HourlyWeek.objects.get_or_create(
            contract=locked, week_start=week_start_for(work_date)
        )
        week = HourlyWeek.objects.select_for_update().get(pk=week.pk)
        if week.status != WeekStatus.OPEN:
            raise InvalidTransition(
                _(
                    "%(start)sからの週はすでに提出済みのため、記録を追加できません。"
                    "直したいときは、その週の「作業時間の修正を申し出る」からクライアントに承諾をお願いしてください。"
                )
                % {"start": _date(week.week_start)},
                code="week_submitted",
            )
        used = _logged_minutes(week)
        cap = (locked.weekly_hour_cap or 0) * 60
        if used + minutes > cap:
            raise DomainError(
                _("週の上限(%(cap)s時間)を超えるため記録できません。この週の残りは%(left)s分です。")
                % {"cap": locked.weekly_hour_cap, "left": max(cap - used, 0)},
                field="minutes",
                code="over_cap",
            )
        entry = TimeEntry.objects.create(week=week, work_date=work_date, minutes=minutes, memo=memo.strip())
        audit_record(
            actor=actor, action="time_entry.add", target=entry, data={"minutes": minutes, "week": week.pk}
        )
    return entry


def contract_activated_on(contract: Contract) -> dt.date | None:
    """The Tokyo date the contract became active: the first day time may be logged for."""
    return hourly.local_date(contract.activated_at) if contract.activated_at else None


def _date(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


def week_amount(*, minutes: int, hourly_rate: int) -> int:
    """Minutes × rate / 60, rounded down to the yen."""
    return (minutes * hourly_rate) // 60


def _logged_minutes(week: HourlyWeek) -> int:
    return sum(week.entries.values_list("minutes", flat=True))


def _week_bill_and_close(
    *,
    week: HourlyWeek,
    contract: Contract,
    minutes: int,
    amount: int,
    target: str,
    actor: User | None,
    idempotency_key: str,
) -> None:
    """Bill the week (`_week_bill`) and move it to `target` (billed, or resolved by a dispute) with what was
    billed. Inside the caller's atomic, the week locked. A correction the client never answered lapses:
    what is billed is what was submitted, never time added by silence."""
    lapsed = TimeCorrection.objects.filter(week=week, status=TimeCorrectionStatus.PENDING).update(
        status=TimeCorrectionStatus.LAPSED, updated_at=clock.now()
    )
    if lapsed:
        audit_record(actor=actor, action="time_correction.lapse", target=week, data={"count": lapsed})
    _week_bill(
        week=week,
        contract=contract,
        minutes=minutes,
        amount=amount,
        actor=actor,
        idempotency_key=idempotency_key,
    )
    week_transition(
        week=week,
        target=target,
        actor=actor,
        reviewed_at=clock.now(),
        billed_minutes=week.billed_minutes,
        billed_amount=week.billed_amount,
        escrow=week.escrow,
        released_at=week.released_at,
    )


def _week_bill(
    *,
    week: HourlyWeek,
    contract: Contract,
    minutes: int,
    amount: int,
    actor: User | None,
    idempotency_key: str,
) -> None:
    """Open, fund and (if the money is held) release an escrow for one week. Inside the caller's atomic."""
    from hataraku.ledger import services as ledger
    from hataraku.ledger.constants import FeePlan

    week.billed_minutes = minutes
    week.billed_amount = amount
    if amount <= 0:
        return
    escrow = ledger.escrow_open(
        client=contract.client,
        reference=f"week:{week.pk}",
        fee_group=f"contract:{contract.pk}",
        fee_plan=FeePlan.PROJECT_TIERED,
        withholding=contract.withholding,
        actor=actor,
        idempotency_key=f"{idempotency_key}:open",
        worker=contract.worker,
    )
    _request_bank_transfer(
        contract=contract, escrow=escrow, amount=amount, idempotency_key=f"{idempotency_key}:fund"
    )
    week.escrow = escrow
    if _escrow_is_funded(escrow, amount):
        ledger.escrow_release(
            escrow=escrow,
            amount=amount,
            worker=contract.worker,
            actor=actor,
            idempotency_key=f"week:{week.pk}:release",
        )
        week.released_at = clock.now()


def _week_url(contract: Contract) -> str:
    return _contract_url(contract) + "#c-weeks"


def week_submit(*, week: HourlyWeek, actor: User) -> HourlyWeek:
    """The worker hands a week to the client before logging closes (the tick does it at the end of the
    following week otherwise). From now on the week takes no more time, and the acceptance period runs."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=week.contract_id)
        _require_worker(contract, actor)
        if contract.status != ContractStatus.ACTIVE:
            raise InvalidTransition(_("進行中の契約の週だけ提出できます。"))
        locked = HourlyWeek.objects.select_for_update().get(pk=week.pk)
        if locked.status == WeekStatus.OPEN and not locked.entries.exists():
            raise DomainError(_("作業時間の記録がない週は提出できません。"), code="week_empty")
        _week_mark_submitted(locked, contract, actor=actor)
    week.status, week.submitted_at = locked.status, locked.submitted_at
    return locked


def _week_mark_submitted(week: HourlyWeek, contract: Contract, *, actor: User | None) -> None:
    """open → submitted, now: the day of receipt and the start of the acceptance period. Both parties
    hear when the client must answer by. Inside the caller's atomic, contract and week locked."""
    now = clock.now()
    week_transition(
        week=week,
        target=WeekStatus.SUBMITTED,
        actor=actor,
        submitted_at=now,
        data={"minutes": _logged_minutes(week), "auto": actor is None},
    )
    words = {
        "start": _date(week.week_start),
        "minutes": _logged_minutes(week),
        "due": _date(hourly.local_date(week_auto_approve_at(week, contract) or now)),
    }
    _notify(
        user=contract.client,
        kind="week_submitted",
        title=_("作業時間が提出されました。確認してください"),
        body=_(
            "%(start)sからの週: %(minutes)s分。%(due)sまでに承認するか、修正を依頼してください。"
            "確認がない場合は、その日に自動で承認されます。"
        )
        % words,
        url=_week_url(contract),
    )
    if actor is None:
        _notify(
            user=contract.worker,
            kind="week_auto_submitted",
            title=_("記録の期限が過ぎたため、作業時間を提出しました"),
            body=_("%(start)sからの週: %(minutes)s分。クライアントの確認は%(due)sまでです。") % words,
            url=_week_url(contract),
        )


def weeks_submit_due() -> int:
    """Periodic: submit every open week whose logging closed (the end of the week after it), so that no
    week waits unsubmitted and unpaid. Idempotent: a submitted week is no longer open."""
    today = clock.today()
    submitted = 0
    candidates = HourlyWeek.objects.filter(
        status=WeekStatus.OPEN,
        contract__status=ContractStatus.ACTIVE,
        contract__kind=ContractKind.HOURLY,
        week_start__lt=hourly.oldest_open_week(today),
    ).values_list("pk", "contract_id")
    for week_id, contract_id in candidates:
        with transaction.atomic():
            contract = Contract.objects.select_for_update().get(pk=contract_id)
            w = HourlyWeek.objects.select_for_update().get(pk=week_id)
            if w.status != WeekStatus.OPEN or hourly.logging_closes_on(w.week_start) >= today:
                continue
            _week_mark_submitted(w, contract, actor=None)
        submitted += 1
    return submitted


def week_request_correction(*, week: HourlyWeek, actor: User, note: str) -> HourlyWeek:
    """The client asks the worker to correct a submitted week, saying what looks wrong. The clock stops
    (the client has looked and answered) until the worker resubmits, with a correction or as it is. At
    most MAX_WEEK_CORRECTIONS times: then the client approves or asks staff to mediate."""
    if not (note or "").strip():
        raise DomainError(_("どこを直してほしいかを入力してください。"), field="note")
    limits.check_length(note.strip(), limit=limits.RETURN_REASON, field="note")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=week.contract_id)
        _require_client(contract, actor)
        locked = HourlyWeek.objects.select_for_update().get(pk=week.pk)
        if locked.status == WeekStatus.SUBMITTED and locked.correction_count >= MAX_WEEK_CORRECTIONS:
            raise DomainError(
                _("修正の依頼は1つの週につき2回までです。承認するか、運営に仲介を依頼してください。"),
                code="too_many_corrections",
            )
        week_transition(
            week=locked,
            target=WeekStatus.CORRECTION,
            actor=actor,
            correction_note=note.strip(),
            correction_count=locked.correction_count + 1,
        )
        _notify(
            user=contract.worker,
            kind="week_correction_requested",
            title=_("作業時間の修正の依頼が届きました"),
            body=_("%(start)sからの週: %(note)s")
            % {"start": _date(locked.week_start), "note": note.strip()[:200]},
            url=_week_url(contract),
        )
    week.status = locked.status
    return locked


def week_resubmit(*, week: HourlyWeek, actor: User) -> HourlyWeek:
    """The worker answers a request for a correction by handing the week back as it is (a correction, if
    any, is proposed with `time_correction_propose`, which resubmits too). The acceptance period starts
    again: the client gets the whole period to look at it once more."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=week.contract_id)
        _require_worker(contract, actor)
        locked = HourlyWeek.objects.select_for_update().get(pk=week.pk)
        if locked.status != WeekStatus.CORRECTION:
            raise InvalidTransition(_("修正の依頼があった週だけ、もう一度提出できます。"))
        _week_mark_resubmitted(locked, contract, actor)
    week.status, week.submitted_at = locked.status, locked.submitted_at
    return locked


def _week_mark_resubmitted(week: HourlyWeek, contract: Contract, actor: User) -> None:
    week_transition(week=week, target=WeekStatus.SUBMITTED, actor=actor, submitted_at=clock.now())
    _notify(
        user=contract.client,
        kind="week_resubmitted",
        title=_("作業時間がもう一度提出されました"),
        body=_("%(start)sからの週: %(due)sまでに確認してください。")
        % {
            "start": _date(week.week_start),
            "due": _date(hourly.local_date(week_auto_approve_at(week, contract) or clock.now())),
        },
        url=_week_url(contract),
    )


def _clean_time_changes(
    week: HourlyWeek, contract: Contract, *, entries: dict[int, int], add: list[dict[str, Any]]
) -> tuple[dict[str, Any], int, int]:
    """Check a proposed correction against the week as it is: entry id → new minutes (0 removes it), and
    new entries inside the week, from activation to today. Returns (changes, minutes before, after)."""
    current = {e.pk: e for e in week.entries.all()}
    before = sum(e.minutes for e in current.values())
    changed: dict[str, Any] = {}
    after = before
    for entry_id, minutes in entries.items():
        entry = current.get(int(entry_id))
        if entry is None:
            raise DomainError(_("修正する記録が見つかりません。"))
        if not 0 <= int(minutes) <= 24 * 60:
            raise DomainError(_("作業時間は0分から24時間までで入力してください。"), field="minutes")
        if int(minutes) != entry.minutes:
            changed[str(entry.pk)] = {
                "from": entry.minutes,
                "to": int(minutes),
                "work_date": entry.work_date.isoformat(),
                "memo": entry.memo,
            }
            after += int(minutes) - entry.minutes
    added = []
    week_end = week.week_start + dt.timedelta(days=6)
    for item in add:
        day, minutes, memo = item["work_date"], int(item["minutes"]), str(item.get("memo") or "").strip()
        limits.check_length(memo, limit=limits.TIME_ENTRY_MEMO, field="add_memo")
        if not week.week_start <= day <= week_end:
            raise DomainError(
                _("追加する作業日は、この週(%(start)sから%(end)sまで)の日付にしてください。")
                % {"start": _date(week.week_start), "end": _date(week_end)},
                field="work_date",
            )
        # The week itself may be older than last week: that is what a correction is for. The other
        # rules of logging still hold.
        activated_on = contract_activated_on(contract)
        if day > clock.today() or activated_on is None or day < activated_on:
            refusal = hourly.work_date_error(work_date=day, activated_on=activated_on, today=clock.today())
            raise DomainError(refusal or _("この日付の作業は追加できません。"), field="work_date")
        if not 1 <= minutes <= 24 * 60:
            raise DomainError(_("作業時間は1分以上、24時間以内で入力してください。"), field="minutes")
        if not memo:
            raise DomainError(_("追加する作業のメモを入力してください。"), field="memo")
        added.append({"work_date": day.isoformat(), "minutes": minutes, "memo": memo[:500]})
        after += minutes
    if not changed and not added:
        raise DomainError(_("修正する内容を入力してください(時間を変えるか、作業を追加してください)。"))
    cap = (contract.weekly_hour_cap or 0) * 60
    if after > cap:
        raise DomainError(
            _("修正後の合計が週の上限(%(cap)s時間)を超えます。") % {"cap": contract.weekly_hour_cap},
            field="minutes",
            code="over_cap",
        )
    return {"entries": changed, "add": added}, before, after


def time_correction_propose(
    *,
    week: HourlyWeek,
    actor: User,
    reason: str,
    entries: dict[int, int] | None = None,
    add: list[dict[str, Any]] | None = None,
) -> TimeCorrection:
    """The worker asks to change the minutes of a submitted week: a forgotten hour, a typo, or what the
    client asked to correct. Nothing changes until the client accepts (`time_correction_answer`). Answering
    a request for a correction this way hands the week back at once (the acceptance period starts again).
    An unanswered correction never adds time by silence: if the week is approved first, it lapses."""
    if not (reason or "").strip():
        raise DomainError(_("修正の理由を入力してください。"), field="reason")
    limits.check_length(reason, limit=limits.CHANGE_REASON, field="reason")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=week.contract_id)
        _require_worker(contract, actor)
        locked = HourlyWeek.objects.select_for_update().get(pk=week.pk)
        if locked.status not in (WeekStatus.SUBMITTED, WeekStatus.CORRECTION):
            raise InvalidTransition(
                _("提出済みで、まだ承認されていない週だけ修正を申し出られます。")
                if locked.status == WeekStatus.OPEN
                else _(
                    "この週は「%(status)s」のため、修正を申し出られません。"
                    "支払い済みの時間について相談したいときは、相手へのメッセージか運営への仲介の依頼をお使いください。"
                )
                % {"status": locked.get_status_display()},
                code="week_not_correctable",
            )
        if locked.corrections.filter(status=TimeCorrectionStatus.PENDING).exists():
            raise Conflict(
                _("この週には回答待ちの修正の申し出があります。クライアントの回答をお待ちください。")
            )
        changes, before, after = _clean_time_changes(locked, contract, entries=entries or {}, add=add or [])
        correction = TimeCorrection.objects.create(
            week=locked,
            proposed_by=actor,
            changes=changes,
            reason=reason.strip(),
            minutes_before=before,
            minutes_after=after,
        )
        audit_record(
            actor=actor,
            action="time_correction.propose",
            target=correction,
            data={"week": locked.pk, "before": before, "after": after, "changes": changes},
        )
        if locked.status == WeekStatus.CORRECTION:
            _week_mark_resubmitted(locked, contract, actor)
        _notify(
            user=contract.client,
            kind="time_correction_proposed",
            title=_("作業時間の修正の申し出が届きました"),
            body=_("%(start)sからの週: %(before)s分 → %(after)s分。承諾するか見送るかを選んでください。")
            % {"start": _date(locked.week_start), "before": before, "after": after},
            url=_week_url(contract),
        )
    return correction


def time_correction_answer(*, correction: TimeCorrection, actor: User, accept: bool) -> TimeCorrection:
    """The client accepts (the entries change as proposed) or declines (nothing changes). Checked again
    against the week as it is now, so a week approved meanwhile is never changed."""
    with transaction.atomic():
        week = HourlyWeek.objects.get(pk=correction.week_id)
        contract = Contract.objects.select_for_update().get(pk=week.contract_id)
        _require_client(contract, actor)
        locked_week = HourlyWeek.objects.select_for_update().get(pk=week.pk)
        locked = TimeCorrection.objects.select_for_update().get(pk=correction.pk)
        if locked.status != TimeCorrectionStatus.PENDING:
            raise InvalidTransition(_("この修正の申し出にはすでに回答済みです。"), code="already_answered")
        if accept and locked_week.status not in (WeekStatus.SUBMITTED, WeekStatus.CORRECTION):
            raise InvalidTransition(_("この週はすでに承認か仲介に進んだため、修正は反映できません。"))
        if accept:
            _apply_time_changes(locked_week, locked.changes)
        locked.status = TimeCorrectionStatus.ACCEPTED if accept else TimeCorrectionStatus.DECLINED
        locked.responded_by = actor
        locked.responded_at = clock.now()
        locked.save(update_fields=["status", "responded_by", "responded_at", "updated_at"])
        audit_record(
            actor=actor,
            action="time_correction.answer",
            target=locked,
            data={"accepted": accept, "week": locked_week.pk, "minutes": _logged_minutes(locked_week)},
        )
        _notify(
            user=contract.worker,
            kind="time_correction_answered",
            title=_("作業時間の修正が承諾されました") if accept else _("作業時間の修正は見送られました"),
            body=_("%(start)sからの週") % {"start": _date(locked_week.week_start)},
            url=_week_url(contract),
        )
    correction.status = locked.status
    return locked


def _apply_time_changes(week: HourlyWeek, changes: dict[str, Any]) -> None:
    for entry_id, change in (changes.get("entries") or {}).items():
        entry = TimeEntry.objects.select_for_update().get(pk=int(entry_id), week=week)
        if change["to"] == 0:
            entry.delete()
        else:
            entry.minutes = change["to"]
            entry.save(update_fields=["minutes", "updated_at"])
    for item in changes.get("add") or []:
        TimeEntry.objects.create(
            week=week,
            work_date=dt.date.fromisoformat(item["work_date"]),
            minutes=item["minutes"],
            memo=item["memo"],
        )


def week_approve(
    *, week: HourlyWeek, actor: User | None, idempotency_key: str, auto: bool = False
) -> HourlyWeek:
    """The client approves a submitted week (also one she asked to correct, if she is content after all):
    it is billed through escrow (open, fund, release). A correction still waiting for her answer must be
    answered first, so she never approves minutes she has not seen.

    With `auto=True` (actor None) the platform approves a submitted week the client left unanswered for the
    acceptance period after submission, as the written terms promise (`terms.hourly_payment_rule`); a
    pending correction then lapses (silence adds no time). A week without any logged time is closed at ¥0
    with no escrow, the same as when the client approves it."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=week.contract_id)
        if not auto:
            _require_client(contract, actor)
        locked = HourlyWeek.objects.select_for_update().get(pk=week.pk)
        if locked.status == WeekStatus.OPEN:
            raise InvalidTransition(
                _(
                    "この週はまだ提出されていません。ワーカーが提出するか、"
                    "%(closes)sの記録の締め切りのあとに自動で提出されてから承認できます。"
                )
                % {"closes": _date(hourly.logging_closes_on(locked.week_start))},
                code="week_not_submitted",
            )
        allowed = (WeekStatus.SUBMITTED,) if auto else (WeekStatus.SUBMITTED, WeekStatus.CORRECTION)
        if locked.status not in allowed:
            raise InvalidTransition(_("この週はすでに確認済みです。"), code="already_reviewed")
        due = week_auto_approve_at(locked, contract)
        if auto and (due is None or due > clock.now()):
            raise DomainError(_("この週はまだ確認の期間中です。"))
        pending = locked.corrections.filter(status=TimeCorrectionStatus.PENDING).exists()
        if pending and not auto:
            raise Conflict(
                _("この週には作業時間の修正の申し出があります。先に承諾するか見送るかを選んでください。"),
                code="correction_pending",
            )
        minutes = _logged_minutes(locked)
        _week_bill_and_close(
            week=locked,
            contract=contract,
            minutes=minutes,
            amount=week_amount(minutes=minutes, hourly_rate=contract.hourly_rate or 0),
            target=WeekStatus.BILLED,
            actor=actor,
            idempotency_key=idempotency_key,
        )
        _notify(
            user=contract.worker,
            kind="week_approved",
            title=_("作業時間が承認されました"),
            body=_("%(start)s からの週: %(minutes)s分")
            % {"start": locked.week_start, "minutes": locked.billed_minutes}
            + (_("(確認の期間が過ぎたため自動で承認しました)") if auto else "")
            + (_("。回答のなかった修正の申し出は反映していません") if pending else ""),
            url=_contract_url(contract),
        )
        if auto:
            _notify(
                user=contract.client,
                kind="week_auto_approved",
                title=_("確認の期間が過ぎたため、作業時間を自動で承認しました"),
                body=_("%(start)s からの週: %(minutes)s分。お支払いの手続きをお願いします。")
                % {"start": locked.week_start, "minutes": locked.billed_minutes},
                url=_contract_url(contract),
            )
    week.status = locked.status
    return locked


def week_auto_approve_at(week: HourlyWeek, contract: Contract) -> dt.datetime | None:
    """When an unanswered submitted week counts as approved: the contract's acceptance period after it
    was submitted. None while it is not submitted (still open, or the client asked for a correction)."""
    if week.status != WeekStatus.SUBMITTED or week.submitted_at is None:
        return None
    return hourly.auto_approve_at(submitted_at=week.submitted_at, acceptance_days=contract.acceptance_days)


def weeks_auto_approve_due() -> int:
    """Periodic: approve every submitted week of an active hourly contract whose acceptance period has
    passed since submission, and bill it. A silent client never leaves an hourly worker unpaid, and no
    week is approved before the client had the whole period to look at it. Idempotent: the key is fixed
    per week, and a second run finds the week no longer submitted."""
    now = clock.now()
    approved = 0
    candidates = HourlyWeek.objects.filter(
        status=WeekStatus.SUBMITTED,
        submitted_at__isnull=False,
        contract__status=ContractStatus.ACTIVE,
        contract__kind=ContractKind.HOURLY,
    ).select_related("contract")
    for w in candidates:
        due = week_auto_approve_at(w, w.contract)
        if due is None or due > now:
            continue
        try:
            week_approve(week=w, actor=None, idempotency_key=f"week:{w.pk}:auto-approve", auto=True)
        except DomainError:
            # Approved, sent back for a correction or disputed in the meantime: nothing to do for this one.
            continue
        approved += 1
    return approved


def week_sync_release(*, week: HourlyWeek) -> bool:
    """Release a billed week whose bank-transfer funding has since been confirmed."""
    from hataraku.ledger import services as ledger

    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=week.contract_id)
        locked = HourlyWeek.objects.select_for_update().get(pk=week.pk)
        if (
            locked.status not in (WeekStatus.BILLED, WeekStatus.RESOLVED)
            or locked.released_at
            or not locked.escrow_id
        ):
            return False
        if not _escrow_is_funded(locked.escrow, locked.billed_amount):
            return False
        assert locked.escrow is not None
        ledger.escrow_release(
            escrow=locked.escrow,
            amount=locked.billed_amount,
            worker=contract.worker,
            actor=None,
            idempotency_key=f"week:{locked.pk}:release",
        )
        locked.released_at = clock.now()
        locked.save(update_fields=["released_at", "updated_at"])
        audit_record(
            actor=None, action="hourly_week.released", target=locked, data={"amount": locked.billed_amount}
        )
    return True


def weeks_sync_release() -> int:
    moved = 0
    for w in HourlyWeek.objects.filter(
        status__in=[WeekStatus.BILLED, WeekStatus.RESOLVED], released_at__isnull=True, escrow__isnull=False
    ):
        if week_sync_release(week=w):
            moved += 1
    return moved


def _reminder_due_at(week: HourlyWeek) -> dt.datetime | None:
    """When the next reminder about an unpaid billed week may go out."""
    if week.payment_reminded_at is not None:
        return week.payment_reminded_at + dt.timedelta(days=PAYMENT_REMINDER_EVERY_DAYS)
    if week.reviewed_at is not None:
        return week.reviewed_at + dt.timedelta(days=PAYMENT_REMINDER_AFTER_DAYS)
    return None


def weeks_payment_reminders_due() -> int:
    """Remind clients of billed hourly weeks whose bank transfer has not arrived: first
    PAYMENT_REMINDER_AFTER_DAYS after approval, then every PAYMENT_REMINDER_EVERY_DAYS, naming the Freelance
    Act limit (and saying so plainly once it has passed). The worker is told once, at the first reminder,
    that we are following it up. Only weeks that are due are locked, contract first as everywhere else."""
    from .selectors import weeks_payment_late

    now = clock.now()
    sent = 0
    for candidate in weeks_payment_late():
        due = _reminder_due_at(candidate)
        if due is None or now < due:
            continue
        with transaction.atomic():
            contract = Contract.objects.select_for_update().get(pk=candidate.contract_id)
            w = HourlyWeek.objects.select_for_update().get(pk=candidate.pk)
            due = _reminder_due_at(w)
            if w.released_at is not None or due is None or now < due:
                continue
            first = w.payment_reminded_at is None
            w.payment_reminded_at = now
            w.save(update_fields=["payment_reminded_at"])
            audit_record(
                actor=None,
                action="week.payment_reminder",
                target=w,
                data={"amount": w.billed_amount, "limit": w.payment_limit.isoformat()},
            )
            words = {
                "title": contract.title,
                "week": date_format(w.week_start, "DATE_FORMAT"),
                "amount": f"{w.billed_amount:,}",
                "limit": date_format(w.payment_limit, "DATE_FORMAT"),
            }
            if clock.today() > w.payment_limit:
                body = _(
                    "「%(title)s」の%(week)sからの週の報酬 %(amount)s円のお振り込みが、フリーランス法の支払期限"
                    "(%(limit)s)を過ぎても確認できていません。至急お支払いください。運営スタッフからもご連絡します。"
                )
            else:
                body = _(
                    "「%(title)s」の%(week)sからの週の報酬 %(amount)s円のお振り込みが、まだ確認できていません。"
                    "フリーランス法により、%(limit)sまでにお支払いいただく必要があります。"
                    "振込先と受付番号は契約のページにあります。"
                )
            _notify(
                user=contract.client,
                kind="week_payment_reminder",
                title=_("報酬のお振り込みをお願いします"),
                body=body % words,
                url=_contract_url(contract),
            )
            if first:
                _notify(
                    user=contract.worker,
                    kind="week_payment_late",
                    title=_("お支払いが遅れています。運営が確認しています"),
                    body=_(
                        "「%(title)s」の%(week)sからの週の報酬は、依頼者からの入金を待っています。"
                        "依頼者にお知らせし、運営も期限(%(limit)s)まで確認を続けます。"
                    )
                    % words,
                    url=_contract_url(contract),
                )
            sent += 1
    return sent


# --- accommodations (Freelance Act art. 13) -----------------------------------------------------------------


@dataclass(frozen=True)
class AccommodationPreview:
    """Exactly what the client will see of a request: on the contract page, in the notification and its
    e-mail. No reason, ever — the worker's preview page renders this same object."""

    label: str
    milestone_title: str
    previous_due_date: dt.date | None
    requested_due_date: dt.date | None
    notification_title: str
    notification_body: str


def accommodation_preview(
    *,
    contract: Contract,
    actor: User,
    kind: str,
    milestone: Milestone | None = None,
    requested_due_date: dt.date | None = None,
    reason: str = "",
    note: str = "",
    consent_given: bool = False,
) -> AccommodationPreview:
    """Check a request as accommodation_request will, without storing anything, and say what the client
    will see. Raises the same DomainErrors, so the worker corrects the form before the preview."""
    if kind not in AccommodationKind.values:
        raise DomainError(_("お願いの種類を選んでください。"), field="kind")
    if reason and reason not in AccommodationReason.values:
        raise DomainError(_("理由の区分は一覧から選んでください(選ばなくても送れます)。"), field="reason")
    limits.check_length(note.strip(), limit=limits.ACCOMMODATION_NOTE, field="note")
    _require_worker(contract, actor)
    if contract.status not in (ContractStatus.AGREED, ContractStatus.ACTIVE):
        raise InvalidTransition(_("進行中の契約でのみ、お願いできます。"))
    previous_due = None
    if milestone is not None:
        if milestone.contract_id != contract.pk:
            raise NotFound(_("マイルストーンが見つかりません。"))
        previous_due = milestone.due_date
        if kind == AccommodationKind.EXTENSION and (
            requested_due_date is None or requested_due_date <= milestone.due_date
        ):
            raise DomainError(
                _("希望する納期は、今の納期(%(due)s)より後の日付にしてください。")
                % {"due": date_format(milestone.due_date, "DATE_FORMAT")},
                field="requested_due_date",
            )
    elif kind == AccommodationKind.EXTENSION:
        raise DomainError(_("延長するマイルストーンを選んでください。"), field="milestone")
    if requested_due_date is not None:
        check_date(requested_due_date, label=_("希望する納期"), field="requested_due_date")
    _refuse_second_pending_accommodation(contract, milestone)
    if (reason or note.strip()) and not consent_given and not consent_covers(actor, CONSENT_ACCOMMODATION):
        raise DomainError(
            _(
                "理由を添えるには、要配慮個人情報として保存することへの同意が必要です。"
                "同意のチェックを入れるか、理由を空にして送ってください(理由がなくても送れます)。"
            ),
            field="consent",
        )
    label = str(ACCOMMODATION_CLIENT_LABELS[AccommodationKind(kind)])
    if milestone is not None and requested_due_date is not None and previous_due is not None:
        dates = _("「%(m)s」の納期 %(f)s → %(t)s") % {
            "m": milestone.title,
            "f": date_format(previous_due, "MONTH_DAY_FORMAT"),
            "t": date_format(requested_due_date, "MONTH_DAY_FORMAT"),
        }
    elif milestone is not None:
        dates = _("「%(m)s」") % {"m": milestone.title}
    else:
        dates = _("契約全体")
    return AccommodationPreview(
        label=label,
        milestone_title=milestone.title if milestone else "",
        previous_due_date=previous_due,
        requested_due_date=requested_due_date if milestone is not None else None,
        # Only "more time" or "a pause": a word like 配慮 would hint that there is a special reason.
        notification_title=(
            _("納期の延長の希望が届きました")
            if kind == AccommodationKind.EXTENSION
            else _("一時停止の希望が届きました")
        ),
        notification_body=_("「%(title)s」: %(label)s(%(dates)s)。%(days)s日以内に回答してください。")
        % {"title": contract.title, "label": label, "dates": dates, "days": ACCOMMODATION_ANSWER_DAYS},
    )


def _refuse_second_pending_accommodation(contract: Contract, milestone: Milestone | None) -> None:
    """One open request per milestone (or for the whole contract): two pending extensions of the same
    milestone could both be accepted, the second undoing or overtaking the first."""
    pending = (
        AccommodationRequest.objects.filter(
            contract=contract, milestone=milestone, status=AccommodationStatus.PENDING
        )
        .order_by("created_at")
        .first()
    )
    if pending is None:
        return
    words = {"date": date_format(localtime(pending.created_at), "DATE_FORMAT")}
    raise Conflict(
        (
            _(
                "このマイルストーンには、%(date)sに送った回答待ちのお願いがあります。"
                "クライアントの回答を待ってから、あらためてお願いしてください。"
            )
            if milestone is not None
            else _(
                "契約全体について、%(date)sに送った回答待ちのお願いがあります。"
                "クライアントの回答を待ってから、あらためてお願いしてください。"
            )
        )
        % words,
        field="milestone",
        pending_url=f"{_contract_url(contract)}#accommodation-{pending.pk}",
    )


def accommodation_request(
    *,
    contract: Contract,
    actor: User,
    kind: str,
    milestone: Milestone | None = None,
    requested_due_date: dt.date | None = None,
    reason: str = "",
    note: str = "",
    consent_given: bool = False,
) -> AccommodationRequest:
    """The worker asks for an extension or a pause. No reason is needed; the client learns only the kind
    and the dates (accommodation_preview). A reason, if given, is stored encrypted in the profiles app
    under her special-care consent (given now with `consent_given`, or earlier)."""
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        preview = accommodation_preview(
            contract=locked,
            actor=actor,
            kind=kind,
            milestone=milestone,
            requested_due_date=requested_due_date,
            reason=reason,
            note=note,
            consent_given=consent_given,
        )
        request = AccommodationRequest.objects.create(
            contract=locked,
            milestone=milestone,
            requested_by=actor,
            kind=kind,
            requested_due_date=preview.requested_due_date,
            previous_due_date=preview.previous_due_date,
            answer_due_at=clock.now() + dt.timedelta(days=ACCOMMODATION_ANSWER_DAYS),
        )
        if reason or note.strip():
            request.sensitive_reason = sensitive_note_add(
                user=actor,
                subject=f"accommodation:{request.pk}",
                category=reason,
                note=note,
                consent_category=CONSENT_ACCOMMODATION,
                consent_given=consent_given,
            )
            request.save(update_fields=["sensitive_reason", "updated_at"])
        # Neither the reason nor even whether one was given goes into the audit log or to the client.
        audit_record(actor=actor, action="accommodation.request", target=request, data={"kind": kind})
        _notify(
            user=locked.client,
            kind="accommodation_requested",
            title=preview.notification_title,
            body=preview.notification_body,
            url=_contract_url(locked),
        )
    return request


def accommodation_answer(
    *, request: AccommodationRequest, actor: User, accept: bool, message: str = ""
) -> AccommodationRequest:
    """The client answers. Accepting an extension moves the milestone's due date and writes the change as
    an accepted ChangeRequest (proposed by the worker, accepted by the client) with a new terms version."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=request.contract_id)
        _require_client(contract, actor)
        locked = AccommodationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != AccommodationStatus.PENDING:
            raise InvalidTransition(_("このお願いにはすでに回答済みです。"))
        if not accept and not (message or "").strip():
            raise DomainError(_("お断りする場合は、理由や代わりの案を書いてください。"), field="message")
        limits.check_length((message or "").strip(), limit=limits.ACCOMMODATION_ANSWER, field="message")
        if accept and locked.requested_due_date:
            # Requests stored before the date rule could name year 9999; refuse kindly, never overflow.
            check_date(locked.requested_due_date, label=_("希望する納期"), allow_past=True)
        if accept and locked.milestone_id and locked.requested_due_date:
            # The due date may have moved since she asked (an accepted change of terms): the history shows
            # the date it really had when the extension was granted, and an "extension" never shortens it.
            current_due = Milestone.objects.get(pk=locked.milestone_id).due_date
            if locked.requested_due_date <= current_due:
                raise InvalidTransition(
                    _(
                        "納期はすでに%(due)sになっているため、この延長の希望は承諾できません。"
                        "お断りして、ワーカーにその旨を伝えてください。"
                    )
                    % {"due": date_format(current_due, "DATE_FORMAT")}
                )
            locked.previous_due_date = current_due
        now = clock.now()
        locked.status = AccommodationStatus.ACCEPTED if accept else AccommodationStatus.DECLINED
        locked.answered_by = actor
        locked.answered_at = now
        locked.answer_message = (message or "").strip()
        locked.save(
            update_fields=[
                "status",
                "answered_by",
                "answered_at",
                "answer_message",
                "previous_due_date",
                "updated_at",
            ]
        )
        if accept and locked.milestone_id and locked.requested_due_date:
            current = contract.current_terms()
            cr = ChangeRequest.objects.create(
                contract=contract,
                proposed_by=locked.requested_by,
                status=ChangeRequestStatus.ACCEPTED,
                changes={
                    "milestones": {
                        str(locked.milestone_id): {"due_date": locked.requested_due_date.isoformat()}
                    }
                },
                reason=_("納期の延長の希望を承諾したことによる変更"),
                base_version=current.version if current else 0,
                responded_by=actor,
                responded_at=now,
            )
            _apply_changes(contract, cr.changes)
            terms_generate(contract=contract, change_request=cr)
        audit_record(actor=actor, action="accommodation.answer", target=locked, data={"accepted": accept})
        _notify(
            user=contract.worker,
            kind="accommodation_answered",
            title=_("配慮のお願いが承諾されました") if accept else _("配慮のお願いへの回答が届きました"),
            body=locked.answer_message[:200] or contract.title,
            url=_contract_url(contract),
        )
    request.status = locked.status
    return locked


# --- disputes --------------------------------------------------------------------------------------------


def dispute_open(
    *,
    contract: Contract,
    actor: User,
    reason: str,
    milestone: Milestone | None = None,
    week: HourlyWeek | None = None,
) -> Dispute:
    """Either side asks staff to mediate a milestone (with money in escrow) or an open hourly week."""
    if not (reason or "").strip():
        raise DomainError(_("仲介をお願いする理由を入力してください。"), field="reason")
    limits.check_length(reason, limit=limits.DISPUTE_REASON, field="reason")
    if (milestone is None) == (week is None):
        raise DomainError(_("マイルストーンか週のどちらかを選んでください。"))
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        _require_party(locked, actor)
        if milestone is not None:
            m = Milestone.objects.select_for_update().get(pk=milestone.pk)
            if m.contract_id != locked.pk:
                raise NotFound(_("マイルストーンが見つかりません。"))
            if m.status not in DISPUTABLE:
                raise InvalidTransition(
                    _("仮払い済みで、まだ支払われていないマイルストーンだけ仲介を依頼できます。")
                )
            previous = m.status
            dispute = Dispute.objects.create(
                contract=locked, milestone=m, opened_by=actor, reason=reason.strip(), previous_status=previous
            )
            milestone_transition(
                milestone=m, target=MilestoneStatus.DISPUTED, actor=actor, data={"dispute": dispute.pk}
            )
        else:
            assert week is not None
            w = HourlyWeek.objects.select_for_update().get(pk=week.pk)
            if w.contract_id != locked.pk:
                raise NotFound(_("週が見つかりません。"))
            dispute = Dispute.objects.create(
                contract=locked, week=w, opened_by=actor, reason=reason.strip(), previous_status=w.status
            )
            week_transition(week=w, target=WeekStatus.DISPUTED, actor=actor)
        audit_record(
            actor=actor, action="dispute.open", target=dispute, data={"reason": reason.strip()[:500]}
        )
        _notify(
            user=_other_party(locked, actor),
            kind="dispute_opened",
            title=_("運営への仲介の依頼がありました"),
            body=_("「%(title)s」について、運営スタッフが双方のお話を伺います。") % {"title": locked.title},
            url=_contract_url(locked),
        )
    return dispute


def dispute_decide(
    *, dispute: Dispute, actor: User, worker_amount: int, note: str, idempotency_key: str
) -> Dispute:
    """Staff decide how the money is split. For a milestone the escrow is split by the ledger; for an hourly
    week (nothing was escrowed yet) the decided amount is billed like an approved week."""
    from hataraku.ledger import services as ledger

    _require_staff(actor)
    if not (note or "").strip():
        raise DomainError(_("決定の理由を入力してください。"), field="note")
    limits.check_length(note, limit=limits.DISPUTE_DECISION_NOTE, field="note")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=dispute.contract_id)
        locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if locked.status != DisputeStatus.OPEN:
            if locked.worker_amount == worker_amount and locked.decision_note == note.strip():
                # The same decision sent again (a double click, a resent POST): answer the first result,
                # split nothing twice. Another decision on a decided dispute is refused.
                dispute.status = locked.status
                return locked
            raise InvalidTransition(_("この紛争はすでに決定済みです。"), code="already_decided")
        if worker_amount < 0:
            raise DomainError(_("金額は0円以上にしてください。"), field="worker_amount")
        if locked.milestone_id:
            m = Milestone.objects.select_for_update().get(pk=locked.milestone_id)
            if worker_amount > m.amount:
                raise DomainError(
                    _("ワーカーへの支払額は仮払い額(%(amount)s円)以下にしてください。")
                    % {"amount": m.amount},
                    field="worker_amount",
                )
            client_amount = m.amount - worker_amount
            if m.escrow is None or not _escrow_is_funded(m.escrow, m.amount):
                raise DomainError(_("仮払いが確認できないため、分配できません。"))
            ledger.escrow_split(
                escrow=m.escrow,
                worker=contract.worker,
                worker_amount=worker_amount,
                client_amount=client_amount,
                actor=actor,
                idempotency_key=idempotency_key,
            )
            target = MilestoneStatus.RELEASED if worker_amount > 0 else MilestoneStatus.CANCELLED
            # Only a payment has a release time: a full refund is not a payment to the worker.
            paid = {"released_at": clock.now()} if target == MilestoneStatus.RELEASED else {}
            milestone_transition(milestone=m, target=target, actor=actor, data={"dispute": locked.pk}, **paid)
        else:
            assert locked.week_id is not None  # the table constraint: a milestone or a week
            w = HourlyWeek.objects.select_for_update().get(pk=locked.week_id)
            full = week_amount(minutes=_logged_minutes(w), hourly_rate=contract.hourly_rate or 0)
            if worker_amount > full:
                raise DomainError(
                    _("ワーカーへの支払額は記録された時間の金額(%(amount)s円)以下にしてください。")
                    % {"amount": full},
                    field="worker_amount",
                )
            client_amount = 0
            minutes = (worker_amount * 60) // (contract.hourly_rate or 1)
            _week_bill_and_close(
                week=w,
                contract=contract,
                minutes=minutes,
                amount=worker_amount,
                target=WeekStatus.RESOLVED,
                actor=actor,
                idempotency_key=idempotency_key,
            )
        locked.status = DisputeStatus.DECIDED
        locked.decided_by = actor
        locked.decided_at = clock.now()
        locked.worker_amount = worker_amount
        locked.client_amount = client_amount
        locked.decision_note = note.strip()
        locked.save()
        audit_record(
            actor=actor,
            action="dispute.decide",
            target=locked,
            data={"worker_amount": worker_amount, "client_amount": client_amount},
        )
        _maybe_complete(contract, actor)
        for party in (contract.client, contract.worker):
            _notify(
                user=party,
                kind="dispute_decided",
                title=_("仲介の結果をお知らせします"),
                body=note.strip()[:200],
                url=_contract_url(contract),
            )
    dispute.status = locked.status
    return locked
