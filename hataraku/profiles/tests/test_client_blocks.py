"""Issue 10 item 7: a worker stays in control — she hides a client's jobs or stops his messages, from the
job page, his profile page or a thread, and undoes it from one settings page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from hataraku.core.errors import NotFound, PermissionDenied
from hataraku.jobs.services import invitation_send
from hataraku.jobs.tests.factories import ClientFactory, JobFactory
from hataraku.profiles import services
from hataraku.profiles.constants import ClientBlockKind
from hataraku.profiles.models import ClientBlock
from hataraku.profiles.tests.factories import AvailabilityWindowFactory, WorkerFactory, WorkerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(frozen_clock: Any) -> dict[str, Any]:
    """A worker free every weekday evening, and two clients with a job each that she could do."""
    worker = WorkerFactory(display_name="佐藤美咲")
    WorkerProfileFactory(user=worker, skills=["Excel"])
    for day in range(7):
        AvailabilityWindowFactory(user=worker, weekday=day, start=dt.time(19), end=dt.time(22))
    pushy = ClientFactory(display_name="押田商事")
    kind = ClientFactory(display_name="優しい会社")
    return {
        "worker": worker,
        "pushy": pushy,
        "kind": kind,
        "pushy_job": JobFactory(client=pushy, title="押田さんの入力仕事", estimated_hours=3),
        "kind_job": JobFactory(client=kind, title="優しい会社の入力仕事", estimated_hours=3),
    }


def _hide(client: Any, who: Any, kind: str = ClientBlockKind.JOBS, next: str = "") -> Any:
    return client.post(reverse("profiles:client_block"), {"client": who.pk, "kind": kind, "next": next})


def _titles(client: Any) -> dict[str, set[str]]:
    """Job titles in the job list, 「あなたにできる仕事」 and the recommendations API."""
    listed = client.get(reverse("jobs:list")).content.decode()
    for_you = client.get(reverse("matching:for_you")).content.decode()
    api = client.get("/api/me/recommendations?show_all=true").json()
    names = ("押田さんの入力仕事", "優しい会社の入力仕事")
    return {
        "list": {t for t in names if t in listed},
        "for_you": {t for t in names if t in for_you},
        "api": {j["title"] for j in api["jobs"]},
    }


def test_hiding_a_client_removes_his_jobs_from_list_for_you_and_api_and_undo_restores(client, setting):
    # given the worker sees both clients' jobs everywhere
    client.force_login(setting["worker"])
    both = {"押田さんの入力仕事", "優しい会社の入力仕事"}
    assert _titles(client) == {"list": both, "for_you": both, "api": both}

    # when she hides the pushy client from his job page
    job_page = reverse("jobs:detail", args=[setting["pushy_job"].pk])
    response = _hide(client, setting["pushy"], next=job_page)

    # then she is taken back to the job page, and his jobs are gone from every list
    assert response.status_code == 302 and response["Location"] == job_page
    kept = {"優しい会社の入力仕事"}
    assert _titles(client) == {"list": kept, "for_you": kept, "api": kept}
    # the job page itself still opens (a link she has), with the way back
    assert "このクライアントの仕事の表示を元に戻す" in client.get(job_page).content.decode()

    # when she undoes it from the settings page
    settings_page = client.get(reverse("profiles:client_blocks")).content.decode()
    assert setting["pushy"].name_for_display in settings_page and "元に戻す" in settings_page
    block = ClientBlock.objects.get(worker=setting["worker"], client=setting["pushy"])
    client.post(reverse("profiles:client_block_undo", args=[block.pk]))

    # then his jobs are back
    assert _titles(client) == {"list": both, "for_you": both, "api": both}


def test_other_workers_still_see_the_hidden_clients_jobs(client, setting):
    # given the worker hid the pushy client
    services.client_block_set(worker=setting["worker"], client_id=setting["pushy"].pk, kind="jobs")

    # when another worker opens the job list
    client.force_login(WorkerFactory())
    body = client.get(reverse("jobs:list")).content.decode()

    # then she still sees them: hiding is the worker's own view only
    assert "押田さんの入力仕事" in body


def test_another_user_cannot_undo_her_blocks(client, setting):
    # given the worker stopped the pushy client's messages
    block = services.client_block_set(
        worker=setting["worker"], client_id=setting["pushy"].pk, kind=ClientBlockKind.MESSAGES
    )

    # when another worker (or the client himself) posts 「元に戻す」 for it
    client.force_login(WorkerFactory())
    as_other = client.post(reverse("profiles:client_block_undo", args=[block.pk]))
    with pytest.raises(NotFound):
        services.client_block_remove(worker=setting["pushy"], block_id=block.pk)

    # then it is not found, and the block stays
    assert as_other.status_code == 404
    assert ClientBlock.objects.filter(pk=block.pk).exists()


def test_the_buttons_are_on_the_job_page_and_the_client_profile_page_next_to_report(client, setting):
    # given the worker
    client.force_login(setting["worker"])

    # when she opens a job page and the client's page
    job_page = client.get(reverse("jobs:detail", args=[setting["pushy_job"].pk])).content.decode()
    profile = client.get(reverse("reviews:user", args=[setting["pushy"].pk])).content.decode()

    # then both offer to hide his jobs and stop his messages, next to 「報告する」
    for html in (job_page, profile):
        assert "このクライアントの仕事を表示しない" in html
        assert "このクライアントからのメッセージを止める" in html
        assert "運営に報告する" in html
        assert "data-confirm" in html
    # and a client looking at another client's page is shown no such buttons
    client.force_login(setting["kind"])
    assert (
        "このクライアントの仕事を表示しない"
        not in client.get(reverse("reviews:user", args=[setting["pushy"].pk])).content.decode()
    )


def test_a_blocked_client_cannot_invite_her(client, setting):
    # given the worker stopped the pushy client's messages, and hid the kind client's jobs
    services.client_block_set(worker=setting["worker"], client_id=setting["pushy"].pk, kind="messages")
    services.client_block_set(worker=setting["worker"], client_id=setting["kind"].pk, kind="jobs")

    # when each client sends her an invitation
    # then the service refuses with the same neutral words
    for who in ("pushy", "kind"):
        with pytest.raises(PermissionDenied) as refused:
            invitation_send(job=setting[f"{who}_job"], client=setting[who], worker=setting["worker"])
        assert refused.value.message == "このワーカーには現在スカウトを送れません。"
    # and through the form, the client sees the same kind sentence and nothing is sent
    client.force_login(setting["pushy"])
    response = client.post(
        reverse("jobs:invite"), {"job": setting["pushy_job"].pk, "worker_id": setting["worker"].pk}
    )
    assert "このワーカーには現在スカウトを送れません" in response.content.decode()
    assert not setting["worker"].invitations.exists()


def test_hiding_needs_a_real_client_and_a_worker(client, setting):
    # given the worker
    client.force_login(setting["worker"])

    # when she posts a kind that does not exist, or a worker's id as the client
    bad_kind = _hide(client, setting["pushy"], kind="everything")
    not_a_client = _hide(client, WorkerFactory())

    # then both are not found and nothing is stored
    assert bad_kind.status_code == 404 and not_a_client.status_code == 404
    assert not ClientBlock.objects.exists()
    # and a client cannot use the page at all
    client.force_login(setting["pushy"])
    assert client.get(reverse("profiles:client_blocks")).status_code == 404


def test_the_job_list_costs_the_same_queries_with_or_without_hidden_clients(
    client, setting, django_assert_num_queries
):
    # given the worker has opened the list once (SQL compiled) and hid no one
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(setting["worker"])
    client.get(reverse("jobs:list"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("jobs:list"))

    # when she hides a client
    services.client_block_set(worker=setting["worker"], client_id=setting["pushy"].pk, kind="jobs")

    # then the list takes exactly as many statements (the exclusion is inside the one list query)
    with django_assert_num_queries(len(before.captured_queries)):
        body = client.get(reverse("jobs:list")).content.decode()
    assert "押田さんの入力仕事" not in body
