"""Guessing the second factor is told to the owner (issue 7 review): after the right password, five wrong
codes lock the code step, the screen says so honestly, and the owner gets one e-mail saying that her
password was right and recommending a new one."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.urls import reverse

from .factories import PASSWORD, UserFactory
from .test_auth import current_totp, log_in, logged_in_user_id

pytestmark = pytest.mark.django_db

CODE_STEP_LOCKED = "確認コードの入力に続けて失敗したため"
PASSWORD_WAS_RIGHT = "パスワードは正しく入力されていました"


def wrong_code(secret: str) -> str:
    """A code that is none of the ones allauth accepts now (this 30-second window and its neighbours)."""
    counter = int(time.time()) // 30
    valid = {format_hotp_value(hotp_value(secret, counter + offset)) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def test_five_wrong_codes_after_the_right_password_lock_and_tell_the_owner_once(
    client, django_capture_on_commit_callbacks
):
    # given Sakura, who has an authenticator app, and someone who knows her password
    sakura = UserFactory()
    secret = generate_totp_secret()
    TOTP.activate(sakura, secret)
    assert log_in(client, sakura.email, PASSWORD)["Location"] == reverse("mfa_authenticate")
    # when they type four wrong codes
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            response = client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)})
            assert "コードが正しくありません" in response.content.decode()
    # then nobody has been mailed yet
    assert mail.outbox == []
    # when the fifth wrong code uses up the allowance
    with django_capture_on_commit_callbacks(execute=True):
        fifth = client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)})
    # then the screen says at once that the code step is locked and that the password was right
    page = fifth.content.decode()
    assert CODE_STEP_LOCKED in page and PASSWORD_WAS_RIGHT in page
    # and Sakura is told by e-mail: the password was right, the code failed, change the password
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == [sakura.email]
    assert "確認コードの失敗が続いた" in notice.subject
    assert "正しいパスワード" in notice.body
    assert "パスワードを新しくしてください" in notice.body
    assert reverse("account_reset_password") in notice.body
    # when the right code comes next, within the lock window
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(reverse("mfa_authenticate"), {"code": current_totp(secret)})
    # then it is refused with the honest message, she is not logged in, and no second mail goes out
    assert CODE_STEP_LOCKED in refused.content.decode()
    assert "パスワードを忘れた場合" not in refused.content.decode()
    assert logged_in_user_id(client) is None
    assert len(mail.outbox) == 1


def test_a_wrong_code_before_the_allowance_is_used_up_mails_nobody(
    client, django_capture_on_commit_callbacks
):
    # given a person with an authenticator app who mistypes her code once, then types it right
    user = UserFactory()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    log_in(client, user.email, PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)})
        client.post(reverse("mfa_authenticate"), {"code": current_totp(secret)})
    # then she is in, and no warning went out
    assert logged_in_user_id(client) == str(user.pk)
    assert mail.outbox == []
