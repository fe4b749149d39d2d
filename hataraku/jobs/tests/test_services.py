from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from hataraku.core import clock, notifications
from hataraku.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from hataraku.core.models import AuditEvent
from hataraku.jobs import integrations, notices, services
from hataraku.jobs.constants import JobStatus, MeetingStyle, PayType, ProposalStatus
from hataraku.jobs.models import Invitation, Job, JobMeeting, JobRevision, Proposal, ProposalMilestone
from hataraku.jobs.services import JobInput, MeetingInput, MilestoneInput

from .factories import (
    ClientFactory,
    JobFactory,
    ProposalFactory,
    UserFactory,
    category,
    verified,
)

pytestmark = pytest.mark.django_db


def job_input(**overrides: Any) -> JobInput:
    today = clock.today()
    data = JobInput(
        title="請求書データの入力",
        description_md="## 内容\n紙の請求書を表に入力します。",
        category=category("office-entry"),
        skills=["Excel", "タイピング"],
        pay_type=PayType.FIXED,
        budget_min=8_000,
        budget_max=12_000,
        estimated_hours=6,
        deadline=today + dt.timedelta(days=21),
        proposal_deadline=today + dt.timedelta(days=7),
        headcount=1,
        meeting_style=MeetingStyle.TEXT_CHAT,
        interruptible=True,
        min_block_minutes=30,
        beginner_welcome=True,
        accessibility_notes="資料はテキスト形式でお渡しします。",
    )
    return replace(data, **overrides)


@pytest.fixture
def notes(monkeypatch):  # type: ignore[no-untyped-def]
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(notifications, "notify", lambda **kw: sent.append(kw))
    return sent


# --- jobs ---------------------------------------------------------------------------------------------


def test_client_creates_a_draft_with_every_field():
    # given a client
    client = ClientFactory()
    when = clock.now() + dt.timedelta(days=3)
    # when they write a job with scheduled calls
    job = services.job_create(
        client=client,
        data=job_input(
            meeting_style=MeetingStyle.SCHEDULED_CALLS, meetings=[MeetingInput(starts_at=when, minutes=45)]
        ),
    )
    # then it is a draft with the calls and an audit row
    job.refresh_from_db()
    assert job.status == JobStatus.DRAFT
    assert job.skills == ["Excel", "タイピング"]
    assert job.beginner_welcome and job.interruptible
    assert list(job.meetings.values_list("minutes", flat=True)) == [45]
    assert AuditEvent.objects.filter(action="job.create", target_id=str(job.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"budget_min": 20_000, "budget_max": 10_000}, "budget_max", "予算の上限"),
        (
            {"deadline": dt.date(2026, 12, 5), "proposal_deadline": dt.date(2026, 12, 8)},
            "deadline",
            "応募締切より後",
        ),
        ({"deadline": dt.date(2026, 11, 30)}, "deadline", "今日以降"),
        ({"meeting_style": MeetingStyle.SCHEDULED_CALLS, "meetings": []}, "meeting_1", "通話の日時"),
        (
            {
                "pay_type": PayType.HOURLY,
                "hourly_rate_min": None,
                "hourly_rate_max": None,
                "weekly_hour_cap": 10,
            },
            "hourly_rate_min",
            "時給",
        ),
        (
            {
                "pay_type": PayType.HOURLY,
                "hourly_rate_min": 1200,
                "hourly_rate_max": 1500,
                "weekly_hour_cap": None,
            },
            "weekly_hour_cap",
            "週の上限",
        ),
        ({"headcount": 0}, "headcount", "1人以上"),
    ],
)
def test_bad_job_terms_are_refused_and_nothing_is_saved(overrides, field, fragment):
    # given a client and terms that break one rule
    client = ClientFactory()
    # when they try to save
    with pytest.raises(DomainError) as info:
        services.job_create(client=client, data=job_input(**overrides))
    # then the message says which rule, in Japanese, and nothing was saved
    assert info.value.field == field
    assert fragment in info.value.message
    assert Job.objects.count() == 0
    assert JobMeeting.objects.count() == 0


def test_a_worker_cannot_write_a_job():
    with pytest.raises(PermissionDenied):
        services.job_create(client=UserFactory(), data=job_input())
    assert Job.objects.count() == 0


def test_hourly_job_drops_budget_fields():
    job = services.job_create(
        client=ClientFactory(),
        data=job_input(
            pay_type=PayType.HOURLY, hourly_rate_min=1200, hourly_rate_max=1500, weekly_hour_cap=10
        ),
    )
    assert job.budget_min is None and job.budget_max is None
    assert job.weekly_hour_cap == 10


