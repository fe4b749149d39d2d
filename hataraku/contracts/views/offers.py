"""The terms both parties agree to (page and PDF), agreeing, and withdrawing an offer not yet agreed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hataraku.accounts.types import AuthedRequest
from hataraku.core.errors import DomainError, NotFound
from hataraku.core.params import small_int
from hataraku.core.permissions import role_required

from .. import selectors, services
from ..constants import ContractStatus
from ..pdf import render_terms_pdf
from ._common import PARTIES, attempt


@role_required(*PARTIES)
def terms_page(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    versions = list(contract.terms.order_by("-version"))
    if not versions:
        raise NotFound()
    wanted = request.GET.get("v")
    terms = next((t for t in versions if str(t.version) == wanted), versions[0]) if wanted else versions[0]
    is_client = request.user.pk == contract.client_id
    my_agreed = contract.agreed_by_client_at if is_client else contract.agreed_by_worker_at
    return render(
        request,
        "contracts/terms.html",
        {
            "contract": contract,
            "terms": terms,
            "data": terms.data,
            "versions": versions,
            "is_latest": terms.version == versions[0].version,
            "can_agree": contract.status == ContractStatus.OFFERED and my_agreed is None,
        },
    )


@role_required(*PARTIES)
def terms_pdf(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    wanted = small_int(request.GET.get("v"))
    qs = contract.terms.order_by("-version")
    terms = qs.filter(version=wanted).first() if wanted else qs.first()
    if terms is None:
        raise NotFound()
    response = HttpResponse(render_terms_pdf(terms), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="terms-{contract.pk}-v{terms.version}.pdf"'
    return response


@role_required(*PARTIES)
@require_POST
def contract_agree(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    try:
        version = int(request.POST.get("terms_version", "0"))
        services.contract_agree(contract=contract, actor=request.user, terms_version=version)
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", _("もう一度お試しください。")))
        return redirect("contracts:terms", contract.pk)
    if contract.status == ContractStatus.ACTIVE:
        messages.success(request, _("双方が合意し、契約が成立しました。"))
    else:
        messages.success(request, _("取引条件に合意しました。相手の合意をお待ちください。"))
    return redirect("contracts:detail", contract.pk)


@role_required(*PARTIES)
@require_POST
def contract_cancel(request: AuthedRequest, contract_id: int) -> HttpResponse:
    contract = selectors.access_contract(request.user, contract_id)
    attempt(
        request,
        lambda: services.contract_cancel_offer(contract=contract, actor=request.user),
        _("契約の申し込みを取り消しました。"),
    )
    return redirect("contracts:detail", contract.pk)
