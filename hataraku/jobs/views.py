from __future__ import annotations

from collections.abc import Hashable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hataraku.accounts.selectors import is_verified, verified_user_ids
from hataraku.accounts.types import AuthedRequest
from hataraku.core import clock
from hataraku.core.errors import DomainError, NotFound
from hataraku.core.forms import ConfirmForm, add_domain_error
from hataraku.core.pages import render_page
from hataraku.core.params import small_int
from hataraku.core.permissions import role_required
from hataraku.profiles.selectors import availability_summaries, availability_summary, block_kinds

from . import integrations, selectors, services
from .constants import JobStatus, ProposalStatus
from .forms import (
    DeclineForm,
    InvitationForm,
    JobFilterForm,
    JobForm,
    ProposalForm,
)

JOBS_PER_PAGE = 50

# The empty filter form, rendered once per language and set of categories in each server process: its
# fields take about as long to render through Django's widget templates as the 20 cards below it.
_BLANK_FILTER_FORM: dict[tuple[Any, ...], SafeString] = {}


def _blank_filter_form(cats: list[Any]) -> SafeString:
    # Today is in the key: the date fields' min/max (core.dates) move with it.
    key = (get_language(), tuple(cats), clock.today())
    html = _BLANK_FILTER_FORM.get(key)
    if html is None:
        if len(_BLANK_FILTER_FORM) >= 32:  # categories edited many times: start again rather than grow
            _BLANK_FILTER_FORM.clear()
        html = _BLANK_FILTER_FORM[key] = SafeString(JobFilterForm(categories=cats))
    return html


# A filled-in filter form, kept per process by everything its markup depends on: the language, the
# categories, today (the date fields' limits and messages), the query as sent and the minimum wage named in
# the hint. Rendering its fifteen fields through Django's widget templates cost three quarters of a keyword
# search's page (bench/pages.py, issue 9); the same search sent again is drawn once.
_FILTER_FORMS: dict[tuple[Any, ...], SafeString] = {}
_FILTER_FORMS_MAX = 256


def _filter_form_html(form: JobFilterForm, cats: list[Any], floor: Any) -> SafeString:
    data: Any = form.data  # the request's QueryDict
    query = tuple(sorted((k, tuple(v)) for k, v in data.lists() if k != "page"))
    key = (get_language(), tuple(cats), clock.today(), query, floor)
    html = _FILTER_FORMS.get(key)
    if html is None:
        if len(_FILTER_FORMS) >= _FILTER_FORMS_MAX:
            _FILTER_FORMS.clear()
        html = _FILTER_FORMS[key] = SafeString(form)
    return html


# --- worker-facing: list and page ----------------------------------------------------------------------


@login_required
def job_list(request: AuthedRequest) -> HttpResponse:
    cats = selectors.category_choices()
    form = JobFilterForm(request.GET, categories=cats) if request.GET else None
    filters = selectors.JobFilters()
    form_html = None
    if form is not None:
        # Bad input never hides the list: what passed filters, the rest is named in the error summary.
        filters = form.job_filters()
        floor = selectors.wage_floor_for(request.user)
        form.say_floor(floor)
        form_html = _filter_form_html(form, cats, floor)
    number = request.GET.get("page")
    first: list[Any] | None = None
    if number in (None, "", "1"):
        # The first page with one row to spare: when that is all there is, it is also the count (no COUNT).
        first = selectors.job_card_page(
            viewer=request.user, filters=filters, offset=0, limit=JOBS_PER_PAGE + 1
        )
    if first is not None and len(first) <= JOBS_PER_PAGE:
        paginator = Paginator(first, JOBS_PER_PAGE)
    else:
        rows = selectors.job_card_rows(selectors.job_list(viewer=request.user, filters=filters))
        paginator = Paginator(rows, JOBS_PER_PAGE)
    page = paginator.get_page(number)
    # Page links keep the filters the person chose; only the page number changes.
    query = request.GET.copy()
    query.pop("page", None)
    shown = list(page.object_list)
    cards = selectors.cards_from_rows(shown)
    # Per-viewer parts (the ☆ toggle) go beside each cached card, never into it: rows start (pk, title, …).
    extras = integrations.card_extras(request, [(row[0], row[1]) for row in shown])
    context = {
        # The filled-in form (None for the first visit), and its markup kept per process.
        "form": form,
        "form_html": form_html if form_html is not None else _blank_filter_form(cats),
        "jobs": cards,
        # The list's items joined here, not by a {% for %}: each card's markup is kept, and the loop's
        # template nodes cost more than the join (issue 9).
        "cards_html": SafeString(
            "".join(
                f'<li class="card job-card">{card.html}{extras.get(row[0], "")}</li>'
                for card, row in zip(cards, shown, strict=True)
            )
        ),
        "list_actions": integrations.list_actions(request, query.urlencode()),
        "page": page,
        "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
        if paginator.num_pages > 1
        else [],
        "ellipsis": Paginator.ELLIPSIS,
        "query": query.urlencode(),
        "total": paginator.count,
        "filtered": bool(query),
    }
    # The page is kept by every value job_list.html shows: core/pages.py takes the context's plain values
    # (the form's and the cards' markup, the list actions, count, query) and adds what base.html reads; the
    # others are stood for here (`form` by form_html, `jobs` by cards_html, the Page by number and range).
    key: tuple[Hashable, ...] = (
        page.number,
        page.start_index(),
        page.end_index(),
        tuple(str(n) for n in cast(list[Any], context["page_range"])),
    )
    return render_page(request, "jobs/job_list.html", context, key=key)


