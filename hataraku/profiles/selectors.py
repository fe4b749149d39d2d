"""Reads with rules. Other apps rely on `next_allowed_notification_time` (messaging holds e-mail back with
it); the rest serve this app's views."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.accounts.selectors import verified_user_ids
from hataraku.core import clock
from hataraku.core.errors import NotFound

from .availability import band_label, day_bands, format_total, total_minutes
from .constants import CareReason, ClientBlockKind, ConsentStatus
from .models import (
    AvailabilityWindow,
    ClientBlock,
    DateException,
    SensitiveConsent,
    SensitiveNote,
    SensitiveReasons,
    WorkConditions,
    WorkerProfile,
)


def profile_for(user: User) -> WorkerProfile | None:
    return WorkerProfile.objects.filter(user=user).first()


def conditions_for(user: User) -> WorkConditions | None:
    return WorkConditions.objects.filter(user=user).first()


def availability_for(user: User) -> list[AvailabilityWindow]:
    """The person's weekly windows, Monday first, in Asia/Tokyo wall-clock times."""
    return list(AvailabilityWindow.objects.filter(user=user).order_by("weekday", "start", "id"))


def weekly_available_minutes(user: User) -> int:
    return total_minutes(availability_for(user))


@dataclass(frozen=True)
class AvailabilitySummary:
    """What a client may see of a worker's week: hours per week and the bands of the day. Built from the
    windows' times only — never reasons, consent or accessibility details."""

    hidden: bool
    minutes: int
    bands: tuple[str, ...]

    @property
    def hours_label(self) -> str:
        return format_total(self.minutes)

    @property
    def band_labels(self) -> list[str]:
        return [band_label(b) for b in self.bands]


def availability_summaries(user_ids: Iterable[int]) -> dict[int, AvailabilitySummary]:
    """One summary per id, in two queries whatever the number of people (for lists of proposals)."""
    ids = set(user_ids)
    if not ids:
        return {}
    hidden = set(
        WorkerProfile.objects.filter(user_id__in=ids, availability_hidden=True).values_list(
            "user_id", flat=True
        )
    )
    windows: dict[int, list[AvailabilityWindow]] = {}
    for w in AvailabilityWindow.objects.filter(user_id__in=ids - hidden).only(
        "user_id", "weekday", "start", "end", "crosses_midnight"
    ):
        windows.setdefault(w.user_id, []).append(w)
    result: dict[int, AvailabilitySummary] = {}
    for uid in ids:
        if uid in hidden:
            result[uid] = AvailabilitySummary(hidden=True, minutes=0, bands=())
        else:
            ws = windows.get(uid, [])
            result[uid] = AvailabilitySummary(
                hidden=False, minutes=total_minutes(ws), bands=tuple(day_bands(ws))
            )
    return result


def availability_summary(user_id: int) -> AvailabilitySummary:
    return availability_summaries([user_id])[user_id]


@dataclass(frozen=True)
class DirectoryRow:
    user: User
    profile: WorkerProfile
    verified: bool
    summary: AvailabilitySummary


DIRECTORY_LIMIT = 50


def worker_directory(
    *,
    skill: str = "",
    prefecture: str = "",
    band: str = "",
    verified_only: bool = False,
    client_id: int | None = None,
    availability_shown_only: bool = False,
    limit: int = DIRECTORY_LIMIT,
) -> list[DirectoryRow]:
    """Workers a client may invite, newest profile first, at most DIRECTORY_LIMIT. A worker who left the
    directory never appears, nor one who hid this client (`client_id`). The band filter reads only summaries she shows: a hidden summary matches no
    band, so the filter cannot reveal her times. Four queries whatever the number of rows."""
    qs = WorkerProfile.objects.select_related("user").filter(
        directory_hidden=False, user__is_active=True, user__is_worker=True
    )
    if client_id is not None:
        qs = qs.exclude(user_id__in=workers_blocking(client_id)).exclude(user_id=client_id)
    if availability_shown_only:
        qs = qs.filter(availability_hidden=False)
    if prefecture:
        qs = qs.filter(prefecture=prefecture)
    if skill.strip():
        qs = qs.filter(skills__icontains=skill.strip())
    profiles = list(qs.order_by("-updated_at", "-id")[: limit * 4])
    ids = {p.user_id for p in profiles}
    verified = verified_user_ids(ids)
    summaries = availability_summaries(ids)
    rows = [
        DirectoryRow(user=p.user, profile=p, verified=p.user_id in verified, summary=summaries[p.user_id])
        for p in profiles
        if (not verified_only or p.user_id in verified) and (not band or band in summaries[p.user_id].bands)
    ]
    return rows[:limit]


@dataclass(frozen=True)
class TimeFacts:
    """What the matching app's feasibility needs of one worker's time, read for many workers at once:
    weekly windows, dates she cannot work (never their notes) and her work conditions."""

    windows: tuple[AvailabilityWindow, ...]
    days_off: frozenset[dt.date]
    conditions: WorkConditions | None


