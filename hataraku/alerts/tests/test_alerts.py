"""New jobs for a saved search reach her once — in-app and by e-mail, at once or in one daily digest,
never inside her quiet hours — and every alert e-mail can be stopped in one step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from hataraku.accounts.tests.factories import ClientFactory, UserFactory
from hataraku.alerts import delivery, services
from hataraku.alerts.models import AlertMatch, SavedSearch
from hataraku.alerts.tests.factories import SavedSearchFactory
from hataraku.core import clock
from hataraku.jobs.constants import JobStatus
from hataraku.jobs.models import Job
from hataraku.jobs.services import job_transition
from hataraku.jobs.tests.factories import JobFactory
from hataraku.messaging.models import Notification
from hataraku.profiles.tests.factories import WorkConditionsFactory

pytestmark = pytest.mark.django_db

SITE = "https://hataraku.example"


def _tokyo(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=clock.TOKYO)


def _alerts(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(user=user, code="alerts.new_jobs"))


@override_settings(HATARAKU_SITE_URL=SITE)
def test_a_new_matching_job_is_told_once_even_when_the_task_runs_twice(frozen_clock: Any) -> None:
    # given her saved search for beginner-friendly jobs, alerts in-app and by e-mail at once
    search = SavedSearchFactory(query="beginner_welcome=on", worker__display_name="佐藤 美咲")
    worker = search.worker
    JobFactory(
        title="前からある仕事", beginner_welcome=True, published_at=clock.now() - dt.timedelta(hours=1)
    )
    # when a matching job and a job that does not match are published after she saved it
    frozen_clock.advance(dt.timedelta(minutes=5))
    JobFactory(title="初心者歓迎の入力", beginner_welcome=True)
    JobFactory(title="経験者向けの仕事", beginner_welcome=False)
    frozen_clock.advance(dt.timedelta(minutes=1))
    # and the alert run happens twice
    delivery.alerts_run_due()
    delivery.alerts_run_due()
    # then she has one notice and one e-mail, about the new matching job only
    told = _alerts(worker)
    assert len(told) == 1
    assert told[0].display_title == f"「{search.name}」に合う新しい仕事が1件あります"
    assert "初心者歓迎の入力" in told[0].display_body
    assert told[0].url == "/jobs/?beginner_welcome=on"
    assert told[0].email_due_at is None  # the alert's own e-mail carries the unsubscribe link
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "初心者歓迎の入力" in message.body
    assert "経験者向けの仕事" not in message.body and "前からある仕事" not in message.body
    assert AlertMatch.objects.filter(saved_search=search).count() == 1


@override_settings(HATARAKU_SITE_URL=SITE)
def test_the_email_names_the_service_links_to_the_site_and_offers_one_click_unsubscribe(
    frozen_clock: Any,
) -> None:
    # given an alert e-mail for a new job
    search = SavedSearchFactory(query="beginner_welcome=on")
    frozen_clock.advance(dt.timedelta(minutes=1))
    job = JobFactory(title="初心者歓迎の入力", beginner_welcome=True)
    frozen_clock.advance(dt.timedelta(minutes=1))
    # when it is sent
    delivery.alerts_run_due()
    # then it says it comes from Hataraku, links only to the public site, and carries the RFC 8058 headers
    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    html = str(message.alternatives[0][0])
    assert "Hataraku" in message.subject and "Hataraku" in message.body
    assert f"{SITE}/jobs/{job.pk}/" in message.body and f"{SITE}/jobs/{job.pk}/" in html
    assert "127.0.0.1" not in message.body and "127.0.0.1" not in html
    token = services.unsubscribe_token(search)
    assert message.extra_headers["List-Unsubscribe"] == f"<{SITE}/alerts/unsubscribe/{token}/one-click/>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"{SITE}/alerts/unsubscribe/{token}/" in message.body


def test_quiet_hours_across_midnight_postpone_the_alert_until_they_end(frozen_clock: Any) -> None:
    # given quiet hours 21:00–7:00 and a saved search with alerts at once
    search = SavedSearchFactory(query="beginner_welcome=on")
    WorkConditionsFactory(user=search.worker, quiet_start=dt.time(21), quiet_end=dt.time(7))
    # when a matching job is published at 23:00 and the tick runs then and at 3:00
    frozen_clock.set(_tokyo(1, 23))
    JobFactory(title="夜に公開された仕事", beginner_welcome=True)
    frozen_clock.set(_tokyo(1, 23, 1))
    delivery.alerts_run_due()
    frozen_clock.set(_tokyo(2, 3))
    delivery.alerts_run_due()
    # then nothing reached her yet, and the alert waits for 7:00
    assert _alerts(search.worker) == [] and mail.outbox == []
    assert AlertMatch.objects.get().due_at == _tokyo(2, 7)
    # when the tick runs at 7:00
    frozen_clock.set(_tokyo(2, 7))
    delivery.alerts_run_due()
    # then she is told, once
    assert len(_alerts(search.worker)) == 1 and len(mail.outbox) == 1


def test_quiet_hours_set_after_the_alert_was_scheduled_still_hold_it(frozen_clock: Any) -> None:
    # given an alert found at 20:59 (before her quiet hours existed) and delivered only at 21:30
    search = SavedSearchFactory(query="beginner_welcome=on")
    frozen_clock.set(_tokyo(1, 20, 58))
    JobFactory(beginner_welcome=True)
    frozen_clock.set(_tokyo(1, 20, 59))
    delivery.alerts_collect()
    WorkConditionsFactory(user=search.worker, quiet_start=dt.time(21), quiet_end=dt.time(7))
    frozen_clock.set(_tokyo(1, 21, 30))
    delivery.alerts_run_due()
    # then she is not told inside them
    assert _alerts(search.worker) == [] and mail.outbox == []
    frozen_clock.set(_tokyo(2, 7, 0))
    delivery.alerts_run_due()
    assert len(_alerts(search.worker)) == 1


def test_the_daily_digest_collects_several_jobs_into_one_mail(frozen_clock: Any) -> None:
    # given a daily saved search (digest at 8:00, the default)
    search = SavedSearchFactory(query="beginner_welcome=on", frequency="daily")
    # when three matching jobs are published during the day and the tick runs after each
    for hour, title in ((11, "朝の仕事"), (15, "昼の仕事"), (19, "夜の仕事")):
        frozen_clock.set(_tokyo(1, hour))
        JobFactory(title=title, beginner_welcome=True)
        frozen_clock.set(_tokyo(1, hour, 1))
        delivery.alerts_run_due()
    # then nothing is sent before 8:00 the next day
    assert mail.outbox == [] and _alerts(search.worker) == []
    # when the tick runs at 8:00
    frozen_clock.set(_tokyo(2, 8))
    delivery.alerts_run_due()
    delivery.alerts_run_due()
    # then one e-mail lists all three, and one in-app notice counts them
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert all(title in body for title in ("朝の仕事", "昼の仕事", "夜の仕事"))
    assert "今日の新しい仕事(3件)" in mail.outbox[0].subject
    (notice,) = _alerts(search.worker)
    assert notice.params["count"] == 3


def test_publishing_a_job_enqueues_the_alert_and_the_keyword_goes_through_the_search_index(
    frozen_clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given her search for a two-character keyword, in-app only
    search = SavedSearchFactory(query="q=%E7%BF%BB%E8%A8%B3", alert_email=False)  # q=翻訳
    draft = JobFactory(title="絵本の翻訳", status=JobStatus.DRAFT, published_at=None)
    other = JobFactory(title="絵本の校正", status=JobStatus.DRAFT, published_at=None)
    frozen_clock.advance(dt.timedelta(minutes=1))
    # when the client publishes both (the events index them, then enqueue the alert task on commit)
    with django_capture_on_commit_callbacks(execute=True):
        job_transition(job=draft, actor=draft.client, to=JobStatus.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        job_transition(job=other, actor=other.client, to=JobStatus.PUBLISHED)
    # then she was told about the translation job only, with no tick
    (notice,) = _alerts(search.worker)
    assert "絵本の翻訳" in notice.display_body
    assert mail.outbox == []


def test_a_job_closed_before_the_digest_is_not_news_any_more(frozen_clock: Any) -> None:
    search = SavedSearchFactory(query="beginner_welcome=on", frequency="daily")
    frozen_clock.advance(dt.timedelta(minutes=1))
    job = JobFactory(beginner_welcome=True)
    frozen_clock.advance(dt.timedelta(minutes=1))
    delivery.alerts_run_due()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.CLOSED)
    frozen_clock.set(_tokyo(2, 8))
    delivery.alerts_run_due()
    assert _alerts(search.worker) == [] and mail.outbox == []


def test_the_notice_reads_in_english(frozen_clock: Any) -> None:
    search = SavedSearchFactory(query="beginner_welcome=on", name="translation", alert_email=False)
    frozen_clock.advance(dt.timedelta(minutes=1))
    JobFactory(title="Picture book", beginner_welcome=True)
    frozen_clock.advance(dt.timedelta(minutes=1))
    delivery.alerts_run_due()
    (notice,) = _alerts(search.worker)
    with translation.override("en"):
        assert notice.display_title == "New jobs for “translation”: 1"


# --- unsubscribe --------------------------------------------------------------------------------------------


def test_the_link_shows_a_page_and_its_get_changes_nothing_then_the_button_stops(frozen_clock: Any) -> None:
    # given her saved search with e-mail alerts, and the link from its e-mail (opened without logging in)
    search = SavedSearchFactory(name="在宅の翻訳")
    url = reverse("alerts:unsubscribe", args=[services.unsubscribe_token(search)])
    browser = Client(enforce_csrf_checks=True)
    # when she opens it
    page = browser.get(url)
    # then one button 「配信を止める」 is shown and nothing has changed
    body = page.content.decode()
    assert page.status_code == 200 and "配信を止める" in body and "在宅の翻訳" in body
    search.refresh_from_db()
    assert search.alert_email is True
    # when she presses it (the page's own CSRF token)
    token = page.cookies["csrftoken"].value
    response = browser.post(url, {"csrfmiddlewaretoken": token})
    # then the e-mails stop, in-app alerts stay, and the page says so
    assert response.status_code == 200 and "メールを止めました" in response.content.decode()
    search.refresh_from_db()
    assert search.alert_email is False and search.alert_in_app is True and search.alerts_on is True


def test_the_one_click_post_stops_without_a_page_or_cookie(frozen_clock: Any) -> None:
    # given the List-Unsubscribe address of her alert e-mail
    search = SavedSearchFactory()
    url = reverse("alerts:unsubscribe_one_click", args=[services.unsubscribe_token(search)])
    # when a mail program posts RFC 8058's body, with no cookie and no CSRF token
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    # then the e-mails stop
    assert response.status_code == 200
    search.refresh_from_db()
    assert search.alert_email is False
    # and a pending alert is no longer mailed
    frozen_clock.advance(dt.timedelta(minutes=1))
    JobFactory(beginner_welcome=True)
    frozen_clock.advance(dt.timedelta(minutes=1))
    delivery.alerts_run_due()
    assert mail.outbox == []


def test_a_get_of_the_one_click_address_only_shows_the_page(frozen_clock: Any) -> None:
    search = SavedSearchFactory()
    response = Client().get(
        reverse("alerts:unsubscribe_one_click", args=[services.unsubscribe_token(search)])
    )
    assert response.status_code == 200 and "配信を止める" in response.content.decode()
    search.refresh_from_db()
    assert search.alert_email is True


@pytest.mark.parametrize("view", ["alerts:unsubscribe", "alerts:unsubscribe_one_click"])
def test_a_tampered_token_is_refused_kindly_and_changes_nothing(frozen_clock: Any, view: str) -> None:
    # given a token whose saved-search id was changed by hand
    search = SavedSearchFactory()
    other = SavedSearchFactory()
    token = services.unsubscribe_token(search)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    browser = Client(enforce_csrf_checks=True)
    # when it is opened and posted
    page = browser.get(reverse(view, args=[tampered]))
    posted = browser.post(reverse(view, args=[tampered]))
    # then a kind page says the link cannot be used, and no saved search changed
    assert page.status_code == 400 and "このリンクは使えません" in page.content.decode()
    assert posted.status_code in (400, 403)
    assert SavedSearch.objects.filter(alert_email=True).count() == 2
    assert other.pk != search.pk


def test_a_token_for_one_search_never_stops_another(frozen_clock: Any) -> None:
    mine = SavedSearchFactory()
    theirs = SavedSearchFactory()
    assert services.search_for_token(services.unsubscribe_token(mine)) == mine
    assert services.search_for_token(services.unsubscribe_token(theirs)) == theirs
    assert services.search_for_token("not-a-token") is None


def test_a_client_gets_no_alerts_pages(client: Any, frozen_clock: Any) -> None:
    client.force_login(ClientFactory())
    assert client.get(reverse("alerts:saved_searches")).status_code == 404
    assert UserFactory().is_worker
