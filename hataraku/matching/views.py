"""「あなたにできる仕事」: the worker's ranked job list, and her marks on jobs; and the client's worker
directory, ranked for one of her open jobs (directory.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hataraku.accounts.selectors import verified_user_ids
from hataraku.accounts.types import AuthedRequest
from hataraku.core.errors import NotFound
from hataraku.core.params import small_int
from hataraku.core.permissions import role_required
from hataraku.jobs import integrations as job_integrations
from hataraku.jobs import selectors as job_selectors
from hataraku.jobs.constants import JobStatus
from hataraku.jobs.forms import JobFilterForm
from hataraku.profiles.forms import DirectoryFilterForm
from hataraku.profiles.selectors import worker_directory

from . import directory, selectors, services
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
    form = JobFilterForm(request.GET or None, categories=job_selectors.category_choices())
    # The job list's own filters, read the same way (fields that passed filter; errors in the summary).
    filters = form.job_filters()
    form.say_floor(job_selectors.wage_floor_for(request.user))
    result = selectors.recommendations_for(
        request.user, order=order, show_all=show_all, filters=filters, limit=PER_PAGE
    )
    jobs = [item.job for item in result.items]
    cards = job_selectors.job_cards(jobs, verified_ids=verified_user_ids({j.client_id for j in jobs}))
    # The viewer's ☆ 「あとで見る」 beside each card (jobs.integrations: the alerts app provides it).
    extras = job_integrations.card_extras(request, [(j.pk, j.title) for j in jobs])
    query = request.GET.copy()
    return render(
        request,
        "matching/recommendations.html",
        {
            "result": result,
            "items": list(zip(result.items, cards, [extras.get(j.pk, "") for j in jobs], strict=True)),
            "htmx": bool(extras),
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


@role_required("client")
def workers(request: AuthedRequest) -> HttpResponse:
    """The worker directory: clients find someone to invite instead of typing a worker ID. With
    `?job=<id>` (one of her own open jobs; anything else is 404) it is ranked by fit for that job
    (matching/directory.py); without, newest profile first."""
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    chosen = None
    open_jobs = list(job_selectors.client_jobs(request.user).filter(status=JobStatus.PUBLISHED))
    if request.GET.get("job"):
        job_id = small_int(request.GET["job"])
        if job_id is None:
            raise NotFound()
        chosen = job_selectors.access_own_job(request.user, job_id)
        if chosen.status != JobStatus.PUBLISHED:
            raise NotFound()
    options = {
        "skill": filters.get("skill", ""),
        "prefecture": filters.get("prefecture", ""),
        "band": filters.get("band", ""),
        "verified_only": bool(filters.get("verified")),
    }
    if chosen is not None:
        fits = directory.ranked_workers(job=chosen, client=request.user, **options)
        rows = [(fit.row, fit.why) for fit in fits]
    else:
        rows = [(row, []) for row in worker_directory(client_id=request.user.pk, **options)]
    return render(
        request,
        "matching/workers.html",
        {"form": form, "rows": rows, "open_jobs": open_jobs, "chosen": chosen, "has_jobs": bool(open_jobs)},
    )
