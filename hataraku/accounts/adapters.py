from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Said per account: other people on the same network (a training room, a family) can still log in.
        "too_many_login_attempts": _(
            "このアカウントでログインに続けて失敗したため、安全のため一時的にログインを止めています。"
            "5分ほど待ってからもう一度お試しください。パスワードを忘れた場合は、パスワードの再設定ができます。"
        ),
    }

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
