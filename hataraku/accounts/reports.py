"""Anyone signed in can tell staff about a user, a job or a message; staff resolve each report with a note.

The report lives here, in accounts, because accounts is below every app whose things can be reported, and
an app may import only the apps below it (pyproject `[tool.importlinter]`). The target is therefore
generic (content type + id), and each app registers, in its `AppConfig.ready`, how one of its things is
found for a reporter and described to staff (the port):

    reports.register("job", model="jobs.job", find=_job_for_report)

`find(reporter, id)` returns a `ReportTarget` or raises `NotFound` alike for a missing thing and for one
the reporter cannot see, so a report form never reveals what exists. Accounts registers "user" itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hataraku.core import clock, limits, state
from hataraku.core import notifications as notices
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, NotFound

from . import notices as account_notices
from .constants import ReportCategory, ReportStatus
from .models import Report, User


@dataclass(frozen=True)
class ReportTarget:
    obj: Any
    label: str  # what staff and the reporter see: a job's title, a person's name, a message's first words
    owner: Any | None  # the person behind it
    staff_url: str = ""  # where staff look at it (a thread opens only after its audited staff read)


Finder = Callable[[Any, int], ReportTarget]


@dataclass(frozen=True)
class _Kind:
    model: str
    find: Finder


_KINDS: dict[str, _Kind] = {}


def register(kind: str, *, model: str, find: Finder) -> None:
    """Called once per kind at start-up by the app that owns the model (`"jobs.job"`)."""
    _KINDS[kind] = _Kind(model=model.lower(), find=find)


def kinds() -> list[str]:
    return sorted(_KINDS)


def find_target(kind: str, reporter: Any, target_id: int) -> ReportTarget:
    entry = _KINDS.get(kind)
    if entry is None or not getattr(reporter, "is_authenticated", False):
        raise NotFound()
    return entry.find(reporter, target_id)


def model_of(kind: str) -> type[Any]:
    return apps.get_model(_KINDS[kind].model)


def _user_for_report(reporter: Any, user_id: int) -> ReportTarget:
    person = User.objects.filter(pk=user_id, is_active=True, deleted_at__isnull=True).first()
    if person is None or person.pk == reporter.pk:
        raise NotFound()
    return ReportTarget(
        obj=person,
        label=person.name_for_display,
        owner=person,
        staff_url=reverse("accounts:staff_person", args=[person.pk]),
    )


register("user", model="accounts.user", find=_user_for_report)


# --- writes ---------------------------------------------------------------------------------------------


def report_submit(*, reporter: User, kind: str, target_id: int, category: str, body: str = "") -> Report:
    """File a report. A second report by the same person on the same target while the first is still open
    returns the first (a double press, or a second thought, adds nothing to staff's queue)."""
    target = find_target(kind, reporter, target_id)
    if category not in ReportCategory.values:
        raise DomainError(_("報告の理由を選んでください。"), field="category")
    body = (body or "").strip()
    limits.check_length(body, limit=limits.REPORT_BODY, field="body")
    if category == ReportCategory.OTHER and not body:
        raise DomainError(_("「その他」を選んだときは、くわしい内容を書いてください。"), field="body")
    content_type = ContentType.objects.get_for_model(model_of(kind))
    open_one = Report.objects.filter(
        reporter=reporter, target_type=content_type, target_id=target.obj.pk, status=ReportStatus.OPEN
    )
    existing = open_one.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter,
                target_kind=kind,
                target_type=content_type,
                target_id=target.obj.pk,
                target_label=target.label[:200],
                target_url=target.staff_url[:300],
                target_user=target.owner,
                category=category,
                body=body,
            )
            audit_record(
                actor=reporter,
                action="report.submit",
                target=report,
                data={"kind": kind, "target": target.obj.pk, "category": category},
            )
    except IntegrityError:
        # The same person's second press committed first (the unique open-report constraint).
        report = open_one.get()
    return report


def report_resolve(*, report: Report, actor: User, note: str) -> Report:
    """Staff close a report with a note of what they did. The reporter is told it was looked at (not
    what was decided about someone else: that is the other person's business)."""
    if not getattr(actor, "is_staff", False):
        raise NotFound()
    note = (note or "").strip()
    if not note:
        raise DomainError(_("どう対応したかをメモに書いてください。"), field="note")
    limits.check_length(note, limit=limits.REPORT_RESOLUTION_NOTE, field="note")
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        state.transition(
            locked,
            target=ReportStatus.RESOLVED,
            actor=actor,
            action="report.resolve",
            fields={"resolved_by": actor, "resolved_at": clock.now(), "resolution_note": note},
            refusal=_("この報告はすでに対応済みです。"),
            locked=True,
        )
        if locked.reporter is not None and locked.reporter.deleted_at is None:
            notices.notify(
                user=locked.reporter,
                code=account_notices.REPORT_RESOLVED,
                params={"target": locked.target_label},
                email=False,
            )
    return locked
