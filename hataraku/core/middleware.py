from __future__ import annotations

from collections.abc import Callable

from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string

from . import sessions, views
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


class HealthCheckMiddleware:
    """Answer /healthz before sessions, users, CSRF and CSP: load balancers call it every few seconds with
    no cookie, and it only asks whether the database answers. Through the whole stack it cost a session and
    a user lookup for a signed-in caller and most of its time in middleware (issue 9, item 4)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/healthz":
            return views.healthz(request)
        return self.get_response(request)


class SessionRefreshMiddleware:
    """Keep an active session alive while writing its row at most once a minute (see core/sessions.py).

    Listed right after SessionMiddleware, so this runs before it saves: a session some code read (a signed-in
    page always reads it) is marked refreshed when its last refresh is a minute old, which makes
    SessionMiddleware save it with a fresh expiry. A session that is saved anyway (log-in, a message, the
    keep-alive button) is marked too, so the mark always matches the stored expiry. Requests that never read
    the session (static files, /healthz) do not count as activity. The `X-Session-Expires-In` header lets the
    warning script follow htmx requests without asking the server again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.session_key is None or session.is_empty():
            return response
        if response.status_code >= 500:  # SessionMiddleware does not save on a server error either
            return response
        if session.modified or sessions.refresh_due(session):
            sessions.mark_refreshed(session)
        response.headers["X-Session-Expires-In"] = str(sessions.seconds_left(session))
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
