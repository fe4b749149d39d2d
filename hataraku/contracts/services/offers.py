"""The offer of a contract on a proposal, each side's agreement to the terms it was shown, and the
withdrawal of an offer nobody is bound by yet."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock
from hataraku.core.audit import audit_record
from hataraku.core.dates import check_date
from hataraku.core.errors import Conflict, DomainError, InvalidTransition, NotFound
from hataraku.jobs import selectors as job_selectors
from hataraku.jobs import services as job_services

from .. import notices
from ..constants import MAX_MILESTONES, ContractKind, ContractStatus
from ..models import Contract, Milestone
from ._common import contract_transition, contract_url, notify, other_party, require_party
from .lifecycle import terms_generate


def _withholding_applies(*, client: User, job: Any) -> bool:
    """源泉徴収 applies when the jobs app's one rule says so (`jobs.selectors.withholding_applies`), the
    same rule the proposal form's take-home preview uses."""
    return job_selectors.withholding_applies(job)


def contract_offer(*, proposal: Any, actor: User, idempotency_key: str) -> Contract:
    """The client offers a contract on a proposal. Creates the contract in `offered` with its milestones
    (copied from the proposal, or one milestone of the whole amount) and the first version of the terms.
    Calling again with the same key returns the same contract."""
    with transaction.atomic():
        existing = Contract.objects.filter(offer_key=idempotency_key).first()
        if existing is not None:
            if existing.proposal_id != proposal.pk:
                raise Conflict(_("同じ操作キーで別の契約がすでに作られています。"))
            return existing
        job = proposal.job
        if actor is None or actor.pk != job.client_id:
            raise NotFound(_("応募が見つかりません。"))
        if proposal.worker_id == job.client_id:
            raise DomainError(_("自分の仕事に自分で契約することはできません。"))
        if Contract.objects.filter(proposal=proposal).exclude(status=ContractStatus.CANCELLED).exists():
            raise Conflict(_("この応募にはすでに契約の申し込みがあります。"))
        # A withdrawn offer sent the proposal back to the shortlist; the proposal link is one-to-one, so
        # the cancelled contract lets go of it (its audit rows keep the proposal id) for the new offer.
        Contract.objects.filter(proposal=proposal, status=ContractStatus.CANCELLED).update(proposal=None)
        kind = ContractKind.HOURLY if job.pay_type == "hourly" else ContractKind.FIXED
        proposal_milestones = (
            list(proposal.milestones.order_by("order")) if kind == ContractKind.FIXED else []
        )
        # Proposals are checked by the date rule when sent; this stops older ones (year 9999) from
        # overflowing the terms' payment-date arithmetic.
        check_date(proposal.delivery_date, label=_("応募の納品予定日"), allow_past=True)
        for pm in proposal_milestones:
            check_date(pm.due_date, label=_("応募のマイルストーンの期日"), allow_past=True)
        if len(proposal_milestones) > MAX_MILESTONES:
            raise DomainError(_("マイルストーンは20個までです。"))
        contract = Contract.objects.create(
            job=job,
            proposal=proposal,
            client=job.client,
            worker=proposal.worker,
            kind=kind,
            title=job.title,
            description=job.description_md,
            total_amount=proposal.amount if kind == ContractKind.FIXED else 0,
            hourly_rate=proposal.amount if kind == ContractKind.HOURLY else None,
            weekly_hour_cap=job.weekly_hour_cap if kind == ContractKind.HOURLY else None,
            withholding=_withholding_applies(client=job.client, job=job),
            commissioned_on=clock.today(),
            offer_key=idempotency_key,
        )
        if kind == ContractKind.FIXED:
            if proposal_milestones:
                for i, pm in enumerate(proposal_milestones, start=1):
                    Milestone.objects.create(
                        contract=contract, order=i, title=pm.title, amount=pm.amount, due_date=pm.due_date
                    )
                contract.total_amount = sum(pm.amount for pm in proposal_milestones)
                contract.save(update_fields=["total_amount"])
            else:
                Milestone.objects.create(
                    contract=contract,
                    order=1,
                    title=job.title,
                    amount=proposal.amount,
                    due_date=proposal.delivery_date,
                )
        terms = terms_generate(contract=contract)
        audit_record(
            actor=actor,
            action="contract.offer",
            target=contract,
            data={"proposal": proposal.pk, "terms_version": terms.version, "kind": kind},
        )
        notify(
            user=contract.worker,
            code=notices.OFFER_RECEIVED,
            params={"title": contract.title},
            url=contract_url(contract),
        )
    return contract


