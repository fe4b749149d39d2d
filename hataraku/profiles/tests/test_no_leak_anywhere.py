"""要配慮個人情報 never reaches a client or a municipal user, on *any* route of the platform.

The profiles access tests cover the profiles routes; this one walks every URL pattern the project has,
filling each numeric parameter with the worker's ids, and reads every page a client, a municipal officer
and another worker can open.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from hataraku.accounts.tests.factories import ClientFactory, MunicipalFactory
from hataraku.accounts.tests.mfa import login_as
from hataraku.profiles import services

from .factories import WorkerFactory

pytestmark = pytest.mark.django_db

NOTE = "個人的な事情XYZ-急に呼ばれることがあります"
SKIP_PREFIXES = ("django-admin/", "i18n/", "static/")


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _paths(ids: list[int]) -> list[str]:
    paths = set()
    for route in _patterns(get_resolver()):
        if route.startswith(SKIP_PREFIXES) or "(?P" in route or "^" in route:
            continue
        names = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        if any(conv not in ("int", "") for conv, _name in names):
            continue
        for value in ids:
            paths.add("/" + re.sub(r"<(?:\w+:)?\w+>", str(value), route))
    return sorted(paths)


def test_reasons_never_appear_for_clients_municipal_staff_or_other_workers():
    # given a worker who stored a caregiving reason with a personal note
    worker = WorkerFactory.create()
    services.sensitive_reasons_save(user=worker, categories=["caregiving"], note=NOTE, consent_given=True)
    owner = Client()
    owner.force_login(worker)
    # (the note is really there to be found: the owner sees it on their own page)
    assert NOTE in owner.get("/profile/sensitive/").content.decode()
    ids = sorted({worker.pk, worker.worker_profile.pk if hasattr(worker, "worker_profile") else worker.pk, 1})
    paths = _paths(ids)
    assert len(paths) > 50  # the walk really covers the platform
    # when a client, a municipal officer and another worker open every page
    for viewer in (ClientFactory(), MunicipalFactory(), WorkerFactory.create()):
        browser = Client()
        login_as(browser, viewer)
        for path in paths:
            response = browser.get(path)
            body = response.getvalue()
            # then the note appears nowhere
            assert NOTE.encode() not in body, f"{path} shows the note to {viewer.email}"
