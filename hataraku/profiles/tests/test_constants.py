"""The consent state machine: exactly which moves exist, and that the helper refuses the rest."""

from __future__ import annotations

import pytest

from hataraku.core import state
from hataraku.core.errors import InvalidTransition
from hataraku.profiles import services
from hataraku.profiles.constants import CONSENT_MACHINE, ConsentStatus
from hataraku.profiles.models import SensitiveConsent

from .factories import WorkerFactory


def test_consent_can_only_be_withdrawn_once():
    # given the machine / then given → withdrawn is the only move, and withdrawn is final
    assert state.machine_for(SensitiveConsent) is CONSENT_MACHINE
    moves = {(source, target) for source, targets in CONSENT_MACHINE.table.items() for target in targets}
    assert moves == {("given", "withdrawn")}
    assert CONSENT_MACHINE.initial == {"given"}


@pytest.mark.django_db
def test_a_withdrawn_consent_is_never_given_again(frozen_clock):
    # given a consent the person withdrew through the service
    user = WorkerFactory.create()
    services.sensitive_reasons_save(user=user, categories=["caregiving"], note="", consent_given=True)
    services.sensitive_consent_withdraw(user=user)
    consent = SensitiveConsent.objects.get(user=user)
    # when anything tries to move it back to "given"
    with pytest.raises(InvalidTransition):
        state.transition(consent, target=ConsentStatus.GIVEN, actor=user)
    # then it stays withdrawn (consenting again makes a new row)
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
