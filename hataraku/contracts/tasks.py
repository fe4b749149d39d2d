"""Background work of the contracts app (django-tasks).

`contracts_periodic` should run every few minutes: enqueue it from cron with
`manage.py contracts_periodic --enqueue` (the `db_worker` then runs it), or run it inline with
`manage.py contracts_periodic`. Every step is idempotent, so running it twice changes nothing more.
"""

from __future__ import annotations

from django_tasks import task

from . import services


def run_periodic() -> dict[str, int]:
    return {
        # Funding first, so a milestone whose bank transfer arrived is funded before anything else looks.
        "milestones_funded": services.milestones_sync_funding(),
        "weeks_released": services.weeks_sync_release(),
        "bonuses_paid": services.bonuses_sync_release(),
        # A silent client never leaves a worker unpaid: deliveries past the acceptance period are accepted;
        # hourly weeks whose logging closed (the end of the following week) are submitted, and submitted
        # weeks left unanswered for the acceptance period after submission are approved and billed.
        "auto_accepted": services.milestone_auto_accept_due(),
        "weeks_submitted": services.weeks_submit_due(),
        "weeks_auto_approved": services.weeks_auto_approve_due(),
        # Approved weeks whose money has not come: the client is reminded, the worker told, staff see them.
        "payment_reminders": services.weeks_payment_reminders_due(),
    }


@task()
def contracts_periodic() -> dict[str, int]:
    return run_periodic()
