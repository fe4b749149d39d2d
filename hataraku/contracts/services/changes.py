"""Changes of agreed terms: one side proposes, the other accepts (a new terms version) or rejects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, limits, state
from hataraku.core.audit import audit_record
from hataraku.core.dates import check_date
from hataraku.core.errors import Conflict, DomainError, InvalidTransition, PermissionDenied
from hataraku.core.money import YEN_INPUT_MAX

from .. import notices
from ..constants import MAX_MILESTONES, ChangeRequestStatus, ContractKind, ContractStatus, MilestoneStatus
from ..models import ChangeRequest, Contract, Milestone
from ._common import contract_url, notify, other_party, require_client, require_party
from .lifecycle import terms_generate


def _clean_changes(contract: Contract, changes: dict[str, Any]) -> dict[str, Any]:
    """Accepts {"milestones": {"<id>": {"due_date": "YYYY-MM-DD", "title": str, "amount": int}}, "add":
    [{"title": str, "amount": int, "due_date": "YYYY-MM-DD"}]}. Amounts change only on milestones not yet
    funded: funded money is already in escrow. Added milestones start unfunded."""
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
    added = [_clean_added(contract, values) for values in (changes.get("add") or [])]
    if added:
        live = contract.milestones.exclude(status=MilestoneStatus.CANCELLED).count()
        if live + len(added) > MAX_MILESTONES:
            raise DomainError(
                _("マイルストーンは1つの契約に%(n)sつまでです。") % {"n": MAX_MILESTONES}, field="title"
            )
        cleaned["add"] = added
    if not cleaned["milestones"] and not added:
        raise DomainError(_("変更する内容を入力してください。"))
    return cleaned


def _clean_added(contract: Contract, values: dict[str, Any]) -> dict[str, Any]:
    """A milestone added to a fixed contract: a title, an amount and a due date, checked as an offer's."""
    if contract.kind != ContractKind.FIXED:
        raise DomainError(_("マイルストーンを追加できるのは固定報酬の契約だけです。"))
    title = str(values.get("title") or "").strip()
    if not title:
        raise DomainError(_("追加するマイルストーンの名前を入力してください。"), field="title")
    limits.check_length(title, limit=limits.MILESTONE_TITLE, field="title")
    amount = values.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or not 1 <= amount <= YEN_INPUT_MAX:
        raise DomainError(_("金額は1円から1億円までにしてください。"), field="amount")
    try:
        due = dt.date.fromisoformat(str(values.get("due_date")))
    except ValueError as exc:
        raise DomainError(_("納期を日付(例: 2026-12-20)で入力してください。"), field="due_date") from exc
    check_date(due, label=_("納期"), field="due_date")
    return {"title": title, "amount": amount, "due_date": due.isoformat()}


def milestone_add_propose(
    *, contract: Contract, actor: User, title: str, amount: int, due_date: dt.date, reason: str = ""
) -> ChangeRequest:
    """The client proposes one more milestone on an active fixed contract. It is a change of the agreed
    terms (Freelance Act art. 3: the new work and its fee in writing), so it becomes a new terms version
    only when the worker accepts; the milestone is then funded like any other."""
    require_client(contract, actor)
    return change_request_propose(
        contract=contract,
        actor=actor,
        changes={"add": [{"title": title, "amount": amount, "due_date": due_date.isoformat()}]},
        reason=reason,
    )


def change_request_propose(
    *, contract: Contract, actor: User, changes: dict[str, Any], reason: str = ""
) -> ChangeRequest:
    """Propose new terms. The proposer consents by proposing; nothing changes until the other side accepts."""
    limits.check_length(reason, limit=limits.CHANGE_REASON, field="reason")
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        require_party(locked, actor)
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
        notify(
            user=other_party(locked, actor),
            code=notices.CHANGE_PROPOSED,
            params={"title": locked.title},
            url=contract_url(locked),
        )
    return cr


def apply_changes(contract: Contract, changes: dict[str, Any]) -> None:
    """Write accepted changes to the milestones (and a fixed contract's total). Inside the caller's atomic."""
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
    added = changes.get("add") or []
    if added:
        last = contract.milestones.order_by("-order").values_list("order", flat=True).first() or 0
        for offset, values in enumerate(added, start=1):
            Milestone.objects.create(
                contract=contract,
                order=last + offset,
                title=values["title"],
                amount=int(values["amount"]),
                due_date=dt.date.fromisoformat(values["due_date"]),
            )
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
        require_party(contract, actor)
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
        data: dict[str, Any] = {"accepted": accept}
        if accept:
            apply_changes(contract, cr.changes)
            terms = terms_generate(contract=contract, change_request=cr)
            data["terms_version"] = terms.version
        state.transition(
            cr,
            target=ChangeRequestStatus.ACCEPTED if accept else ChangeRequestStatus.REJECTED,
            actor=actor,
            action="contract.change_answer",
            fields={"responded_by": actor, "responded_at": clock.now()},
            data=data,
            locked=True,
        )
        notify(
            user=cr.proposed_by,
            code=notices.CHANGE_ACCEPTED if accept else notices.CHANGE_REJECTED,
            params={"title": contract.title},
            url=contract_url(contract),
        )
    change_request.refresh_from_db(fields=["status", "responded_by", "responded_at"])
    return cr
