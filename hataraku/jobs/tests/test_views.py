from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from hataraku.accounts.tests.mfa import login_as
from hataraku.core import clock
from hataraku.jobs import integrations, selectors
from hataraku.jobs.constants import JobStatus, MeetingStyle, PayType, ProposalStatus
from hataraku.jobs.models import Category, Job, JobRevision, Proposal

from .factories import ClientFactory, JobFactory, ProposalFactory, UserFactory, category, verified

pytestmark = pytest.mark.django_db


def job_post(**overrides: Any) -> dict[str, Any]:
    today = clock.today()
    data: dict[str, Any] = {
        "title": "SNS投稿文の作成",
        "description_md": "パン屋の **新商品** を紹介する投稿文を5本。<script>alert(1)</script>",
        "category": category("writing-sns").pk,
        "skills": "文章、Instagram",
        "pay_type": PayType.FIXED,
        "budget_min": "5000",
        "budget_max": "8000",
        "estimated_hours": "4",
        "deadline": (today + dt.timedelta(days=20)).isoformat(),
        "headcount": "2",
        "proposal_deadline": (today + dt.timedelta(days=7)).isoformat(),
        "meeting_style": MeetingStyle.SCHEDULED_CALLS,
        "meeting_1": "2026-12-05T14:00",
        "meeting_minutes": "30",
        "interruptible": "on",
        "min_block_minutes": "30",
        "beginner_welcome": "on",
        "accessibility_notes": "写真には説明文を付けます。",
    }
    data.update(overrides)
    return data


def test_client_writes_publishes_and_edits_a_job_through_the_pages(client):
    # given a logged-in client
    owner = ClientFactory()
    client.force_login(owner)
    # when they post the form with every field
    response = client.post(reverse("jobs:create"), job_post())
    job = Job.objects.get()
    assert response.status_code == 302
    assert job.status == JobStatus.DRAFT
    assert job.headcount == 2 and job.skills == ["文章", "Instagram"]
    assert job.meetings.get().starts_at == dt.datetime(2026, 12, 5, 14, 0, tzinfo=clock.TOKYO)
    # and publish, then edit
    client.post(reverse("jobs:status", args=[job.pk]), {"to": "published"})
    client.post(reverse("jobs:edit", args=[job.pk]), job_post(title="SNS投稿文(改)"))
    # then the page shows the new title, the history and sanitised description
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "SNS投稿文(改)" in page
    assert "編集履歴" in page and JobRevision.objects.filter(job=job).count() == 1
    assert "<script>alert" not in page and "<strong>新商品</strong>" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"budget_min": "9000", "budget_max": "8000"}, "予算の上限は下限以上"),
        ({"meeting_1": ""}, "通話の日時を入力してください"),
        ({"deadline": "2026-11-01"}, "納期は今日以降"),
        ({"headcount": "0"}, "募集人数は1人以上"),
        ({"pay_type": "hourly", "budget_min": "", "budget_max": ""}, "時給の下限と上限"),
        # digits typed by mistake never reach the database (which would overflow): a kind error instead
        ({"budget_max": "9" * 25}, "¥100,000,000以下の金額を入力してください。"),
        ({"estimated_hours": "9" * 25}, "10000以下の数を入力してください。"),
        ({"headcount": "9" * 25}, "募集人数は1000人まで"),
        ({"min_block_minutes": "9" * 25}, "1440以下の数を入力してください。"),
    ],
)
def test_bad_form_shows_japanese_error_and_saves_nothing(client, overrides, message):
    client.force_login(ClientFactory())
    response = client.post(reverse("jobs:create"), job_post(**overrides))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and "入力内容を確認してください" in body
    assert Job.objects.count() == 0


