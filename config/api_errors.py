"""One error shape for the whole JSON API: `{"detail": "<Japanese message>", "code": "<code>"}`.

Domain errors keep their own kind message; the framework's own answers (not logged in, CSRF refused,
malformed input) get a kind Japanese message too, so a screen reader user hears the same kind of
sentence whatever went wrong.

Two layers, because not every error under /api/ reaches ninja: the exception handlers below shape what is
raised inside an operation; `ApiErrorMiddleware` reshapes whatever Django or ninja answered *around* an
operation (an unknown path's 404 from the URL resolver, ninja's plain-text 405, a 500) when the path is
under /api/. Pages elsewhere keep their HTML error pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from hataraku.core.errors import Conflict, DomainError, ErrorCode, NotFound

API_PREFIX = "/api/"


def _error(api: NinjaAPI, request: HttpRequest, status: int, detail: str, code: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code}, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        if isinstance(exc, NotFound):
            status = 404
        elif isinstance(exc, Conflict):
            status = 409
        else:
            status = 422
        return _error(api, request, status, exc.message, exc.code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _error(api, request, 404, _("見つかりませんでした。"), "not_found")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, AuthenticationError) or exc.status_code == 401:
            return _error(api, request, 401, _("ログインしてからお試しください。"), "not_authenticated")
        if exc.status_code == 403:
            # ninja's session auth raises 403 when the CSRF token is missing or wrong.
            return _error(
                api,
                request,
                403,
                _("安全のための確認ができませんでした。ページを開き直してからお試しください。"),
                "csrf_failed",
            )
        # Anything else (ninja's "Cannot parse request body" 400, a throttle's 429): a Japanese sentence
        # for the status, never ninja's English text.
        return _error(api, request, exc.status_code, *_status_error(exc.status_code))

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        # A missing or malformed header (e.g. Idempotency-Key) is a bad request (400); a body or query
        # that does not fit the schema is unprocessable (422).
        headers = [e for e in exc.errors if _location(e) == "header"]
        if headers:
            name = str(headers[0].get("loc", ["", ""])[-1])
            if name.lower() == "idempotency-key" and headers[0].get("type") == "missing":
                return _error(
                    api,
                    request,
                    400,
                    _("Idempotency-Key ヘッダーを付けて送ってください(要求ごとに一つ、例えばUUID)。"),
                    ErrorCode.IDEMPOTENCY_KEY_MISSING.value,
                )
            return _error(
                api,
                request,
                400,
                _(
                    "「%(name)s」ヘッダーがないか、形式が正しくありません。ヘッダーを確かめてから送り直してください。"
                )
                % {"name": name},
                "invalid_header",
            )
        integers = [e for e in exc.errors if str(e.get("type", "")).startswith("int")]
        if integers:
            # Amounts and other counts are JSON integers: say so, naming the field, rather than "malformed".
            name = str((integers[0].get("loc") or [""])[-1])
            return _error(
                api,
                request,
                422,
                _("「%(name)s」は整数で指定してください(例: 5000。引用符・小数点・指数表記は使えません)。")
                % {"name": name},
                "invalid_input",
            )
        return _error(
            api, request, 422, _("入力の形式が正しくありません。内容を確かめてください。"), "invalid_input"
        )


def _location(error: dict[str, Any]) -> str:
    loc = error.get("loc") or [""]
    return str(loc[0])


def _status_error(status: int) -> tuple[str, str]:
    """A kind Japanese sentence and a code for an HTTP status nobody gave a message for."""
    if status == 400:
        return _("送られた内容をJSONとして読めませんでした。形式を確かめてください。"), "malformed_body"
    if status == 403:
        return _("この操作はできません。ページを開き直してからお試しください。"), "forbidden"
    if status == 404:
        return _("見つかりませんでした。"), "not_found"
    if status == 405:
        return _("このアドレスでは、その方法(HTTPメソッド)は使えません。"), "method_not_allowed"
    if status == 413:
        return _("送られた内容が大きすぎます。"), "too_large"
    if status == 429:
        return _("短い時間に操作が続きました。少し待ってからもう一度お試しください。"), "throttled"
    if status >= 500:
        return _("サーバーで問題が起きました。しばらくしてからもう一度お試しください。"), "server_error"
    return _("リクエストを処理できませんでした。"), "http_error"


class ApiErrorMiddleware:
    """Every error answered under /api/ is JSON in the one shape `{"detail", "code"}`.

    ninja's own operations already answer so (the handlers above); this catches the answers made outside
    them: the URL resolver's 404 for an unknown path, ninja's plain-text 405 for a method a path does not
    take, Django's 500 page. (A CSRF failure under /api/ is ninja's: every ninja view is exempt from
    Django's CSRF middleware and session auth checks the token itself, answered by `http_error`.) Sits inside LocaleMiddleware so the message is in
    the person's language; headers that matter to a client (Allow, Retry-After) are kept."""

    KEPT_HEADERS = ("Allow", "Retry-After")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        detail, code = _status_error(response.status_code)
        shaped = HttpResponse(
            json.dumps({"detail": detail, "code": code}, ensure_ascii=False),
            status=response.status_code,
            content_type="application/json; charset=utf-8",
        )
        for name in self.KEPT_HEADERS:
            if name in response:
                shaped[name] = response[name]
        return shaped
