"""Pages of the profiles app: the access matrix for every route × role, and each form's behaviour."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hataraku.accounts.tests.mfa import login_as
from hataraku.core.models import AuditEvent
from hataraku.profiles import services
from hataraku.profiles.models import (
    AvailabilityWindow,
    DateException,
    SensitiveConsent,
    SensitiveReasons,
    WorkConditions,
    WorkerProfile,
)

from .factories import (
    ClientFactory,
    DateExceptionFactory,
    MunicipalFactory,
    StaffFactory,
    WorkConditionsFactory,
    WorkerFactory,
    WorkerProfileFactory,
)

pytestmark = pytest.mark.django_db

NOTE = "夜は子どもの寝かしつけがあります"
ROLES = ["anonymous", "owner", "other_worker", "client", "municipal", "staff"]

# Expected status per role. The worker's own pages answer 404 to anyone without the worker role; the
# public profile is for every logged-in person; the staff view only for staff. 302 = sent to log in
# (anonymous) or back to the page after a successful POST.
OWN_PAGE = {
    "anonymous": 302,
    "owner": 200,
    "other_worker": 200,
    "client": 404,
    "municipal": 404,
    "staff": 404,
}
OWN_POST = {
    "anonymous": 302,
    "owner": 302,
    "other_worker": 302,
    "client": 404,
    "municipal": 404,
    "staff": 404,
}
ROUTES = [
    ("GET", "profiles:edit", None, OWN_PAGE),
    ("GET", "profiles:conditions", None, OWN_PAGE),
    ("GET", "profiles:preferences", None, OWN_PAGE),
    ("GET", "profiles:exceptions", None, OWN_PAGE),
    ("GET", "profiles:sensitive", None, OWN_PAGE),
    ("POST", "profiles:sensitive_withdraw", None, OWN_POST),
    ("POST", "profiles:onboarding_skip", None, OWN_POST),
    ("POST", "profiles:onboarding_resume", None, OWN_POST),
    (
        "POST",
        "profiles:exception_delete",
        "exception",
        {"anonymous": 302, "owner": 302, "other_worker": 404, "client": 404, "municipal": 404, "staff": 404},
    ),
    (
        "GET",
        "profiles:public",
        "owner",
        {"anonymous": 302, "owner": 200, "other_worker": 200, "client": 200, "municipal": 200, "staff": 200},
    ),
    (
        "GET",
        "profiles:staff_sensitive",
        "owner",
        {"anonymous": 302, "owner": 404, "other_worker": 404, "client": 404, "municipal": 404, "staff": 200},
    ),
]


@pytest.fixture
def owner():
    user = WorkerFactory.create(display_name="中村 さくら")
    services.sensitive_reasons_save(user=user, categories=["childcare"], note=NOTE, consent_given=True)
    return user


def _as(client, role, owner):
    people = {
        "owner": owner,
        "other_worker": WorkerFactory.create(),
        "client": ClientFactory.create(),
        "municipal": MunicipalFactory.create(),
        "staff": StaffFactory.create(),
    }
    if role != "anonymous":
        login_as(client, people[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "name", "arg", "expected"), ROUTES, ids=[r[1] for r in ROUTES])
def test_access_matrix(client, owner, frozen_clock, role, method, name, arg, expected):
    # given the owner's data and a person in `role`
    kwargs = {}
    if arg == "owner":
        kwargs = {"user_id": owner.pk}
    elif arg == "exception":
        kwargs = {"pk": DateExceptionFactory.create(user=owner, date=dt.date(2026, 12, 9)).pk}
    _as(client, role, owner)
    url = reverse(name, kwargs=kwargs)
    # when they open the route
    response = client.get(url) if method == "GET" else client.post(url)
    # then they get exactly the expected answer; anonymous people are sent to log in
    assert response.status_code == expected[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    # and nobody but the owner (and audited staff) ever sees the reasons
    if (
        response.status_code == 200
        and not (role == "owner" and name == "profiles:sensitive")
        and role != "staff"
    ):
        assert NOTE not in response.content.decode()


def test_staff_view_shows_reasons_and_writes_an_audit_row(client, owner):
    # given staff / when they state a purpose on the worker's sensitive page
    staff = StaffFactory.create()
    login_as(client, staff)
    url = reverse("profiles:staff_sensitive", kwargs={"user_id": owner.pk})
    response = client.post(url, {"purpose": "inquiry", "detail": "問い合わせ #12"})
    # then they read the reasons in that same response (no redirect) and the read is in the audit log
    assert response.status_code == 200
    assert NOTE in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="profiles.sensitive_read", actor=staff, target_id=str(owner.pk))
    assert event.data["purpose"] == "inquiry" and event.data["detail"] == "問い合わせ #12"
    assert NOTE not in str(event.data) and "childcare" not in str(event.data)


def test_staff_view_get_shows_only_the_purpose_form_and_writes_nothing(client, owner):
    # given staff / when they open the page with a GET
    login_as(client, StaffFactory.create())
    response = client.get(reverse("profiles:staff_sensitive", kwargs={"user_id": owner.pk}))
    # then they see the purpose form, not the reasons, and nothing is audited
    html = response.content.decode()
    assert response.status_code == 200 and 'name="purpose"' in html
    assert NOTE not in html
    assert not AuditEvent.objects.filter(action="profiles.sensitive_read").exists()


def test_staff_view_post_without_a_purpose_shows_an_error_and_no_data(client, owner):
    # given staff / when they post without choosing a purpose
    login_as(client, StaffFactory.create())
    response = client.post(
        reverse("profiles:staff_sensitive", kwargs={"user_id": owner.pk}), {"detail": "見たい"}
    )
    # then a kind error, the typed text is kept, no data and no audit row
    html = response.content.decode()
    assert "閲覧する目的を選んでください" in html and "見たい" in html
    assert NOTE not in html
    assert not AuditEvent.objects.filter(action="profiles.sensitive_read").exists()


def test_staff_view_for_a_non_worker_is_404_and_not_audited(client):
    login_as(client, StaffFactory.create())
    response = client.get(reverse("profiles:staff_sensitive", kwargs={"user_id": ClientFactory.create().pk}))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="profiles.sensitive_read").exists()


def test_own_reasons_do_not_leak_into_other_pages(client, owner):
    # given the owner with reasons, quiet hours and private accessibility needs
    WorkConditionsFactory.create(
        user=owner, quiet_start=dt.time(22), quiet_end=dt.time(7), accessibility_needs=["screen_reader"]
    )
    WorkerProfileFactory.create(user=owner)
    client.force_login(owner)
    # when they open every other page, and a client opens the public profile
    pages = [
        reverse(n) for n in ["profiles:edit", "profiles:conditions", "profiles:exceptions", "core:dashboard"]
    ]
    pages.append(reverse("profiles:public", kwargs={"user_id": owner.pk}))
    for url in pages:
        html = client.get(url).content.decode()
        # then the reasons are on none of them
        assert NOTE not in html and "育児" not in html, url
    client.force_login(ClientFactory.create())
    html = client.get(reverse("profiles:public", kwargs={"user_id": owner.pk})).content.decode()
    assert "22:00" not in html and "画面読み上げ" not in html and NOTE not in html
    assert "データ入力" in html and "長野県" in html


def test_public_profile_shows_accessibility_only_when_opted_in(client):
    worker = WorkConditionsFactory.create(
        accessibility_needs=["screen_reader"], show_accessibility_publicly=True
    ).user
    client.force_login(ClientFactory.create())
    html = client.get(reverse("profiles:public", kwargs={"user_id": worker.pk})).content.decode()
    assert "画面読み上げソフトを使っています" in html


def test_public_profile_shows_the_invoice_badge(client):
    worker = WorkerProfileFactory.create(invoice_number="T5040001006938").user
    client.force_login(ClientFactory.create())
    html = client.get(reverse("profiles:public", kwargs={"user_id": worker.pk})).content.decode()
    assert "インボイス登録済み" in html and "T5040001006938" not in html


def test_public_profile_of_a_client_is_404(client):
    client.force_login(WorkerFactory.create())
    assert (
        client.get(reverse("profiles:public", kwargs={"user_id": ClientFactory.create().pk})).status_code
        == 404
    )


class TestProfileEdit:
    def post(self, client, **overrides):
        data = {
            "display_name": "中村 さくら",
            "prefecture": "20",
            "municipality": "松本市",
            "skills": "データ入力、ライティング,Excel",
            "bio": "よろしくお願いします。",
            "portfolio_links": "https://example.com/a\nhttps://example.com/b",
            "qualifications": "日商簿記2級",
            "invoice_number": "",
        }
        data.update(overrides)
        return client.post(reverse("profiles:edit"), data)

    def test_saves_and_shows_completeness(self, client):
        user = WorkerFactory.create()
        login_as(client, user)
        response = self.post(client)
        assert response.status_code == 302
        profile = WorkerProfile.objects.get(user=user)
        assert profile.skills == ["データ入力", "ライティング", "Excel"]
        assert profile.portfolio_links == ["https://example.com/a", "https://example.com/b"]
        html = client.get(reverse("profiles:edit")).content.decode()
        # 7 profile items of 10: no window, no weekly limit, no shortest block
        assert '<progress id="completeness" max="100" value="70">' in html
        assert "70% 入力済み" in html
        assert "働ける時間帯" in html

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"invoice_number": "T12345"}, "登録番号は「T」と13桁の数字で入力してください"),
            ({"invoice_number": "T9040001006938"}, "チェックディジット"),
            ({"prefecture": "99"}, "都道府県の選び方が正しくありません"),
            ({"portfolio_links": "not a url"}, "URLとして読み取れません"),
            ({"display_name": ""}, "表示名を入力してください"),
        ],
    )
    def test_bad_input_shows_japanese_error_and_saves_nothing(self, client, overrides, message):
        user = WorkerFactory.create()
        login_as(client, user)
        response = self.post(client, **overrides)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert WorkerProfile.objects.count() == 0


class TestAvailabilityEditor:
    def data(self, rows, **extra):
        data = {"windows-TOTAL_FORMS": str(len(rows)), "windows-INITIAL_FORMS": "0"}
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"windows-{i}-{key}"] = value
        data.update(extra)
        return data

    def test_first_visit_shows_one_empty_row_and_the_empty_summary(self, client):
        client.force_login(WorkerFactory.create())
        html = client.get(reverse("profiles:conditions")).content.decode()
        assert "まだ登録されていません" in html
        assert 'name="windows-0-start"' in html and 'name="windows-1-start"' not in html

    def test_saving_a_week_stores_it_and_shows_the_summary(self, client):
        user = WorkerFactory.create()
        login_as(client, user)
        rows = [{"weekday": str(d), "start": "13:00", "end": "14:30"} for d in range(5)]
        rows.append({"weekday": "4", "start": "22:00", "end": "01:00", "crosses_midnight": "on"})
        rows.append({"weekday": "", "start": "", "end": ""})  # an unused row is ignored
        response = client.post(reverse("profiles:conditions"), self.data(rows, action="save"))
        assert response.status_code == 302
        assert AvailabilityWindow.objects.filter(user=user).count() == 6
        html = client.get(reverse("profiles:conditions")).content.decode()
        assert "月・火・水・木 13:00–14:30 / 金 13:00–14:30, 22:00–翌1:00 / 週10時間30分" in html

    @pytest.mark.parametrize(
        ("rows", "message"),
        [
            ([{"weekday": "0", "start": "10:00", "end": "10:00"}], "開始と終了が同じ時刻です"),
            ([{"weekday": "0", "start": "22:00", "end": "01:00"}], "「日付をまたぐ」に"),
            (
                [
                    {"weekday": "4", "start": "22:00", "end": "01:00", "crosses_midnight": "on"},
                    {"weekday": "5", "start": "00:30", "end": "02:00"},
                ],
                "重なっています",
            ),
            ([{"weekday": "0", "start": "25:00", "end": "10:00"}], "時刻を「13:00」のように"),
            ([{"weekday": "", "start": "10:00", "end": "11:00"}], "曜日を選んでください"),
            ([{"weekday": "0", "start": "10:00", "end": ""}], "終了の時刻を入力してください"),
        ],
    )
    def test_bad_weeks_show_errors_and_keep_the_saved_week(self, client, rows, message):
        user = WorkerFactory.create()
        services.availability_replace(user=user, windows=[])
        login_as(client, user)
        AvailabilityWindow.objects.create(user=user, weekday=2, start=dt.time(9), end=dt.time(10))
        response = client.post(reverse("profiles:conditions"), self.data(rows, action="save"))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert list(AvailabilityWindow.objects.filter(user=user).values_list("weekday", flat=True)) == [2]

    def test_add_button_adds_a_row_without_saving(self, client):
        user = WorkerFactory.create()
        login_as(client, user)
        rows = [{"weekday": "0", "start": "13:00", "end": "14:30"}]
        html = client.post(reverse("profiles:conditions"), self.data(rows, action="add")).content.decode()
        assert 'name="windows-1-start"' in html and 'value="13:00"' in html
        assert "まだ保存されていません" in html
        assert AvailabilityWindow.objects.count() == 0

    def test_remove_button_drops_that_row_without_saving(self, client):
        user = WorkerFactory.create()
        login_as(client, user)
        rows = [
            {"weekday": "0", "start": "13:00", "end": "14:30"},
            {"weekday": "1", "start": "09:00", "end": "10:00"},
        ]
        html = client.post(reverse("profiles:conditions"), self.data(rows, remove="0")).content.decode()
        assert 'value="09:00"' in html and 'value="13:00"' not in html
        assert 'name="windows-1-start"' not in html
        assert AvailabilityWindow.objects.count() == 0


class TestPreferences:
    def post(self, client, **overrides):
        data = {
            "max_hours_per_week": "15",
            "min_block_minutes": "30",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
        }
        data.update(overrides)
        return client.post(reverse("profiles:preferences"), data)

    def test_saves(self, client):
        user = WorkerFactory.create()
        login_as(client, user)
        response = self.post(
            client, no_meetings="on", accessibility=["screen_reader", "keyboard_only"], consent="on"
        )
        assert response.status_code == 302
        c = WorkConditions.objects.get(user=user)
        assert c.no_meetings and c.accessibility_needs == ["keyboard_only", "screen_reader"]
        assert c.text_only and c.quiet_start == dt.time(22)

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"max_hours_per_week": "169"}, "168以下の数で"),
            ({"max_hours_per_week": "-1"}, "0時間以上で"),
            ({"min_block_minutes": "0"}, "1分以上で"),
            ({"quiet_end": ""}, "開始と終了の両方を"),
            ({"quiet_end": "22:00"}, "開始と終了が同じです"),
            ({"accessibility": ["telepathy"]}, "一覧から選んでください"),
        ],
    )
    def test_bad_input_shows_japanese_error_and_saves_nothing(self, client, overrides, message):
        client.force_login(WorkerFactory.create())
        response = self.post(client, **overrides)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert WorkConditions.objects.count() == 0


class TestExceptions:
    def test_add_list_and_delete(self, client, frozen_clock):
        user = WorkerFactory.create()
        login_as(client, user)
        response = client.post(
            reverse("profiles:exceptions"), {"date": "2026-12-09", "kind": "busy", "note": "通院"}
        )
        assert response.status_code == 302
        exception = DateException.objects.get(user=user)
        assert "通院" in client.get(reverse("profiles:exceptions")).content.decode()
        client.post(reverse("profiles:exception_delete", kwargs={"pk": exception.pk}))
        assert DateException.objects.count() == 0

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"date": "2026-11-01", "kind": "day_off"}, "日付は今日以降の日付にしてください"),
            ({"date": "", "kind": "day_off"}, "日付を入力してください"),
            ({"date": "2026-12-09", "kind": "vacation"}, "種類を一覧から選んでください"),
        ],
    )
    def test_bad_input_saves_nothing(self, client, frozen_clock, data, message):
        client.force_login(WorkerFactory.create())
        response = client.post(reverse("profiles:exceptions"), data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert DateException.objects.count() == 0

    def test_list_page_query_count_does_not_grow(self, client, frozen_clock, django_assert_num_queries):
        # given a worker with one exception, and the number of queries the list takes
        user = WorkerFactory.create()
        DateExceptionFactory.create(user=user, date=dt.date(2026, 12, 9))
        login_as(client, user)
        client.get(reverse("profiles:exceptions"))  # warm the session
        with CaptureQueriesContext(connection) as one:
            client.get(reverse("profiles:exceptions"))
        # when four more are added / then the page takes exactly as many queries
        for day in range(10, 14):
            DateExceptionFactory.create(user=user, date=dt.date(2026, 12, day))
        with django_assert_num_queries(len(one)):
            response = client.get(reverse("profiles:exceptions"))
        assert response.content.decode().count("の予定を削除") == 5


class TestSensitivePage:
    def test_post_without_consent_stores_nothing(self, client):
        # given a worker / when they send reasons without ticking the consent box
        client.force_login(WorkerFactory.create())
        response = client.post(reverse("profiles:sensitive"), {"categories": ["childcare"], "note": NOTE})
        # then a Japanese error and nothing stored
        assert response.status_code == 200
        assert "「同意する」にチェック" in response.content.decode()
        assert SensitiveReasons.objects.count() == 0
        assert SensitiveConsent.objects.count() == 0

    def test_post_with_consent_stores_and_the_owner_sees_it(self, client):
        user = WorkerFactory.create()
        login_as(client, user)
        response = client.post(
            reverse("profiles:sensitive"), {"categories": ["childcare"], "note": NOTE, "consent": "on"}
        )
        assert response.status_code == 302
        assert SensitiveReasons.objects.get(user=user).note == NOTE
        html = client.get(reverse("profiles:sensitive")).content.decode()
        assert NOTE in html and "同意を撤回して削除する" in html

    def test_withdraw_deletes_the_reasons(self, client, owner):
        client.force_login(owner)
        response = client.post(reverse("profiles:sensitive_withdraw"), follow=True)
        assert "同意を撤回し、保存していた理由を削除しました" in response.content.decode()
        assert not SensitiveReasons.objects.filter(user=owner).exists()
        assert SensitiveConsent.objects.get(user=owner).withdrawn_at is not None


def test_public_profile_shows_the_verified_badge_only_for_a_verified_worker(client):
    from hataraku.accounts.tests.factories import verified

    # given a verified worker and one who is not
    checked = verified(WorkerProfileFactory.create().user)
    unchecked = WorkerProfileFactory.create().user
    client.force_login(ClientFactory.create())
    # when a client opens both public profiles
    checked_html = client.get(reverse("profiles:public", kwargs={"user_id": checked.pk})).content.decode()
    unchecked_html = client.get(reverse("profiles:public", kwargs={"user_id": unchecked.pk})).content.decode()
    # then only the verified worker carries the badge
    assert "本人確認済み" in checked_html
    assert "本人確認済み" not in unchecked_html


def test_public_profile_offers_a_scout_link_to_clients_only(client):
    # given a worker's public profile
    worker = WorkerProfileFactory.create().user
    url = reverse("profiles:public", kwargs={"user_id": worker.pk})
    invite = f"{reverse('jobs:invite')}?worker={worker.pk}"
    # when a client opens it, then the scout link is there and goes to the invitation form for this worker
    client.force_login(ClientFactory.create())
    html = client.get(url).content.decode()
    assert "この人をスカウトする" in html and f'href="{invite}"' in html
    # when another worker (or the worker themself) opens it, then there is no scout link
    for viewer in (WorkerFactory.create(), worker):
        login_as(client, viewer)
        assert "この人をスカウトする" not in client.get(url).content.decode()