def test_job_list_filters_and_query_count(client, django_assert_num_queries):
    # given jobs of several styles, one draft, one verified-only
    JobFactory(title="打ち合わせなしの入力", meeting_style=MeetingStyle.NONE, beginner_welcome=True)
    JobFactory(title="通話ありの仕事", meeting_style=MeetingStyle.SCHEDULED_CALLS, interruptible=False)
    JobFactory(
        title="テキストのみの校正", meeting_style=MeetingStyle.TEXT_CHAT, accessibility_notes="読み上げ可"
    )
    JobFactory(
        title="時給の仕事",
        pay_type=PayType.HOURLY,
        budget_min=None,
        budget_max=None,
        hourly_rate_min=1200,
        hourly_rate_max=1500,
        weekly_hour_cap=10,
    )
    JobFactory(title="下書きの仕事", status=JobStatus.DRAFT)
    JobFactory(title="確認済みの方のみ", verified_only=True)
    worker = UserFactory()
    client.force_login(worker)

    def titles(query: str = "") -> set[str]:
        return {j.title for j in client.get(reverse("jobs:list") + query).context["jobs"]}

    everything = titles()
    assert "下書きの仕事" not in everything and "確認済みの方のみ" not in everything
    assert len(everything) == 4
    assert titles("?no_meetings=on") == {"打ち合わせなしの入力", "時給の仕事"}
    assert titles("?text_only=on") == {"打ち合わせなしの入力", "テキストのみの校正", "時給の仕事"}
    assert titles("?interruptible=on") == everything - {"通話ありの仕事"}
    assert titles("?beginner_welcome=on") == {"打ち合わせなしの入力"}
    assert titles("?accessible_materials=on") == {"テキストのみの校正"}
    assert titles("?pay_type=hourly") == {"時給の仕事"}
    assert titles("?category=office") == everything
    assert titles("?category=writing") == set()
    # a verified worker sees the verified-only job too
    verified(worker)
    assert "確認済みの方のみ" in titles()
    # the list costs the same few queries however many jobs there are (no N+1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(reverse("jobs:list"))
    for _ in range(5):
        JobFactory()
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(reverse("jobs:list"))
    assert len(response.context["jobs"]) == 10


def test_job_page_shows_verification_badge_and_handles_missing_stats(client, monkeypatch):
    job = JobFactory()
    verified(job.client)
    client.force_login(UserFactory())
    monkeypatch.setattr(selectors, "client_stats", lambda c: None)
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "本人確認済み" in body and "実績は、まだ表示できません" in body


def test_job_page_shows_client_stats_when_reviews_provides_them(client, monkeypatch):
    from types import SimpleNamespace

    job = JobFactory()
    stats = SimpleNamespace(
        completed_contracts=12,
        average_rating=4.6,
        median_days_to_acceptance=2.0,
        on_time_payment_rate=0.98,
        returned_delivery_share=0.05,
    )
    monkeypatch.setattr(selectors, "client_stats", lambda c: stats)
    client.force_login(UserFactory())
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "12件" in body and "4.6 / 5" in body and "98%" in body


