from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.internal import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hataraku.core import clock
from hataraku.core.fields import decrypt_text, encrypt_text, is_encrypted
from hataraku.core.permissions import needs_second_factor
from hataraku.core.site import SITE_NAME, public_url, site_context, site_domain

# Failed log-ins are counted twice (issue 7, item 6). Per account, strictly (`login_failed`, allauth's own
# action, so a password reset clears it). Per network address, generously and separately
# (`login_failed_ip`): a training room of about 30 people behind one router must be able to mistype.
IP_ACTION = "login_failed_ip"
APP = "allauth.account"
# The links allauth puts in its e-mails, built from the request's host; they are moved to the public address.
MAIL_LINK_KEYS = ("activate_url", "password_reset_url", "signup_url")


def _rate_duration(action: str, per: str) -> int:
    rates = ratelimit.get_rates(app=APP, action=action)
    return int(next((r.duration for r in rates if r.per == per), 300))


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Said per account, and only when it is this account: other people on the same network (a
        # training room, a family) can still log in.
        "too_many_login_attempts": _(
            "このアカウントへのログインに続けて失敗したため、安全のため、このアカウントへのログインを"
            "しばらく(5分ほど)止めています。同じネットワークのほかの方は、これまでどおりログインできます。"
            "パスワードを忘れた場合は「パスワードをお忘れですか?」から再設定すると、すぐにログインできます。"
        ),
        # Said when the network address is the reason: the person's own account is not locked.
        "too_many_login_attempts_from_network": _(
            "このネットワーク(同じインターネット回線)から、ログインの失敗がとても多く続いています。"
            "あなたのアカウントが止められたわけではありません。安全のため、このネットワークからのログインを"
            "しばらく(15分ほど)お待ちいただいています。時間をおいてもう一度お試しください。"
        ),
        # Said at the code step (after the right password): a password reset does not lift this lock.
        "too_many_code_attempts": _(
            "確認コードの入力に続けて失敗したため、安全のため、このアカウントへのログインをしばらく(5分ほど)"
            "止めています。パスワードは正しく入力されていました。ご本人の操作なら、時間をおいてもう一度"
            "お試しください(認証アプリの時計がずれていないかもご確認ください)。アカウントの持ち主には、"
            "パスワードの変更をおすすめするメールをお送りしました。"
        ),
    }

    def validation_error(self, code: str, *args: Any) -> Any:
        # allauth's code step (mfa) raises the same "too_many_login_attempts" as the password step; there,
        # say what really happened instead.
        if code == "too_many_login_attempts" and at_code_step():
            code = "too_many_code_attempts"
        return super().validation_error(code, *args)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's e-mails (address confirmation, password reset, …) name the service and link to its
        public address (`HATARAKU_SITE_URL`), never the host of the request that caused them
        (`django.contrib.sites` is not installed, so allauth would use the request's)."""
        context = {
            **context,
            **site_context(),
            "current_site": SimpleNamespace(name=SITE_NAME, domain=site_domain()),
        }
        for key in MAIL_LINK_KEYS:
            if context.get(key):
                context[key] = public_url(str(context[key]))
        super().send_mail(template_prefix, email, context)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.preferred_language = translation.get_language() or "ja"
        if commit:
            user.save()
        return user

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        response = super().post_login(request, user, **kwargs)
        # The language chosen in account settings follows the person to every browser they log in on.
        language = getattr(user, "preferred_language", "")
        if language in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax", secure=request.is_secure()
            )
        return response

    # --- second factor ------------------------------------------------------------------------------

    def get_reauthentication_methods(self, user: Any) -> list[dict[str, Any]]:
        """Staff and municipal people who have a second factor reauthenticate with it, never with the
        password alone: the password is what an attacker is most likely to have."""
        methods: list[dict[str, Any]] = super().get_reauthentication_methods(user)
        if needs_second_factor(user):
            second = [m for m in methods if str(m["id"]).startswith("mfa_reauthenticate")]
            if second:
                return second
        return methods

    # --- log-in throttling --------------------------------------------------------------------------

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        network = ratelimit.consume(request, app=APP, action=IP_ACTION)
        if not network:
            raise self.validation_error("too_many_login_attempts_from_network")
        key = self._get_login_attempts_cache_key(request, **credentials)
        account = ratelimit.consume(request, app=APP, action="login_failed", key=key)
        if not account:
            # The attempt never reached a password check: it must not use up the network's allowance.
            network.rollback()
            self._notify_account_locked(request, key=key, login=self._login_of(credentials))
            raise self.validation_error("too_many_login_attempts")
        # allauth rolls this back on success, so only failures count, both per account and per network.
        self._login_failed_rl_usage = ratelimit.RateLimitUsage(usage=[*network.usage, *account.usage])

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        key = self._get_login_attempts_cache_key(request, **credentials)
        if not ratelimit.consume(request, app=APP, action="login_failed", key=key, dry_run=True):
            # That failure used up the account's allowance: tell the owner now, not at the next try.
            self._notify_account_locked(request, key=key, login=self._login_of(credentials))

    @staticmethod
    def _login_of(credentials: dict[str, Any]) -> str:
        return str(credentials.get("email") or credentials.get("username") or "").strip().lower()

    def _notify_account_locked(self, request: HttpRequest, *, key: str, login: str) -> None:
        """E-mail the owner once per lock window: someone is failing to log in as them, nothing was
        let in, and a password reset lifts the lock at once."""
        if not login:
            return
        window = _rate_duration("login_failed", "key")
        marker = "hataraku:login-locked-mail:" + hashlib.sha256(key.encode()).hexdigest()
        if not cache.add(marker, True, timeout=window):
            return
        user = (
            get_user_model()
            .objects.filter(email__iexact=login, is_active=True, deleted_at__isnull=True)
            .first()
        )
        if user is None:
            # No such account: nobody to tell, and the answer on screen is the same either way.
            return
        _mail_lock(
            request,
            user,
            window=window,
            subject=_("ログインの失敗が続いたため、ログインを一時的に止めました"),
            template="accounts/email/login_locked.txt",
        )