@login_required
def job_detail(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = selectors.access_job(request.user, job_id)
    is_owner = job.client_id == request.user.pk
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "description_html": job.description_html,
            "meetings": list(job.meetings.all()),
            "is_owner": is_owner,
            "client_verified": is_verified(job.client),
            "stats": selectors.client_stats(job.client),
            "revisions": list(job.revisions.select_related("edited_by")) if is_owner else [],
            "my_proposal": selectors.open_proposal_for(job, request.user),
            "card_extra": integrations.card_extras(request, [(job.pk, job.title)]).get(job.pk, "")
            if not is_owner
            else "",
            "viewer_verified": is_verified(request.user),
            # Her controls over this client (issue 10 item 7), beside 「報告する」.
            "block_kinds": block_kinds(request.user.pk, job.client_id)
            if request.user.is_worker and not is_owner
            else None,
        },
    )


# --- client: writing and managing jobs -----------------------------------------------------------------


@role_required("client")
def client_jobs(request: AuthedRequest) -> HttpResponse:
    return render(request, "jobs/client_jobs.html", {"jobs": selectors.client_jobs(request.user)})


@role_required("client")
def job_create(request: AuthedRequest) -> HttpResponse:
    form = JobForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.job_create(client=request.user, data=form.job_input())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("下書きを保存しました。内容を確かめてから公開してください。"))
            return redirect("jobs:detail", job.pk)
    return render(request, "jobs/job_form.html", {"form": form, "job": None})


@role_required("client")
def job_edit(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = selectors.access_own_job(request.user, job_id)
    form = JobForm(request.POST or None, initial=JobForm.initial_from(job))
    if request.method == "POST" and form.is_valid():
        try:
            services.job_update(job=job, actor=request.user, data=form.job_input())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("変更を保存しました。前の内容は編集履歴に残っています。"))
            return redirect("jobs:detail", job.pk)
    return render(request, "jobs/job_form.html", {"form": form, "job": job})


@role_required("client")
@require_POST
def job_status(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = selectors.access_own_job(request.user, job_id)
    target = request.POST.get("to", "")
    if target not in JobStatus.values:
        raise NotFound()
    try:
        services.job_transition(job=job, actor=request.user, to=target)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            {
                JobStatus.PUBLISHED: _("仕事を公開しました。"),
                JobStatus.CLOSED: _("募集を終了しました。"),
                JobStatus.DRAFT: "",
            }[JobStatus(target)],
        )
    return redirect("jobs:detail", job.pk)


@role_required("client")
def job_proposals(request: AuthedRequest, job_id: int) -> HttpResponse:
    job = selectors.access_own_job(request.user, job_id)
    proposals = list(selectors.proposals_for_job(job))
    verified = verified_user_ids({p.worker_id for p in proposals})
    summaries = availability_summaries({p.worker_id for p in proposals})
    rows = [(p, summaries[p.worker_id]) for p in proposals]
    return render(
        request,
        "jobs/job_proposals.html",
        {"job": job, "proposals": proposals, "rows": rows, "verified_ids": verified},
    )