def time_facts_many(user_ids: Iterable[int], *, from_date: dt.date) -> dict[int, TimeFacts]:
    """Three queries whatever the number of workers. Accessibility needs are not read (deferred, never
    decrypted): a client-side ranking must not depend on them."""
    ids = set(user_ids)
    windows: dict[int, list[AvailabilityWindow]] = {}
    for w in AvailabilityWindow.objects.filter(user_id__in=ids).order_by("weekday", "start", "id"):
        windows.setdefault(w.user_id, []).append(w)
    days: dict[int, set[dt.date]] = {}
    for uid, day in DateException.objects.filter(user_id__in=ids, date__gte=from_date).values_list(
        "user_id", "date"
    ):
        days.setdefault(uid, set()).add(day)
    conditions = {
        c.user_id: c for c in WorkConditions.objects.filter(user_id__in=ids).defer("accessibility_needs")
    }
    return {
        uid: TimeFacts(tuple(windows.get(uid, ())), frozenset(days.get(uid, ())), conditions.get(uid))
        for uid in ids
    }


def date_exceptions_for(user: User, *, from_date: dt.date | None = None) -> QuerySet[DateException]:
    qs = DateException.objects.filter(user=user)
    if from_date is not None:
        qs = qs.filter(date__gte=from_date)
    return qs.order_by("date")


def quiet_hours_for(user: User) -> list[tuple[dt.time, dt.time]]:
    """Periods (Asia/Tokyo wall clock) in which the person asked not to be notified. A period whose end
    is before its start runs past midnight. Empty when the person set none."""
    row = WorkConditions.objects.filter(user=user).values_list("quiet_start", "quiet_end").first()
    if row is None or row[0] is None or row[1] is None or row[0] == row[1]:
        return []
    return [(row[0], row[1])]


def _quiet_end_after(local: dt.datetime, start: dt.time, end: dt.time) -> dt.datetime | None:
    """If `local` falls in the quiet period, the moment that period ends; else None."""
    t = local.time().replace(tzinfo=None)
    day = local.date()
    if start < end:
        if start <= t < end:
            return dt.datetime.combine(day, end, tzinfo=clock.TOKYO)
        return None
    # Runs past midnight: 22:00–07:00 covers 22:00–24:00 today and 00:00–07:00.
    if t >= start:
        return dt.datetime.combine(day + dt.timedelta(days=1), end, tzinfo=clock.TOKYO)
    if t < end:
        return dt.datetime.combine(day, end, tzinfo=clock.TOKYO)
    return None


def next_allowed_notification_time(user: User, at: dt.datetime) -> dt.datetime:
    """`at` itself if the person may be notified then, else the end of their quiet period (aware, Tokyo).

    Quiet hours are wall-clock times in Japan, whatever zone `at` comes in.
    """
    if at.tzinfo is None:
        raise ValueError("next_allowed_notification_time needs an aware datetime")
    periods = quiet_hours_for(user)
    if not periods:
        return at
    moment = at.astimezone(clock.TOKYO)
    moved = False
    # Periods may touch (22:00–01:00 and 01:00–07:00); follow them until we land outside all of them.
    for _step in range(len(periods) + 1):
        ends = [e for e in (_quiet_end_after(moment, s, en) for s, en in periods) if e is not None]
        if not ends:
            break
        moment = max(ends)
        moved = True
    return moment if moved else at


# --- completeness -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    done: int
    total: int
    missing: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return (self.done * 100) // self.total if self.total else 100


def has_profile_basics(profile: WorkerProfile | None) -> bool:
    """Enough for a client to judge a proposal: where she lives, what she can do, a few words about
    herself. The first-steps guide counts the profile step done from this (`profiles_with_basics` is the
    same rule in SQL; a test keeps the two in step)."""
    return bool(profile and profile.prefecture and profile.skills and profile.bio.strip())


def profiles_with_basics() -> QuerySet[WorkerProfile]:
    return WorkerProfile.objects.exclude(prefecture="").exclude(skills=[]).filter(bio__regex=r"\S")


def profile_completeness(user: User, *, profile: WorkerProfile | None = None) -> Completeness:
    """How much of the profile clients look at is filled in; 10 items, 10 % each. A caller that has
    already read the profile passes it (one query fewer)."""
    profile = profile if profile is not None else profile_for(user)
    conditions = conditions_for(user)
    has_windows = AvailabilityWindow.objects.filter(user=user).exists()
    checks: list[tuple[bool, str]] = [
        (bool(user.display_name), _("表示名")),
        (bool(profile and profile.prefecture), _("都道府県")),
        (bool(profile and profile.municipality), _("市区町村")),
        (bool(profile and profile.skills), _("スキル")),
        (bool(profile and profile.bio.strip()), _("自己紹介")),
        (bool(profile and profile.portfolio_links), _("ポートフォリオ")),
        (bool(profile and profile.qualifications), _("資格・検定")),
        (has_windows, _("働ける時間帯")),
        (bool(conditions and conditions.max_hours_per_week is not None), _("1週間に働ける時間の上限")),
        (bool(conditions and conditions.min_block_minutes is not None), _("続けて作業できる最短の時間")),
    ]
    return Completeness(
        done=sum(1 for ok, _label in checks if ok),
        total=len(checks),
        missing=[label for ok, label in checks if not ok],
    )


