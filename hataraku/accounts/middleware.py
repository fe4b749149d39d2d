"""No page answers a staff or municipal session that has not used its second factor (issue 7, item 3).

Enforced by role here, once, rather than page by page: a new staff page is covered the day it is written.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.messages.storage.base import BaseStorage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hataraku.core.permissions import needs_second_factor

from .permissions import has_second_factor, session_used_second_factor

# Open to everyone at every step: leaving, the health check, the language switch, the public accessibility
# and privacy pages linked from every footer, keeping the session alive while someone finds their phone, and
# allauth's own reauthentication pages (which ask for the factor).
ALWAYS_OPEN = frozenset(
    {
        "account_logout",
        "healthz",
        "set_language",
        "core:accessibility",
        "core:privacy",
        "core:session_extend",
        "account_reauthenticate",
        "account_request_reauthentication_code",
        "account_confirm_reauthentication_code",
        "mfa_reauthenticate",
        "mfa_reauthenticate_webauthn",
    }
)
# Open only while the person has no authenticator yet: setting one up. Once one exists, these stay shut
# until the session has used it, or a password alone could add a second authenticator of its own.
SETUP = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_list_webauthn",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
    }
)
API_PREFIX = "/api/"


def _view_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


class SecondFactorMiddleware:
    """Sends a staff or municipal session without a second factor to set one up (no authenticator yet) or
    to enter its code (has one, but this session logged in some other way). The API answers 403 JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        required = needs_second_factor(user)
        pending = required and not session_used_second_factor(request)
        # For the templates: the set-up page says it is required and why, and while the session is held
        # at set-up the header offers only log-out and the language (every other link would bounce).
        request.second_factor_required = required  # type: ignore[attr-defined]
        request.second_factor_pending = pending  # type: ignore[attr-defined]
        if not pending:
            return self.get_response(request)
        view_name = _view_name(request)
        if view_name in ALWAYS_OPEN:
            return self.get_response(request)
        has_factor = has_second_factor(user)
        if not has_factor and view_name in SETUP:
            return self.get_response(request)
        return self._refuse(request, has_factor=has_factor)

    def _refuse(self, request: HttpRequest, *, has_factor: bool) -> HttpResponse:
        if has_factor:
            message = _("続けるには、認証アプリの6桁のコード(またはパスキー)で本人確認をしてください。")
            code = "second_factor_required"
            target = reverse("mfa_reauthenticate")
        else:
            message = _(
                "運営スタッフと自治体パートナーのアカウントでは、パスワードに加えて2段階認証(認証アプリ"
                "またはパスキー)が必要です。設定が終わると、すべての画面を使えます。"
            )
            code = "second_factor_setup_required"
            target = reverse("mfa_index")
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": message, "code": code}, status=403)
        if has_factor and request.method == "GET":
            # Come back to the page they asked for once the code is entered.
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            # htmx would swap the whole set-up page into a fragment; ask it to load the page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        if request.method == "GET":
            _say_once(request, message)
        return HttpResponseRedirect(target)


def _say_once(request: HttpRequest, message: str) -> None:
    """Queue the explanation unless it is already waiting: a browser's extra requests (an icon, a second
    tab) would otherwise show it several times on the next page."""
    storage = messages.get_messages(request)
    waiting = any(str(m) == message for m in storage)
    if isinstance(storage, BaseStorage):
        # Reading marked the waiting messages as shown; they have not been, so keep them.
        storage.used = False
    if not waiting:
        messages.info(request, message)
