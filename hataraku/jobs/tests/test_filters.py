"""The job list's filters (issue 11 item 4): each filter in SQL, combinations, the query string round trip,
bad input (a Japanese error, the list still shows, never a 500), and 「時給換算が最低賃金以上」 against the
minimum wage of the signed-in worker's own prefecture."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields as dc_fields
from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hataraku.core import clock
from hataraku.core.errors import DomainError
from hataraku.core.wages import ensure_shipped_tables
from hataraku.jobs import selectors, services
from hataraku.jobs.categories import ensure_categories
from hataraku.jobs.constants import MeetingStyle, PayType
from hataraku.jobs.forms import JobFilterForm, job_filters_from_query
from hataraku.jobs.models import Job
from hataraku.jobs.pay import Pay, job_pay
from hataraku.jobs.selectors import JobFilters
from hataraku.profiles.tests.factories import WorkerProfileFactory
from hataraku.search.services import index_jobs

from .factories import ClientFactory, JobFactory, UserFactory, verified
from .test_views import job_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shipped_rows() -> None:
    # The categories and the minimum wages come with data migrations; a transactional test earlier in the
    # same process may have emptied those tables, so make sure they are there.
    ensure_categories()
    ensure_shipped_tables()


D = dt.timedelta


def titles(viewer: Any, **filters: Any) -> set[str]:
    return set(
        selectors.job_list(viewer=viewer, filters=JobFilters(**filters)).values_list("title", flat=True)
    )


def page(client: Any, query: str = "") -> str:
    response = client.get(reverse("jobs:list") + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return str(response.content.decode())


def hourly(title: str, low: int, high: int, **kw: Any) -> Job:
    return JobFactory(
        title=title,
        pay_type=PayType.HOURLY,
        budget_min=None,
        budget_max=None,
        hourly_rate_min=low,
        hourly_rate_max=high,
        weekly_hour_cap=10,
        **kw,
    )


def fixed(title: str, low: int, high: int, hours: int = 10, **kw: Any) -> Job:
    return JobFactory(title=title, budget_min=low, budget_max=high, estimated_hours=hours, **kw)


# --- 時給換算: one rule, in the database ----------------------------------------------------------------


def test_effective_hourly_pay_is_worked_out_by_the_database_and_never_flatters() -> None:
    # given a fixed job of ¥10,000–20,000 for 3 hours, an hourly job, and a fixed job without hours
    a = fixed("固定3時間", 10_000, 20_000, hours=3)
    b = hourly("時給", 1200, 1500)
    c = fixed("時間なし", 10_000, 20_000, hours=0)
    # when they are read back
    pays = {j.title: job_pay(j) for j in Job.objects.filter(pk__in=[a.pk, b.pk, c.pk])}
    # then fixed pay is divided by the hours and rounded down; hourly is the rate; no hours, no figure
    assert pays == {"固定3時間": Pay(3333, 6666), "時給": Pay(1200, 1500), "時間なし": Pay(None, None)}


# --- each new filter ----------------------------------------------------------------------------------------


def test_pay_range_compares_the_hourly_rate_or_the_fixed_amount() -> None:
    # given hourly jobs of ¥1,000–1,200 and ¥1,500–2,000, and fixed jobs of ¥5,000–8,000 and ¥30,000–50,000
    worker = UserFactory()
    hourly("時給安め", 1000, 1200)
    hourly("時給高め", 1500, 2000)
    fixed("固定小", 5_000, 8_000)
    fixed("固定大", 30_000, 50_000)
    # when she asks for at least ¥1,500 / at most ¥1,300 / hourly between ¥1,100 and ¥1,600
    # then a job is shown when its range meets hers (hourly by rate, fixed by amount)
    assert titles(worker, pay_min=1500) == {"時給高め", "固定小", "固定大"}
    assert titles(worker, pay_max=1300) == {"時給安め"}
    assert titles(worker, pay_type=PayType.HOURLY, pay_min=1100, pay_max=1600) == {"時給安め", "時給高め"}
    assert titles(worker, pay_type=PayType.FIXED, pay_min=10_000, pay_max=40_000) == {"固定大"}


def test_deadline_range_includes_both_ends() -> None:
    worker = UserFactory()
    today = clock.today()
    for days in (10, 20, 30):
        JobFactory(title=f"{days}日後", deadline=today + D(days=days))
    assert titles(worker, deadline_from=today + D(days=20)) == {"20日後", "30日後"}
    assert titles(worker, deadline_to=today + D(days=20)) == {"10日後", "20日後"}
    assert titles(worker, deadline_from=today + D(days=20), deadline_to=today + D(days=20)) == {"20日後"}


def test_verified_client_shows_only_jobs_of_identity_verified_clients() -> None:
    worker = UserFactory()
    JobFactory(title="確認済み", client=verified(ClientFactory()))
    JobFactory(title="未確認", client=ClientFactory())
    assert titles(worker, verified_client=True) == {"確認済み"}


def test_prefecture_finds_on_site_work_there_and_remote_finds_the_rest() -> None:
    worker = UserFactory()
    JobFactory(title="高知で現地作業", onsite_prefecture="39")
    JobFactory(title="東京で現地作業", onsite_prefecture="13")
    JobFactory(title="在宅")
    assert titles(worker, prefecture="39") == {"高知で現地作業"}
    assert titles(worker, prefecture=selectors.ONSITE_REMOTE) == {"在宅"}
    assert titles(worker) == {"高知で現地作業", "東京で現地作業", "在宅"}


def test_the_card_says_where_on_site_work_is(client: Any) -> None:
    client.force_login(UserFactory())
    JobFactory(title="高知で現地作業", onsite_prefecture="39")
    body = page(client).split('id="job-results"')[1]
    assert "高知県で現地作業あり" in body


def test_accessibility_notes_present() -> None:
    worker = UserFactory()
    JobFactory(title="配慮あり", accessibility_notes="資料はテキストで渡します。")
    JobFactory(title="記載なし", accessibility_notes="")
    assert titles(worker, accessible_materials=True) == {"配慮あり"}


# --- the minimum wage of her own prefecture ------------------------------------------------------------------


def test_min_wage_filter_uses_the_workers_prefecture_tokyo_and_kochi_see_the_same_job_differently() -> None:
    # given (2026-12-01) an hourly job at ¥1,100–1,300: above 高知's ¥1,023, below 東京's ¥1,226 at its bottom
    job = hourly("時給1,100円から", 1100, 1300)
    tokyo = WorkerProfileFactory(prefecture="13").user
    kochi = WorkerProfileFactory(prefecture="39").user
    # when each asks for 「時給換算が最低賃金以上」
    # then the Kochi worker sees it and the Tokyo worker does not
    assert job.title in titles(kochi, min_wage=True)
    assert job.title not in titles(tokyo, min_wage=True)
    # and without the filter both see it
    assert job.title in titles(tokyo) and job.title in titles(kochi)


def test_min_wage_filter_on_fixed_pay_divides_by_the_hours_and_without_a_prefecture_uses_the_national_average() -> (
    None
):
    # given fixed jobs of ¥11,200 and ¥11,300 for 10 hours (¥1,120 and ¥1,130 an hour), and one without hours
    fixed("時給換算1120円", 11_200, 20_000, hours=10)
    fixed("時給換算1130円", 11_300, 20_000, hours=10)
    fixed("時間の目安なし", 50_000, 60_000, hours=0)
    nowhere = UserFactory()  # no profile: the national weighted average, ¥1,121
    # then only the job whose bottom reaches ¥1,121 an hour is shown; a job with no figure is not
    assert titles(nowhere, min_wage=True) == {"時給換算1130円"}


def test_the_page_names_the_minimum_wage_it_compares_with(client: Any) -> None:
    # given a worker in 高知 and one without a prefecture
    kochi = WorkerProfileFactory(prefecture="39").user
    client.force_login(kochi)
    # when she filters by the minimum wage, then the filter says which amount and which year's table
    assert "高知県の最低賃金 1,023円(2025年度の表)" in page(client, "min_wage=on")
    client.force_login(UserFactory())
    body = page(client, "min_wage=on")
    assert "プロフィールに都道府県がないため" in body and "全国加重平均の最低賃金 1,121円" in body


# --- combinations, the URL, bad input ----------------------------------------------------------------------


def test_filters_combine_with_each_other_and_with_the_keyword() -> None:
    worker = WorkerProfileFactory(prefecture="39").user
    today = clock.today()
    good = {
        "meeting_style": MeetingStyle.NONE,
        "deadline": today + D(days=15),
        "onsite_prefecture": "39",
        "client": verified(ClientFactory()),
    }
    hourly("翻訳 全部そろう", 1100, 1300, **good)
    hourly("翻訳 依頼者が未確認", 1100, 1300, **{**good, "client": ClientFactory()})
    hourly("翻訳 納期が遠い", 1100, 1300, **{**good, "deadline": today + D(days=60)})
    hourly("翻訳 最低賃金未満", 900, 1000, **good)
    hourly("入力 全部そろう", 1100, 1300, **good)
    # (jobs made by the factory are not announced; put them in the search index by hand)
    index_jobs(job_ids=list(Job.objects.values_list("pk", flat=True)))
    chosen = titles(
        worker,
        q="翻訳",
        pay_min=1000,
        min_wage=True,
        no_meetings=True,
        deadline_to=today + D(days=30),
        verified_client=True,
        prefecture="39",
    )
    assert chosen == {"翻訳 全部そろう"}


def test_the_query_string_round_trips_through_the_form() -> None:
    # given a search written as a URL (as a bookmark or a saved search holds it)
    query = (
        "q=翻訳&category=office&pay_type=hourly&pay_min=1000&pay_max=3000&min_wage=on&beginner_welcome=on"
        "&no_meetings=on&text_only=on&interruptible=on&accessible_materials=on&deadline_from=2026-12-10"
        "&deadline_to=2027-01-31&verified_client=on&prefecture=39&page=2"
    )
    # when it is read back
    filters, form = job_filters_from_query(QueryDict(query))
    # then every filter is there, the page number is not a filter, and nothing is in error
    assert form.errors == {}
    assert filters == JobFilters(
        q="翻訳",
        category="office",
        pay_type="hourly",
        pay_min=1000,
        pay_max=3000,
        min_wage=True,
        beginner_welcome=True,
        no_meetings=True,
        text_only=True,
        interruptible=True,
        accessible_materials=True,
        deadline_from=dt.date(2026, 12, 10),
        deadline_to=dt.date(2027, 1, 31),
        verified_client=True,
        prefecture="39",
    )
    # and the form drawn from it holds the same values, so pressing 「この条件でさがす」 again gives the same URL
    html = str(form)
    for fragment in (
        'value="翻訳"',
        'value="1000"',
        'value="3000"',
        'value="2026-12-10"',
        '<option value="39" selected',
    ):
        assert fragment in html
    assert job_filters_from_query(QueryDict(""))[0] == JobFilters() and not JobFilters().active


def test_the_page_keeps_the_filters_in_the_page_links(client: Any) -> None:
    client.force_login(UserFactory())
    for i in range(51):
        hourly(f"時給の仕事 {i}", 1500, 2000, onsite_prefecture="39")
    body = page(client, "prefecture=39&pay_min=1000")
    assert "prefecture=39&amp;pay_min=1000&amp;page=2" in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("pay_min=5000&pay_max=1000", "報酬の上限は、下限と同じか、それより大きい金額にしてください。"),
        ("pay_min=abc", "金額は数字だけで入力してください"),
        ("pay_min=-1", "以上の金額を入力してください"),
        ("pay_max=" + "9" * 30, "以下の金額を入力してください"),
        ("deadline_from=2027-02-01&deadline_to=2027-01-01", "「この日まで」は、「この日から」と同じ日か"),
        ("deadline_from=0001-01-01", "納期(この日から)は"),
        ("deadline_to=9999-12-31", "納期(この日まで)は"),
        ("deadline_to=2026-02-30", "日付を「2026-12-24」のように入力してください。"),
        ("prefecture=99", "一覧にある項目から選んでください"),
        ("category=nothing-like-this", "一覧にある項目から選んでください"),
    ],
)
def test_bad_input_gives_a_japanese_error_and_the_list_still_shows(
    client: Any, query: str, message: str
) -> None:
    # given a job she can see
    client.force_login(UserFactory())
    JobFactory(title="見えるはずの仕事")
    # when the URL holds a bad filter
    body = page(client, query)
    # then the error summary says what is wrong, in Japanese, and the list is still there
    assert "入力内容を確認してください" in body and message in body
    assert "見えるはずの仕事" in body


def test_a_bad_filter_leaves_the_good_ones_in_force(client: Any) -> None:
    client.force_login(UserFactory())
    hourly("時給の仕事", 1500, 2000)
    fixed("固定の仕事", 10_000, 20_000)
    body = page(client, "pay_type=hourly&pay_min=abc")
    assert "時給の仕事" in body and "固定の仕事" not in body


def test_the_form_is_grouped_in_fieldsets_with_labelled_number_inputs() -> None:
    html = str(JobFilterForm(categories=selectors.category_choices()))
    assert html.count("<fieldset") == 5 and html.count("<legend") == 5
    assert 'type="number" name="pay_min"' in html and 'inputmode="numeric"' in html
    assert '<label for="id_pay_min"' in html and '<label for="id_deadline_from"' in html
    assert 'type="date" name="deadline_from"' in html


def test_the_for_you_page_reads_the_same_parameters(client: Any) -> None:
    # given a worker in 東京 and a job under her minimum wage
    worker = WorkerProfileFactory(prefecture="13").user
    client.force_login(worker)
    hourly("時給1,100円から", 1100, 1300)
    # when she asks 「あなたにできる仕事」 with the same parameters, bad ones included
    response = client.get(reverse("matching:for_you") + "?min_wage=on&all=1&deadline_to=9999-12-31")
    # then it answers with the same error and leaves out the job under her floor
    body = response.content.decode()
    assert response.status_code == 200
    assert "納期(この日まで)は" in body and "東京都の最低賃金 1,226円" in body
    assert "時給1,100円から" not in body


# --- the client's form and the job page --------------------------------------------------------------------


def test_the_job_page_says_where_the_work_is_done(client: Any) -> None:
    client.force_login(UserFactory())
    onsite = JobFactory(onsite_prefecture="39")
    remote = JobFactory()
    assert "高知県(現地での作業あり)" in client.get(reverse("jobs:detail", args=[onsite.pk])).content.decode()
    assert "在宅(現地での作業なし)" in client.get(reverse("jobs:detail", args=[remote.pk])).content.decode()


def test_the_kept_sql_of_the_list_is_per_minimum_wage_not_shared_between_prefectures(client: Any) -> None:
    # given the same job and two workers, one in 高知 and one in 東京, asking the same URL one after the other
    hourly("時給1,100円から", 1100, 1300)
    kochi = WorkerProfileFactory(prefecture="39").user
    tokyo = WorkerProfileFactory(prefecture="13").user
    # when each opens /jobs/?min_wage=on (the page's SQL is built once per process and filter set)
    client.force_login(kochi)
    seen_by_kochi = page(client, "min_wage=on").split('id="job-results"')[1]
    client.force_login(tokyo)
    seen_by_tokyo = page(client, "min_wage=on").split('id="job-results"')[1]
    # then each gets the answer for her own minimum wage
    assert "時給1,100円から" in seen_by_kochi
    assert "時給1,100円から" not in seen_by_tokyo


def test_the_client_sets_the_on_site_prefecture_in_the_job_form(client: Any) -> None:
    # given a client writing a job with on-site work in 高知
    client.force_login(ClientFactory())
    response = client.post(reverse("jobs:create"), job_post(onsite_prefecture="39"))
    # then it is saved with the job
    assert response.status_code == 302
    assert Job.objects.get().onsite_prefecture == "39"
    # and a code that is no prefecture is refused with a Japanese message
    response = client.post(reverse("jobs:create"), job_post(onsite_prefecture="99"))
    assert response.status_code == 200 and "一覧にある項目から選んでください" in response.content.decode()
    assert Job.objects.count() == 1


def test_the_service_refuses_an_unknown_on_site_prefecture() -> None:
    job = JobFactory()
    data = {f.name: getattr(job, f.name) for f in dc_fields(services.JobInput) if f.name != "meetings"}
    with pytest.raises(DomainError) as refused:
        services.job_update(
            job=job, actor=job.client, data=services.JobInput(**{**data, "onsite_prefecture": "99"})
        )
    assert refused.value.field == "onsite_prefecture"


def test_the_filtered_list_reads_the_same_number_of_statements_for_3_or_30_jobs(client: Any) -> None:
    # given a worker and a URL with every filter
    client.force_login(WorkerProfileFactory(prefecture="39").user)
    query = (
        "pay_type=hourly&pay_min=1000&min_wage=on&no_meetings=on&deadline_to=2027-03-01&verified_client=on"
        "&prefecture=39&accessible_materials=on"
    )
    owner = verified(ClientFactory())

    def statements(n: int) -> int:
        for i in range(n):
            hourly(
                f"高知の仕事 {n}-{i}",
                1100,
                1300,
                client=owner,
                onsite_prefecture="39",
                accessibility_notes="可",
            )
        with CaptureQueriesContext(connection) as seen:
            assert f"高知の仕事 {n}-0" in page(client, query)
        return len(seen)

    page(client, query)  # (the first request of a session does its own one-off reads and writes)
    # then the filters are SQL: the statements do not grow with the jobs
    assert statements(3) == statements(30)
