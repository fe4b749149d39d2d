"""Jobs sits below contracts, messaging and reviews: no jobs module imports them. The offer on a proposal
reaches contracts through the port it registers at start-up (`integrations.contract_offer_register`), a
client's record comes from reviews the same way (`integrations.client_stats_register`), and notices go
through `hataraku.core.notifications`."""

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


ABOVE = ("hataraku.contracts", "hataraku.messaging", "hataraku.reviews")


def test_no_jobs_module_imports_an_app_above_it():
    offenders = [
        str(path.relative_to(JOBS))
        for path in JOBS.rglob("*.py")
        if "tests" not in path.parts and any(name.startswith(ABOVE) for name in _imports(path))
    ]
    assert offenders == []


def test_the_offer_port_is_registered_by_the_contracts_app():
    from hataraku.contracts.services import contract_offer
    from hataraku.jobs import integrations

    assert integrations._contract_offer is contract_offer


def test_the_client_stats_port_is_registered_by_the_reviews_app():
    from hataraku.jobs import integrations
    from hataraku.reviews.selectors import client_stats

    assert integrations._client_stats is client_stats