CODE_STEP_URL_NAMES = {"mfa_authenticate"}


def at_code_step() -> bool:
    request = context.request
    match = getattr(request, "resolver_match", None) if request is not None else None
    return match is not None and match.url_name in CODE_STEP_URL_NAMES


def _code_step_key(user: Any) -> str:
    # The key allauth's code step counts failures under (allauth.mfa.base.internal.flows.check_rate_limit).
    return f"mfa-auth-user-{user.pk}"


def second_factor_failed(
    sender: Any, request: HttpRequest | None, user: Any, reauthentication: bool = False, **kwargs: Any
) -> None:
    """A wrong code at log-in (allauth's `authentication_failed` signal). When it uses up the account's
    allowance, the code step locks: the person on screen is told at once, and the owner by e-mail, once per
    lock window — the password was right, so it is probably known to someone else."""
    if reauthentication or request is None or user is None:
        return
    if ratelimit.consume(request, app=APP, action="login_failed", key=_code_step_key(user), dry_run=True):
        return
    request._hataraku_code_step_locked = True  # type: ignore[attr-defined]
    window = _rate_duration("login_failed", "key")
    if not cache.add(f"hataraku:code-locked-mail:{user.pk}", True, timeout=window):
        return
    _mail_lock(
        request,
        user,
        window=window,
        subject=_("確認コードの失敗が続いたため、ログインを一時的に止めました"),
        template="accounts/email/second_factor_locked.txt",
    )


def _mail_lock(request: HttpRequest, user: Any, *, window: int, subject: StrOrPromise, template: str) -> None:
    """Tell the owner, in her language and once the transaction commits, that log-in is locked for
    `window` seconds, with a link to reset the password (which lifts the lock)."""
    with translation.override(getattr(user, "preferred_language", "") or "ja"):
        body = render_to_string(
            template,
            {
                "user": user,
                "minutes": max(1, window // 60),
                "reset_url": public_url(reverse("account_reset_password")),
                "at": clock.local_now(),
                "ip": ratelimit.get_ip(request),
                **site_context(),
            },
        )
        title = str(subject)
    message = EmailMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{title}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    transaction.on_commit(message.send)


class MFAAdapter(DefaultMFAAdapter):
    """Second-factor secrets (the TOTP key, the recovery codes' seed) are stored encrypted with the field
    key (`HATARAKU_FIELD_KEY`, hataraku.core.fields), never in the clear: whoever reads the database, a
    backup or the admin holds a password hash at most, not a working second factor (issue 7 review)."""

    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def validation_error(self, code: str, *args: Any) -> Any:
        # The wrong code that locks the code step says so at once, not only at the next try.
        request = context.request
        if code == "incorrect_code" and getattr(request, "_hataraku_code_step_locked", False):
            return AccountAdapter(request).validation_error("too_many_code_attempts")
        return super().validation_error(code, *args)

    def decrypt(self, encrypted_text: str) -> str:
        # A row written before secrets were encrypted is still read (accounts migration 0002 encrypts them,
        # but a rollback or a restored backup may bring one back).
        if not is_encrypted(encrypted_text):
            return encrypted_text
        return decrypt_text(encrypted_text)
