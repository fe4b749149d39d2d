"""Every message in `ledger` and `payments` goes through gettext (issue 8, item 6): a Japanese string
literal in their Python modules is inside a `_()`/`gettext*()` call, a docstring, or one of the few
places that are Japanese by design (listed below, each with its reason)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings

APPS = ("ledger", "payments")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
# Japanese on purpose, not shown as interface text.
JAPANESE_BY_DESIGN_FILES = {
    "payments/kana.py": "the character tables that fold names to Zengin kana",
    "payments/demo.py": "the demo people's Japanese bank details",
    "payments/pdf.py": "invoices and receipts are issued in Japanese (tax documents)",
    "ledger/privacy.py": "the personal-data download's keys are a fixed format, as in every app",
}
# Stored records and API documentation: a ledger account's name, a journal entry's memo, an invoice line, the
# OpenAPI text, the product name Stripe shows on its page.
JAPANESE_BY_DESIGN_KEYWORDS = {"memo", "name", "description"}


def _raw_japanese(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and body:
            first = body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                allowed.add(id(first.value))  # a docstring
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            inside = list(node.args) if name in GETTEXT else []
            inside += [k.value for k in node.keywords if k.arg in JAPANESE_BY_DESIGN_KEYWORDS]
            for arg in inside:
                allowed.update(id(n) for n in ast.walk(arg))
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values, strict=True):
                if isinstance(k, ast.Constant) and k.value in JAPANESE_BY_DESIGN_KEYWORDS:
                    allowed.update(id(n) for n in ast.walk(v))
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and JAPANESE.search(node.value)
        and id(node) not in allowed
    )


def test_no_raw_japanese_string_outside_gettext_in_ledger_and_payments() -> None:
    # given every Python module of ledger and payments (tests and migrations aside)
    root = Path(settings.BASE_DIR) / "hataraku"
    raw = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if {"tests", "migrations"} & set(path.parts) or relative in JAPANESE_BY_DESIGN_FILES:
                continue
            # when its string literals are read / then none with Japanese is outside gettext
            raw += [f"{relative}:{line}: {text!r}" for line, text in _raw_japanese(path)]
    assert raw == []


def test_the_scan_sees_a_raw_message_and_passes_a_wrapped_one(tmp_path: Path) -> None:
    # given a module with one raw and one wrapped message, a docstring and a memo
    module = tmp_path / "m.py"
    module.write_text(
        '"""説明。"""\n'
        'def f():\n    raise E("残高が足りません。")\n'
        'def g():\n    raise E(_("残高が足りません。"))\n'
        'def h():\n    post(memo=f"出金申請 {x}")\n',
        encoding="utf-8",
    )
    # when it is scanned / then only the raw message is reported
    assert _raw_japanese(module) == [(3, "残高が足りません。")]
