"""Jobs sits below contracts: no jobs module imports the contracts app (the offer on a proposal reaches
contracts through the port it registers at start-up, `integrations.contract_offer_register`)."""

from __future__ import annotations

import ast
from pathlib import Path

JOBS = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_jobs_module_imports_contracts():
    offenders = [
        str(path.relative_to(JOBS))
        for path in JOBS.rglob("*.py")
        if "tests" not in path.parts and any(name.startswith("hataraku.contracts") for name in _imports(path))
    ]
    assert offenders == []


def test_the_offer_port_is_registered_by_the_contracts_app():
    from hataraku.contracts.services import contract_offer
    from hataraku.jobs import integrations

    assert integrations._contract_offer is contract_offer
