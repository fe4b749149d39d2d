"""Skipping the first-steps guide: a POST that stores one row, audited; a GET changes nothing; only a
worker may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hataraku.accounts.tests.factories import ClientFactory, UserFactory
from hataraku.core.models import AuditEvent
from hataraku.profiles import services
from hataraku.profiles.models import OnboardingChoice

pytestmark = pytest.mark.django_db


def test_skip_is_a_post_that_stores_the_choice_once_and_audits_it(client) -> None:
    # given a new worker
    worker = UserFactory()
    client.force_login(worker)
    # when she opens the skip address with GET, nothing is stored
    assert client.get(reverse("profiles:onboarding_skip")).status_code == 405
    assert not OnboardingChoice.objects.filter(user=worker).exists()
    # when she presses the button twice
    for _ in range(2):
        response = client.post(reverse("profiles:onboarding_skip"))
        assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")
    # then one choice is stored, and one audit row says so
    assert OnboardingChoice.objects.filter(user=worker).count() == 1
    assert AuditEvent.objects.filter(action="profiles.onboarding_skip", actor=worker).count() == 1
    # and resuming removes it, audited too
    client.post(reverse("profiles:onboarding_resume"))
    assert not OnboardingChoice.objects.filter(user=worker).exists()
    assert AuditEvent.objects.filter(action="profiles.onboarding_resume", actor=worker).count() == 1


def test_only_a_worker_may_skip(client) -> None:
    client.force_login(ClientFactory())
    assert client.post(reverse("profiles:onboarding_skip")).status_code == 404
    assert not OnboardingChoice.objects.exists()


def test_the_choice_is_in_the_data_download_and_erased_with_the_account() -> None:
    from hataraku.profiles import privacy

    worker = UserFactory()
    services.onboarding_skip(user=worker)
    assert privacy.export_user_data(worker)["onboarding_skipped_at"]
    privacy.erase_user_data(worker)
    assert not OnboardingChoice.objects.filter(user=worker).exists()


@pytest.mark.parametrize(
    ("prefecture", "skills", "bio", "expected"),
    [
        ("45", ["データ入力"], "はじめまして。", True),
        ("", ["データ入力"], "はじめまして。", False),
        ("45", [], "はじめまして。", False),
        ("45", ["データ入力"], "  \n ", False),
    ],
)
def test_profile_basics_rule_is_the_same_in_python_and_in_sql(prefecture, skills, bio, expected) -> None:
    from hataraku.profiles import selectors
    from hataraku.profiles.models import WorkerProfile

    profile = WorkerProfile.objects.create(user=UserFactory(), prefecture=prefecture, skills=skills, bio=bio)
    assert selectors.has_profile_basics(profile) is expected
    assert selectors.profiles_with_basics().filter(pk=profile.pk).exists() is expected
