from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hataraku.accounts.types import AuthedRequest
from hataraku.contracts.selectors import access_contract, is_completed
from hataraku.core.errors import DomainError, NotFound
from hataraku.core.forms import add_domain_error
from hataraku.core.permissions import role_required
from hataraku.profiles.selectors import block_kinds

from . import selectors
from .forms import ReviewForm
from .services import review_submit


@role_required("worker", "client")
@require_http_methods(["GET", "POST"])
def contract_review(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = access_contract(request.user, contract_id)
    existing = selectors.reviews_for_contract(contract)
    user: Any = request.user
    mine = existing.get(user.pk)
    other_id = contract.worker_id if request.user.pk == contract.client_id else contract.client_id
    theirs = existing.get(other_id)
    theirs_visible = theirs is not None and selectors.is_visible(theirs)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_submit(contract=contract, reviewer=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("評価を送りました。ありがとうございました。"))
            return redirect("reviews:contract", contract_id=contract.pk)
    return render(
        request,
        "reviews/contract_review.html",
        {
            "contract": contract,
            "completed": is_completed(contract),
            "mine": mine,
            "theirs": theirs if theirs_visible else None,
            "theirs_waiting": theirs is not None and not theirs_visible,
            "release_at": selectors.release_date(contract),
            "form": form,
            "other": contract.worker if other_id == contract.worker_id else contract.client,
        },
        status=400 if form.errors else 200,
    )


@login_required
def user_reviews(request: AuthedRequest, user_id: int) -> HttpResponse:
    subject = get_user_model().objects.filter(pk=user_id, is_active=True, deleted_at__isnull=True).first()
    if subject is None:
        raise NotFound()
    reviews = list(selectors.visible_reviews_for(subject))
    average = round(sum(r.average for r in reviews) / len(reviews), 1) if reviews else None
    # A worker's controls over a client (issue 10 item 7), beside 「報告する」.
    controls = request.user.is_worker and subject.is_client and subject.pk != request.user.pk
    return render(
        request,
        "reviews/user_reviews.html",
        {
            "subject": subject,
            "reviews": reviews,
            "average": average,
            "block_kinds": block_kinds(request.user.pk, subject.pk) if controls else None,
        },
    )
