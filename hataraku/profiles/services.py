"""Every write of the profiles app. Each service validates again (forms are not the only caller), runs in
one transaction and writes its audit row inside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, limits, state
from hataraku.core.audit import audit_record
from hataraku.core.dates import check_date
from hataraku.core.errors import DomainError, NotFound
from hataraku.core.prefectures import BY_CODE
from hataraku.core.validators import normalise_invoice_number, validate_invoice_number

from .availability import Window, week_errors, window_errors
from .constants import (
    CONSENT_ACCESSIBILITY,
    MAX_HOURS_PER_WEEK,
    AccessibilityNeed,
    ClientBlockKind,
    ConsentStatus,
    ExceptionKind,
    SensitiveCategory,
    StaffReadPurpose,
)
from .models import (
    AvailabilityWindow,
    ClientBlock,
    DateException,
    OnboardingChoice,
    SensitiveConsent,
    SensitiveNote,
    SensitiveReasons,
    WorkConditions,
    WorkerProfile,
)

MAX_LIST_ITEMS = 30


def _require_worker(user: User) -> None:
    if not getattr(user, "is_worker", False):
        raise NotFound(_("ワーカーとして登録されていません。"))


def _clean_list(values: Sequence[str], *, field: str, label: str) -> list[str]:
    seen: list[str] = []
    for raw in values:
        item = raw.strip()
        if item and item not in seen:
            seen.append(item)
    if len(seen) > MAX_LIST_ITEMS:
        raise DomainError(
            _("%(label)sは%(n)s件までにしてください。") % {"label": label, "n": MAX_LIST_ITEMS}, field=field
        )
    return seen


def profile_update(
    *,
    user: User,
    display_name: str,
    prefecture: str,
    municipality: str,
    skills: Sequence[str],
    bio: str,
    portfolio_links: Sequence[str],
    qualifications: Sequence[str],
    invoice_number: str,
) -> WorkerProfile:
    _require_worker(user)
    display_name = display_name.strip()
    if not display_name:
        raise DomainError(_("表示名を入力してください。"), field="display_name")
    for field, value, limit in (
        ("display_name", display_name, limits.DISPLAY_NAME),
        ("municipality", municipality.strip(), limits.MUNICIPALITY),
        ("bio", bio.strip(), limits.BIO),
        ("skills", "、".join(skills), limits.PROFILE_SKILLS),
        ("portfolio_links", "\n".join(portfolio_links), limits.PORTFOLIO_LINKS),
        ("qualifications", "\n".join(qualifications), limits.QUALIFICATIONS),
    ):
        limits.check_length(value, limit=limit, field=field)
    if skills_message := limits.skills_error(skills):
        raise DomainError(skills_message, field="skills", code="too_long")
    if prefecture and prefecture not in BY_CODE:
        raise DomainError(
            _("都道府県の選び方が正しくありません。一覧から選んでください。"), field="prefecture"
        )
    links = _clean_list(portfolio_links, field="portfolio_links", label=_("ポートフォリオ"))
    url_ok = URLValidator(schemes=["http", "https"])
    for link in links:
        try:
            url_ok(link)
        except ValidationError as exc:
            raise DomainError(
                _(
                    "「%(link)s」はURLとして読み取れません。https:// から始まるURLを1行に1つずつ入力してください。"
                )
                % {"link": link},
                field="portfolio_links",
            ) from exc
    number = normalise_invoice_number(invoice_number)
    if number:
        try:
            validate_invoice_number(number)
        except ValidationError as exc:
            raise DomainError(str(exc.messages[0]), field="invoice_number") from exc
    with transaction.atomic():
        profile, _created = WorkerProfile.objects.select_for_update().get_or_create(user=user)
        profile.prefecture = prefecture
        profile.municipality = municipality.strip()
        profile.skills = _clean_list(skills, field="skills", label=_("スキル"))
        profile.bio = bio.strip()
        profile.portfolio_links = links
        profile.qualifications = _clean_list(qualifications, field="qualifications", label=_("資格・検定"))
        profile.invoice_number = number
        profile.save()
        if user.display_name != display_name:
            user.display_name = display_name
            user.save(update_fields=["display_name"])
        audit_record(actor=user, action="profiles.profile_update", target=profile)
    return profile


def conditions_update(
    *,
    user: User,
    max_hours_per_week: int | None,
    min_block_minutes: int | None,
    accepts_voice: bool,
    accepts_video: bool,
    no_meetings: bool,
    quiet_start: dt.time | None,
    quiet_end: dt.time | None,
    accessibility_needs: Sequence[str],
    show_accessibility_publicly: bool,
    consent_given: bool = False,
) -> WorkConditions:
    """Accessibility needs are special-care information: stored only under the person's special-care
    consent (given here with `consent_given`, or earlier), encrypted, and never shown to anyone but her
    unless she turns on `show_accessibility_publicly` herself."""
    _require_worker(user)
    needs = sorted(set(accessibility_needs))
    if any(n not in AccessibilityNeed.values for n in needs):
        raise DomainError(_("アクセシビリティの項目は一覧から選んでください。"), field="accessibility")
    if max_hours_per_week is not None and not 0 <= max_hours_per_week <= MAX_HOURS_PER_WEEK:
        raise DomainError(
            _("1週間の上限は0〜168時間の範囲で入力してください(1週間は168時間です)。"),
            field="max_hours_per_week",
        )
    if min_block_minutes is not None and not 1 <= min_block_minutes <= 24 * 60:
        raise DomainError(
            _("最短の作業時間は1〜1440分(24時間)の範囲で入力してください。"), field="min_block_minutes"
        )
    if (quiet_start is None) != (quiet_end is None):
        raise DomainError(
            _("通知を控える時間は、開始と終了の両方を入力してください(使わないときは両方とも空に)。"),
            field="quiet_end",
        )
    if quiet_start is not None and quiet_start == quiet_end:
        raise DomainError(_("通知を控える時間の開始と終了が同じです。"), field="quiet_end")
    with transaction.atomic():
        conditions, _created = WorkConditions.objects.select_for_update().get_or_create(user=user)
        if needs:
            # Also when unchanged: needs migrated from before consent was asked are kept only once she
            # consents (the page shows the consent box until then).
            sensitive_consent_cover(
                user=user, categories=[CONSENT_ACCESSIBILITY], consent_given=consent_given
            )
        conditions.max_hours_per_week = max_hours_per_week
        conditions.min_block_minutes = min_block_minutes
        conditions.accepts_voice = accepts_voice
        conditions.accepts_video = accepts_video
        conditions.no_meetings = no_meetings
        conditions.quiet_start = quiet_start
        conditions.quiet_end = quiet_end
        conditions.accessibility_needs = needs
        # Nothing to show means nothing is shown; the choice is asked again when needs come back.
        conditions.show_accessibility_publicly = bool(needs) and show_accessibility_publicly
        conditions.save()
        audit_record(actor=user, action="profiles.conditions_update", target=conditions)
    return conditions


def availability_replace(*, user: User, windows: Sequence[Window]) -> list[AvailabilityWindow]:
    """Replace the whole week at once, so a half-valid week is never stored."""
    _require_worker(user)
    errors: list[str] = []
    for w in windows:
        errors.extend(window_errors(w))
    if not errors:
        errors = week_errors(windows)
    if errors:
        raise DomainError(errors[0], field="windows", errors=errors)
    with transaction.atomic():
        # Lock the person's conditions row first, so two tabs saving the week at once queue up.
        WorkConditions.objects.select_for_update().get_or_create(user=user)
        AvailabilityWindow.objects.filter(user=user).delete()
        created = AvailabilityWindow.objects.bulk_create(
            AvailabilityWindow(
                user=user, weekday=w.weekday, start=w.start, end=w.end, crosses_midnight=w.crosses_midnight
            )
            for w in windows
        )
        audit_record(actor=user, action="profiles.availability_replace", data={"windows": len(created)})
    return created


def date_exception_add(*, user: User, date: dt.date, kind: str, note: str = "") -> DateException:
    _require_worker(user)
    if kind not in ExceptionKind.values:
        raise DomainError(_("種類を一覧から選んでください。"), field="kind")
    check_date(date, label=_("日付"), field="date")
    limits.check_length(note.strip(), limit=limits.DATE_EXCEPTION_NOTE, field="note")
    with transaction.atomic():
        if DateException.objects.filter(user=user, date=date).exists():
            raise DomainError(
                _("この日付はもう登録されています。変えるときは、いったん削除してから登録してください。"),
                field="date",
            )
        exception = DateException.objects.create(user=user, date=date, kind=kind, note=note.strip())
        audit_record(actor=user, action="profiles.date_exception_add", target=exception)
    return exception


def date_exception_remove(*, user: User, exception_id: int) -> None:
    with transaction.atomic():
        exception = DateException.objects.select_for_update().filter(pk=exception_id, user=user).first()
        if exception is None:
            raise NotFound(_("その予定は見つかりませんでした。"))
        audit_record(actor=user, action="profiles.date_exception_remove", target=exception)
        exception.delete()


# --- 要配慮個人情報 -----------------------------------------------------------------------------------


def sensitive_reasons_save(
    *, user: User, categories: Sequence[str], note: str, consent_given: bool
) -> SensitiveReasons:
    """Store the person's reasons, only after their explicit consent (APPI Art. 20(2)).

    The consent row is written first in the same transaction, so reasons never exist without a consent
    that names at least their categories. Audit rows say *that* something was stored, never what.
    """
    _require_worker(user)
    if not consent_given:
        raise DomainError(
            _(
                "保存するには、内容を読んだうえで「同意する」にチェックを入れてください。何も保存していません。"
            ),
            field="consent",
        )
    chosen = sorted({c for c in categories})
    if not chosen:
        raise DomainError(_("理由を1つ以上選んでください。"), field="categories")
    if any(c not in SensitiveCategory.values for c in chosen):
        raise DomainError(_("理由は一覧から選んでください。"), field="categories")
    note = note.strip()
    limits.check_length(note, limit=limits.SENSITIVE_NOTE, field="note")
    with transaction.atomic():
        consent = sensitive_consent_cover(user=user, categories=chosen, consent_given=True)
        reasons = SensitiveReasons.objects.filter(user=user).first() or SensitiveReasons(user=user)
        reasons.consent = consent
        reasons.categories = chosen
        reasons.note = note
        reasons.save()
        audit_record(actor=user, action="profiles.sensitive_save", target=reasons)
    return reasons


def sensitive_consent_cover(
    *, user: User, categories: Sequence[str], consent_given: bool
) -> SensitiveConsent:
    """The person's active consent that covers `categories`, giving a new one when she ticks the consent
    box now. Call inside the transaction that stores the special-care data, so the data never exists
    without a consent naming it. A new consent row names everything the latest one covered plus the new
    categories, so one withdrawal still erases everything."""
    version = settings.HATARAKU_SENSITIVE_CONSENT_VERSION
    latest = (
        SensitiveConsent.objects.select_for_update()
        .filter(user=user, status=ConsentStatus.GIVEN)
        .order_by("-given_at", "-id")
        .first()
    )
    if latest is not None and latest.policy_version == version and set(categories) <= set(latest.categories):
        return latest
    if not consent_given:
        raise DomainError(
            _(
                "この内容を保存するには、要配慮個人情報の扱いについての説明を読み、「同意する」にチェックを入れてください。何も保存していません。"
            ),
            field="consent",
        )
    covered = set(latest.categories) if latest is not None and latest.policy_version == version else set()
    consent = SensitiveConsent(user=user, given_at=clock.now(), policy_version=version)
    consent.categories = sorted(covered | set(categories))
    consent.save()
    audit_record(
        actor=user, action="profiles.sensitive_consent_give", target=consent, data={"policy_version": version}
    )
    return consent


def sensitive_note_add(
    *, user: User, subject: str, category: str, note: str, consent_category: str, consent_given: bool
) -> SensitiveNote:
    """Store a special-care reason another app attaches to one of its rows (see SensitiveNote). Runs
    inside the caller's transaction; the caller keeps only the returned row's id."""
    _require_worker(user)
    note = note.strip()
    limits.check_length(note, limit=limits.SENSITIVE_NOTE, field="note")
    with transaction.atomic():
        consent = sensitive_consent_cover(
            user=user, categories=[consent_category], consent_given=consent_given
        )
        record = SensitiveNote(user=user, consent=consent, subject=subject)
        record.category = category
        record.note = note
        record.save()
        audit_record(
            actor=user, action="profiles.sensitive_note_add", target=record, data={"subject": subject}
        )
    return record


def sensitive_consent_withdraw(*, user: User) -> int:
    """Withdraw every active consent and erase everything it covered: the reasons, the reasons attached to
    accommodation requests (their requests stay, without a reason), and the accessibility needs. Returns
    how many consents were withdrawn."""
    with transaction.atomic():
        consents = list(
            SensitiveConsent.objects.select_for_update().filter(user=user, status=ConsentStatus.GIVEN)
        )
        if not consents:
            raise DomainError(_("撤回できる同意はありません。"), code="nothing_to_withdraw")
        deleted, _detail = SensitiveReasons.objects.filter(user=user).delete()
        # AccommodationRequest.sensitive_reason is SET_NULL: the request itself stays for the contract.
        notes_deleted, _detail = SensitiveNote.objects.filter(user=user).delete()
        for conditions in WorkConditions.objects.select_for_update().filter(user=user):
            conditions.accessibility_needs = []
            conditions.show_accessibility_publicly = False
            conditions.save(
                update_fields=["accessibility_needs", "show_accessibility_publicly", "updated_at"]
            )
        moment = clock.now()
        for consent in consents:
            # Which categories were consented to is itself special-care information: withdrawal removes it
            # too, keeping only who consented, when, to which policy version, and when it was withdrawn.
            state.transition(
                consent,
                target=ConsentStatus.WITHDRAWN,
                actor=user,
                action="profiles.sensitive_consent_withdrawn",
                fields={"withdrawn_at": moment, "categories": []},
                refusal=_("この同意は撤回できません。"),
                locked=True,
            )
        audit_record(
            actor=user,
            action="profiles.sensitive_withdraw",
            target=user,
            data={
                "consents": len(consents),
                "reasons_deleted": bool(deleted),
                "notes_deleted": notes_deleted,
            },
        )
    return len(consents)


@dataclass(frozen=True)
class StaffReading:
    """What the audited staff view shows: the reasons and the reasons given with accommodation requests.
    Accessibility needs and date-exception notes are not in it: they are only for the person herself."""

    reasons: SensitiveReasons | None
    notes: list[SensitiveNote]


def sensitive_reasons_staff_read(
    *, staff: User, worker_id: int, purpose: str, detail: str = ""
) -> StaffReading:
    """The only way staff read someone's special-care information. Called from a POST that states why;
    every read, even of nothing, leaves an audit row with the purpose (never the content)."""
    if not getattr(staff, "is_staff", False):
        raise NotFound(_("見つかりませんでした。"))
    if purpose not in StaffReadPurpose.values:
        raise DomainError(_("閲覧する目的を一覧から選んでください。"), field="purpose")
    detail = detail.strip()
    if len(detail) > 200:
        raise DomainError(_("目的の説明は200文字以内にしてください。"), field="detail")
    worker = get_user_model().objects.filter(pk=worker_id, is_worker=True).first()
    if worker is None:
        raise NotFound(_("見つかりませんでした。"))
    with transaction.atomic():
        reasons = SensitiveReasons.objects.select_related("consent").filter(user=worker).first()
        notes = list(SensitiveNote.objects.filter(user=worker).order_by("-created_at", "-id"))
        audit_record(
            actor=staff,
            action="profiles.sensitive_read",
            target=worker,
            data={"found": reasons is not None or bool(notes), "purpose": purpose, "detail": detail},
        )
    return StaffReading(reasons=reasons, notes=notes)


def onboarding_skip(*, user: User) -> OnboardingChoice:
    """Hide the first-steps guide from the worker's dashboard. Asking twice changes nothing (the first
    moment is kept)."""
    _require_worker(user)
    with transaction.atomic():
        choice, created = OnboardingChoice.objects.get_or_create(
            user=user, defaults={"skipped_at": clock.now()}
        )
        if created:
            audit_record(actor=user, action="profiles.onboarding_skip", target=choice)
    return choice


def onboarding_resume(*, user: User) -> None:
    """Show the first-steps guide again, at the step the person has reached."""
    _require_worker(user)
    with transaction.atomic():
        deleted, _rows = OnboardingChoice.objects.filter(user=user).delete()
        if deleted:
            audit_record(actor=user, action="profiles.onboarding_resume", target=user)


def availability_visibility_set(*, user: User, hidden: bool, directory_hidden: bool = False) -> WorkerProfile:
    """Whether clients see her hours per week and times of day on her proposals (「非公開」 when hidden),
    and whether she is listed in the worker directory clients invite from."""
    _require_worker(user)
    with transaction.atomic():
        profile, _created = WorkerProfile.objects.select_for_update().get_or_create(user=user)
        profile.availability_hidden = hidden
        profile.directory_hidden = directory_hidden
        profile.save(update_fields=["availability_hidden", "directory_hidden"])
        audit_record(
            actor=user,
            action="profiles.availability_visibility",
            target=profile,
            data={"hidden": hidden, "directory_hidden": directory_hidden},
        )
    return profile


def client_block_set(*, worker: User, client_id: int, kind: str) -> ClientBlock:
    """Hide a client's jobs from her lists, or stop his messages (`kind`). Asking twice keeps the first
    row. The client is not told (nothing is sent to him): he only finds he cannot write or invite."""
    _require_worker(worker)
    if kind not in ClientBlockKind.values:
        raise NotFound()
    client = get_user_model().objects.filter(pk=client_id, is_client=True).exclude(pk=worker.pk).first()
    if client is None:
        raise NotFound(_("見つかりませんでした。"))
    with transaction.atomic():
        block, created = ClientBlock.objects.get_or_create(
            worker=worker, client=client, kind=kind, defaults={"created_at": clock.now()}
        )
        if created:
            audit_record(actor=worker, action="profiles.client_block_set", target=block, data={"kind": kind})
    return block


def client_block_remove(*, worker: User, block_id: int) -> ClientBlock:
    """「元に戻す」: only her own row; anyone else's id is 404, the same as a missing one."""
    with transaction.atomic():
        block = ClientBlock.objects.select_related("client").filter(pk=block_id, worker=worker).first()
        if block is None:
            raise NotFound()
        audit_record(
            actor=worker,
            action="profiles.client_block_remove",
            target=block,
            data={"kind": block.kind, "client_id": block.client_id},
        )
        block.delete()
    return block
