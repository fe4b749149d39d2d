"""The 2FA page speaks to who is reading it: required (and why) for staff and municipal accounts, recommended
for everyone else; and while a session is held at set-up, the header offers no links that bounce back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .factories import PASSWORD, ClientFactory, MunicipalFactory, StaffFactory, UserFactory
from .mfa import login_with_mfa

pytestmark = pytest.mark.django_db

RECOMMENDED = "設定をおすすめします"
REQUIRED = "2段階認証の設定が必要です"
WHY = "ほかの人の個人情報を見られるアカウント"


def _password_login(client, user) -> None:
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


@pytest.mark.parametrize("factory", [StaffFactory, MunicipalFactory], ids=["staff", "municipal"])
def test_staff_and_municipal_read_that_it_is_required_and_why(client, factory):
    # given a staff or municipal person without an authenticator, logged in with the password
    _password_login(client, factory())
    # when they land on the set-up page
    html = client.get(reverse("mfa_index")).content.decode()
    # then it says it is required and why, and nothing about earnings or a recommendation
    assert REQUIRED in html and WHY in html
    assert RECOMMENDED not in html and "報酬" not in html


@pytest.mark.parametrize("factory", [StaffFactory, MunicipalFactory], ids=["staff", "municipal"])
def test_the_held_session_sees_only_log_out_and_language_in_the_header(client, factory):
    # given a staff or municipal session held at set-up
    _password_login(client, factory())
    # when the set-up page is drawn
    html = client.get(reverse("mfa_index")).content.decode()
    header = html.split('<main id="main"')[0]
    # then the header has log-out and the language switch, and none of the links that would bounce back
    assert reverse("account_logout") in header and reverse("set_language") in header
    for name in ("core:dashboard", "messaging:notifications", "accounts:settings", "core:audit_log"):
        assert f'href="{reverse(name)}"' not in header, name
    # and the footer's public pages open for them instead of bouncing
    for name in ("core:accessibility", "core:privacy"):
        assert client.get(reverse(name)).status_code == 200, name


def test_once_the_second_factor_is_used_the_header_is_whole_again(client):
    # given a staff member who logged in with the password and the authenticator code
    staff = StaffFactory()
    login_with_mfa(client, staff)
    # when she opens the 2FA page
    html = client.get(reverse("mfa_index")).content.decode()
    # then the navigation is back, and the page still says it is required for her
    assert f'href="{reverse("core:dashboard")}"' in html.split('<main id="main"')[0]
    assert REQUIRED in html


@pytest.mark.parametrize("factory", [UserFactory, ClientFactory], ids=["worker", "client"])
def test_workers_and_clients_are_recommended_it(client, factory):
    # given a worker or a client without an authenticator
    person = factory()
    client.force_login(person)
    # when they open the 2FA page
    html = client.get(reverse("mfa_index")).content.decode()
    # then it is recommended (about earnings only for the worker), not required, with the full header
    assert RECOMMENDED in html and REQUIRED not in html
    assert ("報酬" in html) == person.is_worker
    assert f'href="{reverse("core:dashboard")}"' in html.split('<main id="main"')[0]
