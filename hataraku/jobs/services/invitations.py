"""スカウト: a client asks a worker to look at a published job and apply."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.accounts.selectors import check_not_suspended
from hataraku.core import clock, limits
from hataraku.core import notifications as notices
from hataraku.core.audit import audit_record
from hataraku.core.errors import InvalidTransition, NotFound, PermissionDenied
from hataraku.profiles.selectors import is_blocked

from .. import notices as job_notices
from ..constants import JobStatus
from ..models import Invitation, Job


def invitation_send(*, job: Job, client: User, worker: User, message: str = "") -> Invitation:
    """One invitation per worker per job; only to a published job of the client's own."""
    check_not_suspended(client)
    limits.check_length(message, limit=limits.INVITATION_MESSAGE, field="message")
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.client_id != client.pk:
            raise NotFound(_("お探しの仕事は見つかりませんでした。"))
        if locked.status != JobStatus.PUBLISHED:
            raise InvalidTransition(_("公開中の仕事だけにスカウトを送れます。"))
        if not getattr(worker, "is_worker", False) or not worker.is_active or worker.pk == client.pk:
            raise NotFound(_("このワーカーは見つかりませんでした。"), field="worker_id")
        # She hid this client's jobs or stopped his messages: a neutral answer that says no more.
        if is_blocked(worker_id=worker.pk, client_id=client.pk):
            raise PermissionDenied(_("このワーカーには現在スカウトを送れません。"), field="worker_id")
        if Invitation.objects.filter(job=locked, worker=worker).exists():
            raise InvalidTransition(
                _("この方にはすでにこの仕事のスカウトを送っています。"), field="worker_id"
            )
        invitation = Invitation.objects.create(
            job=locked, worker=worker, message=message, created_at=clock.now()
        )
        audit_record(actor=client, action="invitation.send", target=invitation, data={"job": locked.pk})
        notices.notify(
            user=worker,
            code=job_notices.JOB_INVITED if message else job_notices.JOB_INVITED_PLAIN,
            params={"title": locked.title, "message": message} if message else {"title": locked.title},
            url=reverse("jobs:detail", args=[locked.pk]),
        )
    return invitation
