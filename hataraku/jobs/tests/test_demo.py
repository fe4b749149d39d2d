from __future__ import annotations

import pytest

from hataraku.accounts.constants import VerificationStatus
from hataraku.accounts.models import IdentityVerification
from hataraku.accounts.selectors import is_verified
from hataraku.accounts.services import sniff_document_type
from hataraku.core.demo import ensure_people
from hataraku.jobs import demo
from hataraku.jobs.constants import MeetingStyle, ProposalStatus
from hataraku.jobs.models import Category, Job, Proposal

pytestmark = pytest.mark.django_db


def test_demo_covers_categories_styles_and_states_and_is_idempotent():
    # given the personas
    people = ensure_people()
    # when the jobs demo loads twice
    demo.load(people)
    counts = (Job.objects.count(), Proposal.objects.count())
    demo.load(people)
    # then nothing doubled, every top category and work style appears, proposals are in several states
    assert (Job.objects.count(), Proposal.objects.count()) == counts
    tops = set(Category.objects.filter(parent__isnull=True).values_list("slug", flat=True))
    used = set(Job.objects.values_list("category__parent__slug", flat=True))
    assert tops <= used
    assert set(Job.objects.values_list("meeting_style", flat=True)) == set(MeetingStyle.values)
    assert Job.objects.filter(pay_type="hourly", weekly_hour_cap__isnull=False).exists()
    assert Job.objects.filter(beginner_welcome=True).exists()
    assert Job.objects.exclude(accessibility_notes="").exists()
    states = set(Proposal.objects.values_list("status", flat=True))
    assert {
        ProposalStatus.SUBMITTED,
        ProposalStatus.SHORTLISTED,
        ProposalStatus.DECLINED,
        ProposalStatus.WITHDRAWN,
    } <= states
    assert (
        Job.objects.filter(client=people["naoko"]).exists()
        and Job.objects.filter(client=people["hidamari"]).exists()
    )
    assert is_verified(people["hidamari"]) and not is_verified(people["sakura"])
    # and 田中 翔太's document waits in the staff queue, once, as a PNG the upload check accepts
    pending = IdentityVerification.objects.get(user=people["shota"])
    assert pending.status == VerificationStatus.PENDING and not is_verified(people["shota"])
    with pending.document.open("rb") as document:
        assert sniff_document_type(document.read(16)) == "image/png"
