from __future__ import annotations

from collections.abc import Callable

from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string

from .errors import NotFound


class SecurityHeadersMiddleware:
    """Headers Django does not set by itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Pages behind a log-in may show personal data: never keep them in a shared cache.
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response


class NotFoundMiddleware:
    """The one place a page turns `NotFound` (raised by a selector or a service, missing and forbidden
    alike) into the 404 page. Views neither catch it nor raise `Http404` for it. The JSON API maps it in
    config/api_errors.py."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            return response_for_exception(request, Http404(str(exception)))
        return None


class MethodNotAllowedPageMiddleware:
    """A page that only takes POST (a download, a confirm button, "mark as read") opened by GET — a bookmark,
    a reload, a pasted address — gets a kind 405 page in the site's layout with a way back, instead of the
    browser's blank "HTTP ERROR 405". The status and the Allow header are kept. Under /api/ the JSON shape
    of `config.api_errors.ApiErrorMiddleware` answers instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponseNotAllowed)
            and not response.content
            and not request.path.startswith("/api/")
        ):
            page = HttpResponse(render_to_string("405.html", request=request), status=405)
            page["Allow"] = response["Allow"]
            return page
        return response
