from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from hataraku.core import clock
from hataraku.core.audit import AuditOutsideTransaction, audit_record
from hataraku.core.fields import decrypt_text, encrypt_text
from hataraku.core.models import AuditEvent
from hataraku.core.money import apply_rate, consumption_tax, format_yen
from hataraku.core.prefectures import BY_CODE, PREFECTURES
from hataraku.core.validators import (
    corporate_number_check_digit,
    normalise_invoice_number,
    validate_invoice_number,
)

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_status(client):
    # given a running platform / when the health check is asked
    response = client.get("/healthz")
    # then it answers 200 with the database status
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["status"] == "ok"
    assert body["database"]["vendor"] == connection.vendor


def test_home_is_japanese_by_default(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    assert "誰もが「働く」を選べる場所" in html
    assert 'href="#main"' in html  # skip link


def test_english_switch_shows_english(client):
    # when the person presses the English button
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    # then the page is English and says so to assistive technology
    assert '<html lang="en">' in html
    assert "A place where anyone can choose to work" in html


def test_security_headers_and_csp_without_inline_script(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction():
    with pytest.raises(AuditOutsideTransaction):
        audit_record(actor=None, action="x.y")
    assert AuditEvent.objects.count() == 0


def test_audit_record_rolls_back_with_its_transaction(frozen_clock):
    # given a service that writes an audit row and then fails
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.failed", data={"n": 1})
        raise RuntimeError("boom")
    # then no audit row is left behind
    assert not AuditEvent.objects.filter(action="test.failed").exists()
    # and a successful one is stamped with the settable clock
    with transaction.atomic():
        event = audit_record(actor=None, action="test.ok")
    assert event.occurred_at == frozen_clock.now()
    assert event.actor_label == "system"


def test_clock_can_be_set_and_advanced(frozen_clock):
    start = clock.now()
    frozen_clock.advance(dt.timedelta(days=7))
    assert clock.now() - start == dt.timedelta(days=7)
    assert clock.today() == dt.date(2026, 12, 8)


@pytest.mark.parametrize(
    "number",
    ["T7000012050002", "T8000020130001"],
)
def test_valid_invoice_numbers_pass(number):
    validate_invoice_number(number)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("7000012050002", "invoice_format"),
        ("T700001205000", "invoice_format"),
        ("TX000012050002", "invoice_format"),
        ("T8000012050002", "invoice_check_digit"),
        ("T1000020130001", "invoice_check_digit"),
    ],
)
def test_malformed_invoice_numbers_get_a_japanese_error(number, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_invoice_number(number)
    assert excinfo.value.code == code
    assert "登録番号" in str(excinfo.value.message)


def test_check_digit_matches_the_national_tax_agency_number():
    # 国税庁's own corporate number is 7000012050002.
    assert corporate_number_check_digit("000012050002") == 7


def test_invoice_number_normalisation_accepts_full_width_input():
    assert normalise_invoice_number("ｔ７０００-０１２０-５０００２") == "T7000012050002"


def test_47_prefectures_with_jis_codes():
    assert len(PREFECTURES) == 47
    assert BY_CODE["13"].name_ja == "東京都"
    assert BY_CODE["45"].name_ja == "宮崎県"
    assert [p.code for p in PREFECTURES] == [f"{n:02d}" for n in range(1, 48)]


def test_encryption_round_trip_and_opacity():
    token = encrypt_text("介護")
    assert "介護" not in token
    assert decrypt_text(token) == "介護"


def test_money_rounds_down_and_formats():
    from decimal import Decimal

    assert apply_rate(999, Decimal("0.1021")) == 101
    assert consumption_tax(12_345) == 1_234
    assert format_yen(-1500) == "-¥1,500"
    with pytest.raises(TypeError):
        apply_rate(1.5, Decimal("0.1"))  # type: ignore[arg-type]


def test_add_domain_error_puts_the_message_on_the_named_field_or_at_the_top():
    from django import forms

    from hataraku.core.errors import DomainError
    from hataraku.core.forms import add_domain_error

    class F(forms.Form):
        amount = forms.IntegerField()

    form = F({"amount": "5"})
    assert form.is_valid()
    add_domain_error(form, DomainError("金額が足りません。", field="amount"))
    add_domain_error(form, DomainError("もう一度お試しください。", field="no_such_field"))
    add_domain_error(form, DomainError("x", errors=[("amount", "二つ目"), (None, "全体")]))
    assert form.errors["amount"] == ["金額が足りません。", "二つ目"]
    assert form.non_field_errors() == ["もう一度お試しください。", "全体"]


@pytest.mark.django_db
class TestDatesFollowTheLanguage:
    def test_a_day_off_reads_in_japanese_and_in_english(self, client):
        # given a worker with a day off on Tuesday 8 December 2026
        from hataraku.profiles.tests.factories import DateExceptionFactory

        exception = DateExceptionFactory(date=dt.date(2026, 12, 8))
        client.force_login(exception.user)
        url = reverse("profiles:exceptions")
        # when she reads her exceptions in Japanese, then the date is Japanese
        assert "2026年12月8日(火)" in client.get(url).content.decode()
        # when she switches to English, then no 年月日 is left in the date
        client.cookies["django_language"] = "en"
        page = client.get(url).content.decode()
        assert "Tue, Dec 8, 2026" in page
        assert "2026年12月8日" not in page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("0", 0),
        ("²", None),
        ("١٢", None),
        ("-1", None),
        ("", None),
        (None, None),
        ("2147483647", 2147483647),
        ("2147483648", None),
        ("9" * 40, None),
        ("1e3", None),
    ],
)
def test_small_int_reads_only_ascii_digits_within_an_id(text, expected):
    # given text from a URL / when read as a number / then only plain digits within a database id count
    from hataraku.core.params import small_int

    assert small_int(text) == expected


def test_a_crafted_amount_in_the_url_opens_the_funding_page_without_it(client):
    # given a client's escrow
    from hataraku.payments.tests.factories import ClientFactory, open_escrow

    owner = ClientFactory()
    escrow = open_escrow(client=owner)
    client.force_login(owner)
    # when the page is opened with a superscript two or a run of digits as the amount
    for amount in ("²", "9" * 40):
        response = client.get(reverse("payments:funding_start", args=[escrow.pk]), {"amount": amount})
        # then it opens (no error page) with the amount left empty
        assert response.status_code == 200
        assert 'value="' + amount not in response.content.decode()
