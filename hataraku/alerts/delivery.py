"""The clock's part of alerts: find new jobs for every saved search with alerts on, then tell her — in-app
and/or by e-mail, at once or in one daily digest, never inside her quiet hours.

Idempotent, so the minute tick and the task enqueued when a job is published may both run, twice or at
once: a job is recorded once per saved search (`AlertMatch`, unique), the in-app notice is made in the same
transaction that claims the rows (`delivered_at` by a conditional update), and an e-mail is claimed the same
way (`emailed_at`) and sent after that transaction commits; if the mail server refuses, the claim is
released and the next run sends it (at least once towards SMTP, exactly once in the database).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from hataraku.core import clock
from hataraku.core import notifications as notices
from hataraku.core.site import SITE_NAME, site_url
from hataraku.jobs import selectors as job_selectors
from hataraku.jobs.models import Job

from . import selectors
from .constants import LOOKBACK, MAX_JOBS_PER_MAIL, Frequency
from .models import AlertMatch, SavedSearch
from .notices import NEW_JOBS
from .schedule import due_for, email_allowed, quiet_now
from .services import unsubscribe_token

logger = logging.getLogger(__name__)


def alerts_run_due(*, at: dt.datetime | None = None) -> dict[str, int]:
    """The minute tick's job: find, then deliver what is due."""
    moment = at or clock.now()
    found = alerts_collect(at=moment)
    told = alerts_deliver_due(at=moment)
    mailed = alert_emails_send_due(at=moment)
    return {"found": found, "told": told, "mailed": mailed}


def alerts_collect(*, at: dt.datetime | None = None, job_ids: Iterable[int] | None = None) -> int:
    """Record the new jobs of every saved search with alerts on; returns how many (search, job) were new.
    `job_ids` narrows to jobs just published (the task); the tick looks at everything since each search's
    start, at most LOOKBACK back (a job whose index entry lagged is found on a later run)."""
    moment = at or clock.now()
    ids = list(job_ids) if job_ids is not None else None
    searches = (
        SavedSearch.objects.filter(alerts_on=True, worker__is_active=True, worker__deleted_at__isnull=True)
        .select_related("worker")
        .order_by("pk")
    )
    recorded = 0
    for search in searches:
        since = max(search.alerts_since, moment - LOOKBACK)
        new = selectors.new_jobs_for(search, since=since, job_ids=ids)
        if not new:
            continue
        due = due_for(search, moment)
        with transaction.atomic():
            made = AlertMatch.objects.bulk_create(
                [AlertMatch(saved_search=search, job_id=j, found_at=moment, due_at=due) for j in new],
                ignore_conflicts=True,
            )
        recorded += len(made)
    return recorded


def alerts_deliver_due(*, at: dt.datetime | None = None) -> int:
    """Tell each saved search's worker about its due jobs; returns how many in-app notices were made."""
    moment = at or clock.now()
    search_ids = (
        AlertMatch.objects.filter(delivered_at__isnull=True, due_at__lte=moment)
        .values_list("saved_search_id", flat=True)
        .distinct()
        .order_by()
    )
    return sum(_deliver(search_id, moment) for search_id in list(search_ids))


def _locked_search(search_id: int) -> SavedSearch | None:
    """The saved search, locked (with its worker read), or None if she deleted it meanwhile."""
    return (
        SavedSearch.objects.select_for_update(of=("self",))
        .select_related("worker")
        .filter(pk=search_id)
        .first()
    )


def _deliver(search_id: int, moment: dt.datetime) -> int:
    with transaction.atomic():
        search = _locked_search(search_id)
        if search is None:
            return 0
        user = search.worker
        if quiet_now(user, moment):
            return 0  # her quiet hours began after this was scheduled: the next run after they end
        due = AlertMatch.objects.select_for_update().filter(
            saved_search=search, delivered_at__isnull=True, due_at__lte=moment
        )
        rows = list(due.order_by("found_at", "job_id").values_list("pk", "job_id"))
        if not rows:
            return 0
        claimed = AlertMatch.objects.filter(pk__in=[pk for pk, _j in rows], delivered_at__isnull=True).update(
            delivered_at=moment
        )
        if claimed != len(rows):
            transaction.set_rollback(True)  # another run claimed part of them: it tells her
            return 0
        # A job that closed (or was hidden from her) since it was found is not news any more.
        still_open = set(
            job_selectors.job_list(viewer=user)
            .filter(pk__in=[j for _pk, j in rows])
            .order_by()
            .values_list("pk", flat=True)
        )
        kept = [(pk, j) for pk, j in rows if j in still_open]
        if not kept or not search.alerts_on or not user.is_active:
            return 0
        if search.alert_email and email_allowed(user):
            AlertMatch.objects.filter(pk__in=[pk for pk, _j in kept]).update(email_due=True)
        search.last_alert_at = moment
        search.save(update_fields=["last_alert_at"])
        if not search.alert_in_app:
            return 0
        first = Job.objects.filter(pk=kept[0][1]).values_list("title", flat=True).first() or ""
        notices.notify(
            user=user,
            code=NEW_JOBS,
            params={"name": search.name, "count": len(kept), "title": first},
            url=selectors.results_url(search.query),
            email=False,  # the alert's own e-mail (with its unsubscribe link) is sent below, if she wants it
        )
        return 1


