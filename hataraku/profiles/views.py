"""Thin views: authorise, parse with a form, call one service, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from hataraku.accounts.permissions import recent_mfa_required
from hataraku.accounts.selectors import verified_user_ids
from hataraku.accounts.types import AuthedRequest
from hataraku.core import clock
from hataraku.core.errors import DomainError, NotFound
from hataraku.core.forms import add_domain_error
from hataraku.core.params import small_int
from hataraku.core.permissions import role_required

from . import selectors, services
from .availability import summarise_week, week_grid
from .constants import (
    CONSENT_ACCESSIBILITY,
    WEEKDAY_SHORT,
    AccessibilityNeed,
    ClientBlockKind,
    SensitiveCategory,
)
from .forms import (
    AvailabilityVisibilityForm,
    DateExceptionForm,
    PreferencesForm,
    ProfileForm,
    SensitiveReasonsForm,
    StaffRevealForm,
    WindowFormSet,
    split_lines,
    split_tags,
)


@role_required("worker")
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthedRequest) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.profile_update(
                    user=user,
                    display_name=data["display_name"],
                    prefecture=data["prefecture"],
                    municipality=data["municipality"],
                    skills=split_tags(data["skills"]),
                    bio=data["bio"],
                    portfolio_links=split_lines(data["portfolio_links"]),
                    qualifications=split_lines(data["qualifications"]),
                    invoice_number=data["invoice_number"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("プロフィールを保存しました。"))
                return redirect("profiles:edit")
    else:
        profile = selectors.profile_for(user)
        form = ProfileForm(
            initial={
                "display_name": user.display_name,
                "prefecture": profile.prefecture if profile else "",
                "municipality": profile.municipality if profile else "",
                "skills": "、".join(profile.skills) if profile else "",
                "bio": profile.bio if profile else "",
                "portfolio_links": "\n".join(profile.portfolio_links) if profile else "",
                "qualifications": "\n".join(profile.qualifications) if profile else "",
                "invoice_number": profile.invoice_number if profile else "",
            }
        )
    return render(
        request,
        "profiles/edit.html",
        {"form": form, "completeness": selectors.profile_completeness(user), "nav": "edit"},
    )


def _week_context(user: Any, windows: Any = None) -> dict[str, Any]:
    windows = selectors.availability_for(user) if windows is None else windows
    return {
        "windows": windows,
        "summary": summarise_week(windows),
        "grid": week_grid(windows),
        "weekday_short": WEEKDAY_SHORT,
    }


def _raw_rows(formset: Any) -> list[dict[str, Any]]:
    return [
        {name: form[name].value() for name in ("weekday", "start", "end", "crosses_midnight")}
        for form in formset.forms
    ]


@role_required("worker")
@require_http_methods(["GET", "POST"])
def conditions(request: AuthedRequest) -> HttpResponse:
    """The weekly availability editor. Buttons, not dragging: "add" and "remove" redraw the unsaved rows,
    "save" stores the whole week at once."""
    user: Any = request.user
    pending = False
    focus_row: int | None = None
    saved = None  # the stored windows, read once on a GET and reused for the week grid
    if request.method == "POST":
        formset = WindowFormSet(request.POST, prefix="windows")
        remove = request.POST.get("remove")
        if remove is not None or request.POST.get("action") == "add":
            rows = _raw_rows(formset)
            index = small_int(remove)
            if index is not None and index < len(rows):
                rows.pop(index)
            else:
                rows.append({})
                focus_row = len(rows) - 1
            formset = WindowFormSet(initial=rows, prefix="windows")
            if focus_row is not None:
                # Put the keyboard where the new row is, so the person can type straight away.
                formset.forms[focus_row].fields["weekday"].widget.attrs["autofocus"] = True
            pending = True
        elif formset.is_valid():
            try:
                services.availability_replace(user=user, windows=formset.windows())  # type: ignore[attr-defined]
            except DomainError as exc:
                # The form checks the same rules, so this only happens if the service is stricter.
                messages.error(request, exc.message)
            else:
                messages.success(request, _("働ける時間帯を保存しました。"))
                return redirect("profiles:conditions")
    else:
        saved = selectors.availability_for(user)
        initial = [
            {"weekday": w.weekday, "start": w.start, "end": w.end, "crosses_midnight": w.crosses_midnight}
            for w in saved
        ] or [{}]
        formset = WindowFormSet(initial=initial, prefix="windows")
    context = {"formset": formset, "pending": pending, "nav": "conditions"}
    context.update(_week_context(user, saved))
    return render(request, "profiles/conditions.html", context)


@role_required("worker")
@require_http_methods(["GET", "POST"])
def preferences(request: AuthedRequest) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.conditions_update(
                    user=user,
                    max_hours_per_week=data["max_hours_per_week"],
                    min_block_minutes=data["min_block_minutes"],
                    accepts_voice=data["accepts_voice"],
                    accepts_video=data["accepts_video"],
                    no_meetings=data["no_meetings"],
                    quiet_start=data["quiet_start"],
                    quiet_end=data["quiet_end"],
                    accessibility_needs=data["accessibility"],
                    show_accessibility_publicly=data["show_accessibility_publicly"],
                    consent_given=data["consent"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("連絡方法と配慮の設定を保存しました。"))
                return redirect("profiles:preferences")
    else:
        c = selectors.conditions_for(user)
        form = PreferencesForm(
            initial={
                "max_hours_per_week": c.max_hours_per_week if c else None,
                "min_block_minutes": c.min_block_minutes if c else None,
                "accepts_voice": c.accepts_voice if c else False,
                "accepts_video": c.accepts_video if c else False,
                "no_meetings": c.no_meetings if c else False,
                "quiet_start": c.quiet_start if c else None,
                "quiet_end": c.quiet_end if c else None,
                "accessibility": list(c.accessibility_needs or []) if c else [],
                "show_accessibility_publicly": c.show_accessibility_publicly if c else False,
            }
        )
    profile = selectors.profile_for(user)
    return render(
        request,
        "profiles/preferences.html",
        {
            "form": form,
            "nav": "preferences",
            "accessibility_consent": selectors.consent_covers(user, CONSENT_ACCESSIBILITY),
            "visibility_form": AvailabilityVisibilityForm(
                initial={
                    "availability_hidden": bool(profile and profile.availability_hidden),
                    "directory_hidden": bool(profile and profile.directory_hidden),
                }
            ),
        },
    )


@role_required("worker")
@require_POST
def availability_visibility(request: AuthedRequest) -> HttpResponse:
    form = AvailabilityVisibilityForm(request.POST)
    form.is_valid()  # a single optional checkbox: always valid
    hidden = bool(form.cleaned_data.get("availability_hidden"))
    services.availability_visibility_set(
        user=request.user, hidden=hidden, directory_hidden=bool(form.cleaned_data.get("directory_hidden"))
    )
    if hidden:
        messages.success(request, _("働ける時間の目安を非公開にしました。"))
    else:
        messages.success(request, _("働ける時間の目安を依頼者に見せるようにしました。"))
    return redirect("profiles:preferences")


@role_required("worker")
@require_http_methods(["GET", "POST"])
def exceptions(request: AuthedRequest) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST":
        form = DateExceptionForm(request.POST)
        if form.is_valid():
            try:
                services.date_exception_add(
                    user=user,
                    date=form.cleaned_data["date"],
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("日付ごとの予定を登録しました。"))
                return redirect("profiles:exceptions")
    else:
        form = DateExceptionForm()
    upcoming = selectors.date_exceptions_for(user, from_date=clock.today())
    return render(
        request, "profiles/exceptions.html", {"form": form, "upcoming": upcoming, "nav": "exceptions"}
    )


@role_required("worker")
@require_POST
def exception_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    services.date_exception_remove(user=request.user, exception_id=pk)
    messages.success(request, _("予定を削除しました。"))
    return redirect("profiles:exceptions")


@role_required("worker")
@require_http_methods(["GET", "POST"])
def sensitive(request: AuthedRequest) -> HttpResponse:
    user: Any = request.user
    own = selectors.own_sensitive_reasons(user)
    if request.method == "POST":
        form = SensitiveReasonsForm(request.POST)
        if form.is_valid():
            try:
                services.sensitive_reasons_save(
                    user=user,
                    categories=form.cleaned_data["categories"],
                    note=form.cleaned_data["note"],
                    consent_given=form.cleaned_data["consent"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("配慮が必要な理由を保存しました。"))
                return redirect("profiles:sensitive")
    else:
        form = SensitiveReasonsForm(initial={"categories": own.categories, "note": own.note} if own else None)
    return render(
        request,
        "profiles/sensitive.html",
        {
            "form": form,
            "own": own,
            "own_labels": [SensitiveCategory(c).label for c in own.categories] if own else [],
            "own_notes": [
                (n, selectors.sensitive_note_label(n.category)) for n in selectors.own_sensitive_notes(user)
            ],
            "consent": selectors.active_consent(user),
            "version": settings.HATARAKU_SENSITIVE_CONSENT_VERSION,
            "nav": "sensitive",
        },
    )


@role_required("worker")
@require_POST
def sensitive_withdraw(request: AuthedRequest) -> HttpResponse:
    try:
        services.sensitive_consent_withdraw(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("同意を撤回し、保存していた理由を削除しました。"))
    return redirect("profiles:sensitive")


@role_required("worker")
@require_POST
def onboarding_skip(request: AuthedRequest) -> HttpResponse:
    services.onboarding_skip(user=request.user)
    messages.success(
        request, _("はじめの手順を閉じました。「はじめの手順をもう一度表示する」を押すと、いつでも戻せます。")
    )
    return redirect("core:dashboard")


@role_required("worker")
@require_POST
def onboarding_resume(request: AuthedRequest) -> HttpResponse:
    services.onboarding_resume(user=request.user)
    return redirect(reverse("core:dashboard") + "#onboarding")


@login_required
@require_http_methods(["GET"])
def public_profile(request: AuthedRequest, user_id: int) -> HttpResponse:
    profile = selectors.access_public_profile(request.user, user_id)
    return render(
        request,
        "profiles/public.html",
        {
            "p": profile,
            "a11y_labels": [AccessibilityNeed(n).label for n in profile.accessibility_needs],
            "is_self": request.user.pk == profile.user_id,
            "verified": profile.user_id in verified_user_ids([profile.user_id]),
            # A client who likes what they read can invite the worker straight away (スカウト).
            "can_invite": bool(getattr(request.user, "is_client", False))
            and request.user.pk != profile.user_id,
        },
    )


@role_required("staff")
@recent_mfa_required
@require_http_methods(["GET", "POST"])
def staff_sensitive(request: AuthedRequest, user_id: int) -> HttpResponse:
    """The one place staff read a worker's special-care information. A GET shows only the purpose form;
    the POST that states a purpose writes the audit row and answers with the data in that same response
    (no redirect, so no GET ever reads or writes)."""
    worker = get_user_model().objects.filter(pk=user_id, is_worker=True).first()
    if worker is None:
        raise NotFound()
    form = StaffRevealForm(request.POST if request.method == "POST" else None)
    reading = None
    if request.method == "POST" and form.is_valid():
        try:
            reading = services.sensitive_reasons_staff_read(
                staff=request.user,
                worker_id=user_id,
                purpose=form.cleaned_data["purpose"],
                detail=form.cleaned_data["detail"],
            )
        except NotFound:
            raise  # the 404 page (NotFoundMiddleware), not a form error
        except DomainError as exc:
            add_domain_error(form, exc)
    reasons = reading.reasons if reading else None
    response = render(
        request,
        "profiles/staff_sensitive.html",
        {
            "worker": worker,
            "form": form,
            "reading": reading,
            "reasons": reasons,
            "labels": [SensitiveCategory(c).label for c in reasons.categories] if reasons else [],
            "notes": [(n, selectors.sensitive_note_label(n.category)) for n in reading.notes]
            if reading
            else [],
            "audit_url": reverse("core:audit_log") + "?action=profiles.sensitive_read",
        },
    )
    # Special-care data must not linger in a shared browser's cache or history.
    response["Cache-Control"] = "no-store"
    return response


# --- clients she hid or stopped (issue 10 item 7) ------------------------------------------------------

_BLOCK_DONE = {
    ClientBlockKind.JOBS: _lazy("このクライアントの仕事を、一覧とおすすめに表示しないようにしました。"),
    ClientBlockKind.MESSAGES: _lazy(
        "このクライアントからのメッセージとスカウトを止めました。進行中の契約の連絡と、契約に必要なお知らせは届きます。"
    ),
}


def _back(request: AuthedRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("profiles:client_blocks")


@role_required("worker")
@require_POST
def client_block(request: AuthedRequest) -> HttpResponse:
    """Hide a client's jobs or stop his messages, from the job page, his profile page or a thread."""
    client_id = small_int(request.POST.get("client", ""))
    kind = request.POST.get("kind", "")
    if client_id is None or kind not in ClientBlockKind.values:
        raise NotFound()
    services.client_block_set(worker=request.user, client_id=client_id, kind=kind)
    messages.success(request, str(_BLOCK_DONE[ClientBlockKind(kind)]))
    return redirect(_back(request))


@role_required("worker")
@require_POST
def client_block_undo(request: AuthedRequest, block_id: int) -> HttpResponse:
    services.client_block_remove(worker=request.user, block_id=block_id)
    messages.success(request, _("元に戻しました。"))
    return redirect(_back(request))


@role_required("worker")
def client_blocks(request: AuthedRequest) -> HttpResponse:
    """The clients she hid or stopped, each with 「元に戻す」."""
    blocks = selectors.client_blocks_for(request.user)
    return render(
        request,
        "profiles/client_blocks.html",
        {
            "hidden": [b for b in blocks if b.kind == ClientBlockKind.JOBS],
            "stopped": [b for b in blocks if b.kind == ClientBlockKind.MESSAGES],
        },
    )
