"""Every status field has a machine, every machine's table is whole, and only `core.state` sets a status."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps

from hataraku.core import state

ROOT = Path(__file__).resolve().parents[2]  # the hataraku package
STATUS_FIELDS = ("status", "state")


def _status_fields() -> list[tuple[str, str]]:
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("hataraku."):
            continue
        for field in model._meta.concrete_fields:
            if field.name in STATUS_FIELDS:
                found.append((model._meta.label_lower, field.name))
    return sorted(found)


def test_the_walk_finds_the_status_fields_we_know() -> None:
    # Given the installed apps / When we list status fields / Then the walk sees the models we know of
    # (so the tests below cannot pass by finding nothing).
    labels = {label for label, _ in _status_fields()}
    assert {"jobs.job", "contracts.contract", "contracts.milestone", "ledger.funding"} <= labels
    assert len(labels) >= 12


@pytest.mark.parametrize(("label", "field"), _status_fields())
def test_every_status_field_has_a_whole_machine(label: str, field: str) -> None:
    # Given a model with a status field
    model = apps.get_model(label)
    # When we look up its machine
    machine = state.machine_for(model)
    # Then it is for this field, and its table names every choice and only choices
    assert machine.field == field
    choices = {str(value) for value, _ in model._meta.get_field(field).choices}
    assert set(machine.table) == choices, f"{label}: the table's rows are not the field's choices"
    for source, targets in machine.table.items():
        assert targets <= choices, f"{label}: {source} moves to a value that is not a choice"
        assert source not in targets, f"{label}: {source} moves to itself"
    assert machine.initial and machine.initial <= choices
    # and the default of the field is an initial state
    default = model._meta.get_field(field).default
    if isinstance(default, str):
        assert default in machine.initial


def test_every_machine_is_for_a_real_field() -> None:
    # Given the registered machines / Then each names an installed model's status field
    known = set(_status_fields())
    for label, machine in state.machines().items():
        assert (label, machine.field) in known


def _assignments(path: Path, root: Path = ROOT.parent) -> list[str]:
    """Lines of `path` that set a status outside the helper: `x.status = …`, `x.status += …`,
    `setattr(x, "status", …)` and `.update(status=…)`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hits: list[str] = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Attribute) and sub.attr in STATUS_FIELDS:
                    hits.append(f"{path.relative_to(root)}:{sub.lineno}")
        if isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Name)
                and func.id == "setattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in STATUS_FIELDS
            ):
                hits.append(f"{path.relative_to(root)}:{node.lineno}")
            if isinstance(func, ast.Attribute) and func.attr in {"update", "bulk_update"}:
                names = {kw.arg for kw in node.keywords}
                fields = [a for a in node.args if isinstance(a, ast.List | ast.Tuple)]
                listed = {elt.value for f in fields for elt in f.elts if isinstance(elt, ast.Constant)}
                if names & set(STATUS_FIELDS) or listed & set(STATUS_FIELDS):
                    hits.append(f"{path.relative_to(root)}:{node.lineno}")
    return hits


def test_no_module_sets_a_status_outside_the_helper() -> None:
    # Given every non-test, non-migration module of the product
    modules = [
        p
        for p in ROOT.rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts and p != ROOT / "core" / "state.py"
    ]
    assert len(modules) > 50
    # When we read them for assignments to a status field
    hits = [hit for p in modules for hit in _assignments(p)]
    # Then there are none: every move goes through core.state.transition
    assert hits == []


def test_the_scan_would_see_an_assignment(tmp_path: Path) -> None:
    # Given a module that sets a status three ways
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(job, qs):\n"
        "    job.status = 'closed'\n"
        "    setattr(job, 'status', 'x')\n"
        "    qs.update(status='y')\n",
        encoding="utf-8",
    )
    # When it is scanned
    hits = _assignments(sample, root=tmp_path)
    # Then all three are reported
    assert hits == ["sample.py:2", "sample.py:3", "sample.py:4"]
