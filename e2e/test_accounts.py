"""Account journeys in a real browser: every allauth page we use, MFA, settings, deletion, the session
warning, and the dashboard per role. Each page: axe 0 violations and no horizontal scroll at 320 px."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail

from hataraku.accounts.tests.factories import (
    PASSWORD,
    ClientFactory,
    MunicipalFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def current_totp(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def audit_page(page, axe, label: str = "") -> None:
    """axe at desktop width, then the 320 px reflow check (WCAG 1.4.10), then back."""
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).count() == 1, f"one <h1> on {label or page.url}"
    axe(page, label=label)
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"horizontal scroll at 320 px on {label or page.url}"
    page.set_viewport_size({"width": 1280, "height": 900})


def visit(page, axe, path: str) -> None:
    page.goto(page.base_url + path)
    assert page.url == page.base_url + path, f"{path} redirected to {page.url}"
    assert page.locator("html").get_attribute("lang") == "ja"
    audit_page(page, axe, path)


def mail_link(pattern: str) -> str:
    assert mail.outbox, "no mail was sent"
    found = re.search(pattern, str(mail.outbox[-1].body))
    assert found is not None, mail.outbox[-1].body
    return found.group(0)


def test_signup_journey_pages(page, axe):
    # given the sign-up page
    visit(page, axe, "/accounts/signup/")

    # when the form is sent empty, the error summary is shown and announced
    page.get_by_role("button", name="登録する").click()
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    audit_page(page, axe, "signup with errors")

    # when it is filled in properly
    page.get_by_label("メールアドレス").fill("hanako@example.jp")
    page.get_by_label("表示名").fill("山田 花子")
    page.locator("#id_password1").fill("hanako-no-himitsu-2026")
    page.locator("#id_password2").fill("hanako-no-himitsu-2026")
    page.get_by_label("仕事を受けたい(ワーカー)").check()
    page.get_by_role("button", name="登録する").click()

    # then "check your mail" is shown
    page.wait_for_url("**/accounts/confirm-email/")
    audit_page(page, axe, "verification sent")

    # when the link in the mail is opened and confirmed
    visit(page, axe, mail_link(r"/accounts/confirm-email/[^/\s]+/"))
    page.get_by_role("button", name="確認する").click()

    # then the person lands on the dashboard, logged in
    page.wait_for_url("**/dashboard/")
    assert "山田 花子" in page.get_by_role("heading", level=1).inner_text()
    audit_page(page, axe, "dashboard after sign-up")


def test_password_reset_pages(page, axe):
    # given a person who forgot their password
    user = UserFactory(email="forgot@example.jp")
    visit(page, axe, "/accounts/password/reset/")

    # when they ask for a reset link
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_role("button", name="パスワードを再設定する").click()
    page.wait_for_url("**/password/reset/done/")
    audit_page(page, axe, "reset done")

    # then the link in the mail opens the new-password form
    page.goto(page.base_url + mail_link(r"/accounts/password/reset/key/\S+/"))
    page.wait_for_url("**-set-password/")
    audit_page(page, axe, "reset from key")
    page.locator("#id_password1").fill("a-brand-new-password-2026")
    page.locator("#id_password2").fill("a-brand-new-password-2026")
    page.get_by_role("button", name="パスワード変更").click()
    page.wait_for_url("**/password/reset/key/done/")
    audit_page(page, axe, "reset from key done")


def test_account_management_pages(page, axe, login):
    # given a logged-in worker
    user = UserFactory()
    login(user.email, PASSWORD)

    # then every management page passes
    for path in [
        "/dashboard/",
        "/me/settings/",
        "/me/delete/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/sessions/",
        "/accounts/2fa/",
        "/accounts/2fa/webauthn/",
        "/accounts/reauthenticate/",
        "/accounts/logout/",
    ]:
        visit(page, axe, path)


def test_totp_activation_and_recovery_code_pages(page, axe, login):
    # given a logged-in worker on the authenticator page
    user = UserFactory()
    login(user.email, PASSWORD)

    # when they open the authenticator page, they first confirm their password (reauthentication)
    page.goto(page.base_url + "/accounts/2fa/totp/activate/")
    page.wait_for_url("**/accounts/reauthenticate/?next=*")
    audit_page(page, axe, "reauthenticate")
    page.get_by_label(re.compile(r"^パスワード")).fill(PASSWORD)
    page.get_by_role("button", name="確認する").click()
    page.wait_for_url("**/2fa/totp/activate/")
    audit_page(page, axe, "totp activate")

    # when they enter the code from their app
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("認証アプリコード").fill(current_totp(secret))
    page.get_by_role("button", name="有効化する").click()

    # then TOTP is on and recovery codes exist; their pages pass too
    page.wait_for_url("**/2fa/recovery-codes/")
    audit_page(page, axe, "recovery codes")
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    for path in [
        "/accounts/2fa/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/webauthn/add/",
    ]:
        visit(page, axe, path)


def test_login_with_totp_in_the_browser(page, axe):
    # given a person with an authenticator app
    user = UserFactory(email="totp@example.jp")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)

    # when they log in with the password
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("メールアドレス").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()

    # then the code is asked for, on an accessible page
    page.wait_for_url("**/2fa/authenticate/")
    audit_page(page, axe, "mfa authenticate")

    # when a wrong code is typed, it is refused
    page.get_by_label("コード").fill("000000" if current_totp(secret) != "000000" else "111111")
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_selector(".error-summary")
    audit_page(page, axe, "mfa authenticate with error")

    # when the right code is typed
    page.get_by_label("コード").fill(current_totp(secret))
    page.get_by_role("button", name="ログイン", exact=True).click()

    # then they are logged in
    page.wait_for_url("**/dashboard/")


@pytest.mark.parametrize("factory", [UserFactory, ClientFactory, MunicipalFactory, StaffFactory])
def test_dashboard_for_each_role(page, axe, login, factory):
    user = factory()
    login(user.email, PASSWORD)
    visit(page, axe, "/dashboard/")
    if user.is_staff:
        visit(page, axe, "/staff/audit/")


def test_session_warning_can_be_extended_by_keyboard(page, axe, login, settings):
    # given a short session: the warning is due two seconds after each page load
    settings.SESSION_COOKIE_AGE = 302
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 300
    user = UserFactory()
    login(user.email, PASSWORD)
    page.goto(page.base_url + "/dashboard/")

    # when the warning opens
    page.wait_for_selector("#session-dialog[open]")
    axe(page, label="session dialog")
    assert page.evaluate("document.activeElement.hasAttribute('data-session-extend')")

    # and the person presses the button with the keyboard
    page.keyboard.press("Enter")

    # then the dialog closes and they are still logged in
    page.wait_for_selector("#session-dialog:not([open])", state="attached")
    page.goto(page.base_url + "/me/settings/")
    assert page.url.endswith("/me/settings/")


def test_delete_account_in_the_browser(page, axe, login):
    # given a logged-in person on the deletion page
    user = UserFactory(email="leaving@example.jp")
    login(user.email, PASSWORD)
    visit(page, axe, "/me/delete/")

    # when they confirm with the password and the checkbox
    page.get_by_label("現在のパスワード").fill(PASSWORD)
    page.get_by_label("退会すると元に戻せない").check()
    page.get_by_role("button", name="退会する").click()

    # then they are logged out on the home page, told it is done
    page.wait_for_url(page.base_url + "/")
    assert "退会の手続きが終わりました" in page.locator(".messages").inner_text()
    audit_page(page, axe, "home after deletion")


def test_two_factor_reauthentication_page(page, axe):
    # given a person with an authenticator app, logged in with their code
    user = UserFactory(email="reauth@example.jp")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("メールアドレス").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url("**/2fa/authenticate/")
    page.get_by_label("コード").fill(current_totp(secret))
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url("**/dashboard/")
    # when a sensitive action asks them to confirm it is still them, with their code
    page.goto(page.base_url + "/accounts/2fa/reauthenticate/")
    # then the page is accessible, and the code confirms
    audit_page(page, axe, "mfa reauthenticate")
    page.get_by_label("コード").fill(current_totp(secret))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("確認|ログイン|続ける")).first.click()
    audit_page(page, axe, "after mfa reauthenticate")
