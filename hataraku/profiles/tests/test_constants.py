from __future__ import annotations

from hataraku.profiles.constants import CONSENT_TRANSITIONS, ConsentStatus, consent_can_move


def test_consent_can_only_be_withdrawn_once():
    # given the transition table / then given → withdrawn is the only move, and withdrawn is final
    assert consent_can_move(ConsentStatus.GIVEN, ConsentStatus.WITHDRAWN)
    assert not consent_can_move(ConsentStatus.WITHDRAWN, ConsentStatus.GIVEN)
    assert not consent_can_move(ConsentStatus.GIVEN, ConsentStatus.GIVEN)
    assert set(CONSENT_TRANSITIONS) == set(ConsentStatus.values)
