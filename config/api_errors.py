"""One error shape for the whole JSON API: `{"detail": "<Japanese message>", "code": "<code>"}`.

Domain errors keep their own kind message; the framework's own answers (not logged in, CSRF refused,
malformed input) get a kind Japanese message too, so a screen reader user hears the same kind of
sentence whatever went wrong."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from hataraku.core.errors import Conflict, DomainError, NotFound


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
        return _error(api, request, exc.status_code, str(exc), "http_error")

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        # A missing or malformed header (e.g. Idempotency-Key) is a bad request (400); a body or query
        # that does not fit the schema is unprocessable (422).
        headers = [e for e in exc.errors if _location(e) == "header"]
        if headers:
            name = str(headers[0].get("loc", ["", ""])[-1])
            return _error(
                api,
                request,
                400,
                _(
                    "「%(name)s」ヘッダーがないか、形式が正しくありません。ページを開き直してからお試しください。"
                )
                % {"name": name},
                "invalid_header",
            )
        return _error(
            api, request, 422, _("入力の形式が正しくありません。内容を確かめてください。"), "invalid_input"
        )


def _location(error: dict[str, Any]) -> str:
    loc = error.get("loc") or [""]
    return str(loc[0])