def test_worker_proposes_through_the_page_with_milestones(client):
    job = JobFactory()
    worker = UserFactory()
    client.force_login(worker)
    response = client.post(
        reverse("jobs:propose", args=[job.pk]),
        {
            "amount": "15000",
            "delivery_date": "2026-12-20",
            "message": "夜の時間に進めます。",
            "milestones": "前半 / 7000 / 2026-12-10\n後半 / 8000 / 2026-12-20",
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.milestones.count() == 2


def test_milestones_that_do_not_add_up_show_an_error(client):
    job = JobFactory()
    client.force_login(UserFactory())
    response = client.post(
        reverse("jobs:propose", args=[job.pk]),
        {
            "amount": "15000",
            "delivery_date": "2026-12-20",
            "message": "よろしく",
            "milestones": "前半 / 7000 / 2026-12-10",
        },
    )
    assert "一致しません" in response.content.decode()
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize(
    ("amount", "milestones", "message"),
    [
        ("9" * 25, "", "¥100,000,000以下の金額を入力してください。"),
        ("15000", "前半 / 99999999999999999999 / 2026-12-10", "1行目の金額は、1円から1億円まで"),
        ("15000", "前半 / -5 / 2026-12-10", "1行目の金額は、1円から1億円まで"),
    ],
)
def test_impossible_proposal_amounts_get_a_japanese_error_and_save_nothing(
    client, amount, milestones, message
):
    # given a worker on a job's proposal form
    job = JobFactory()
    client.force_login(UserFactory())
    # when the amount is a mistyped run of digits (or a negative milestone)
    response = client.post(
        reverse("jobs:propose", args=[job.pk]),
        {"amount": amount, "delivery_date": "2026-12-20", "message": "よろしく", "milestones": milestones},
    )
    # then the form answers with the error, and nothing is saved
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert Proposal.objects.count() == 0


def test_decline_page_offers_the_kind_default_text(client):
    proposal = ProposalFactory()
    client.force_login(proposal.job.client)
    page = client.get(reverse("jobs:proposal_decline", args=[proposal.pk])).content.decode()
    assert "ご応募いただき、ありがとうございました" in page
    client.post(
        reverse("jobs:proposal_decline", args=[proposal.pk]), {"message": "今回は見送らせてください。"}
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED


def test_offer_button_calls_contracts(client, monkeypatch):
    proposal = ProposalFactory(status=ProposalStatus.SHORTLISTED)
    seen: list[str] = []

    def fake_offer(**kw: Any) -> object:
        seen.append(kw["idempotency_key"])
        return object()

    monkeypatch.setattr(integrations, "contract_offer", fake_offer)
    client.force_login(proposal.job.client)
    response = client.post(
        reverse("jobs:proposal_offer", args=[proposal.pk]),
        {"idempotency_key": "offer-abc", "confirmed": "yes"},
    )
    assert response.status_code == 302
    assert seen == ["offer-abc"]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OFFERED


def test_invite_from_a_profile_link_and_the_worker_sees_it(client):
    job = JobFactory()
    worker = UserFactory()
    client.force_login(job.client)
    form_page = client.get(reverse("jobs:invite") + f"?worker={worker.pk}").content.decode()
    assert f'value="{worker.pk}"' in form_page
    client.post(reverse("jobs:invite"), {"job": job.pk, "worker_id": worker.pk, "message": "お願いします"})
    client.force_login(worker)
    assert job.title in client.get(reverse("jobs:my_proposals")).content.decode()


def test_inviting_an_unknown_worker_shows_an_error(client):
    job = JobFactory()
    client.force_login(job.client)
    response = client.post(reverse("jobs:invite"), {"job": job.pk, "worker_id": 999999})
    assert "見つかりませんでした" in response.content.decode()
    assert job.invitations.count() == 0


def test_verified_only_job_page_tells_an_unverified_worker_kindly(client):
    job = JobFactory(verified_only=True)
    client.force_login(UserFactory())
    body = client.get(reverse("jobs:propose", args=[job.pk])).content.decode()
    assert "本人確認が済んだ方のみ応募できます" in body


def test_both_sides_reach_the_proposal_message_thread(client):
    proposal = ProposalFactory()
    for person in (proposal.worker, proposal.job.client):
        login_as(client, person)
        page = client.get(reverse("jobs:proposal_detail", args=[proposal.pk])).content.decode()
        thread_url = reverse("messaging:proposal_thread", args=[proposal.pk])
        assert thread_url in page
        # no thread yet: the first-message form (see messaging/tests/test_thread_start.py)
        assert client.get(thread_url).status_code == 200


def test_invite_page_lists_workers_who_proposed_before(client, django_assert_max_num_queries):
    # given a client whose earlier job had two proposals
    old = ProposalFactory()
    ProposalFactory(job=old.job)
    JobFactory(client=old.job.client)
    client.force_login(old.job.client)
    # when they open the invite page
    with django_assert_max_num_queries(12):
        response = client.get(reverse("jobs:invite"))
    # then both workers are offered as a choice
    assert len(response.context["known_workers"]) == 2
    assert f"?worker={old.worker.pk}" in response.content.decode()


def test_job_list_pages_by_fifty_and_page_links_keep_the_filters(client):
    # given 51 beginner-welcome jobs and one that is not
    for i in range(51):
        JobFactory(title=f"初心者歓迎の仕事{i:02d}", beginner_welcome=True)
    JobFactory(title="経験者向けの仕事", beginner_welcome=False)
    client.force_login(UserFactory())
    # when the worker filters on beginner welcome
    first = client.get(reverse("jobs:list") + "?beginner_welcome=on")
    html = first.content.decode()
    # then the first page holds 50 jobs, says how many there are, and offers an accessible page nav
    assert len(first.context["jobs"]) == 50 and first.context["total"] == 51
    assert 'aria-label="仕事一覧のページ"' in html
    assert 'href="?beginner_welcome=on&amp;page=1" aria-current="page"' in html
    assert 'href="?beginner_welcome=on&amp;page=2">' in html and "次のページ" in html
    # when they follow the link to page 2, then it shows the last job and still filters
    second = client.get(reverse("jobs:list") + "?beginner_welcome=on&page=2")
    titles = [j.title for j in second.context["jobs"]]
    assert len(titles) == 1 and titles[0].startswith("初心者歓迎の仕事")
    assert 'href="?beginner_welcome=on&amp;page=2" aria-current="page"' in second.content.decode()
    assert "前のページ" in second.content.decode()
    # a page number out of range or not a number shows the nearest page rather than an error
    assert client.get(reverse("jobs:list") + "?page=99").status_code == 200
    assert client.get(reverse("jobs:list") + "?page=abc").context["page"].number == 1


def test_job_list_has_no_page_nav_when_everything_fits(client):
    # given a few jobs
    JobFactory()
    JobFactory()
    client.force_login(UserFactory())
    # when the list is opened, then there is no page navigation
    assert "仕事一覧のページ" not in client.get(reverse("jobs:list")).content.decode()


def test_proposing_on_a_filled_job_shows_a_kind_message_instead_of_not_found(client):
    from hataraku.jobs import services

    # given a one-person job whose place was filled while a worker was reading it
    job = JobFactory(headcount=1)
    taken = ProposalFactory(job=job, status=ProposalStatus.OFFERED)
    services.proposal_mark_accepted(proposal=taken, actor=taken.worker)
    latecomer = UserFactory()
    login_as(client, latecomer)
    # when the worker sends the proposal form
    response = client.post(
        reverse("jobs:propose", args=[job.pk]),
        {
            "amount": 15000,
            "delivery_date": (clock.today() + dt.timedelta(days=20)).isoformat(),
            "message": "x",
        },
        follow=True,
    )
    # then they land on the job list with a kind explanation, and nothing was saved
    assert response.status_code == 200
    assert "募集人数に達したため" in response.content.decode()
    assert not Proposal.objects.filter(job=job, worker=latecomer).exists()
    # and a draft job still answers 404 (nothing about it is told)
    draft = JobFactory(status=JobStatus.DRAFT, published_at=None)
    assert client.get(reverse("jobs:propose", args=[draft.pk])).status_code == 404


def test_proposal_page_links_both_sides_to_the_contract_once_one_is_offered(client):
    from hataraku.contracts import services as contract_services

    # given a proposal without a contract
    proposal = ProposalFactory()
    page = reverse("jobs:proposal_detail", args=[proposal.pk])
    client.force_login(proposal.worker)
    assert "契約のページを開く" not in client.get(page).content.decode()
    # when the client offers a contract on it
    contract = contract_services.contract_offer(
        proposal=proposal, actor=proposal.job.client, idempotency_key="k1"
    )
    # then both sides reach the contract from the proposal page
    link = f'href="{reverse("contracts:detail", args=[contract.pk])}"'
    for person in (proposal.worker, proposal.job.client):
        login_as(client, person)
        assert link in client.get(page).content.decode()


def test_job_card_shows_the_terms_tags_and_proposals(client):
    # given an hourly job from a verified client, with two proposals
    job = JobFactory(
        title="時給の入力",
        pay_type=PayType.HOURLY,
        budget_min=None,
        budget_max=None,
        hourly_rate_min=1200,
        hourly_rate_max=1500,
        weekly_hour_cap=10,
        beginner_welcome=True,
        accessibility_notes="読み上げ可",
    )
    verified(job.client)
    ProposalFactory(job=job)
    ProposalFactory(job=job)
    client.force_login(UserFactory())

    # when a worker opens the job list
    body = client.get(reverse("jobs:list")).content.decode()

    # then the card says what the job page says, worked out once in selectors.job_cards
    assert f'href="{reverse("jobs:detail", args=[job.pk])}"' in body
    assert "時間単価 ¥1,200〜¥1,500 / 時間(週10時間まで)" in body
    assert "本人確認済み" in body
    assert "初心者歓迎" in body and "資料のアクセシビリティに配慮あり" in body
    assert "応募 2件" in body


def test_filter_form_follows_new_categories_and_keeps_choices(client):
    # given a worker who has opened the list once (the empty form is then kept per process)
    client.force_login(UserFactory())
    client.get(reverse("jobs:list"))

    # when a category is added, and when she filters
    Category.objects.create(slug="bench-new-category", name="新しいカテゴリ", order=999)
    blank = client.get(reverse("jobs:list")).content.decode()
    filtered = client.get(reverse("jobs:list") + "?q=入力").content.decode()

    # then the empty form lists the new category and the filtered form keeps what she typed
    assert "新しいカテゴリ" in blank
    assert 'value="入力"' in filtered
