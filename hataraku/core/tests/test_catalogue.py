"""The English catalogue is complete and keeps every placeholder of the Japanese source."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings

PLACEHOLDER = re.compile(r"\{\{.*?\}\}|%\(\w+\)[sd]|%[sd]|<[^>]+>")


def _catalogue():
    path = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        return read_po(handle, locale="en")


def test_every_message_has_an_english_translation():
    missing = [
        m.id
        for m in _catalogue()
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy)
    ]
    assert missing == []


def test_translations_keep_the_placeholders():
    broken = []
    for m in _catalogue():
        if not m.id:
            continue
        source = m.id[0] if isinstance(m.id, tuple) else m.id
        targets = m.string if isinstance(m.string, tuple) else (m.string,)
        for target in targets:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
                broken.append((source, target))
    assert broken == []
