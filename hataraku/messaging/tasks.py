"""Background work of the messaging app (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from .notifications import send_due_for_user


@task()
def notification_email_send(user_id: int) -> int:
    """Send the person's due notification emails (enqueued on commit by `notify`)."""
    return send_due_for_user(user_id)
