"""Background work of the alerts app (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from . import delivery


@task()
def alerts_job_published(job_id: int) -> dict[str, int]:
    """A job was just published: record it for every saved search it matches and tell whoever may be told
    now (enqueued on commit by the `JobPublished` handler; the minute tick does the same for everything)."""
    found = delivery.alerts_collect(job_ids=[job_id])
    told = delivery.alerts_deliver_due()
    mailed = delivery.alert_emails_send_due()
    return {"found": found, "told": told, "mailed": mailed}
