from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from hataraku.core.models import AuditEvent
from hataraku.payments import services
from hataraku.payments.forms import BankAccountForm
from hataraku.payments.models import BankAccount

pytestmark = pytest.mark.django_db

GOOD = {
    "bank_code": "0143",
    "bank_name": "八十二銀行",
    "branch_code": "001",
    "branch_name": "本店営業部",
    "account_type": "1",
    "account_number": "1234567",
    "holder_name": "ナカムラ サクラ",
}


def _form(**changes):
    return BankAccountForm(data={**GOOD, **changes})


def test_good_input_is_normalised():
    # given half-width katakana, full-width digits and a short account number
    form = _form(holder_name="ﾅｶﾑﾗ  ｻｸﾗ", bank_code="０１４３", account_number="12345")
    # then the form accepts it in the stored shape
    assert form.is_valid(), form.errors
    assert form.cleaned_data["holder_name"] == "ナカムラ\u3000サクラ"
    assert form.cleaned_data["bank_code"] == "0143"
    assert form.cleaned_data["account_number"] == "0012345"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bank_code", "143", "銀行コードは4桁の数字で入力してください。"),
        ("bank_code", "01434", "銀行コードは4桁の数字で入力してください。"),
        ("bank_code", "", "銀行コードは4桁の数字で入力してください。"),
        ("branch_code", "1", "支店コードは3桁の数字で入力してください。"),
        ("branch_code", "ab1", "支店コードは3桁の数字で入力してください。"),
        ("account_type", "9", "預金種目を「普通」「当座」「貯蓄」から選んでください。"),
        ("account_number", "12345678", "口座番号は7桁までの数字で入力してください。"),
        ("account_number", "12a", "口座番号は7桁までの数字で入力してください。"),
        ("holder_name", "なかむら さくら", "口座名義は全角カタカナで入力してください(使えない文字:"),
        ("holder_name", "中村", "口座名義は全角カタカナで入力してください(使えない文字:"),
        ("holder_name", "ア" * 31, "口座名義が長すぎます。"),
        ("holder_name", "", "口座名義を全角カタカナで入力してください。"),
        ("bank_name", "", "銀行名を入力してください。"),
        ("branch_name", "", "支店名を入力してください。"),
    ],
)
def test_each_field_has_a_clear_japanese_error(field, value, message):
    form = _form(**{field: value})
    assert not form.is_valid()
    assert form.errors[field][0].startswith(message), form.errors


def test_small_kana_long_vowel_and_company_abbreviation_are_accepted():
    form = _form(holder_name="カ）ヒダマリシュッパン")
    assert form.is_valid(), form.errors
    assert _form(holder_name="ジョーンズ ヴィクトリア").is_valid()


def test_save_keeps_one_active_account_and_audits_without_the_full_number(worker):
    # given a saved account
    first = services.bank_account_save(worker=worker, actor=worker, **GOOD)
    # when the worker saves another
    second = services.bank_account_save(worker=worker, actor=worker, **{**GOOD, "account_number": "7654321"})
    # then only the new one is active, the old one kept for history
    first.refresh_from_db()
    assert not first.is_active and second.is_active
    assert BankAccount.objects.filter(worker=worker, is_active=True).count() == 1
    event = AuditEvent.objects.filter(action="payments.bank_account_save").first()
    assert event is not None and "7654321" not in str(event.data) and event.data["last4"] == "4321"


def test_bad_input_to_the_service_saves_nothing(worker):
    with pytest.raises(ValidationError) as info:
        services.bank_account_save(
            worker=worker, actor=worker, **{**GOOD, "bank_code": "12", "holder_name": "山田"}
        )
    assert set(info.value.error_dict) == {"bank_code", "holder_name"}
    assert not BankAccount.objects.exists()
    assert not AuditEvent.objects.filter(action="payments.bank_account_save").exists()
