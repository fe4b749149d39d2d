from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hataraku.accounts.types import AuthedRequest
from hataraku.contracts.selectors import access_contract
from hataraku.core.errors import DomainError, NotFound
from hataraku.core.forms import add_domain_error
from hataraku.core.permissions import role_required
from hataraku.core.words import compose, theirs
from hataraku.jobs.selectors import access_proposal
from hataraku.profiles.constants import ClientBlockKind
from hataraku.profiles.selectors import block_kinds, is_blocked

from . import selectors, services
from .forms import MessageForm, NotificationPreferenceForm
from .notifications import preference_for

PARTY_ROLES = ("worker", "client", "staff")


@role_required(*PARTY_ROLES)
def inbox(request: AuthedRequest) -> HttpResponse:
    threads = list(selectors.threads_for(request.user))
    for thread in threads:
        thread.others = [p for p in thread.participants.all() if p.pk != request.user.pk]  # type: ignore[attr-defined]
    return render(request, "messaging/inbox.html", {"threads": threads})


@role_required(*PARTY_ROLES)
@require_http_methods(["GET", "HEAD", "POST"])
def thread_detail(request: AuthedRequest, thread_id: int) -> HttpResponse:
    """A participant reads and replies. Staff who are not part of the thread first see only who takes part
    and a button: their POST (`staff_read`) writes the moderation read to the audit log and shows the
    messages in the POST's own response (no redirect, so the messages are never reachable by a plain GET).
    That response is `Cache-Control: no-store`, and a reload that re-posts the button within
    `services.STAFF_READ_WINDOW` is the same read: no second audit row. Opening the page changes nothing
    (the read marker moves with `thread_read`, a POST)."""
    thread = selectors.access_thread(request.user, thread_id)
    participants = list(thread.participants.all())
    participant = any(p.pk == request.user.pk for p in participants)
    form = MessageForm()
    staff_reading = False
    if request.method == "POST" and not participant:
        if request.POST.get("staff_read") != "yes":
            raise NotFound()
        services.thread_read_by_staff(thread=thread, actor=request.user)
        staff_reading = True
    elif request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if (
            form.is_valid()
            and (sent := _send(request, form, partial(services.message_send, thread=thread))) is not None
        ):
            return sent
    shown = participant or staff_reading
    client_id, worker_id = selectors.parties(thread)
    response = render(
        request,
        "messaging/thread.html",
        {
            "thread": thread,
            "thread_messages": list(selectors.thread_messages(thread)) if shown else [],
            "participants": participants,
            "form": form,
            "participant": participant,
            "staff_gate": not shown,
            # The client whose messages she stopped sees a neutral line instead of the form.
            "blocked": participant and selectors.sending_blocked(request.user, thread),
            # Her controls over the thread's client, beside 「報告する」 (issue 10 item 7).
            "block_client": next((p for p in participants if p.pk == client_id), None)
            if participant and request.user.pk == worker_id
            else None,
            "block_kinds": block_kinds(request.user.pk, client_id)
            if participant and request.user.pk == worker_id and client_id
            else {},
        },
        status=400 if form.errors else 200,
    )
    if staff_reading:
        response["Cache-Control"] = "private, no-store"
    return response


@role_required(*PARTY_ROLES)
@require_POST
def thread_read(request: AuthedRequest, thread_id: int) -> HttpResponse:
    """Move the participant's read marker (sent by the thread page once it has loaded, through htmx, or
    by its button without JavaScript). To htmx it answers the header's "messages" link, swapped out of
    band, so the unread count there drops without a reload."""
    thread = selectors.access_thread(request.user, thread_id)
    services.thread_mark_read(thread=thread, user=request.user)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "messaging/_nav_link.html",
            {"oob": True, "unread_messages": selectors.unread_message_count(request.user)},
        )
    return redirect("messaging:thread", thread_id=thread.pk)