def alert_emails_send_due(*, at: dt.datetime | None = None) -> int:
    """Send every claimed-for-e-mail alert once; returns how many e-mails went out."""
    moment = at or clock.now()
    search_ids = (
        AlertMatch.objects.filter(email_due=True, emailed_at__isnull=True)
        .values_list("saved_search_id", flat=True)
        .distinct()
        .order_by()
    )
    sent = 0
    for search_id in list(search_ids):
        try:
            sent += _send_email(search_id, moment)
        except Exception:  # one refused address must not stop the others; its claim was released
            logger.exception("alert e-mail for saved search %s failed", search_id)
    return sent


def _send_email(search_id: int, moment: dt.datetime) -> int:
    with transaction.atomic():
        search = _locked_search(search_id)
        if search is None:
            return 0
        user = search.worker
        pending = AlertMatch.objects.select_for_update().filter(
            saved_search=search, email_due=True, emailed_at__isnull=True
        )
        if not (search.alerts_on and search.alert_email and email_allowed(user)):
            pending.update(email_due=False)  # stopped (or every e-mail turned off) since it was found
            return 0
        if quiet_now(user, moment):
            return 0
        ids = list(pending.order_by("found_at", "job_id").values_list("pk", flat=True))
        if not ids:
            return 0
        claimed = AlertMatch.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=moment)
        if claimed != len(ids):
            transaction.set_rollback(True)
            return 0
        job_ids = list(
            AlertMatch.objects.filter(pk__in=ids)
            .order_by("found_at", "job_id")
            .values_list("job_id", flat=True)
        )
        message = build_email(search, job_ids)
    try:
        message.send()
    except Exception:
        AlertMatch.objects.filter(pk__in=ids, emailed_at=moment).update(emailed_at=None)
        raise
    return 1


def build_email(search: SavedSearch, job_ids: list[int]) -> EmailMultiAlternatives:
    """One e-mail for one saved search: its new jobs (up to MAX_JOBS_PER_MAIL, then a link to them all),
    links on HATARAKU_SITE_URL, a link to stop these e-mails and the RFC 8058 one-click headers."""
    user = search.worker
    jobs = {j.pk: j for j in Job.objects.filter(pk__in=job_ids).select_related("client")}
    ordered = [jobs[i] for i in job_ids if i in jobs]
    token = unsubscribe_token(search)
    unsubscribe = site_url(reverse("alerts:unsubscribe", args=[token]))
    one_click = site_url(reverse("alerts:unsubscribe_one_click", args=[token]))
    with translation.override(getattr(user, "preferred_language", "ja") or "ja"):
        context: dict[str, Any] = {
            "user": user,
            "search": search,
            "daily": search.frequency == Frequency.DAILY,
            "count": len(ordered),
            "jobs": [
                {
                    "title": j.title,
                    "client": j.client.name_for_display,
                    "deadline": j.proposal_deadline,
                    "link": site_url(reverse("jobs:detail", args=[j.pk])),
                }
                for j in ordered[:MAX_JOBS_PER_MAIL]
            ],
            "more": max(0, len(ordered) - MAX_JOBS_PER_MAIL),
            "results_link": site_url(selectors.results_url(search.query)),
            "settings_link": site_url(reverse("alerts:saved_search", args=[search.pk])),
            "unsubscribe_link": unsubscribe,
            "site_url": site_url(),
            "site_name": SITE_NAME,
        }
        if context["daily"]:
            subject = translation.gettext("「%(name)s」に合う今日の新しい仕事(%(count)s件)")
        else:
            subject = translation.gettext("「%(name)s」に合う新しい仕事(%(count)s件)")
        subject = subject % {"name": search.name, "count": len(ordered)}
        text = render_to_string("alerts/email/new_jobs.txt", context)
        html = render_to_string("alerts/email/new_jobs.html", context)
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message = EmailMultiAlternatives(
        subject=f"{prefix}{subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{one_click}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
