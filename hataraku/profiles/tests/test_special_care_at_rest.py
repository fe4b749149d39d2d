"""Issue 7, item 4: special-care information lives in one protected place.

Sentinels are planted in every special-care field through the services; then every text and binary cell of
every table is read raw, past the ORM (SQLite here, PostgreSQL on CI's PostgreSQL leg), and no sentinel may
appear in plain text. The client, walking every page and API route with the contract's ids, sees none.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.contrib import admin
from django.core import mail
from django.db import connection
from django.test import Client, RequestFactory

from hataraku.accounts.tests.mfa import login_as
from hataraku.contracts import services as contracts
from hataraku.contracts.constants import AccommodationKind, AccommodationReason
from hataraku.contracts.models import AccommodationRequest
from hataraku.contracts.tests.factories import active_contract
from hataraku.core.errors import DomainError
from hataraku.core.fields import EncryptedJSONField, EncryptedTextField
from hataraku.profiles import services
from hataraku.profiles.models import (
    DateException,
    SensitiveConsent,
    SensitiveNote,
    SensitiveReasons,
    WorkConditions,
)

from .factories import StaffFactory
from .test_no_leak_anywhere import _paths

pytestmark = pytest.mark.django_db

REASON_NOTE = "SENTINEL-理由-母の介護7731"
ACCOMMODATION_NOTE = "SENTINEL-お願い-通院8842"
DATE_NOTE = "SENTINEL-予定-デイサービス9953"
# Codes are stored too: a plain "caregiving", "health" or "deaf_hoh" in any cell would say as much.
CODES = ("caregiving", "disability", "health", "screen_reader", "deaf_hoh")
FREE_TEXT = (REASON_NOTE, ACCOMMODATION_NOTE, DATE_NOTE)


def _plant(worker: Any, contract: Any) -> AccommodationRequest:
    services.sensitive_reasons_save(
        user=worker, categories=["caregiving", "disability"], note=REASON_NOTE, consent_given=True
    )
    services.conditions_update(
        user=worker,
        max_hours_per_week=None,
        min_block_minutes=None,
        accepts_voice=False,
        accepts_video=False,
        no_meetings=False,
        quiet_start=None,
        quiet_end=None,
        accessibility_needs=["screen_reader", "deaf_hoh"],
        show_accessibility_publicly=False,
        consent_given=True,
    )
    services.date_exception_add(user=worker, date=dt.date(2026, 12, 9), kind="day_off", note=DATE_NOTE)
    milestone = contract.milestones.get()
    return contracts.accommodation_request(
        contract=contract,
        actor=worker,
        kind=AccommodationKind.EXTENSION,
        milestone=milestone,
        requested_due_date=milestone.due_date + dt.timedelta(days=7),
        reason=AccommodationReason.HEALTH,
        note=ACCOMMODATION_NOTE,
        consent_given=True,
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        return value
    # PostgreSQL hands JSON columns back as Python values.
    return json.dumps(value, ensure_ascii=False, default=str)


def _dump_database() -> list[tuple[str, str]]:
    """Every cell of every table, as text, read with plain SQL (no model field decrypts anything)."""
    cells: list[tuple[str, str]] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                cells.extend((table, _cell_text(value)) for value in row)
    return cells


def test_no_special_care_sentinel_is_stored_in_plain_text(frozen_clock, django_capture_on_commit_callbacks):
    # given a worker who stores every kind of special-care information through the services
    contract = active_contract()
    with django_capture_on_commit_callbacks(execute=True):
        request = _plant(contract.worker, contract)
    # (the values are really there: the ORM, with the key, reads them back)
    assert SensitiveReasons.objects.get(user=contract.worker).note == REASON_NOTE
    assert WorkConditions.objects.get(user=contract.worker).accessibility_needs == [
        "deaf_hoh",
        "screen_reader",
    ]
    assert DateException.objects.get(user=contract.worker).note == DATE_NOTE
    reason = request.sensitive_reason
    assert reason is not None
    assert (reason.category, reason.note) == ("health", ACCOMMODATION_NOTE)
    # when the whole database is dumped raw
    cells = _dump_database()
    assert any(table == "contracts_accommodationrequest" for table, _text in cells)
    # then no sentinel and no special-care code appears in any cell
    for table, text in cells:
        for sentinel in FREE_TEXT + CODES:
            assert sentinel not in text, f"{sentinel!r} is readable in {table}"
    # and the e-mails sent about it carry none of it either
    for message in mail.outbox:
        for sentinel in (*FREE_TEXT, "体調", "通院"):
            assert sentinel not in f"{message.subject}\n{message.body}"


def test_the_client_sees_only_the_kind_and_the_dates(frozen_clock, django_capture_on_commit_callbacks):
    # given a worker who asked for an extension with a health reason and a note
    contract = active_contract()
    with django_capture_on_commit_callbacks(execute=True):
        request = _plant(contract.worker, contract)
    client = Client()
    login_as(client, contract.client)
    # when the client opens the contract page
    html = client.get(contract.get_absolute_url()).content.decode()
    # then she sees that more time is asked for, and the dates — nothing about the reason
    assert "延長の希望" in html
    for hidden in (*FREE_TEXT, "体調・通院", "health"):
        assert hidden not in html
    # and on every page and API route she can reach with these ids, nothing either
    ids = sorted({contract.pk, request.pk, contract.worker_id, request.sensitive_reason_id or 0})
    for path in _paths(ids):
        body = client.get(path).getvalue().decode("utf-8", errors="replace")
        for hidden in (*FREE_TEXT, "体調・通院"):
            assert hidden not in body, f"{path} shows {hidden!r} to the client"


def test_a_reason_needs_consent_and_nothing_is_stored_without_it():
    # given a worker without any special-care consent
    contract = active_contract()
    milestone = contract.milestones.get()
    # when she adds a reason but does not tick the consent box
    with pytest.raises(DomainError) as exc:
        contracts.accommodation_request(
            contract=contract,
            actor=contract.worker,
            kind=AccommodationKind.PAUSE,
            milestone=milestone,
            reason=AccommodationReason.CAREGIVING,
        )
    # then a kind error that says a reason is optional, and nothing at all was stored
    assert exc.value.field == "consent" and "理由がなくても送れます" in exc.value.message
    assert not AccommodationRequest.objects.exists()
    assert not SensitiveNote.objects.exists() and not SensitiveConsent.objects.exists()
    # and without a reason, the same request needs no consent
    contracts.accommodation_request(
        contract=contract, actor=contract.worker, kind=AccommodationKind.PAUSE, milestone=milestone
    )
    assert AccommodationRequest.objects.get().sensitive_reason is None


def test_withdrawing_consent_erases_every_reason_and_the_accessibility_needs(frozen_clock):
    # given a worker with reasons, an accommodation reason and accessibility needs under her consent
    contract = active_contract()
    request = _plant(contract.worker, contract)
    WorkConditions.objects.filter(user=contract.worker).update(show_accessibility_publicly=True)
    # when she withdraws her consent
    services.sensitive_consent_withdraw(user=contract.worker)
    # then everything the consent covered is gone; the request itself stays for the contract
    request.refresh_from_db()
    assert request.sensitive_reason is None
    assert not SensitiveNote.objects.filter(user=contract.worker).exists()
    assert not SensitiveReasons.objects.filter(user=contract.worker).exists()
    conditions = WorkConditions.objects.get(user=contract.worker)
    assert conditions.accessibility_needs == [] and not conditions.show_accessibility_publicly
    # and the date-exception note, her own memo outside the consent, stays (encrypted)
    assert DateException.objects.get(user=contract.worker).note == DATE_NOTE


def test_accessibility_needs_need_consent(frozen_clock):
    # given a worker without consent / when she picks an accessibility need without ticking the box
    worker = active_contract().worker
    with pytest.raises(DomainError) as exc:
        services.conditions_update(
            user=worker,
            max_hours_per_week=None,
            min_block_minutes=None,
            accepts_voice=False,
            accepts_video=False,
            no_meetings=False,
            quiet_start=None,
            quiet_end=None,
            accessibility_needs=["screen_reader"],
            show_accessibility_publicly=False,
        )
    # then nothing is stored
    assert exc.value.field == "consent"
    assert not WorkConditions.objects.filter(user=worker).exists()
    assert not SensitiveConsent.objects.filter(user=worker).exists()


def test_staff_read_accommodation_reasons_only_through_the_audited_post(frozen_clock):
    # given a worker's accommodation reason
    contract = active_contract()
    _plant(contract.worker, contract)
    staff = StaffFactory.create()
    browser = Client()
    login_as(browser, staff)
    url = f"/profile/staff/w/{contract.worker_id}/sensitive/"
    # when staff open the page, nothing is shown; when they state a purpose, the reason is shown
    assert ACCOMMODATION_NOTE not in browser.get(url).content.decode()
    html = browser.post(url, {"purpose": "accommodation", "detail": "延長の件"}).content.decode()
    assert ACCOMMODATION_NOTE in html and "体調・通院" in html
    # and the accessibility needs and date notes, which are only for her, are not on it
    assert DATE_NOTE not in html and "画面読み上げ" not in html


def _admin_field_names(model_admin: Any) -> set[str]:
    request = RequestFactory().get("/")
    request.user = StaffFactory.create(is_superuser=True)
    names = set(model_admin.get_list_display(request)) | set(model_admin.get_search_fields(request))
    names |= {f if isinstance(f, str) else f[0] for f in model_admin.get_list_filter(request)}
    names |= set(model_admin.get_form(request).base_fields)
    names |= set(model_admin.get_readonly_fields(request))
    return {n for n in names if isinstance(n, str)}


def test_no_special_care_field_is_in_any_django_admin():
    special_care_models = {SensitiveConsent, SensitiveReasons, SensitiveNote, DateException}
    for model, model_admin in admin.site._registry.items():
        # then none of the special-care models is registered at all
        assert model not in special_care_models, f"{model.__name__} is in the admin"
        encrypted = {
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, (EncryptedTextField, EncryptedJSONField))
        }
        links = {
            f.name
            for f in model._meta.get_fields()
            if getattr(f, "related_model", None) in special_care_models and not f.auto_created
        }
        # and no encrypted field, nor a link to special-care data, is listed, searched, filtered or editable
        shown = _admin_field_names(model_admin)
        assert not shown & (encrypted | links), f"{model.__name__} admin shows {shown & (encrypted | links)}"


# --- migration --------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migrations_encrypt_existing_plain_rows_and_keep_their_meaning(frozen_clock):
    from django.db.migrations.executor import MigrationExecutor

    # given a contract, a worker's accessibility needs and a date note, taken back to the plain schema
    contract = active_contract()
    worker = contract.worker
    conditions = WorkConditions(user=worker)
    conditions.accessibility_needs = ["keyboard_only"]
    conditions.save()
    DateException.objects.create(user=worker, date=dt.date(2026, 12, 9), kind="day_off", note="")
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("contracts", "0003_week_payment_reminded_at"), ("profiles", "0001_initial")])
        old = (
            MigrationExecutor(connection)
            .loader.project_state(
                [("contracts", "0003_week_payment_reminded_at"), ("profiles", "0001_initial")]
            )
            .apps
        )
        old_request = old.get_model("contracts", "AccommodationRequest").objects.create(
            contract_id=contract.pk,
            requested_by_id=worker.pk,
            kind="pause",
            reason="health",
            note=ACCOMMODATION_NOTE,
            answer_due_at=frozen_clock.now(),
            created_at=frozen_clock.now(),
            updated_at=frozen_clock.now(),
        )
        old.get_model("profiles", "DateException").objects.filter(user_id=worker.pk).update(note=DATE_NOTE)
        plain = old.get_model("profiles", "WorkConditions").objects.get(user_id=worker.pk)
        assert plain.keyboard_only and not plain.uses_screen_reader  # the reverse kept the meaning
        old.get_model("profiles", "WorkConditions").objects.filter(user_id=worker.pk).update(low_vision=True)
    finally:
        # when the migrations run forward (here, so a failed step never leaves the schema behind)
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
    # then the rows read the same through the encrypted fields
    request = AccommodationRequest.objects.get(pk=old_request.pk)
    assert request.sensitive_reason is not None
    assert (request.sensitive_reason.category, request.sensitive_reason.note) == (
        "health",
        ACCOMMODATION_NOTE,
    )
    assert DateException.objects.get(user=worker).note == DATE_NOTE
    assert WorkConditions.objects.get(user=worker).accessibility_needs == ["keyboard_only", "low_vision"]
    # and nothing of it is left in plain text anywhere
    for table, text in _dump_database():
        for sentinel in (ACCOMMODATION_NOTE, DATE_NOTE, "low_vision", "keyboard_only"):
            assert sentinel not in text, f"{sentinel!r} is readable in {table}"


def test_preferences_page_asks_for_consent_with_accessibility_needs_and_keeps_the_choice(client):
    # given a worker without consent
    worker = active_contract().worker
    client.force_login(worker)
    url = "/profile/conditions/preferences/"
    # when she picks a need without ticking the consent box
    response = client.post(url, {"accessibility": ["screen_reader"]})
    # then a kind error, her choice is still ticked, and nothing is stored
    html = response.content.decode()
    assert response.status_code == 200 and "同意" in html
    assert re.search(r'<input[^>]*value="screen_reader"[^>]*checked', html)
    assert 'href="#id_consent"' in html
    assert not WorkConditions.objects.filter(user=worker).exists()
    # when she ticks it, then it is stored, and the page no longer asks
    assert client.post(url, {"accessibility": ["screen_reader"], "consent": "on"}).status_code == 302
    assert WorkConditions.objects.get(user=worker).accessibility_needs == ["screen_reader"]
    assert 'name="consent"' not in client.get(url).content.decode()
