"""要配慮個人情報: consent first, encrypted at rest, withdrawal deletes, staff reads are audited."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.db import connection
from django.test import override_settings

from hataraku.core.errors import DomainError
from hataraku.core.models import AuditEvent
from hataraku.profiles import services
from hataraku.profiles.constants import ConsentStatus
from hataraku.profiles.models import SensitiveConsent, SensitiveReasons

from .factories import StaffFactory, WorkerFactory

pytestmark = pytest.mark.django_db

NOTE = "母の介護で急に呼ばれることがあります"


def save(user, **kw):
    data: dict[str, Any] = {"categories": ["caregiving"], "note": NOTE, "consent_given": True}
    data.update(kw)
    return services.sensitive_reasons_save(user=user, **data)


def test_nothing_is_stored_without_consent():
    # given a worker / when they send reasons without ticking the consent box
    user = WorkerFactory.create()
    with pytest.raises(DomainError) as exc:
        save(user, consent_given=False)
    # then a Japanese error, and neither reasons nor a consent row exist
    assert "同意" in exc.value.message
    assert SensitiveReasons.objects.count() == 0
    assert SensitiveConsent.objects.count() == 0


@pytest.mark.parametrize("categories", [[], ["religion"]])
def test_unknown_or_no_category_is_refused(categories):
    user = WorkerFactory.create()
    with pytest.raises(DomainError):
        save(user, categories=categories)
    assert SensitiveReasons.objects.count() == 0
    assert SensitiveConsent.objects.count() == 0


def test_consent_is_its_own_row_with_time_and_version(frozen_clock, settings):
    # given a worker / when they consent and save
    user = WorkerFactory.create()
    reasons = save(user)
    # then the consent row records who, what, when (the platform clock) and which explanation
    consent = SensitiveConsent.objects.get(user=user)
    assert consent.categories == ["caregiving"]
    assert consent.given_at == frozen_clock.now()
    assert consent.policy_version == settings.HATARAKU_SENSITIVE_CONSENT_VERSION
    assert consent.status == ConsentStatus.GIVEN
    assert reasons.consent == consent


def test_adding_a_category_asks_for_a_new_consent_row():
    user = WorkerFactory.create()
    save(user)
    save(user, categories=["caregiving"], note="変更")  # same categories: the consent still covers it
    assert SensitiveConsent.objects.filter(user=user).count() == 1
    save(user, categories=["caregiving", "illness"])
    assert SensitiveConsent.objects.filter(user=user).count() == 2
    assert SensitiveReasons.objects.get(user=user).consent.categories == ["caregiving", "illness"]


def test_reasons_are_not_readable_in_the_database_without_the_key():
    # given stored reasons
    user = WorkerFactory.create()
    save(user, categories=["disability"])
    # when the raw columns are read past the ORM
    with connection.cursor() as cursor:
        cursor.execute("SELECT categories, note FROM profiles_sensitivereasons")
        categories_raw, note_raw = cursor.fetchone()
        cursor.execute("SELECT categories FROM profiles_sensitiveconsent")
        (consent_raw,) = cursor.fetchone()
    # then no plaintext is there, only tokens
    for raw in (categories_raw, note_raw, consent_raw):
        assert raw.startswith("fernet:")
        assert "disability" not in raw and "介護" not in raw and NOTE not in raw
    # and the ORM, with the key, reads them back
    assert SensitiveReasons.objects.get(user=user).note == NOTE


def test_a_different_key_cannot_decrypt():
    user = WorkerFactory.create()
    save(user)
    with override_settings(HATARAKU_FIELD_KEY=Fernet.generate_key().decode()), pytest.raises(InvalidToken):
        SensitiveReasons.objects.get(user=user)


def test_audit_rows_never_carry_the_reasons():
    user = WorkerFactory.create()
    save(user)
    for event in AuditEvent.objects.filter(action__startswith="profiles.sensitive"):
        assert "caregiving" not in str(event.data) and NOTE not in str(event.data)


def test_withdrawing_consent_deletes_reasons_and_marks_consent(frozen_clock):
    # given stored reasons
    user = WorkerFactory.create()
    save(user)
    # when the person withdraws consent
    services.sensitive_consent_withdraw(user=user)
    # then the reasons row is gone, the consent row is kept and marked with the time, and it is audited
    assert not SensitiveReasons.objects.filter(user=user).exists()
    consent = SensitiveConsent.objects.get(user=user)
    assert consent.status == ConsentStatus.WITHDRAWN
    assert consent.withdrawn_at == frozen_clock.now()
    # and not even the categories consented to are kept
    assert consent.categories == []
    assert AuditEvent.objects.filter(action="profiles.sensitive_withdraw", target_id=str(user.pk)).exists()


def test_withdrawing_twice_is_a_kind_error():
    user = WorkerFactory.create()
    save(user)
    services.sensitive_consent_withdraw(user=user)
    with pytest.raises(DomainError):
        services.sensitive_consent_withdraw(user=user)
    assert AuditEvent.objects.filter(action="profiles.sensitive_withdraw").count() == 1


def test_staff_read_is_audited_every_time():
    # given a worker with reasons and a staff member
    worker = WorkerFactory.create()
    save(worker)
    staff = StaffFactory.create()
    # when staff read twice
    first = services.sensitive_reasons_staff_read(staff=staff, worker_id=worker.pk, purpose="inquiry")
    services.sensitive_reasons_staff_read(staff=staff, worker_id=worker.pk, purpose="dispute")
    # then they see the reasons, and two audit rows name the reader and the worker
    assert first.reasons is not None and first.reasons.note == NOTE
    events = AuditEvent.objects.filter(action="profiles.sensitive_read")
    assert events.count() == 2
    assert {e.actor_id for e in events} == {staff.pk}
    assert {e.target_id for e in events} == {str(worker.pk)}


def test_non_staff_cannot_use_the_staff_read():
    worker = WorkerFactory.create()
    save(worker)
    with pytest.raises(DomainError):
        services.sensitive_reasons_staff_read(
            staff=WorkerFactory.create(), worker_id=worker.pk, purpose="inquiry"
        )
    assert not AuditEvent.objects.filter(action="profiles.sensitive_read").exists()
