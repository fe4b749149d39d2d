"""Staff manage people (issue 10, item 8) and read reports (item 7); and anyone signed in files a report.

Thin views: parse, authorise (`role_required("staff")` answers 404 to everyone else), call one service.
Every change is a POST that has used the second factor in the last five minutes (`_recent_mfa_on_post`):
granting roles and removing someone's second factor are the riskiest things a staff session can do.
Opening the pages (GET) needs only the staff session, which has already used its second factor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hataraku.core.errors import DomainError
from hataraku.core.forms import add_domain_error
from hataraku.core.permissions import role_required

from . import people, reports, selectors
from .constants import Role
from .forms import (
    MunicipalityForm,
    MunicipalRoleForm,
    PeopleSearchForm,
    ReinstateForm,
    ReportForm,
    ReportResolveForm,
    SecondFactorResetForm,
    SuspensionForm,
)
from .permissions import has_second_factor, recent_mfa_required
from .types import AuthedRequest


def _recent_mfa_on_post(view: Callable[..., Any]) -> Callable[..., Any]:
    guarded = recent_mfa_required(view)

    @wraps(view)
    def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method == "POST":
            return guarded(request, *args, **kwargs)
        return view(request, *args, **kwargs)

    return wrapped


# --- people ---------------------------------------------------------------------------------------------


@role_required("staff")
def people_search(request: AuthedRequest) -> HttpResponse:
    form = PeopleSearchForm(request.GET or None)
    results = selectors.people_search(form.cleaned_data["q"]) if form.is_valid() else []
    return render(
        request,
        "accounts/staff/people.html",
        {
            "form": form,
            "results": results,
            "searched": form.is_bound and form.is_valid() and bool(form.cleaned_data["q"]),
            "queue": selectors.reports_queue(),
        },
    )


def _person_context(request: AuthedRequest, person: Any, **forms: Any) -> dict[str, Any]:
    return {
        "person": person,
        "role_labels": [Role(role).label for role in person.roles],
        "municipal_form": forms.get("municipal_form")
        or MunicipalRoleForm(
            initial={"municipality": person.municipality_id} if person.is_municipal_staff else None
        ),
        "suspension": selectors.open_suspension(person),
        "suspensions": list(selectors.suspension_history(person)[:10]),
        "has_second_factor": has_second_factor(person),
        "history": list(selectors.person_history(person)),
        "reports": list(selectors.reports_about(person)[:10]),
        "is_self": person.pk == request.user.pk,
    }


@role_required("staff")
@require_http_methods(["GET", "POST"])
@_recent_mfa_on_post
def person_detail(request: AuthedRequest, person_id: int) -> HttpResponse:
    """The person's roles, standing and history; the role buttons post here (`action`)."""
    person = selectors.access_person_for_staff(request.user, person_id)
    municipal_form = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "grant_municipal":
                municipal_form = MunicipalRoleForm(request.POST)
                if municipal_form.is_valid():
                    people.role_grant(
                        person=person,
                        actor=request.user,
                        role=Role.MUNICIPAL,
                        municipality=municipal_form.cleaned_data["municipality"],
                        department=municipal_form.cleaned_data["department"],
                    )
                    messages.success(
                        request, _("自治体パートナーの役割を設定し、ご本人にメールで知らせました。")
                    )
                    return redirect("accounts:staff_person", person.pk)
            elif action in {"revoke_municipal", "grant_staff", "revoke_staff"}:
                verb, role = action.split("_")
                role_value = Role.MUNICIPAL if role == "municipal" else Role.STAFF
                if verb == "grant":
                    people.role_grant(person=person, actor=request.user, role=role_value)
                    messages.success(request, _("運営スタッフの役割を追加し、ご本人にメールで知らせました。"))
                else:
                    people.role_revoke(person=person, actor=request.user, role=role_value)
                    messages.success(request, _("役割を外し、ご本人にメールで知らせました。"))
                return redirect("accounts:staff_person", person.pk)
        except DomainError as exc:
            if municipal_form is not None:
                add_domain_error(municipal_form, exc)
            else:
                messages.error(request, exc.message)
                return redirect("accounts:staff_person", person.pk)
    return render(
        request, "accounts/staff/person.html", _person_context(request, person, municipal_form=municipal_form)
    )


@role_required("staff")
@require_http_methods(["GET", "POST"])
@_recent_mfa_on_post
def person_suspend(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.access_person_for_staff(request.user, person_id)
    form = (ReinstateForm if person.is_suspended else SuspensionForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if person.is_suspended:
                people.account_reinstate(
                    person=person, actor=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("一時停止を解除し、ご本人にメールで知らせました。"))
            else:
                people.account_suspend(person=person, actor=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("アカウントを一時停止し、ご本人にメールで知らせました。"))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("accounts:staff_person", person.pk)
    return render(
        request,
        "accounts/staff/suspend.html",
        {"person": person, "form": form, "suspension": selectors.open_suspension(person)},
    )


@role_required("staff")
@require_http_methods(["GET", "POST"])
@_recent_mfa_on_post
def person_second_factor(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.access_person_for_staff(request.user, person_id)
    form = SecondFactorResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            people.second_factor_reset(
                person=person,
                actor=request.user,
                identity_check=form.cleaned_data["identity_check"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("2段階認証をリセットし、ご本人にメールで知らせました。"))
            return redirect("accounts:staff_person", person.pk)
    return render(
        request,
        "accounts/staff/second_factor.html",
        {"person": person, "form": form, "has_second_factor": has_second_factor(person)},
    )


@role_required("staff")
@require_http_methods(["GET", "POST"])
@_recent_mfa_on_post
def municipality_list(request: AuthedRequest) -> HttpResponse:
    form = MunicipalityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            people.municipality_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("自治体を登録しました。"))
            return redirect("accounts:staff_municipalities")
    return render(
        request,
        "accounts/staff/municipalities.html",
        {"form": form, "municipalities": list(selectors.municipalities())},
    )


# --- reports --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: AuthedRequest, kind: str, target_id: int) -> HttpResponse:
    """Anyone signed in tells staff about a user, a job or a message they can see (404 otherwise)."""
    target = reports.find_target(kind, request.user, target_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reports.report_submit(reporter=request.user, kind=kind, target_id=target_id, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "運営に報告しました。ありがとうございます。確認が終わったらお知らせします(相手には伝わりません)。"
                ),
            )
            return redirect("core:dashboard")
    return render(request, "accounts/report_new.html", {"form": form, "target": target, "kind": kind})


@role_required("staff")
def report_queue(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "accounts/staff/reports.html",
        {
            "queue": selectors.reports_queue(),
            "open": list(selectors.open_reports()),
            "resolved": list(selectors.recently_resolved_reports()),
        },
    )


@role_required("staff")
@require_http_methods(["GET", "POST"])
def report_detail(request: AuthedRequest, report_id: int) -> HttpResponse:
    report = selectors.access_report_for_staff(request.user, report_id)
    form = ReportResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reports.report_resolve(report=report, actor=request.user, note=form.cleaned_data["note"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("報告を対応済みにしました。"))
            return redirect("accounts:staff_reports")
    return render(request, "accounts/staff/report.html", {"report": report, "form": form})


# --- the suspended person's own page ---------------------------------------------------------------------


@login_required
def suspension(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "accounts/suspension.html", {"suspension": selectors.open_suspension(request.user)}
    )
