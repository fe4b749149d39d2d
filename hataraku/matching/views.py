"""「あなたにできる仕事」: the worker's ranked job list, and her marks on jobs."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hataraku.accounts.selectors import verified_user_ids
from hataraku.accounts.types import AuthedRequest
from hataraku.core.permissions import role_required
from hataraku.jobs import selectors as job_selectors
from hataraku.jobs.forms import JobFilterForm

from . import selectors, services
from .constants import MarkKind, Order

PER_PAGE = 50


def _with(request: AuthedRequest, **changes: str) -> str:
    """This page's query string with some parameters changed (the filters she chose stay)."""
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@role_required("worker")
def for_you(request: AuthedRequest) -> HttpResponse:
    """The ranked list 「あなたにできる仕事」 with the job list's filters, an order and the one switch."""
    order = request.GET.get("order", Order.RECOMMENDED)
    show_all = request.GET.get("all") == "1"
    form = JobFilterForm(request.GET or None, categories=list(job_selectors.categories()))
    filters = job_selectors.JobFilters(**form.cleaned_data) if form.is_valid() else job_selectors.JobFilters()
    result = selectors.recommendations_for(
        request.user, order=order, show_all=show_all, filters=filters, limit=PER_PAGE
    )
    jobs = [item.job for item in result.items]
    cards = job_selectors.job_cards(jobs, verified_ids=verified_user_ids({j.client_id for j in jobs}))
    query = request.GET.copy()
    return render(
        request,
        "matching/recommendations.html",
        {
            "result": result,
            "items": list(zip(result.items, cards, strict=True)),
            "orders": Order.choices,
            "order": result.order,
            "show_all": show_all,
            "form": form,
            "show_all_query": _with(request, all="1"),
            "here": request.get_full_path(),
            "query": query.urlencode(),
        },
    )


@role_required("worker")
@require_POST
def mark(request: AuthedRequest, job_id: int) -> HttpResponse:
    kind = request.POST.get("kind", "")
    services.job_mark(worker=request.user, job_id=job_id, kind=kind)
    messages.success(
        request,
        {
            MarkKind.CAN_DO: _("「それでもできる」として、できる仕事と同じように並べます。"),
            MarkKind.NOT_INTERESTED: _("「興味なし」にしました。この仕事は一覧に出てきません。"),
            "": _("印を外しました。"),
        }.get(kind, ""),
    )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return redirect(back or "matching:for_you")
