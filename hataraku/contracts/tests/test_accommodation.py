"""Asking for more time or a pause (Freelance Act art. 13): no reason needed, a preview of exactly what the
client will see, and a reason — if she gives one — kept as special-care information (issue 7, item 4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hataraku.contracts import services
from hataraku.contracts.constants import AccommodationKind, AccommodationReason
from hataraku.contracts.models import AccommodationRequest
from hataraku.core.models import AuditEvent
from hataraku.messaging.models import Notification
from hataraku.profiles.models import SensitiveConsent, SensitiveNote

from .factories import active_contract

pytestmark = pytest.mark.django_db

NOTE = "通院の予定が重なりました-5521"


def _form(contract: Any, **extra: str) -> dict[str, str]:
    milestone = contract.milestones.get()
    data = {
        "kind": AccommodationKind.EXTENSION,
        "milestone": str(milestone.pk),
        "requested_due_date": (milestone.due_date + dt.timedelta(days=7)).isoformat(),
    }
    data.update(extra)
    return data


def test_the_preview_is_exactly_what_the_client_is_notified_of(
    frozen_clock, django_capture_on_commit_callbacks
):
    # given a worker who fills in the form with a reason and a note, and consents
    contract = active_contract()
    url = reverse("contracts:accommodation_new", args=[contract.pk])
    data = _form(contract, reason="health", note=NOTE, consent="on")
    # when she asks for the preview
    browser = Client()
    browser.force_login(contract.worker)
    preview = browser.post(url, {**data, "action": "preview"})
    # then the page shows what the client will see, and says the reason stays private; nothing stored yet
    html = preview.content.decode()
    shown = preview.context["preview"]
    assert shown.label == "延長の希望" and shown.notification_body in html
    assert "体調" not in shown.notification_body and NOTE not in shown.notification_body
    assert "クライアントには伝わらないこと" in html
    assert not AccommodationRequest.objects.exists() and not SensitiveNote.objects.exists()
    # when she sends it from the preview
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(url, {**data, "action": "send"})
    # then the client's notification says exactly what the preview said
    assert response.status_code == 302
    notice = Notification.objects.get(
        user=contract.client, code="contracts.accommodation_extension_requested"
    )
    assert (notice.display_title, notice.display_body) == (shown.notification_title, shown.notification_body)
    # and the reason is stored encrypted under her consent, linked from the request
    request = AccommodationRequest.objects.get()
    assert request.sensitive_reason is not None
    assert (request.sensitive_reason.category, request.sensitive_reason.note) == ("health", NOTE)
    assert request.sensitive_reason.consent == SensitiveConsent.objects.get(user=contract.worker)


def test_a_reason_without_consent_shows_a_kind_error_and_keeps_what_she_typed(client):
    # given a worker without consent / when she previews with a note but no consent
    contract = active_contract()
    client.force_login(contract.worker)
    url = reverse("contracts:accommodation_new", args=[contract.pk])
    response = client.post(url, {**_form(contract, reason="caregiving", note=NOTE), "action": "preview"})
    # then the form comes back with the error and her note, and nothing is stored
    html = response.content.decode()
    assert response.status_code == 200
    assert "理由がなくても送れます" in html and NOTE in html
    assert not AccommodationRequest.objects.exists() and not SensitiveConsent.objects.exists()


def test_sending_straight_away_without_consent_is_refused_too(client):
    # given a crafted POST that skips the preview with a reason and no consent
    contract = active_contract()
    client.force_login(contract.worker)
    url = reverse("contracts:accommodation_new", args=[contract.pk])
    response = client.post(url, {**_form(contract, reason="health"), "action": "send"})
    # then the same error, and nothing stored
    assert response.status_code == 200 and "理由がなくても送れます" in response.content.decode()
    assert not AccommodationRequest.objects.exists()


def test_edit_goes_back_to_the_form_with_the_data(client):
    contract = active_contract()
    client.force_login(contract.worker)
    url = reverse("contracts:accommodation_new", args=[contract.pk])
    response = client.post(
        url, {**_form(contract, note=NOTE, reason="other", consent="on"), "action": "edit"}
    )
    html = response.content.decode()
    assert "クライアントに届く内容を確認する" in html and NOTE in html
    assert not AccommodationRequest.objects.exists()


def test_audit_and_client_notification_never_carry_the_reason(
    frozen_clock, django_capture_on_commit_callbacks
):
    contract = active_contract()
    milestone = contract.milestones.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.accommodation_request(
            contract=contract,
            actor=contract.worker,
            kind=AccommodationKind.PAUSE,
            milestone=milestone,
            reason=AccommodationReason.CAREGIVING,
            note=NOTE,
            consent_given=True,
        )
    for event in AuditEvent.objects.all():
        assert "caregiving" not in str(event.data) and NOTE not in str(event.data)
    notice = Notification.objects.get(
        user=contract.client, code="contracts.accommodation_pause_requested_milestone"
    )
    assert "一時停止の希望" in notice.display_title and milestone.title in notice.display_body
    assert "介護" not in f"{notice.display_title}{notice.display_body}{notice.params}"
    assert NOTE not in notice.display_body
