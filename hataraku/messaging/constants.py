"""Choices and limits of the messaging app, kept in one place."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hataraku.core import limits


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("すぐに送る")
    DAILY_DIGEST = "daily_digest", _("1日1回まとめて送る")
    OFF = "off", _("メールを送らない")


DEFAULT_DIGEST_HOUR = 8

# Attachments: what may be sent, checked by extension *and* by the first bytes of the file, because a
# name is only a claim. docx/xlsx are ZIP containers, so their sniffed type is "zip" plus the part name.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS_PER_MESSAGE = 5
ALLOWED_EXTENSIONS: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
    "csv": "text/csv",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ATTACHMENT_PREFIX = "private/messages"
MAX_MESSAGE_LENGTH = limits.MESSAGE_BODY
