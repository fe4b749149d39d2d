"""Issue 7 item 9: the Django admin shows no message bodies, identity documents, attachments, delivery files
or other private content of the jobs, messaging, reviews and contracts apps — not in a list, a search, a
filter, a change form or an inline. (Special-care fields of profiles and contracts have their own walk.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from hataraku.accounts.tests.factories import StaffFactory
from hataraku.accounts.tests.mfa import login_with_mfa
from hataraku.contracts.models import Delivery, DeliveryFile
from hataraku.contracts.tests.factories import active_contract
from hataraku.messaging.models import Message, Thread

APPS = ("jobs", "messaging", "reviews", "contracts")

# Free text that is not private: what every visitor reads on a published job (and earlier versions of it,
# and the contract's copy of it), the structured dates and amounts of a change, a thread's subject (the
# job's title) and a notification's title and link.
PUBLIC = {
    "jobs.job": {"title", "description_md", "skills", "accessibility_notes", "call_modes"},
    "jobs.jobrevision": {"snapshot"},
    "contracts.contract": {"title", "description"},
    "contracts.changerequest": {"changes"},
    "messaging.thread": {"subject"},
    "messaging.notification": {"title", "url"},
}
# Short text fields people type to each other.
FREE_TEXT_NAMES = {"memo", "original_name", "message", "body", "note", "reason", "comment"}


def private_fields(model: type[models.Model]) -> set[str]:
    """Every field of `model` that holds what people wrote, sent or uploaded, unless listed as public."""
    found = {
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.TextField | models.JSONField | models.FileField)
        or (isinstance(f, models.CharField) and f.name in FREE_TEXT_NAMES)
    }
    return found - PUBLIC.get(model._meta.label_lower, set())


def _path_fields(model: type[models.Model], path: str) -> list[tuple[type[models.Model], str]]:
    """("thread__messages__body") → each (model, field name) the lookup passes through."""
    steps: list[tuple[type[models.Model], str]] = []
    for name in path.lstrip("^=@").split("__"):
        steps.append((model, name))
        try:
            field = model._meta.get_field(name)
        except Exception:
            break
        if not field.is_relation or field.related_model is None:
            break
        model = field.related_model  # type: ignore[assignment]
    return steps


def _flat(fields: Any) -> list[str]:
    """Field names, with the tuples of a one-line group ("a", "b") opened up."""
    return [name for item in fields for name in ([item] if isinstance(item, str) else item)]


def shown(model_admin: admin.ModelAdmin, request: Any) -> list[tuple[type[models.Model], str]]:
    model = model_admin.model
    names: list[tuple[type[models.Model], str]] = [(model, n) for n in _flat(model_admin.get_fields(request))]
    names += [(model, n) for n in model_admin.get_list_display(request) if isinstance(n, str)]
    for search in model_admin.get_search_fields(request):
        names += _path_fields(model, search)
    for item in model_admin.get_list_filter(request):
        if isinstance(item, str):
            names += _path_fields(model, item)
    for inline in model_admin.get_inline_instances(request):
        names += [(inline.model, n) for n in _flat(inline.get_fields(request))]
    return names


def test_no_admin_of_these_apps_shows_private_content(db: Any) -> None:
    # given a superuser's request and every model these apps put in the admin (with their inlines)
    request = RequestFactory().get("/django-admin/")
    request.user = StaffFactory(is_superuser=True)
    registered = [(m, ma) for m, ma in admin.site._registry.items() if m._meta.app_label in APPS]
    assert len(registered) >= 15  # the walk really walks

    # when every field each one lists, searches, filters, shows or edits is collected
    leaks = [
        f"{type(model_admin).__name__}: {model._meta.label}.{name}"
        for model, model_admin in registered
        for model, name in shown(model_admin, request)
        if name in private_fields(model)
    ]

    # then none of them is a message body, a document, a file, a note or a reason
    assert leaks == []


def test_models_that_are_only_files_are_in_no_admin() -> None:
    # given the models that hold nothing but uploaded files (delivery files, message attachments)
    # when every model in the admin, and every inline, is listed
    labels = {m._meta.label for m in admin.site._registry} | {
        inline.model._meta.label for ma in admin.site._registry.values() for inline in ma.inlines
    }

    # then attachments and delivery files are neither registered nor inlined anywhere
    assert {"contracts.DeliveryFile", "messaging.Attachment"} & labels == set()


@pytest.mark.django_db
def test_a_superuser_opening_the_admin_pages_reads_no_message_or_delivery(client, frozen_clock) -> None:
    # given a message and a delivery that carry a sentinel, and a superuser logged in with a second factor
    contract = active_contract(milestones=1)
    thread = Thread.objects.create(contract=contract, subject="契約", created_at=frozen_clock.now())
    message = Message.objects.create(
        thread=thread, sender=contract.worker, body="SENTINEL-BODY-7f3a", created_at=frozen_clock.now()
    )
    delivery = Delivery.objects.create(
        milestone=contract.milestones.get(), delivered_by=contract.worker, message="SENTINEL-DELIVERY-7f3a"
    )
    DeliveryFile.objects.create(
        delivery=delivery, file="deliveries/x.pdf", original_name="SENTINEL-FILE-7f3a.pdf", size=10
    )
    login_with_mfa(client, StaffFactory(is_superuser=True))

    # when they open the lists and the change pages
    pages = [
        client.get(reverse("admin:messaging_message_changelist")),
        client.get(reverse("admin:messaging_message_change", args=[message.pk])),
        client.get(reverse("admin:contracts_delivery_changelist")),
        client.get(reverse("admin:contracts_delivery_change", args=[delivery.pk])),
    ]

    # then every page answers, and none holds the words or the file name
    for page in pages:
        assert page.status_code == 200
        assert "SENTINEL" not in page.content.decode()
