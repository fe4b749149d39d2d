"""Attachment checks. A file must have an allowed extension *and* look like that kind of file inside,
because the name and the browser's content type are only claims made by the sender."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from hataraku.core.errors import DomainError
from hataraku.core.uploads import content_matches, extension_of, read_all

from .constants import (
    ALLOWED_EXTENSIONS,
    ATTACHMENT_PREFIX,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS_PER_MESSAGE,
)


@dataclass(frozen=True)
class CheckedFile:
    upload: Any
    original_name: str
    extension: str
    content_type: str
    size: int


def check_files(files: Sequence[Any]) -> list[CheckedFile]:
    """Validate every file, or raise one DomainError listing every problem (nothing is saved)."""
    files = [f for f in files if f]
    if len(files) > MAX_ATTACHMENTS_PER_MESSAGE:
        raise DomainError(
            _("一度に添付できるファイルは%(max)s個までです。%(count)s個選ばれています。")
            % {"max": MAX_ATTACHMENTS_PER_MESSAGE, "count": len(files)},
            code="too_many_files",
            field="attachments",
        )
    problems: list[str] = []
    checked: list[CheckedFile] = []
    allowed = "PDF, PNG, JPEG, TXT, CSV, Word(docx), Excel(xlsx)"
    for upload in files:
        name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:255]
        extension = extension_of(name)
        size = int(getattr(upload, "size", 0) or 0)
        if extension not in ALLOWED_EXTENSIONS:
            problems.append(
                _("「%(name)s」は送れない種類のファイルです。送れるのは %(allowed)s です。")
                % {"name": name, "allowed": allowed}
            )
            continue
        if size > MAX_ATTACHMENT_BYTES:
            problems.append(
                _("「%(name)s」は大きすぎます(%(size)s)。1つ%(max)sまでにしてください。")
                % {
                    "name": name,
                    "size": filesizeformat(size),
                    "max": filesizeformat(MAX_ATTACHMENT_BYTES),
                }
            )
            continue
        if size == 0:
            problems.append(_("「%(name)s」は空のファイルです。") % {"name": name})
            continue
        if not content_matches(extension, read_all(upload)):
            problems.append(
                _(
                    "「%(name)s」は名前と中身の種類が一致しないため送れません。ファイルを開いて保存し直してからお試しください。"
                )
                % {"name": name}
            )
            continue
        checked.append(
            CheckedFile(
                upload=upload,
                original_name=name,
                extension=extension,
                content_type=ALLOWED_EXTENSIONS[extension],
                size=size,
            )
        )
    if problems:
        raise DomainError(" ".join(problems), code="bad_file", field="attachments", problems=problems)
    return checked


def storage_name(thread_id: int, extension: str) -> str:
    """A random name under the private prefix: the sender's file name never becomes a path."""
    return f"{ATTACHMENT_PREFIX}/{thread_id}/{uuid.uuid4().hex}.{extension}"
