"""Hourly work: time the worker logs, a week handed to the client (by the worker, or by the tick once
logging closed), the client's request for a correction, and corrections of submitted minutes, which
change only when the client accepts. Approval and payment of a week are in `weeks.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, limits, state
from hataraku.core.audit import audit_record
from hataraku.core.errors import Conflict, DomainError, InvalidTransition
from hataraku.core.notifications import date_param

from .. import hourly as week_calendar
from .. import notices
from ..constants import (
    MAX_WEEK_CORRECTIONS,
    ContractKind,
    ContractStatus,
    TimeCorrectionStatus,
    WeekStatus,
)
from ..hourly import week_start_for
from ..models import Contract, HourlyWeek, TimeCorrection, TimeEntry
from ._common import (
    date_words,
    notify,
    require_client,
    require_worker,
    week_transition,
    week_url,
)


def time_entry_add(
    *, contract: Contract, actor: User, work_date: dt.date, minutes: int, memo: str
) -> TimeEntry:
    """Log time with a memo, for a day from the contract's activation to today, in this week or the one
    before it (`week_calendar.work_date_error`), into a week not yet submitted. Refused over the weekly cap: the
    cap is what the client agreed to pay for. Older or submitted weeks change only through a
    `time_correction_propose` the client accepts."""
    if minutes <= 0 or minutes > 24 * 60:
        raise DomainError(_("作業時間は1分以上、24時間以内で入力してください。"), field="minutes")
    if not (memo or "").strip():
        raise DomainError(_("作業メモを入力してください。"), field="memo")
    limits.check_length(memo, limit=limits.TIME_ENTRY_MEMO, field="memo")
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        require_worker(locked, actor)
        if locked.kind != ContractKind.HOURLY or locked.status != ContractStatus.ACTIVE:
            raise InvalidTransition(_("進行中の時間単価の契約だけ、作業時間を記録できます。"))
        refusal = week_calendar.work_date_error(
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
                % {"start": date_words(week.week_start)},
                code="week_submitted",
            )
        used = logged_minutes(week)
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
    return week_calendar.local_date(contract.activated_at) if contract.activated_at else None


def week_amount(*, minutes: int, hourly_rate: int) -> int:
    """Minutes × rate / 60, rounded down to the yen."""
    return (minutes * hourly_rate) // 60


def logged_minutes(week: HourlyWeek) -> int:
    return sum(week.entries.values_list("minutes", flat=True))


def week_submit(*, week: HourlyWeek, actor: User) -> HourlyWeek:
    """The worker hands a week to the client before logging closes (the tick does it at the end of the
    following week otherwise). From now on the week takes no more time, and the acceptance period runs."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=week.contract_id)
        require_worker(contract, actor)
        if contract.status != ContractStatus.ACTIVE:
            raise InvalidTransition(_("進行中の契約の週だけ提出できます。"))
        locked = HourlyWeek.objects.select_for_update().get(pk=week.pk)
        if locked.status == WeekStatus.OPEN and not locked.entries.exists():
            raise DomainError(_("作業時間の記録がない週は提出できません。"), code="week_empty")
        _week_mark_submitted(locked, contract, actor=actor)
    week.refresh_from_db(fields=["status", "submitted_at"])
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
        data={"minutes": logged_minutes(week), "auto": actor is None},
    )
    words: dict[str, str | int] = {
        "start": date_param(week.week_start),
        "minutes": logged_minutes(week),
        "due": date_param(week_calendar.local_date(week_auto_approve_at(week, contract) or now)),
    }
    notify(user=contract.client, code=notices.WEEK_SUBMITTED, params=words, url=week_url(contract))
    if actor is None:
        notify(user=contract.worker, code=notices.WEEK_AUTO_SUBMITTED, params=words, url=week_url(contract))


def weeks_submit_due() -> int:
    """Periodic: submit every open week whose logging closed (the end of the week after it), so that no
    week waits unsubmitted and unpaid. Idempotent: a submitted week is no longer open."""
    today = clock.today()
    submitted = 0
    candidates = HourlyWeek.objects.filter(
        status=WeekStatus.OPEN,
        contract__status=ContractStatus.ACTIVE,
        contract__kind=ContractKind.HOURLY,
        week_start__lt=week_calendar.oldest_open_week(today),
    ).values_list("pk", "contract_id")
    for week_id, contract_id in candidates:
        with transaction.atomic():
            contract = Contract.objects.select_for_update().get(pk=contract_id)
            w = HourlyWeek.objects.select_for_update().get(pk=week_id)
            if w.status != WeekStatus.OPEN or week_calendar.logging_closes_on(w.week_start) >= today:
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
        require_client(contract, actor)
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
        notify(
            user=contract.worker,
            code=notices.WEEK_CORRECTION_REQUESTED,
            params={"start": date_param(locked.week_start), "note": note.strip()[:200]},
            url=week_url(contract),
        )
    week.refresh_from_db(fields=["status", "correction_note", "correction_count"])
    return locked


