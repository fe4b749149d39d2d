"""Issue 11 item 6: the client's worker directory ranked for one of her open jobs — by skill match and by
whether the worker's time fits (the same feasibility code as a worker's own list) — showing only hours per
week, bands of the day, verified, skills and prefecture; never anyone who left the directory, hides her
availability, or hid this client."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from hataraku.core import clock
from hataraku.jobs.constants import JobStatus
from hataraku.jobs.models import Invitation
from hataraku.jobs.tests.factories import ClientFactory, JobFactory
from hataraku.profiles import services as profile_services
from hataraku.profiles.models import DateException, SensitiveConsent, SensitiveReasons
from hataraku.profiles.tests.factories import (
    AvailabilityWindowFactory,
    WorkConditionsFactory,
    WorkerFactory,
    WorkerProfileFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("matching:workers")


def _worker(name: str, skills: list[str], evenings: int, **profile: Any) -> Any:
    """A worker free 19:00–22:00 on the first `evenings` weekdays."""
    user = WorkerFactory(display_name=name)
    WorkerProfileFactory(user=user, skills=skills, **profile)
    for day in range(evenings):
        AvailabilityWindowFactory(user=user, weekday=day, start=dt.time(19), end=dt.time(22))
    return user


@pytest.fixture
def scene(frozen_clock: Any) -> dict[str, Any]:
    boss = ClientFactory(display_name="依頼田")
    job = JobFactory(
        client=boss,
        title="表計算とサイト更新",
        skills=["Excel", "WordPress", "翻訳"],
        estimated_hours=10,
        deadline=clock.today() + dt.timedelta(days=21),
    )
    # fits: two of three skills and every weekday evening (15 h a week, 10 h needed in three weeks)
    fits = _worker("合田", ["excel", "WordPress"], evenings=5)
    # fits less: one skill, and one evening a week that she has mostly given to a day off
    short = _worker("足立", ["Excel"], evenings=1)
    return {"boss": boss, "job": job, "fits": fits, "short": short}


def _page(client: Any, job: Any, **params: str) -> str:
    response = client.get(URL, {"job": job.pk, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_workers_are_ranked_by_fit_for_the_chosen_job_and_say_why(client, scene):
    # given the client and her open job, and two workers of different fit
    client.force_login(scene["boss"])

    # when she ranks the directory for the job
    html = _page(client, scene["job"])

    # then the better fit comes first, and each card says briefly why
    assert html.index("合田") < html.index("足立")
    fits_card = html[html.index("合田") : html.index("足立")]
    assert "スキル一致: 2/3" in fits_card and "締切までの時間に合う" in fits_card
    short_card = html[html.index("足立") :]
    assert "スキル一致: 1/3" in short_card and "締切までの時間が足りないかもしれません" in short_card
    # and her job is the one chosen in the select
    assert f'<option value="{scene["job"].pk}" selected' in html


def test_without_a_job_the_directory_is_not_ranked_and_says_no_reasons(client, scene):
    client.force_login(scene["boss"])
    html = client.get(URL).content.decode()
    assert "合田" in html and "足立" in html and "スキル一致" not in html


def test_left_hidden_and_blocking_workers_are_never_ranked(client, scene):
    # given three workers who would fit perfectly: one left the directory, one hides her availability
    # summary, one hid this client's jobs
    gone = _worker("去田", ["Excel", "WordPress", "翻訳"], evenings=5, directory_hidden=True)
    secret = _worker("秘田", ["Excel", "WordPress", "翻訳"], evenings=5, availability_hidden=True)
    hider = _worker("避田", ["Excel", "WordPress", "翻訳"], evenings=5)
    profile_services.client_block_set(worker=hider, client_id=scene["boss"].pk, kind="jobs")
    client.force_login(scene["boss"])

    # when the client ranks for her job, and also looks without ranking
    ranked = _page(client, scene["job"])
    plain = client.get(URL).content.decode()

    # then none of them is listed where they should not be; the others are
    assert "合田" in ranked
    assert all(name not in ranked for name in ("去田", "秘田", "避田"))
    assert "去田" not in plain and "避田" not in plain
    assert gone.pk and secret.pk


def test_a_client_cannot_rank_against_someone_elses_job(client, scene):
    # given another client, and a draft of the first client's own
    other = ClientFactory()
    draft = JobFactory(client=scene["boss"], status=JobStatus.DRAFT, published_at=None)

    # when the other client asks for a ranking against the first client's job, or a made-up id
    client.force_login(other)
    theirs = client.get(URL, {"job": scene["job"].pk})
    nonsense = client.get(URL, {"job": "abc"})
    # and the first client against her draft
    client.force_login(scene["boss"])
    own_draft = client.get(URL, {"job": draft.pk})

    # then each is not found
    assert theirs.status_code == 404 and nonsense.status_code == 404 and own_draft.status_code == 404
    # and a worker cannot open the directory at all
    client.force_login(scene["fits"])
    assert client.get(URL, {"job": scene["job"].pk}).status_code == 404


def test_nothing_sensitive_appears_in_the_ranked_directory(client, scene):
    # given the best-fitting worker has told us, with consent, about a disability, uses a screen reader,
    # has a day off with a note, a weekly limit, and a municipality and bio on her profile
    fits = scene["fits"]
    WorkConditionsFactory(user=fits, max_hours_per_week=17, accessibility_needs=["screen_reader"])
    consent = SensitiveConsent.objects.create(
        user=fits,
        categories=["disability"],  # type: ignore[misc]
        given_at=clock.now(),
        policy_version="1",
    )
    SensitiveReasons.objects.create(
        user=fits,
        consent=consent,
        categories=["disability"],  # type: ignore[misc]
        note="車いすを使っています",
    )
    DateException.objects.create(
        user=fits, date=clock.today() + dt.timedelta(days=2), kind="day_off", note="通院の日"
    )
    client.force_login(scene["boss"])

    # when the client ranks the directory for her job
    html = _page(client, scene["job"])

    # then the card shows hours per week and bands, and none of the rest
    assert "合田" in html and "15時間" in html and "夜" in html
    for secret in (
        "画面読み上げ",
        "障害",
        "車いす",
        "通院",
        "17時間",
        "松本市",
        "事務の経験があります",
        "締切までに使える時間",
        "あなたの時間帯",
    ):
        assert secret not in html, secret


def test_the_client_invites_from_the_ranked_directory(client, scene):
    # given the client ranked the directory for her job
    client.force_login(scene["boss"])
    html = _page(client, scene["job"])

    # when she follows the invite link of the best fit
    link = f"{reverse('jobs:invite')}?worker={scene['fits'].pk}&amp;job={scene['job'].pk}"
    assert link in html
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert f'<option value="{scene["job"].pk}" selected' in form
    client.post(reverse("jobs:invite"), {"job": scene["job"].pk, "worker_id": scene["fits"].pk})

    # then the invitation went out through the usual flow
    assert Invitation.objects.filter(job=scene["job"], worker=scene["fits"]).exists()
