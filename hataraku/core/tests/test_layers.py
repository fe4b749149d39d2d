"""The layers between the apps are checked by import-linter (`make lint`, pyproject.toml). import-linter
sees an import wherever it is written, but it cannot tell a module-level import from one tucked inside a
function to dodge a cycle or an upward arrow. This test can: no product module imports another hataraku app
inside a function body. The cure is to hoist the import, or, when that would point upwards, to invert the
dependency (an event, the notification interface, a hook registered in AppConfig.ready)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]


def _product_modules() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def _app_of(path: Path) -> str | None:
    """`core` for hataraku/core/...; None for a module at the package top (hataraku/cli.py)."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_apps(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        if node.level or not node.module:
            return []  # relative: the module's own app
        if node.module == "hataraku":
            return [alias.name.split(".")[0] for alias in node.names]
        names = [node.module]
    else:
        names = [alias.name for alias in node.names]
    return [name.split(".")[1] for name in names if name.startswith("hataraku.")]


def _imports_in_functions(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, imported app) for each import inside a function body, outside `if TYPE_CHECKING:`."""

    def walk(node: ast.AST, in_function: bool) -> Iterator[tuple[int, str]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    yield from walk(other, in_function)
                continue
            if isinstance(child, ast.Import | ast.ImportFrom) and in_function:
                for app in _imported_apps(child):
                    yield child.lineno, app
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            yield from walk(child, nested)

    yield from walk(tree, False)


def in_function_imports_of_other_apps() -> list[str]:
    found = []
    for path in _product_modules():
        own = _app_of(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, app in _imports_in_functions(tree):
            if app != own:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports hataraku.{app}")
    return found


def test_no_module_imports_another_app_inside_a_function() -> None:
    # given every product module of the package (tests and migrations left out)
    # when the imports written inside function bodies are collected
    found = in_function_imports_of_other_apps()
    # then none reaches into another app: hoist it, or invert the dependency
    assert found == [], "\n".join(found)


def test_the_check_sees_function_imports_and_skips_type_checking_blocks() -> None:
    # given a module with an import in a function, one under TYPE_CHECKING and a relative one
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from hataraku.contracts.models import Contract\n"
        "def f():\n"
        "    from hataraku.messaging.services import notify\n"
        "    from .models import Thing\n"
        "    if TYPE_CHECKING:\n"
        "        from hataraku.jobs.models import Job\n"
        "    class Inner:\n"
        "        def g(self):\n"
        "            import hataraku.reviews.selectors\n"
        "            from hataraku import ledger\n"
    )
    # when it is walked
    found = list(_imports_in_functions(ast.parse(source)))
    # then only the function-body imports of other apps are reported
    assert found == [(5, "messaging"), (11, "reviews"), (12, "ledger")]
