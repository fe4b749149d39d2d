from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hataraku.core.errors import DomainError, NotFound
from hataraku.core.forms import add_domain_error
from hataraku.core.permissions import role_required
from hataraku.core.privacy import export_filename, personal_data_export

from . import selectors, services
from .constants import Role
from .forms import (
    AccountDeleteForm,
    AccountSettingsForm,
    AddClientRoleForm,
    VerificationForm,
    VerificationReviewForm,
)
from .models import User
from .permissions import recent_mfa_required
from .selectors import deletion_blockers
from .types import AuthedRequest


def _me(request: HttpRequest) -> User:
    # Only called behind login_required, so the user is a real account.
    return cast(User, request.user)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: AuthedRequest) -> HttpResponse:
    user = _me(request)
    settings_form = AccountSettingsForm(
        initial={"display_name": user.display_name, "preferred_language": user.preferred_language},
        prefix="settings",
    )
    client_form = AddClientRoleForm(prefix="client")
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "settings":
        settings_form = AccountSettingsForm(request.POST, prefix="settings")
        if settings_form.is_valid():
            try:
                updated = services.account_update_settings(
                    user=user, actor=user, **settings_form.cleaned_data
                )
            except DomainError as exc:
                add_domain_error(settings_form, exc)
            else:
                messages.success(request, _("アカウント設定を保存しました。"))
                response = redirect("accounts:settings")
                # The language switches right away; the preference is also kept on the account.
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    updated.preferred_language,
                    samesite="Lax",
                    secure=request.is_secure(),
                )
                return response
    elif request.method == "POST" and action == "add_worker":
        services.account_add_role(user=user, actor=user, role=Role.WORKER)
        messages.success(
            request, _("ワーカーの役割を追加しました。働ける条件を設定すると、合う仕事が見つかります。")
        )
        return redirect("accounts:settings")
    elif request.method == "POST" and action == "add_client":
        client_form = AddClientRoleForm(request.POST, prefix="client")
        if client_form.is_valid():
            try:
                services.account_add_role(user=user, actor=user, role=Role.CLIENT, **client_form.cleaned_data)
            except DomainError as exc:
                add_domain_error(client_form, exc)
            else:
                messages.success(request, _("クライアントの役割を追加しました。"))
                return redirect("accounts:settings")
    return render(
        request,
        "accounts/settings.html",
        {
            "settings_form": settings_form,
            "client_form": client_form,
            "role_labels": [Role(role).label for role in user.roles],
        },
    )


@login_required
@require_POST
def data_download(request: AuthedRequest) -> HttpResponse:
    """A POST: the download is a disclosure of personal data and is written to the audit log, so it is a
    change, never a side effect of opening a link."""
    me = _me(request)
    body = personal_data_export(user=me, actor=me)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename()}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: AuthedRequest) -> HttpResponse:
    user = _me(request)
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete(user=user, actor=user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            logout(request)
            messages.success(request, _("退会の手続きが終わりました。ご利用ありがとうございました。"))
            return redirect("core:home")
    return render(request, "accounts/delete.html", {"form": form, "blockers": deletion_blockers(user)})


# --- identity verification (its pages keep their /jobs/... addresses: see `identity_urlpatterns`) ------


@role_required("worker", "client")
def verification(request: AuthedRequest) -> HttpResponse:
    form = VerificationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verification_submit(user=request.user, document=form.cleaned_data["document"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("書類を受け付けました。確認が終わるとお知らせします。"))
            return redirect("identity:verification")
    return render(
        request,
        "accounts/verification.html",
        {
            "form": form,
            "verified": selectors.is_verified(request.user),
            "latest": selectors.latest_verification(request.user),
        },
    )


@role_required("staff")
def staff_verifications(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "accounts/staff_verifications.html", {"pending": list(selectors.pending_verifications())}
    )


@role_required("staff")
def staff_verification_review(request: AuthedRequest, verification_id: int) -> HttpResponse:
    item = selectors.access_verification_for_staff(request.user, verification_id)
    form = VerificationReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verification_review(
                verification=item,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("確認結果を保存し、書類を削除しました。"))
            return redirect("identity:staff_verifications")
    return render(request, "accounts/staff_verification_review.html", {"item": item, "form": form})


@role_required("staff")
@require_POST
@recent_mfa_required
def staff_verification_document(request: AuthedRequest, verification_id: int) -> FileResponse:
    # A POST: opening the document is written to the audit log, so it is never a side effect of a link.
    item = selectors.access_verification_for_staff(request.user, verification_id)
    try:
        handle = services.verification_document_open(verification=item, actor=request.user)
    except DomainError as exc:
        raise NotFound() from exc
    response = FileResponse(handle, content_type=item.content_type or "application/octet-stream")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
