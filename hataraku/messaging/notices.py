"""The notices the messaging app sends (core/notifications.py stores them as code + params)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hataraku.core import notifications as notices

MESSAGE_RECEIVED = notices.define(
    "messaging.message_received",
    title=_("%(name)s さんからメッセージが届きました"),
    body=_("「%(subject)s」に新しいメッセージがあります。"),
)
