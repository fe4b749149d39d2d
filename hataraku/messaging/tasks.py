"""Background work of the messaging app (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from .notifications import send_all_due, send_due_for_user


@task()
def notification_email_send(user_id: int) -> int:
    """Send the person's due notification emails (enqueued on commit by `notify`)."""
    return send_due_for_user(user_id)


@task()
def notifications_send_due_task() -> int:
    """Sweep: send every due, unsent email. Run it every few minutes (cron / a scheduler) so that emails
    held through quiet hours go out even on a backend that cannot defer tasks."""
    return send_all_due()
