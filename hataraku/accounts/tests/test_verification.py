from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hataraku.accounts import privacy, services
from hataraku.accounts.constants import VerificationStatus
from hataraku.accounts.models import IdentityVerification
from hataraku.accounts.selectors import is_verified
from hataraku.accounts.tests.mfa import login_as
from hataraku.core.errors import DomainError, InvalidTransition, NotFound
from hataraku.core.models import AuditEvent

from .factories import ClientFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(frozen_clock):  # type: ignore[no-untyped-def]
    return frozen_clock


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"\x00" * 64


def upload(
    content: bytes = PNG, name: str = "license.png", content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("content", "expected"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (PDF, "application/pdf")]
)
def test_documents_are_sniffed_by_content(content, expected):
    # given a file named .txt but with image bytes, when submitted
    v = services.verification_submit(user=UserFactory(), document=upload(content, name="scan.txt"))
    # then its type comes from the bytes, and the stored name is random, under the private prefix
    assert v.content_type == expected
    name = v.document.name or ""
    assert name.startswith("identity/")
    assert "scan" not in name
    assert default_storage.exists(name)


def test_a_renamed_executable_is_refused_and_nothing_is_saved():
    with pytest.raises(DomainError) as info:
        services.verification_submit(user=UserFactory(), document=upload(b"MZ\x90\x00evil", name="photo.png"))
    assert "JPEG" in info.value.message
    assert IdentityVerification.objects.count() == 0


def test_files_over_ten_megabytes_are_refused():
    big = upload(PNG + b"\x00" * (10 * 1024 * 1024))
    with pytest.raises(DomainError) as info:
        services.verification_submit(user=UserFactory(), document=big)
    assert "10MB" in info.value.message
    assert IdentityVerification.objects.count() == 0


def test_a_second_upload_while_pending_is_refused():
    user = UserFactory()
    services.verification_submit(user=user, document=upload())
    with pytest.raises(InvalidTransition):
        services.verification_submit(user=user, document=upload())
    assert IdentityVerification.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("approve", [True, False])
def test_review_decides_and_deletes_the_file(approve, django_capture_on_commit_callbacks):
    # given a pending document
    user = ClientFactory()
    v = services.verification_submit(user=user, document=upload())
    stored = v.document.name or ""
    staff = StaffFactory()
    # when staff decide
    with django_capture_on_commit_callbacks(execute=True):
        services.verification_review(
            verification=v, actor=staff, approve=approve, reason="" if approve else "文字が読めませんでした"
        )
    # then the decision is kept, the file is gone from storage and the badge follows
    v.refresh_from_db()
    assert v.status == (VerificationStatus.APPROVED if approve else VerificationStatus.REJECTED)
    assert not v.document
    assert not default_storage.exists(stored)
    assert is_verified(user) is approve
    assert AuditEvent.objects.filter(action=f"verification.{v.status}", actor=staff).exists()


def test_reject_needs_a_reason_and_only_staff_review():
    v = services.verification_submit(user=UserFactory(), document=upload())
    with pytest.raises(DomainError):
        services.verification_review(verification=v, actor=StaffFactory(), approve=False, reason="")
    with pytest.raises(NotFound):
        services.verification_review(verification=v, actor=UserFactory(), approve=True)
    v.refresh_from_db()
    assert v.status == VerificationStatus.PENDING
    assert default_storage.exists(v.document.name or "")


def test_reviewing_twice_is_refused():
    v = services.verification_submit(user=UserFactory(), document=upload())
    services.verification_review(verification=v, actor=StaffFactory(), approve=True)
    with pytest.raises(InvalidTransition):
        services.verification_review(verification=v, actor=StaffFactory(), approve=False, reason="x")


def test_staff_stream_the_document_and_the_look_is_audited(client):
    # given a pending document and a staff member
    v = services.verification_submit(user=UserFactory(), document=upload(JPEG))
    staff = StaffFactory()
    login_as(client, staff)
    # when staff open it (a POST: the look is audited; a GET only is refused and records nothing)
    assert client.get(reverse("identity:staff_verification_document", args=[v.pk])).status_code == 405
    assert not AuditEvent.objects.filter(action="verification.document_view").exists()
    response = client.post(reverse("identity:staff_verification_document", args=[v.pk]))
    # then the bytes stream back, never cached, and the read is in the audit log
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="verification.document_view", actor=staff).count() == 1


def test_the_owner_and_other_people_cannot_stream_the_document(client):
    user = UserFactory()
    v = services.verification_submit(user=user, document=upload())
    for person in (user, ClientFactory()):
        login_as(client, person)
        assert client.post(reverse("identity:staff_verification_document", args=[v.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="verification.document_view").exists()


def test_upload_through_the_page_then_staff_approve_through_the_queue(
    client, django_capture_on_commit_callbacks
):
    # given a worker on the verification page
    worker = UserFactory()
    client.force_login(worker)
    response = client.post(reverse("identity:verification"), {"document": upload(PDF, name="card.pdf")})
    assert response.status_code == 302
    v = IdentityVerification.objects.get(user=worker)
    # when staff see the queue and approve
    login_as(client, StaffFactory())
    queue = client.get(reverse("identity:staff_verifications"))
    assert worker.display_name in queue.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("identity:staff_verification", args=[v.pk]), {"decision": "approve", "reason": ""}
        )
    # then the worker sees the badge on their page
    client.force_login(worker)
    assert "本人確認済み" in client.get(reverse("identity:verification")).content.decode()


def test_page_upload_of_a_bad_file_shows_a_japanese_error(client):
    client.force_login(UserFactory())
    response = client.post(reverse("identity:verification"), {"document": upload(b"hello", name="a.png")})
    assert response.status_code == 200
    assert "JPEG・PNGの画像か、PDF" in response.content.decode()
    assert IdentityVerification.objects.count() == 0


# --- personal data -------------------------------------------------------------------------------------


def test_export_lists_outcomes_and_erase_removes_rows_and_a_pending_document(
    django_capture_on_commit_callbacks,
):
    # given a person with a pending document
    user = UserFactory()
    v = services.verification_submit(user=user, document=upload())
    stored = v.document.name or ""
    # when their data is exported, then only the outcome is in it
    assert [row["状態"] for row in privacy.export_user_data(user)["本人確認"]] == ["確認待ち"]
    # when their data is erased
    with django_capture_on_commit_callbacks(execute=True):
        privacy.erase_user_data(user)
    # then the row and the document are gone
    assert not IdentityVerification.objects.filter(user=user).exists()
    assert not default_storage.exists(stored)
