"""The alerts app's notice texts (core/notifications.py): stored as code + params, rendered in the reader's
language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hataraku.core import notifications as notices

NEW_JOBS = notices.define(
    "alerts.new_jobs",
    title=_("「%(name)s」に合う新しい仕事が%(count)s件あります"),
    body=_("保存した検索条件「%(name)s」に合う仕事が新しく公開されました。はじめの1件: %(title)s"),
)
