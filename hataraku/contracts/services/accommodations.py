"""Freelance Act art. 13 (育児介護等と業務の両立への配慮): the worker asks for more time or a pause, with no
reason needed; the client sees only the kind and the dates, and answers within
ACCOMMODATION_ANSWER_DAYS. A reason, if given, is stored encrypted in the profiles app under her
special-care consent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, limits, state
from hataraku.core import notifications as core_notices
from hataraku.core.audit import audit_record
from hataraku.core.dates import check_date
from hataraku.core.errors import Conflict, DomainError, InvalidTransition, NotFound
from hataraku.profiles.constants import CONSENT_ACCOMMODATION
from hataraku.profiles.selectors import consent_covers
from hataraku.profiles.services import sensitive_note_add

from .. import notices
from ..constants import (
    ACCOMMODATION_ANSWER_DAYS,
    ACCOMMODATION_CLIENT_LABELS,
    AccommodationKind,
    AccommodationReason,
    AccommodationStatus,
    ChangeRequestStatus,
    ContractStatus,
)
from ..models import AccommodationRequest, ChangeRequest, Contract, Milestone
from ._common import contract_url, notify, require_client, require_worker
from .changes import apply_changes
from .lifecycle import terms_generate


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
    # The notice the client gets (contracts/notices.py) and its parameters: rendered above, sent as is.
    notice_code: str
    notice_params: dict[str, str | int]


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
    require_worker(contract, actor)
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
    # Plain values only (titles, ISO dates): the notice is worded in the client's language when shown.
    params: dict[str, str | int] = {"title": contract.title, "days": ACCOMMODATION_ANSWER_DAYS}
    if milestone is not None and requested_due_date is not None:
        # An extension always names its milestone and new date (checked above); a pause may.
        code = (
            notices.ACCOMMODATION_EXTENSION_REQUESTED
            if kind == AccommodationKind.EXTENSION
            else notices.ACCOMMODATION_PAUSE_REQUESTED
        )
        params |= {
            "m": milestone.title,
            "f": core_notices.date_param(previous_due) if previous_due else "—",
            "t": core_notices.date_param(requested_due_date),
        }
    elif milestone is not None:
        code = notices.ACCOMMODATION_PAUSE_REQUESTED_MILESTONE
        params["m"] = milestone.title
    else:
        code = notices.ACCOMMODATION_PAUSE_REQUESTED_CONTRACT
    title, body = core_notices.render(code, params)
    return AccommodationPreview(
        label=label,
        milestone_title=milestone.title if milestone else "",
        previous_due_date=previous_due,
        requested_due_date=requested_due_date if milestone is not None else None,
        notification_title=title,
        notification_body=body,
        notice_code=code,
        notice_params=params,
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
        pending_url=f"{contract_url(contract)}#accommodation-{pending.pk}",
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
        notify(
            user=locked.client,
            code=preview.notice_code,
            params=preview.notice_params,
            url=contract_url(locked),
        )
    return request


def accommodation_answer(
    *, request: AccommodationRequest, actor: User, accept: bool, message: str = ""
) -> AccommodationRequest:
    """The client answers. Accepting an extension moves the milestone's due date and writes the change as
    an accepted ChangeRequest (proposed by the worker, accepted by the client) with a new terms version."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=request.contract_id)
        require_client(contract, actor)
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
        state.transition(
            locked,
            target=AccommodationStatus.ACCEPTED if accept else AccommodationStatus.DECLINED,
            actor=actor,
            action="accommodation.answer",
            fields={"answered_by": actor, "answered_at": now, "answer_message": (message or "").strip()},
            data={"accepted": accept},
            locked=True,
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
            apply_changes(contract, cr.changes)
            terms_generate(contract=contract, change_request=cr)
        notify(
            user=contract.worker,
            code=notices.ACCOMMODATION_ACCEPTED if accept else notices.ACCOMMODATION_ANSWERED,
            params={"message": locked.answer_message[:200] or contract.title},
            url=contract_url(contract),
        )
    request.refresh_from_db(fields=["status", "answered_by", "answered_at", "answer_message"])
    return locked