# --- public profile and sensitive data ----------------------------------------------------------------


@dataclass(frozen=True)
class PublicProfile:
    """What anyone logged in may see about a worker. Built field by field so that nothing sensitive can
    slip in by adding a model field."""

    user_id: int
    display_name: str
    prefecture: str
    skills: list[str]
    bio: str
    portfolio_links: list[str]
    qualifications: list[str]
    invoice_registered: bool
    accessibility_needs: list[str]


def access_public_profile(viewer: User, worker_id: int) -> PublicProfile:
    """404 alike for a missing user, a non-worker, a deleted account, or an anonymous viewer."""
    if not getattr(viewer, "is_authenticated", False):
        raise NotFound()
    worker = (
        get_user_model()
        .objects.filter(pk=worker_id, is_worker=True, is_active=True, deleted_at__isnull=True)
        .first()
    )
    if worker is None:
        raise NotFound()
    profile = profile_for(worker)
    # Accessibility needs are decrypted here only when she herself chose to show them.
    show_a11y = WorkConditions.objects.filter(user=worker, show_accessibility_publicly=True).exists()
    needs = (
        WorkConditions.objects.filter(user=worker).values_list("accessibility_needs", flat=True).first()
        if show_a11y
        else None
    )
    return PublicProfile(
        user_id=worker.pk,
        display_name=worker.name_for_display,
        prefecture=profile.get_prefecture_display() if profile and profile.prefecture else "",
        skills=list(profile.skills) if profile else [],
        bio=profile.bio if profile else "",
        portfolio_links=list(profile.portfolio_links) if profile else [],
        qualifications=list(profile.qualifications) if profile else [],
        invoice_registered=bool(profile and profile.invoice_registered),
        accessibility_needs=list(needs or []),
    )


def own_sensitive_reasons(user: User) -> SensitiveReasons | None:
    """The person's own reasons, for their own page. Staff use services.sensitive_reasons_staff_read."""
    return SensitiveReasons.objects.filter(user=user).first()


def active_consent(user: User) -> SensitiveConsent | None:
    return (
        SensitiveConsent.objects.filter(user=user, status=ConsentStatus.GIVEN).order_by("-given_at").first()
    )


def sensitive_note_label(category: str) -> str:
    """The words for a stored reason category; an empty category (only a note) reads as a dash."""
    if category in CareReason.values:
        return str(CareReason(category).label)
    return "—"


def own_sensitive_notes(user: User) -> list[SensitiveNote]:
    """The reasons the person gave with accommodation requests, decrypted for her own page."""
    return list(SensitiveNote.objects.filter(user=user).order_by("-created_at", "-id"))


def consent_covers(user: User, category: str) -> bool:
    """Whether the person's latest active special-care consent, at the current policy version, covers
    `category` — the same test services.sensitive_consent_cover makes before storing."""
    latest = (
        SensitiveConsent.objects.filter(user=user, status=ConsentStatus.GIVEN)
        .order_by("-given_at", "-id")
        .first()
    )
    return (
        latest is not None
        and latest.policy_version == settings.HATARAKU_SENSITIVE_CONSENT_VERSION
        and category in (latest.categories or [])
    )


# --- clients a worker hid or stopped (issue 10 item 7) ----------------------------------------------


def hidden_client_ids(worker_id: int | None, kind: str = ClientBlockKind.JOBS) -> QuerySet[ClientBlock, Any]:
    """The ids of clients the worker hid (for `kind`), as a subquery: `.exclude(client_id__in=…)`. Not
    correlated with the outer row, so the database reads it once per query (an empty index range for a
    worker who hid no one) instead of once per job."""
    return ClientBlock.objects.filter(worker_id=worker_id, kind=kind).values("client_id")


def workers_blocking(client_id: int) -> QuerySet[ClientBlock, Any]:
    """The ids of workers who hid this client or stopped his messages (either: he cannot invite them)."""
    return ClientBlock.objects.filter(client_id=client_id).values("worker_id")


def block_kinds(worker_id: int, client_id: int) -> dict[str, int]:
    """What the worker stopped from this client: ClientBlockKind value → the row's id (for 「元に戻す」)."""
    rows = ClientBlock.objects.filter(worker_id=worker_id, client_id=client_id).values_list("kind", "pk")
    return dict(rows)


def is_blocked(*, worker_id: int, client_id: int, kind: str | None = None) -> bool:
    """Whether the worker stopped `kind` (or anything, when None) from this client."""
    qs = ClientBlock.objects.filter(worker_id=worker_id, client_id=client_id)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.exists()


def client_blocks_for(worker: User) -> list[ClientBlock]:
    """Her own list for the settings page, newest first, with the client's name loaded."""
    return list(ClientBlock.objects.filter(worker=worker).select_related("client"))