@role_required("client")
def invite(request: AuthedRequest) -> HttpResponse:
    jobs = selectors.client_jobs(request.user).filter(status=JobStatus.PUBLISHED)
    wanted = request.GET.get("worker", "")
    initial = {"worker_id": small_int(wanted)}
    # Coming from the directory ranked for one of her jobs: that job is chosen already.
    wanted_job = small_int(request.GET.get("job", ""))
    if wanted_job is not None and jobs.filter(pk=wanted_job).exists():
        initial["job"] = wanted_job
    # Coming from a public profile: name the person, so the client sees whom they are inviting.
    chosen = (
        get_user_model().objects.filter(pk=initial["worker_id"], is_worker=True, is_active=True).first()
        if initial["worker_id"]
        else None
    )
    form = InvitationForm(request.POST or None, jobs=jobs, initial=initial)
    if request.method == "POST" and form.is_valid():
        User = get_user_model()
        worker = User.objects.filter(pk=form.cleaned_data["worker_id"], is_worker=True).first()
        try:
            if worker is None:
                raise NotFound(_("このワーカーは見つかりませんでした。"), field="worker_id")
            services.invitation_send(
                job=form.cleaned_data["job"],
                client=request.user,
                worker=worker,
                message=form.cleaned_data["message"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("スカウトを送りました。"))
            return redirect("jobs:client_jobs")
    return render(
        request,
        "jobs/invite.html",
        {
            "form": form,
            "has_jobs": jobs.exists(),
            "known_workers": selectors.invitable_workers(request.user),
            "chosen": chosen,
        },
    )


# --- proposals -----------------------------------------------------------------------------------------


@role_required("worker")
def propose(request: AuthedRequest, job_id: int) -> HttpResponse:
    try:
        job = selectors.access_job(request.user, job_id)
    except NotFound:
        # The job closed while the worker was reading it (e.g. every place was filled): say so kindly
        # instead of a bare "not found". Closed jobs were public, so this tells nothing secret.
        closed = selectors.closed_job(job_id)
        if closed is None:
            raise
        messages.error(
            request,
            str(services.JOB_FULL_MESSAGE)
            if services.job_is_full(closed)
            else _("この仕事は募集を終了しているため、応募できません。ほかの仕事もぜひご覧ください。"),
        )
        return redirect("jobs:list")
    existing = selectors.open_proposal_for(job, request.user)
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {
            "amount": existing.amount,
            "delivery_date": existing.delivery_date,
            "message": existing.message,
        }
        initial["milestones"] = "\n".join(
            f"{m.title} / {m.amount} / {m.due_date.isoformat()}" for m in existing.milestones.all()
        )
    if request.method == "POST" and request.POST.get("action") == "preview":
        # 「計算する」 without JavaScript: the same page with the take-home for what she typed; nothing is
        # sent or saved, and no error is shown for the fields she has not filled yet.
        typed = ProposalForm(request.POST, job=job)
        form = ProposalForm(job=job, initial={k: request.POST.get(k, "") for k in typed.fields})
        return render(
            request,
            "jobs/propose.html",
            {
                "job": job,
                "form": form,
                "existing": existing,
                "verified": is_verified(request.user),
                "take_home": _take_home(job, typed),
            },
        )
    form = ProposalForm(request.POST or None, job=job, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_submit(
                job=job,
                worker=request.user,
                amount=form.cleaned_data["amount"],
                delivery_date=form.cleaned_data["delivery_date"],
                message=form.cleaned_data["message"],
                milestones=form.cleaned_data.get("milestones") or [],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("応募しました。クライアントからの連絡をお待ちください。"))
            return redirect("jobs:proposal_detail", proposal.pk)
    return render(
        request,
        "jobs/propose.html",
        {
            "job": job,
            "form": form,
            "existing": existing,
            "verified": is_verified(request.user),
            "take_home": _take_home(job, form) if form.is_bound or existing is not None else None,
        },
    )


def _take_home(job: Any, form: ProposalForm) -> selectors.TakeHome | None:
    """The take-home for the amount (and milestones) in `form` — typed, or the proposal already sent —
    or None while there is no amount. Only the two fields are read; the others may still be empty."""
    if form.is_bound:
        form.is_valid()  # cleans each field; the errors of the others do not matter here
        amount = form.cleaned_data.get("amount")
        milestones = form.cleaned_data.get("milestones") or []
    else:
        amount = form.initial.get("amount")
        milestones = []
    if not isinstance(amount, int) or amount <= 0:
        return None
    return selectors.proposal_take_home(
        job=job, amount=amount, milestone_amounts=[m.amount for m in milestones]
    )


@role_required("worker")
def propose_preview(request: AuthedRequest, job_id: int) -> HttpResponse:
    """The take-home part of the proposal form, for htmx as she types (a GET: reads only)."""
    job = selectors.access_job(request.user, job_id)
    form = ProposalForm(request.GET, job=job)
    return render(request, "jobs/_take_home.html", {"job": job, "take_home": _take_home(job, form)})


@login_required
def proposal_detail(request: AuthedRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.access_proposal(request.user, proposal_id)
    is_client = proposal.job.client_id == request.user.pk
    return render(
        request,
        "jobs/proposal_detail.html",
        {
            "proposal": proposal,
            "is_client": is_client,
            "milestones": list(proposal.milestones.all()),
            "worker_verified": is_verified(proposal.worker),
            "worker_summary": availability_summary(proposal.worker_id) if is_client else None,
            "can_edit": not is_client and proposal.status == ProposalStatus.SUBMITTED,
            # The contract offered on this proposal, if any (the reverse one-to-one raises when absent).
            "contract": getattr(proposal, "contract", None),
        },
    )


def _proposal_action(request: AuthedRequest, proposal_id: int, action: Any, done: str) -> HttpResponse:
    proposal = selectors.access_proposal(request.user, proposal_id)
    try:
        action(proposal=proposal, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("jobs:proposal_detail", proposal.pk)


@login_required
@require_POST
def proposal_withdraw(request: AuthedRequest, proposal_id: int) -> HttpResponse:
    return _proposal_action(request, proposal_id, services.proposal_withdraw, _("応募を取り下げました。"))


@login_required
@require_POST
def proposal_shortlist(request: AuthedRequest, proposal_id: int) -> HttpResponse:
    return _proposal_action(request, proposal_id, services.proposal_shortlist, _("候補に入れました。"))


@login_required
def proposal_decline(request: AuthedRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.access_proposal(request.user, proposal_id)
    if proposal.job.client_id != request.user.pk:
        raise NotFound()
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_decline(
                proposal=proposal, actor=request.user, message=form.cleaned_data["message"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("お断りの連絡を送りました。"))
            return redirect("jobs:job_proposals", proposal.job_id)
    return render(request, "jobs/proposal_decline.html", {"proposal": proposal, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def proposal_offer(request: AuthedRequest, proposal_id: int) -> HttpResponse:
    """Offering a contract takes two presses: a summary (the amount and milestones, the worker's fee, tax,
    withholding and take-home, what happens next, what binds once she agrees), then the POST with
    `confirmed=yes`. The key comes from the summary's form, so a double click or a resent POST offers once;
    a confirm without one is refused with "reload the page" (never a made-up key)."""
    proposal = selectors.access_proposal(request.user, proposal_id)
    if proposal.job.client_id != request.user.pk:
        raise NotFound()
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_confirmed() and form.is_valid():
        try:
            contract = services.proposal_offer(
                proposal=proposal, actor=request.user, idempotency_key=form.cleaned_data["idempotency_key"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("jobs:proposal_detail", proposal.pk)
        messages.success(request, _("契約を提案しました。契約条件を確認してください。"))
        if hasattr(contract, "get_absolute_url"):
            return redirect(contract.get_absolute_url())
        return redirect("jobs:proposal_detail", proposal.pk)
    milestones = list(proposal.milestones.all())
    return render(
        request,
        "jobs/proposal_offer_confirm.html",
        {
            "proposal": proposal,
            "job": proposal.job,
            "milestones": milestones,
            "form": form,
            "key": form.summary_key(),
            "take_home": selectors.proposal_take_home(
                job=proposal.job, amount=proposal.amount, milestone_amounts=[m.amount for m in milestones]
            ),
            "can_offer": proposal.status in (ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED),
            "flags": selectors.proposal_flags(proposal),
        },
    )


@role_required("worker")
def my_proposals(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "jobs/my_proposals.html",
        {
            "proposals": selectors.worker_proposals(request.user),
            "invitations": selectors.worker_invitations(request.user),
        },
    )
