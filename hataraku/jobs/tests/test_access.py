"""Every URL under /jobs/ (the jobs app, and identity verification, which kept its addresses when it moved
to accounts) × every role: the expected status. Missing and forbidden answer alike (404)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hataraku.accounts import services as account_services
from hataraku.accounts.tests.mfa import login_as
from hataraku.jobs.constants import JobStatus

from .factories import ClientFactory, JobFactory, MunicipalFactory, ProposalFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "owner", "other_client", "worker", "proposer", "municipal", "staff")


@pytest.fixture
def world() -> dict[str, Any]:
    owner = ClientFactory()
    published = JobFactory(client=owner)
    draft = JobFactory(client=owner, status=JobStatus.DRAFT, published_at=None)
    proposal = ProposalFactory(job=published)
    pending = account_services.verification_submit(
        user=UserFactory(),
        document=SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png"),
    )
    return {
        "users": {
            "anonymous": None,
            "owner": owner,
            "other_client": ClientFactory(),
            "worker": UserFactory(),
            "proposer": proposal.worker,
            "municipal": MunicipalFactory(),
            "staff": StaffFactory(),
        },
        "published": published,
        "draft": draft,
        "proposal": proposal,
        "verification": pending,
    }


def _expect(
    anon: int, owner: int, other_client: int, worker: int, proposer: int, municipal: int, staff: int
) -> dict[str, int]:
    return dict(zip(ROLES, (anon, owner, other_client, worker, proposer, municipal, staff), strict=True))


LOGIN = 302
# (name, url builder, expected statuses by role) for GET requests
GET_MATRIX: list[tuple[str, Any, dict[str, int]]] = [
    ("list", lambda w: reverse("jobs:list"), _expect(LOGIN, 200, 200, 200, 200, 200, 200)),
    ("client_jobs", lambda w: reverse("jobs:client_jobs"), _expect(LOGIN, 200, 200, 404, 404, 404, 404)),
    ("create", lambda w: reverse("jobs:create"), _expect(LOGIN, 200, 200, 404, 404, 404, 404)),
    ("invite", lambda w: reverse("jobs:invite"), _expect(LOGIN, 200, 200, 404, 404, 404, 404)),
    ("my_proposals", lambda w: reverse("jobs:my_proposals"), _expect(LOGIN, 404, 404, 200, 200, 404, 404)),
    (
        "verification",
        lambda w: reverse("identity:verification"),
        _expect(LOGIN, 200, 200, 200, 200, 404, 404),
    ),
    (
        "staff_queue",
        lambda w: reverse("identity:staff_verifications"),
        _expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    (
        "staff_review",
        lambda w: reverse("identity:staff_verification", args=[w["verification"].pk]),
        _expect(LOGIN, 404, 404, 404, 404, 404, 200),
    ),
    (
        "staff_document",
        # A POST only (opening it is audited); staff's GET is refused, the others' is not found.
        lambda w: reverse("identity:staff_verification_document", args=[w["verification"].pk]),
        _expect(LOGIN, 404, 404, 404, 404, 404, 405),
    ),
    (
        "published_detail",
        lambda w: reverse("jobs:detail", args=[w["published"].pk]),
        _expect(LOGIN, 200, 200, 200, 200, 200, 200),
    ),
    (
        "draft_detail",
        lambda w: reverse("jobs:detail", args=[w["draft"].pk]),
        _expect(LOGIN, 200, 404, 404, 404, 404, 404),
    ),
    (
        "missing_detail",
        lambda w: reverse("jobs:detail", args=[999999]),
        _expect(LOGIN, 404, 404, 404, 404, 404, 404),
    ),
    (
        "edit_draft",
        lambda w: reverse("jobs:edit", args=[w["draft"].pk]),
        _expect(LOGIN, 200, 404, 404, 404, 404, 404),
    ),
    (
        "edit_published",
        lambda w: reverse("jobs:edit", args=[w["published"].pk]),
        _expect(LOGIN, 200, 404, 404, 404, 404, 404),
    ),
    (
        "job_proposals",
        lambda w: reverse("jobs:job_proposals", args=[w["published"].pk]),
        _expect(LOGIN, 200, 404, 404, 404, 404, 404),
    ),
    (
        "draft_proposals",
        lambda w: reverse("jobs:job_proposals", args=[w["draft"].pk]),
        _expect(LOGIN, 200, 404, 404, 404, 404, 404),
    ),
    (
        "propose",
        lambda w: reverse("jobs:propose", args=[w["published"].pk]),
        _expect(LOGIN, 404, 404, 200, 200, 404, 404),
    ),
    (
        "propose_draft",
        lambda w: reverse("jobs:propose", args=[w["draft"].pk]),
        _expect(LOGIN, 404, 404, 404, 404, 404, 404),
    ),
    (
        "proposal_detail",
        lambda w: reverse("jobs:proposal_detail", args=[w["proposal"].pk]),
        _expect(LOGIN, 200, 404, 404, 200, 404, 404),
    ),
    (
        "proposal_decline",
        lambda w: reverse("jobs:proposal_decline", args=[w["proposal"].pk]),
        _expect(LOGIN, 200, 404, 404, 404, 404, 404),
    ),
]

# POST-only actions, tried by people who must not be able to make them: 404 and nothing changes.
POST_MATRIX: list[tuple[str, Any, dict[str, Any]]] = [
    ("status", lambda w: reverse("jobs:status", args=[w["draft"].pk]), {"to": "published"}),
    ("shortlist", lambda w: reverse("jobs:proposal_shortlist", args=[w["proposal"].pk]), {}),
    ("withdraw", lambda w: reverse("jobs:proposal_withdraw", args=[w["proposal"].pk]), {}),
    (
        "offer",
        lambda w: reverse("jobs:proposal_offer", args=[w["proposal"].pk]),
        {"idempotency_key": "x", "confirmed": "yes"},
    ),
    ("decline", lambda w: reverse("jobs:proposal_decline", args=[w["proposal"].pk]), {"message": "x"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "url", "expected"), GET_MATRIX, ids=[row[0] for row in GET_MATRIX])
def test_get_matrix(client, world, role, name, url, expected):
    # given a person in `role`
    user = world["users"][role]
    if user is not None:
        login_as(client, user)
    # when they open the page
    response = client.get(url(world))
    # then the status is the one the matrix expects
    assert response.status_code == expected[role], f"{name} as {role}"
    if response.status_code == LOGIN:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ("other_client", "worker", "municipal", "staff"))
@pytest.mark.parametrize(("name", "url", "data"), POST_MATRIX, ids=[row[0] for row in POST_MATRIX])
def test_post_by_strangers_is_404_and_changes_nothing(client, world, role, name, url, data):
    login_as(client, world["users"][role])
    response = client.post(url(world), data)
    assert response.status_code == 404, f"{name} as {role}"
    world["draft"].refresh_from_db()
    world["proposal"].refresh_from_db()
    assert world["draft"].status == JobStatus.DRAFT
    assert world["proposal"].status == "submitted"
