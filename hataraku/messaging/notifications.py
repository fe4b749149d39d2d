"""Notification email scheduling and delivery. Kept apart from services.py so that the task module and
the services can both import it without a cycle.

Rules:
- an email is sent at most once per notification: rows are claimed by a conditional update on
  `emailed_at IS NULL` inside a transaction that also locks them;
- never before `email_due_at`, which already respects the person's quiet hours (通知を控える時間) and,
  for daily-digest users, their digest hour.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from hataraku.core import clock
from hataraku.profiles.selectors import next_allowed_notification_time

from .constants import DEFAULT_DIGEST_HOUR, EmailMode
from .models import Notification, NotificationPreference


def next_allowed_time(user: Any, at: dt.datetime) -> dt.datetime:
    """The first moment at or after `at` outside the person's quiet hours (profiles owns the rule)."""
    return next_allowed_notification_time(user, at)


def preference_for(user: Any) -> tuple[str, int]:
    pref = NotificationPreference.objects.filter(user=user).only("email_mode", "digest_hour").first()
    if pref is None:
        return EmailMode.IMMEDIATE, DEFAULT_DIGEST_HOUR
    return pref.email_mode, pref.digest_hour


def next_digest_time(at: dt.datetime, digest_hour: int) -> dt.datetime:
    """The next `digest_hour`:00 in Japan at or after `at`."""
    local = at.astimezone(clock.TOKYO)
    candidate = local.replace(hour=digest_hour, minute=0, second=0, microsecond=0)
    if candidate < local:
        candidate += dt.timedelta(days=1)
    return candidate


def email_due_for(user: Any, at: dt.datetime) -> dt.datetime | None:
    """When an email about something that happened at `at` may be sent, or None for no email."""
    if not getattr(user, "is_active", True) or getattr(user, "deleted_at", None) or not user.email:
        return None
    mode, digest_hour = preference_for(user)
    if mode == EmailMode.OFF:
        return None
    due = next_digest_time(at, digest_hour) if mode == EmailMode.DAILY_DIGEST else at
    return next_allowed_time(user, due)


def _absolute(url: str) -> str:
    base = settings.HATARAKU_SITE_URL
    if not url or url.startswith(("http://", "https://")) or not base:
        return url
    return base + url


def _build_email(user: Any, items: list[Notification], *, digest: bool) -> EmailMultiAlternatives:
    context = {
        "user": user,
        "items": [{"n": n, "link": _absolute(n.url)} for n in items],
        "site_url": settings.HATARAKU_SITE_URL,
    }
    with translation.override(getattr(user, "preferred_language", "ja") or "ja"):
        if digest:
            subject = translation.gettext("本日のお知らせ(%(count)s件)") % {"count": len(items)}
            name = "messaging/email/digest"
        else:
            subject = items[0].display_title
            name = "messaging/email/notification"
        text = render_to_string(f"{name}.txt", context)
        html = render_to_string(f"{name}.html", context)
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message = EmailMultiAlternatives(
        subject=f"{prefix}{subject}", body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def send_due_for_user(user_id: int, *, at: dt.datetime | None = None) -> int:
    """Send this person's due, unsent emails; returns how many emails went out.

    The rows are claimed in one short transaction and the mail is sent after it commits, so a slow mail
    server never holds the rows' locks; if sending fails, the claim is released again and the next run
    tries again (at-least-once towards SMTP, exactly once in the database even when two workers run at
    the same moment).
    """
    moment = at or clock.now()
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            return 0
        due = Notification.objects.filter(
            user_id=user_id, emailed_at__isnull=True, email_due_at__isnull=False, email_due_at__lte=moment
        ).order_by("created_at", "pk")
        ids = list(due.select_for_update().values_list("pk", flat=True))
        if not ids:
            return 0
        claimed = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=moment)
        if claimed != len(ids):
            # Someone else claimed part of the batch between our read and our update: let them send it.
            transaction.set_rollback(True)
            return 0
        items = list(Notification.objects.filter(pk__in=ids).order_by("created_at", "pk"))
        if getattr(user, "deleted_at", None) or not user.is_active or not user.email:
            return 0
        mode, _hour = preference_for(user)
        if mode == EmailMode.DAILY_DIGEST and len(items) > 1:
            emails = [_build_email(user, items, digest=True)]
        else:
            emails = [_build_email(user, [item], digest=False) for item in items]
    try:
        for email in emails:
            email.send()
    except Exception:
        # Not sent: release the claim (only ours, by its moment) so the next run sends it.
        Notification.objects.filter(pk__in=ids, emailed_at=moment).update(emailed_at=None)
        raise
    return len(emails)


def send_all_due(*, at: dt.datetime | None = None) -> int:
    moment = at or clock.now()
    user_ids = (
        Notification.objects.filter(emailed_at__isnull=True, email_due_at__lte=moment)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by()
    )
    return sum(send_due_for_user(uid, at=moment) for uid in list(user_ids))