@role_required(*PARTY_ROLES)
def attachment_download(request: AuthedRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.access_attachment(request.user, attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _send(request: HttpRequest, form: MessageForm, send: Callable[..., Any]) -> HttpResponse | None:
    """Send the form's message (and files) through `send` and go to its thread; on a DomainError, None,
    with the error on the form."""
    try:
        message = send(
            sender=request.user,
            body=form.cleaned_data["body"],
            files=request.FILES.getlist("attachments"),
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return None
    messages.success(request, _("メッセージを送りました。"))
    return redirect("messaging:thread", thread_id=message.thread_id)


def _open_or_start(
    request: HttpRequest,
    *,
    thread: Any,
    start: Callable[..., Any],
    subject: str,
    other: Any,
    back_url: str,
    back_label: str,
    blocked: bool = False,
) -> HttpResponse:
    """Open the conversation if it exists; otherwise show the first-message form. Only the POST of that
    form creates the thread, together with its first message: opening a page never writes."""
    if thread is not None and request.method == "GET":
        return redirect("messaging:thread", thread_id=thread.pk)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and (sent := _send(request, form, start)) is not None:
        return sent
    return render(
        request,
        "messaging/thread_start.html",
        {
            "subject": subject,
            "other": other,
            "form": form,
            "back_url": back_url,
            "back_label": back_label,
            "blocked": blocked,
        },
        status=400 if form.errors else 200,
    )


@role_required("worker", "client")
@require_http_methods(["GET", "POST"])
def proposal_thread(request: AuthedRequest, proposal_id: int) -> HttpResponse:
    proposal = access_proposal(request.user, proposal_id)
    job = proposal.job
    return _open_or_start(
        request,
        thread=selectors.thread_about(proposal=proposal),
        start=partial(services.proposal_thread_start, proposal=proposal),
        subject=compose(_("応募: %(title)s"), {"title": theirs(job.title)}),
        other=proposal.worker if request.user.pk == job.client_id else job.client,
        back_url=reverse("jobs:proposal_detail", args=[proposal.pk]),
        back_label=_("応募のページへ戻る"),
        blocked=request.user.pk == job.client_id
        and is_blocked(worker_id=proposal.worker_id, client_id=job.client_id, kind=ClientBlockKind.MESSAGES),
    )


@role_required("worker", "client")
@require_http_methods(["GET", "POST"])
def contract_thread(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = access_contract(request.user, contract_id)
    return _open_or_start(
        request,
        thread=selectors.thread_about(contract=contract),
        start=partial(services.contract_thread_start, contract=contract),
        subject=compose(_("契約: %(title)s"), {"title": theirs(contract.title)}),
        other=contract.worker if request.user.pk == contract.client_id else contract.client,
        back_url=reverse("contracts:detail", args=[contract.pk]),
        back_label=_("契約のページへ戻る"),
    )


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    user: Any = request.user
    items = list(selectors.notifications_for(user)[:100])
    unread = sum(1 for n in items if n.read_at is None)
    return render(request, "messaging/notifications.html", {"notifications": items, "unread_count": unread})


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@login_required
@require_POST
def notification_read(request: AuthedRequest, notification_id: int) -> HttpResponse:
    if not services.notification_mark_read(user=request.user, notification_id=notification_id):
        raise NotFound()
    return redirect(_safe_next(request, "messaging:notifications"))


@login_required
@require_POST
def notifications_read_all(request: AuthedRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)s件のお知らせを既読にしました。") % {"count": count})
    return redirect("messaging:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: AuthedRequest) -> HttpResponse:
    user: Any = request.user
    email_mode, digest_hour = preference_for(user)
    initial = {"email_mode": email_mode, "digest_hour": digest_hour}
    form = NotificationPreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_preference_update(
                user=request.user,
                actor=request.user,
                email_mode=form.cleaned_data["email_mode"],
                digest_hour=form.cleaned_data["digest_hour"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("お知らせの設定を保存しました。"))
            return redirect("messaging:notification_settings")
    return render(
        request, "messaging/notification_settings.html", {"form": form}, status=400 if form.errors else 200
    )