def week_resubmit(*, week: HourlyWeek, actor: User) -> HourlyWeek:
    """The worker answers a request for a correction by handing the week back as it is (a correction, if
    any, is proposed with `time_correction_propose`, which resubmits too). The acceptance period starts
    again: the client gets the whole period to look at it once more."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=week.contract_id)
        require_worker(contract, actor)
        locked = HourlyWeek.objects.select_for_update().get(pk=week.pk)
        if locked.status != WeekStatus.CORRECTION:
            raise InvalidTransition(_("修正の依頼があった週だけ、もう一度提出できます。"))
        _week_mark_resubmitted(locked, contract, actor)
    week.refresh_from_db(fields=["status", "submitted_at"])
    return locked


def _week_mark_resubmitted(week: HourlyWeek, contract: Contract, actor: User) -> None:
    week_transition(week=week, target=WeekStatus.SUBMITTED, actor=actor, submitted_at=clock.now())
    due = week_auto_approve_at(week, contract) or clock.now()
    notify(
        user=contract.client,
        code=notices.WEEK_RESUBMITTED,
        params={"start": date_param(week.week_start), "due": date_param(week_calendar.local_date(due))},
        url=week_url(contract),
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
                % {"start": date_words(week.week_start), "end": date_words(week_end)},
                field="work_date",
            )
        # The week itself may be older than last week: that is what a correction is for. The other
        # rules of logging still hold.
        activated_on = contract_activated_on(contract)
        if day > clock.today() or activated_on is None or day < activated_on:
            refusal = week_calendar.work_date_error(
                work_date=day, activated_on=activated_on, today=clock.today()
            )
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
        require_worker(contract, actor)
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
        notify(
            user=contract.client,
            code=notices.TIME_CORRECTION_PROPOSED,
            params={"start": date_param(locked.week_start), "before": before, "after": after},
            url=week_url(contract),
        )
    return correction


def time_correction_answer(*, correction: TimeCorrection, actor: User, accept: bool) -> TimeCorrection:
    """The client accepts (the entries change as proposed) or declines (nothing changes). Checked again
    against the week as it is now, so a week approved meanwhile is never changed."""
    with transaction.atomic():
        week = HourlyWeek.objects.get(pk=correction.week_id)
        contract = Contract.objects.select_for_update().get(pk=week.contract_id)
        require_client(contract, actor)
        locked_week = HourlyWeek.objects.select_for_update().get(pk=week.pk)
        locked = TimeCorrection.objects.select_for_update().get(pk=correction.pk)
        if locked.status != TimeCorrectionStatus.PENDING:
            raise InvalidTransition(_("この修正の申し出にはすでに回答済みです。"), code="already_answered")
        if accept and locked_week.status not in (WeekStatus.SUBMITTED, WeekStatus.CORRECTION):
            raise InvalidTransition(_("この週はすでに承認か仲介に進んだため、修正は反映できません。"))
        if accept:
            _apply_time_changes(locked_week, locked.changes)
        state.transition(
            locked,
            target=TimeCorrectionStatus.ACCEPTED if accept else TimeCorrectionStatus.DECLINED,
            actor=actor,
            action="time_correction.answer",
            fields={"responded_by": actor, "responded_at": clock.now()},
            data={"accepted": accept, "week": locked_week.pk, "minutes": logged_minutes(locked_week)},
            locked=True,
        )
        notify(
            user=contract.worker,
            code=notices.TIME_CORRECTION_ACCEPTED if accept else notices.TIME_CORRECTION_DECLINED,
            params={"start": date_param(locked_week.week_start)},
            url=week_url(contract),
        )
    correction.refresh_from_db(fields=["status", "responded_by", "responded_at"])
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


def week_auto_approve_at(week: HourlyWeek, contract: Contract) -> dt.datetime | None:
    """When an unanswered submitted week counts as approved: the contract's acceptance period after it
    was submitted. None while it is not submitted (still open, or the client asked for a correction)."""
    if week.status != WeekStatus.SUBMITTED or week.submitted_at is None:
        return None
    return week_calendar.auto_approve_at(
        submitted_at=week.submitted_at, acceptance_days=contract.acceptance_days
    )
