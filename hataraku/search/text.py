"""How search reads Japanese: one normalisation and one tokenisation for the index and the query.

Japanese is written without spaces, so words cannot be found by splitting. The index holds every pair of
neighbouring characters (bigrams) of each run of letters and digits, in order; a query word becomes the
phrase of its bigrams, which matches exactly where the word occurs as a substring. Two-character words
(「翻訳」「経理」「在宅」) are a single bigram — a trigram index would silently find nothing for them. The last
character of every run is also indexed alone, so a one-character word is a prefix query (`x*`) that meets
every place it occurs: followed by another character (a bigram starting with it) or at a run's end.

Normalisation, applied to both sides: NFKC (full-width ＷＥＢ → WEB, half-width ﾃﾞｰﾀ → データ, ① → 1), lower
case, and the long-vowel mark: a hyphen or dash written after katakana (デ－タ, デ-タ, デ―タ) is read as ー.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from . import synonyms

# Dashes people type for the long-vowel mark after NFKC (－ becomes "-", ｰ becomes ー already).
_DASHES = frozenset("-‐‑‒–—―−⁃")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc]")
# A run: letters, digits, kana, kanji, ー. `\w` also matches "_", which is a separator here.
_RUN = re.compile(r"[^\W_]+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    if not any(ch in _DASHES for ch in text):
        return text
    out: list[str] = []
    for ch in text:
        # A dash right after katakana (or after a mark already read as ー: 「ア--」) is the long vowel.
        if ch in _DASHES and out and _KATAKANA.match(out[-1]):
            ch = "ー"
        out.append(ch)
    return "".join(out)


def runs(text: str) -> list[str]:
    """The normalised runs of letters and digits (everything else separates)."""
    return _RUN.findall(normalise(text))


def run_tokens(run: str) -> Iterator[str]:
    for i in range(len(run) - 1):
        yield run[i : i + 2]
    if run:
        yield run[-1]


def index_tokens(text: str) -> str:
    """The text as the index stores it: space-separated tokens, in reading order (positions matter for
    phrases). Runs are separated by a newline, which no token contains."""
    return " ".join(tok for run in runs(text) for tok in run_tokens(run))


def query_terms(text: str) -> list[list[str]]:
    """The query as words; each word a list of runs ("Web-デザイン" is one word of two runs). Words are
    ANDed; a run of one character is a prefix term, a longer one a phrase of its bigrams."""
    words = []
    for word in normalise(text).split():
        word_runs = _RUN.findall(word)
        if word_runs:
            words.append(word_runs)
    return words


@dataclass(frozen=True)
class Alt:
    """One way a query word is satisfied: every run occurs (a phrase each), or the job has a facet."""

    runs: tuple[str, ...] = ()
    facet: str = ""


Word = tuple[Alt, ...]


@cache
def _table() -> dict[str, tuple[Alt, ...]]:
    table: dict[str, list[Alt]] = {}

    def add(word: str, alt: Alt) -> None:
        key = "".join(_RUN.findall(normalise(word)))
        if alt not in table.setdefault(key, []):
            table[key].append(alt)

    def runs_of(words: Iterable[str]) -> tuple[str, ...]:
        return tuple(run for w in words for run in _RUN.findall(normalise(w)))

    for group in synonyms.GROUPS:
        for word in group:
            for other in group:
                add(word, Alt(runs=runs_of([other])))
    for word, wider in synonyms.WIDER.items():
        add(word, Alt(runs=runs_of([word])))
        for words in wider:
            add(word, Alt(runs=runs_of(words)))
    for word, facet in synonyms.FACETS.items():
        add(word, Alt(runs=runs_of([word])))
        add(word, Alt(facet=facet))
    return {k: tuple(v) for k, v in table.items()}


def query_words(text: str, *, expand: bool = True) -> list[Word]:
    """The query's words, ANDed; each word the alternatives that satisfy it: itself and, with `expand`,
    its synonyms (search/synonyms.py)."""
    words: list[Word] = []
    for runs_ in query_terms(text):
        own = Alt(runs=tuple(runs_))
        words.append(_table().get("".join(runs_), (own,)) if expand else (own,))
    return words


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def matches(text: str, query: str, *, facets: Iterable[str] = (), expand: bool = True) -> bool:
    """The reference meaning of a query, by brute force (tests compare the index with it): every word has
    an alternative whose runs all occur in the normalised runs of the text (or whose facet the job has)."""
    haystack = "\n".join(runs(text))
    held = set(facets)
    return all(
        any((alt.facet in held) if alt.facet else all(run in haystack for run in alt.runs) for alt in word)
        for word in query_words(query, expand=expand)
    )