def test_job_moves_draft_published_closed_and_reopens():
    # given a draft
    job = JobFactory(status=JobStatus.DRAFT, published_at=None)
    # when its client publishes, closes and reopens it
    services.job_transition(job=job, actor=job.client, to=JobStatus.PUBLISHED)
    services.job_transition(job=job, actor=job.client, to=JobStatus.CLOSED)
    services.job_transition(job=job, actor=job.client, to=JobStatus.PUBLISHED)
    # then each move is audited
    job.refresh_from_db()
    assert job.status == JobStatus.PUBLISHED and job.closed_at is None
    actions = list(AuditEvent.objects.filter(target_id=str(job.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["job.closed", "job.published", "job.published"]


def test_illegal_job_moves_change_nothing():
    job = JobFactory(status=JobStatus.DRAFT, published_at=None)
    with pytest.raises(InvalidTransition):
        services.job_transition(job=job, actor=job.client, to=JobStatus.CLOSED)
    with pytest.raises(NotFound):
        services.job_transition(job=job, actor=ClientFactory(), to=JobStatus.PUBLISHED)
    job.refresh_from_db()
    assert job.status == JobStatus.DRAFT
    assert not AuditEvent.objects.filter(target_id=str(job.pk)).exists()


def test_publishing_a_draft_whose_proposal_deadline_passed_is_refused(frozen_clock):
    job = JobFactory(status=JobStatus.DRAFT, published_at=None)
    frozen_clock.advance(dt.timedelta(days=10))
    with pytest.raises(InvalidTransition) as info:
        services.job_transition(job=job, actor=job.client, to=JobStatus.PUBLISHED)
    assert "応募締切" in info.value.message
    job.refresh_from_db()
    assert job.status == JobStatus.DRAFT


def test_edits_keep_history():
    # given a published job
    client = ClientFactory()
    job = services.job_create(client=client, data=job_input(title="最初のタイトル"))
    # when the client edits twice
    services.job_update(job=job, actor=client, data=job_input(title="二番目"))
    services.job_update(job=job, actor=client, data=job_input(title="三番目"))
    # then the two earlier versions are kept, newest first
    job.refresh_from_db()
    assert job.title == "三番目"
    assert [(r.number, r.snapshot["title"]) for r in JobRevision.objects.filter(job=job)] == [
        (2, "二番目"),
        (1, "最初のタイトル"),
    ]


def test_another_client_cannot_edit():
    job = JobFactory()
    with pytest.raises(NotFound):
        services.job_update(job=job, actor=ClientFactory(), data=job_input(title="乗っ取り"))
    job.refresh_from_db()
    assert job.title != "乗っ取り"
    assert JobRevision.objects.count() == 0


# --- proposals ----------------------------------------------------------------------------------------


def propose(job: Job, worker: Any, **kw: Any) -> Proposal:
    args: dict[str, Any] = {
        "amount": 12_000,
        "delivery_date": clock.today() + dt.timedelta(days=14),
        "message": "よろしくお願いします。",
        "milestones": [],
    }
    args.update(kw)
    return services.proposal_submit(job=job, worker=worker, **args)


def test_worker_proposes_with_milestones_and_client_is_notified(notes):
    # given a published job and a worker
    job = JobFactory()
    worker = UserFactory()
    due = clock.today() + dt.timedelta(days=7)
    # when the worker proposes with two milestones that add up
    proposal = propose(
        job,
        worker,
        milestones=[
            MilestoneInput("前半", 6_000, due),
            MilestoneInput("後半", 6_000, due + dt.timedelta(days=7)),
        ],
    )
    # then it is submitted, the milestones are in order, and the client hears of it
    assert proposal.status == ProposalStatus.SUBMITTED
    assert list(proposal.milestones.values_list("order", "title")) == [(1, "前半"), (2, "後半")]
    assert [n["user"] for n in notes] == [job.client]
    assert notes[0]["code"] == notices.PROPOSAL_NEW


def test_milestones_must_add_up_to_the_amount():
    job = JobFactory()
    due = clock.today() + dt.timedelta(days=7)
    with pytest.raises(DomainError) as info:
        propose(job, UserFactory(), amount=12_000, milestones=[MilestoneInput("前半", 5_000, due)])
    assert "合計" in info.value.message
    assert Proposal.objects.count() == 0 and ProposalMilestone.objects.count() == 0


def test_more_than_twenty_milestones_are_refused():
    job = JobFactory()
    due = clock.today() + dt.timedelta(days=7)
    with pytest.raises(DomainError) as info:
        propose(
            job,
            UserFactory(),
            amount=21_000,
            milestones=[MilestoneInput(f"m{i}", 1_000, due) for i in range(21)],
        )
    assert "20個まで" in info.value.message
    assert Proposal.objects.count() == 0


def test_resubmitting_edits_the_same_proposal():
    job = JobFactory()
    worker = UserFactory()
    first = propose(job, worker, amount=12_000)
    second = propose(job, worker, amount=11_000)
    assert first.pk == second.pk
    assert Proposal.objects.get().amount == 11_000


@pytest.mark.parametrize(
    "status", [ProposalStatus.SHORTLISTED, ProposalStatus.WITHDRAWN, ProposalStatus.DECLINED]
)
def test_proposing_again_after_the_first_moved_on_is_refused(status):
    proposal = ProposalFactory(status=status, amount=15_000)
    with pytest.raises(InvalidTransition) as info:
        propose(proposal.job, proposal.worker, amount=1)
    assert "すでに応募" in info.value.message
    proposal.refresh_from_db()
    assert proposal.amount == 15_000 and proposal.status == status


def test_proposing_on_a_closed_job_is_refused():
    job = JobFactory(status=JobStatus.CLOSED)
    with pytest.raises(InvalidTransition) as info:
        propose(job, UserFactory())
    assert "募集を終了" in info.value.message
    assert Proposal.objects.count() == 0


def test_proposing_after_the_proposal_deadline_is_refused(frozen_clock):
    job = JobFactory()
    frozen_clock.advance(dt.timedelta(days=8))
    with pytest.raises(InvalidTransition) as info:
        propose(job, UserFactory())
    assert "応募締切" in info.value.message
    assert Proposal.objects.count() == 0


def test_unverified_worker_is_kindly_refused_on_verified_only_job():
    job = JobFactory(verified_only=True)
    with pytest.raises(PermissionDenied) as info:
        propose(job, UserFactory())
    assert "本人確認" in info.value.message
    assert Proposal.objects.count() == 0
    assert propose(job, verified(UserFactory())).status == ProposalStatus.SUBMITTED


def test_a_client_cannot_propose_on_their_own_job():
    job = JobFactory()
    job.client.is_worker = True
    job.client.save()
    with pytest.raises(PermissionDenied):
        propose(job, job.client)
    assert Proposal.objects.count() == 0


def test_client_shortlists_then_declines_with_the_kind_text(notes):
    proposal = ProposalFactory()
    client = proposal.job.client
    services.proposal_shortlist(proposal=proposal, actor=client)
    services.proposal_decline(
        proposal=proposal, actor=client, message="今回は見送ります。ありがとうございました。"
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED
    assert proposal.decline_message.startswith("今回は")
    assert [n["code"] for n in notes] == [notices.PROPOSAL_SHORTLISTED, notices.PROPOSAL_DECLINED]


def test_worker_cannot_shortlist_their_own_proposal():
    proposal = ProposalFactory()
    with pytest.raises(PermissionDenied):
        services.proposal_shortlist(proposal=proposal, actor=proposal.worker)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def test_client_cannot_withdraw_for_the_worker():
    proposal = ProposalFactory()
    with pytest.raises(PermissionDenied):
        services.proposal_withdraw(proposal=proposal, actor=proposal.job.client)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def test_declining_a_withdrawn_proposal_is_refused():
    proposal = ProposalFactory()
    services.proposal_withdraw(proposal=proposal, actor=proposal.worker)
    with pytest.raises(InvalidTransition) as info:
        services.proposal_decline(proposal=proposal, actor=proposal.job.client, message="見送ります")
    assert "取り下げ" in info.value.message
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN and proposal.decline_message == ""


def test_a_stranger_cannot_touch_a_proposal():
    proposal = ProposalFactory()
    with pytest.raises(NotFound):
        services.proposal_shortlist(proposal=proposal, actor=ClientFactory())
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def test_offer_calls_contracts_and_marks_the_proposal_offered(monkeypatch):
    # given a shortlisted proposal and the contracts app's contract_offer
    proposal = ProposalFactory(status=ProposalStatus.SHORTLISTED)
    calls: list[dict[str, Any]] = []

    def fake_offer(**kw: Any) -> str:
        calls.append(kw)
        return "contract"

    monkeypatch.setattr(integrations, "contract_offer", fake_offer)
    # when the client offers
    result = services.proposal_offer(proposal=proposal, actor=proposal.job.client, idempotency_key="k1")
    # then contracts got the proposal, the actor and the key, and the proposal is offered
    assert result == "contract"
    assert calls[0]["proposal"].pk == proposal.pk and calls[0]["idempotency_key"] == "k1"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OFFERED


def test_offer_through_the_real_contracts_app_is_idempotent():
    # given a proposal with two milestones
    proposal = ProposalFactory(amount=12_000)
    due = clock.today() + dt.timedelta(days=7)
    ProposalMilestone.objects.create(proposal=proposal, order=1, title="前半", amount=6_000, due_date=due)
    ProposalMilestone.objects.create(proposal=proposal, order=2, title="後半", amount=6_000, due_date=due)
    # when the client offers twice with the same key (a double click)
    first = services.proposal_offer(proposal=proposal, actor=proposal.job.client, idempotency_key="same")
    second = services.proposal_offer(proposal=proposal, actor=proposal.job.client, idempotency_key="same")
    # then one contract exists, with the proposal's milestones, and the proposal is offered
    assert first.pk == second.pk
    assert first.milestones.count() == 2
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OFFERED


def test_a_failing_contract_offer_leaves_the_proposal_as_it_was(monkeypatch):
    proposal = ProposalFactory()

    def refuse(**kw: Any) -> None:
        raise DomainError("契約を作れませんでした。")

    monkeypatch.setattr(integrations, "contract_offer", refuse)
    with pytest.raises(DomainError):
        services.proposal_offer(proposal=proposal, actor=proposal.job.client, idempotency_key="k1")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def test_offer_on_a_declined_proposal_is_refused(monkeypatch):
    proposal = ProposalFactory(status=ProposalStatus.DECLINED)
    monkeypatch.setattr(integrations, "contract_offer", lambda **kw: pytest.fail("must not be called"))
    with pytest.raises(InvalidTransition):
        services.proposal_offer(proposal=proposal, actor=proposal.job.client, idempotency_key="k1")


# --- invitations --------------------------------------------------------------------------------------


def test_client_invites_a_worker_once(notes):
    job = JobFactory()
    worker = UserFactory()
    services.invitation_send(job=job, client=job.client, worker=worker, message="ぜひ")
    assert notes[0]["user"] == worker and notes[0]["code"] == notices.JOB_INVITED
    with pytest.raises(InvalidTransition):
        services.invitation_send(job=job, client=job.client, worker=worker)
    assert job.invitations.count() == 1


def test_inviting_to_a_draft_or_someone_elses_job_is_refused():
    draft = JobFactory(status=JobStatus.DRAFT)
    with pytest.raises(InvalidTransition):
        services.invitation_send(job=draft, client=draft.client, worker=UserFactory())
    other = JobFactory()
    with pytest.raises(NotFound):
        services.invitation_send(job=other, client=ClientFactory(), worker=UserFactory())
    assert not Invitation.objects.exists()


def test_new_proposal_reaches_the_client_as_an_in_app_notification():
    from hataraku.messaging.models import Notification

    job = JobFactory()
    propose(job, UserFactory())
    note = Notification.objects.get(user=job.client)
    assert note.code == "jobs.proposal_new" and job.title in note.display_title


def test_a_job_closes_by_itself_when_its_places_are_filled():
    # given a job for two people with two offered proposals
    job = JobFactory(headcount=2)
    first = ProposalFactory(job=job, status=ProposalStatus.OFFERED)
    second = ProposalFactory(job=job, status=ProposalStatus.OFFERED)
    # when the first contract is agreed, then the job is still open
    services.proposal_mark_accepted(proposal=first, actor=first.worker)
    job.refresh_from_db()
    assert job.status == JobStatus.PUBLISHED
    # when the second is agreed, then the job closes by itself and the audit log says why
    services.proposal_mark_accepted(proposal=second, actor=second.worker)
    job.refresh_from_db()
    assert job.status == JobStatus.CLOSED and job.closed_at is not None
    closed = AuditEvent.objects.get(action="job.closed")
    assert closed.data["reason"] == "headcount_reached"


def test_a_proposal_after_the_job_filled_gets_a_kind_error_and_saves_nothing():
    # given a one-person job whose only place was just filled
    job = JobFactory(headcount=1)
    taken = ProposalFactory(job=job, status=ProposalStatus.OFFERED)
    services.proposal_mark_accepted(proposal=taken, actor=taken.worker)
    job.refresh_from_db()
    # when another worker proposes
    with pytest.raises(InvalidTransition) as info:
        propose(job, UserFactory())
    # then they are told kindly that the places are filled, and nothing is saved
    assert info.value.code == "job_full"
    assert "募集人数に達したため" in info.value.message and "ほかの仕事" in info.value.message
    assert Proposal.objects.filter(job=job).count() == 1
