"""After `makemessages`, rewrite the English catalogue the way it is committed (Babel, width 110) so diffs
show only real changes, and list every message still untranslated or fuzzy (test_catalogue fails on them)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"

with PO.open("rb") as handle:
    catalogue = read_po(handle)
for message in catalogue:
    # "| msgid …" notes are what gettext's fuzzy matching left behind; they say nothing once translated.
    message.user_comments = [c for c in message.user_comments if not c.startswith("| msgid")]
with PO.open("wb") as handle:
    write_po(handle, catalogue, width=110)
todo = [
    m
    for m in catalogue
    if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
]
for message in todo:
    print(f"untranslated: {message.id!r} ({', '.join(f'{f}:{n}' for f, n in message.locations)})")
sys.exit(1 if todo else 0)
