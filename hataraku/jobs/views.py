from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hataraku.accounts.selectors import is_verified, verified_user_ids
from hataraku.accounts.types import AuthedRequest
from hataraku.core.errors import DomainError, NotFound
from hataraku.core.forms import add_domain_error
from hataraku.core.params import small_int
from hataraku.core.permissions import role_required
from hataraku.ledger.idempotency import require_key

from . import selectors, services
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
# eight fields take about as long to render through Django's widget templates as the 20 cards below it.
_BLANK_FILTER_FORM: dict[tuple[Any, ...], SafeString] = {}


def _blank_filter_form(cats: list[Any]) -> SafeString:
    key = (get_language(), tuple((c.pk, c.slug, c.name, c.parent_id) for c in cats))
    html = _BLANK_FILTER_FORM.get(key)
    if html is None:
        if len(_BLANK_FILTER_FORM) >= 32:  # categories edited many times: start again rather than grow
            _BLANK_FILTER_FORM.clear()
        html = _BLANK_FILTER_FORM[key] = SafeString(JobFilterForm(categories=cats))
    return html


# --- worker-facing: list and page ----------------------------------------------------------------------


@login_required
def job_list(request: AuthedRequest) -> HttpResponse:
    cats = list(selectors.categories())
    form = JobFilterForm(request.GET or None, categories=cats)
    filters = selectors.JobFilters()
    if form.is_valid():
        filters = selectors.JobFilters(**form.cleaned_data)
    paginator = Paginator(selectors.job_list(viewer=request.user, filters=filters), JOBS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    jobs = list(page.object_list)
    verified = verified_user_ids({j.client_id for j in jobs})
    # Page links keep the filters the person chose; only the page number changes.
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "jobs/job_list.html",
        {
            "form": form if form.is_bound else _blank_filter_form(cats),
            "jobs": selectors.job_cards(jobs, verified_ids=verified),
            "page": page,
            "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
            if paginator.num_pages > 1
            else [],
            "ellipsis": Paginator.ELLIPSIS,
            "query": query.urlencode(),
            "total": paginator.count,
            "filtered": bool(query),
        },
    )


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
            "viewer_verified": is_verified(request.user),
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
    return render(
        request, "jobs/job_proposals.html", {"job": job, "proposals": proposals, "verified_ids": verified}
    )


@role_required("client")
def invite(request: AuthedRequest) -> HttpResponse:
    jobs = selectors.client_jobs(request.user).filter(status=JobStatus.PUBLISHED)
    wanted = request.GET.get("worker", "")
    initial = {"worker_id": small_int(wanted)}
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
        {"job": job, "form": form, "existing": existing, "verified": is_verified(request.user)},
    )


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
@require_POST
def proposal_offer(request: AuthedRequest, proposal_id: int) -> HttpResponse:
    proposal = selectors.access_proposal(request.user, proposal_id)
    if proposal.job.client_id != request.user.pk:
        raise NotFound()
    # The key comes from the form, so a double click or a resent POST offers once; a form without one
    # is refused with "reload the page" (never a made-up key, which would let a resend offer twice).
    try:
        key = require_key(request.POST.get("idempotency_key"))
        contract = services.proposal_offer(proposal=proposal, actor=request.user, idempotency_key=key)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("jobs:proposal_detail", proposal.pk)
    messages.success(request, _("契約を提案しました。契約条件を確認してください。"))
    if hasattr(contract, "get_absolute_url"):
        return redirect(contract.get_absolute_url())
    return redirect("jobs:proposal_detail", proposal.pk)


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
