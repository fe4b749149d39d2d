from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from . import clock, todos
from .models import AuditEvent
from .permissions import role_required


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db_status = "ok"
    except Exception as exc:  # the health check must answer, whatever the database does
        db_status = f"error: {exc.__class__.__name__}"
    ok = db_status == "ok"
    return JsonResponse(
        {
            "status": "ok" if ok else "degraded",
            "database": {"status": db_status, "vendor": connection.vendor},
            "time": clock.now().isoformat(),
        },
        status=200 if ok else 503,
    )


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The person's to-do list, one section per role they hold, filled by every app's `todos.py`
    (core/todos.py). A GET: it only reads."""
    from allauth.mfa.adapter import get_adapter as get_mfa_adapter

    user = request.user
    sections = []
    for role in todos.roles_of(user):
        panels = todos.panels_for(user, role)
        items = todos.todos_for(user, role)
        sections.append(
            {
                "role": role,
                "items": items,
                # the client's list grows with her jobs: read by kind, most urgent first (core/todos.py)
                "groups": todos.grouped(items) if role == todos.CLIENT else [],
                "top_panels": [p for p in panels if p.at_top],
                "foot_panels": [p for p in panels if not p.at_top],
            }
        )
    return render(
        request,
        "core/dashboard.html",
        {"sections": sections, "mfa_enabled": get_mfa_adapter().is_mfa_enabled(user)},
    )


@require_POST
@login_required
def session_extend(request: HttpRequest) -> JsonResponse:
    # A modified session is saved with a fresh expiry (and marked refreshed by SessionRefreshMiddleware).
    request.session.modified = True
    return JsonResponse({"expires_in": settings.SESSION_COOKIE_AGE})


@role_required("staff")
def audit_log(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.select_related("actor")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "action": action})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html", {"policy_version": settings.HATARAKU_PRIVACY_POLICY_VERSION})
