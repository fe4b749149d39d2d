"""The identity-verification state machine: exactly which moves exist, and that the service refuses the
rest through `core.state`."""

from __future__ import annotations

import pytest

from hataraku.accounts import services
from hataraku.accounts.constants import VERIFICATION_MACHINE, VerificationStatus
from hataraku.accounts.models import IdentityVerification
from hataraku.core import state
from hataraku.core.errors import InvalidTransition

from .factories import StaffFactory, VerificationFactory


def test_staff_decide_once():
    assert state.machine_for(IdentityVerification) is VERIFICATION_MACHINE
    moves = {(source, target) for source, targets in VERIFICATION_MACHINE.table.items() for target in targets}
    assert moves == {("pending", "approved"), ("pending", "rejected")}
    assert VERIFICATION_MACHINE.initial == {"pending"}


@pytest.mark.django_db
def test_a_decided_request_cannot_be_decided_again():
    # given a rejected request
    verification = VerificationFactory(status=VerificationStatus.REJECTED, reason="読み取れませんでした")
    # when staff try to approve it after all
    with pytest.raises(InvalidTransition) as info:
        services.verification_review(verification=verification, actor=StaffFactory(), approve=True)
    # then it is refused kindly and stays rejected
    assert info.value.message == "この本人確認はすでに確認済みです。"
    verification.refresh_from_db()
    assert verification.status == VerificationStatus.REJECTED
