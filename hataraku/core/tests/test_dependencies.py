"""Dependencies are honest (issue 8, item 8): every package the project declares is used, and htmx is
loaded only on pages that use it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# How each declared package shows that it is used: the module it is imported as, or (for tools and
# settings-only backends) a regular expression over the code, the Makefile, CI and the tool settings.
IMPORTED_AS = {
    "django": "django",
    "django-allauth": "allauth",
    "django-ninja": "ninja",
    "django-tasks": "django_tasks",
    "psycopg": "psycopg",
    "dj-database-url": "dj_database_url",
    "cryptography": "cryptography",
    "nh3": "nh3",
    "reportlab": "reportlab",
    "stripe": "stripe",
    "babel": "babel",
    "markdown-it-py": "markdown_it",
    "pytest": "pytest",
    "factory-boy": "factory",
    "hypothesis": "hypothesis",
    "playwright": "playwright",
    "axe-playwright-python": "axe_playwright_python",
    "schemathesis": "schemathesis",
    "beancount": "beancount",
    "pypdf": "pypdf",
    "jpholiday": "jpholiday",
    "numpy": "numpy",
}
USED_BY_NAME = {
    "django-tasks-db": r"\"django_tasks_db\b",
    "django-tasks-rq": r"\"django_tasks_rq\b",
    "django-rq": r"\"django_rq\"",
    "rq": r"\brqworker\b",  # the serve command runs RQ's worker
    "django-csp": r'"csp\.middleware\.',
    "gunicorn": r'"gunicorn",',  # the serve command runs it
    "whitenoise": r"\"whitenoise\.",
    "redis": r"\bredis://",
    "pytest-django": r"DJANGO_SETTINGS_MODULE",
    "pytest-xdist": r"pytest -n \d",
    "ruff": r"\bruff (check|format)\b",
    "mypy": r"\bmypy\b",
    "django-stubs": r"mypy_django_plugin",
    "import-linter": r"\blint-imports\b",
}


def _pattern(name: str) -> str | None:
    if name in IMPORTED_AS:
        return rf"(?m)^\s*(?:import|from)\s+{IMPORTED_AS[name]}\b"
    return USED_BY_NAME.get(name)


def _declared() -> list[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    specs = list(data["project"]["dependencies"]) + [
        s
        for groups in (data["project"].get("optional-dependencies", {}), data.get("dependency-groups", {}))
        for group in groups.values()
        for s in group
        if isinstance(s, str)
    ]
    return [re.split(r"[\[<>=;~! ]", spec, maxsplit=1)[0].lower() for spec in specs]


def _sources() -> str:
    files = [*ROOT.joinpath("hataraku").rglob("*.py"), *ROOT.joinpath("config").rglob("*.py")]
    files += [*ROOT.joinpath("e2e").rglob("*.py"), *ROOT.joinpath("bench").rglob("*.py")]
    files += [ROOT / "conftest.py", ROOT / "Makefile", ROOT / ".ci" / "run"]
    # The tool settings of pyproject.toml count (mypy's plugin); its dependency lists do not.
    tools = str(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8")).get("tool", {}))
    return "\n".join([tools, *(f.read_text(encoding="utf-8") for f in files if f.is_file())])


def test_every_declared_dependency_is_used_and_the_unused_ones_are_gone() -> None:
    # given the packages pyproject.toml declares
    declared = _declared()
    # then none of the ones nobody imported is left
    assert not {"qrcode", "beanquery", "time-machine"} & set(declared)
    # and each remaining one is known here and found in the code (a new one must say how it is used)
    sources = _sources()
    unused = [
        name for name in declared if (pattern := _pattern(name)) is None or not re.search(pattern, sources)
    ]
    assert unused == []


@pytest.mark.django_db
def test_htmx_is_not_loaded_on_a_page_that_does_not_use_it(client: Any) -> None:
    # when the home page (which has no hx- attribute) is opened / then htmx is not loaded
    html = client.get("/").content.decode()
    assert "htmx.min.js" not in html and "htmx-config" not in html
    # and the vendored file stays for the pages that will use it
    assert (ROOT / "hataraku/core/static/core/vendor/htmx.min.js").is_file()


def test_every_template_that_uses_htmx_loads_it() -> None:
    # given every template with an hx- attribute
    users = [
        path
        for path in ROOT.joinpath("hataraku").rglob("*.html")
        if re.search(r"\shx-[a-z]+=", path.read_text(encoding="utf-8"))
    ]
    # then each page fills the base template's htmx block with the include; a partial (a name starting with
    # "_", drawn inside other pages, such as the ☆ toggle the alerts app hands to the job pages) is named by
    # the pages that show it, and every one of those loads htmx
    loads = '{% include "core/htmx.html" %}'
    pages = list(ROOT.joinpath("hataraku").rglob("*.html"))
    missing: list[str] = []
    for path in users:
        if loads in path.read_text(encoding="utf-8"):
            continue
        if not path.name.startswith("_"):
            missing.append(str(path.relative_to(ROOT)))
            continue
        shown_on = [p for p in pages if path.name in p.read_text(encoding="utf-8") and p != path]
        hosts = {p.name for p in shown_on}
        if not shown_on and path.name == "_bookmark_toggle.html":
            # drawn from Python (alerts/bookmarks.py) beside the cards of these pages
            shown_on = [
                p for p in pages if p.name in {"job_list.html", "job_detail.html", "recommendations.html"}
            ]
            hosts = {p.name for p in shown_on}
        if not shown_on or any(loads not in p.read_text(encoding="utf-8") for p in shown_on):
            missing.append(f"{path.relative_to(ROOT)} (shown on {sorted(hosts)})")
    assert missing == []
