"""Account holder names: the full-width form we store and show, and the half-width form the Zengin
transfer file needs.

Banks match the recipient name of a transfer against the account's registered name (口座名義) in
half-width katakana. The Zengin character set has no small kana and no long-vowel mark, so the file form
writes small kana as large ones (ッ → ﾂ) and ー as "-", as banks do themselves.
"""

from __future__ import annotations

import re
import unicodedata

FULL_SPACE = "\u3000"

_BASE = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン",
    "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝ",
)
_VOICED = ("ガギグゲゴザジズゼゾダヂヅデドバビブベボヴ", "カキクケコサシスセソタチツテトハヒフヘホウ")
_SEMI_VOICED = ("パピプペポ", "ハヒフヘホ")
_SMALL = ("ァィゥェォッャュョヮ", "アイウエオツヤユヨワ")
_SYMBOLS = {
    FULL_SPACE: " ",
    "ー": "-",
    "－": "-",
    "（": "(",
    "）": ")",
    "．": ".",
    "／": "/",
    "，": ",",
    "「": "｢",
    "」": "｣",
}

FULL_TO_HALF: dict[str, str] = dict(zip(*_BASE, strict=True))
for _voiced, _plain in zip(*_VOICED, strict=True):
    FULL_TO_HALF[_voiced] = FULL_TO_HALF[_plain] + "ﾞ"
for _semi, _plain in zip(*_SEMI_VOICED, strict=True):
    FULL_TO_HALF[_semi] = FULL_TO_HALF[_plain] + "ﾟ"
for _small, _large in zip(*_SMALL, strict=True):
    FULL_TO_HALF[_small] = FULL_TO_HALF[_large]
FULL_TO_HALF.update(_SYMBOLS)
for _code in range(ord("０"), ord("９") + 1):
    FULL_TO_HALF[chr(_code)] = chr(_code - 0xFEE0)
for _code in range(ord("Ａ"), ord("Ｚ") + 1):
    FULL_TO_HALF[chr(_code)] = chr(_code - 0xFEE0)

ALLOWED_FULL = frozenset(FULL_TO_HALF)
_SPACES = re.compile(r"[ \u3000]+")
# NFKC turns full-width ASCII into ASCII; we store the full-width form, so these go back.
_ASCII_BACK = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


def normalise_holder_name(value: str) -> str:
    """Half-width kana, ASCII letters and any run of spaces become the stored full-width form."""
    text = unicodedata.normalize("NFKC", value or "").strip().upper()
    text = _SPACES.sub(FULL_SPACE, text)
    return "".join(_ASCII_BACK.get(ch, ch) for ch in text)


def invalid_characters(full: str) -> list[str]:
    return sorted({ch for ch in full if ch not in ALLOWED_FULL})


def to_zengin_half(full: str) -> str:
    """The Zengin form of an already-normalised name. Raises ValueError on a character it cannot write."""
    try:
        return "".join(FULL_TO_HALF[ch] for ch in normalise_holder_name(full))
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} has no Zengin form") from exc