def _mark_proposal_accepted(contract: Contract, actor: User) -> None:
    """Tell the jobs app the offer became a contract (its table allows offered → accepted)."""
    if contract.proposal is None or contract.proposal.status != "offered":
        return
    job_services.proposal_mark_accepted(proposal=contract.proposal, actor=actor)


def _return_proposal_to_shortlist(contract: Contract, actor: User) -> None:
    """offered → shortlisted: an offer the worker turns down or the client withdraws goes back to the
    client's shortlist, in the name of whoever withdrew it."""
    proposal = contract.proposal
    if proposal is None or proposal.status != "offered":
        return
    job_services.proposal_offer_withdrawn(proposal=proposal, actor=actor)


def contract_agree(*, contract: Contract, actor: User, terms_version: int) -> Contract:
    """One side agrees to the terms version it was shown. If the terms changed since (a newer version),
    the agreement is refused: nobody can be bound to terms they did not see. When both sides have agreed,
    the contract becomes agreed and then active."""
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        require_party(locked, actor)
        if locked.status != ContractStatus.OFFERED:
            raise InvalidTransition(_("この契約はすでに合意済みか、取り消されています。"))
        current = locked.current_terms()
        if current is None or current.version != terms_version:
            raise Conflict(
                _("取引条件が変更されています。最新の取引条件を確認してから、もう一度合意してください。")
            )
        now = clock.now()
        is_client = actor.pk == locked.client_id
        field = "agreed_by_client_at" if is_client else "agreed_by_worker_at"
        if getattr(locked, field) is not None:
            raise InvalidTransition(_("すでに合意しています。相手の合意をお待ちください。"))
        setattr(locked, field, now)
        locked.save(update_fields=[field])
        audit_record(
            actor=actor,
            action="contract.agree",
            target=locked,
            data={
                "side": "client" if is_client else "worker",
                "terms_version": current.version,
                "hash": current.text_hash,
            },
        )
        if locked.agreed_by_client_at and locked.agreed_by_worker_at:
            contract_transition(contract=locked, target=ContractStatus.AGREED, actor=actor)
            contract_transition(contract=locked, target=ContractStatus.ACTIVE, actor=actor)
            _mark_proposal_accepted(locked, actor)
            for party in (locked.client, locked.worker):
                notify(
                    user=party,
                    code=notices.AGREED,
                    params={"title": locked.title},
                    url=contract_url(locked),
                )
        else:
            notify(
                user=other_party(locked, actor),
                code=notices.AGREE_WAITING,
                params={"title": locked.title},
                url=contract_url(locked),
            )
    contract.refresh_from_db(fields=["status", "agreed_by_client_at", "agreed_by_worker_at", "activated_at"])
    return locked


def contract_cancel_offer(*, contract: Contract, actor: User) -> Contract:
    """Either side withdraws from an offer no one is bound by yet. Once both agreed, the contract is only
    ended by finishing it (`contract_complete`, or every milestone finished); the status is checked before
    anything is written, so a refused cancel leaves no audit row behind. The proposal goes back to the
    client's shortlist, so the client can offer again or decline it with a kind message."""
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        require_party(locked, actor)
        if locked.status != ContractStatus.OFFERED:
            raise InvalidTransition(
                _(
                    "この契約はすでに成立しているため、取り消せません。"
                    "続けられない事情があるときは、相手へのメッセージか運営への仲介の依頼でご相談ください。"
                )
                if locked.status in (ContractStatus.AGREED, ContractStatus.ACTIVE)
                else _("この契約は「%(status)s」のため、取り消せません。")
                % {"status": locked.get_status_display()}
            )
        locked = contract_transition(contract=locked, target=ContractStatus.CANCELLED, actor=actor)
        _return_proposal_to_shortlist(locked, actor)
        notify(
            user=other_party(locked, actor),
            code=notices.OFFER_CANCELLED,
            params={"title": locked.title},
            url=contract_url(locked),
        )
    contract.refresh_from_db(fields=["status"])
    return locked
