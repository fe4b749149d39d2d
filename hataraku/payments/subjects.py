"""What an escrow pays for, in people's words, for whole tables at once: 「「新刊の紹介文」のマイルストーン1
「前半」」, never the internal reference (`milestone:12`, `demo:…`) or the escrow's code (`E4`).

The app that owns escrows whose reference starts with `kind:` registers one function that names many of
them in a fixed number of queries (`ContractsConfig.ready` → `escrow_subjects_register`); payments never
imports the owners. `funding_subject` in `services.fundings` names one escrow for the funding pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from hataraku.ledger.models import Escrow

EscrowSubjects = Callable[[list[Escrow]], dict[int, str]]
_MANY: dict[str, EscrowSubjects] = {}


def escrow_subjects_register(kind: str, describe: EscrowSubjects) -> None:
    """`describe(escrows)` answers {escrow id: what it pays for} for escrows whose reference is `kind:…`."""
    _MANY[kind] = describe


def _demo_subjects(escrows: list[Escrow]) -> dict[int, str]:
    """The demo's own escrows (`demo:<client>:<work>:<n>`, made by the ledger and payments demos), which
    belong to no contract."""
    works = {"illustration": _("挿絵の制作"), "cancelled-task": _("取りやめになった入力作業")}
    named = {}
    for escrow in escrows:
        parts = escrow.reference.split(":")
        work = works.get(parts[2], _("お仕事")) if len(parts) > 2 else _("お仕事")
        number = parts[3] if len(parts) > 3 else "1"
        named[escrow.pk] = _("「%(work)s」の%(n)s回目の支払い") % {"work": work, "n": number}
    return named


_MANY["demo"] = _demo_subjects


def escrow_subjects(escrows: Iterable[Escrow]) -> dict[int, str]:
    """{escrow id: what it pays for} for every escrow given, one call per kind of reference (no query per
    row). An escrow nobody names is 「お仕事の支払い」."""
    by_kind: dict[str, list[Escrow]] = defaultdict(list)
    for escrow in escrows:
        by_kind[escrow.reference.partition(":")[0]].append(escrow)
    named: dict[int, str] = {}
    for kind, group in by_kind.items():
        describe = _MANY.get(kind)
        if describe is not None:
            named.update(describe(group))
    fallback = _("お仕事の支払い")
    return {e.pk: named.get(e.pk) or fallback for group in by_kind.values() for e in group}
