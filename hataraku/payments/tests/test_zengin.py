from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hataraku.payments import zengin
from hataraku.payments.kana import normalise_holder_name, to_zengin_half

SENDER: dict[str, Any] = {
    "company_code": "1234567890",
    "company_name_kana": "ハタラク（カ",
    "transfer_date": dt.date(2026, 12, 4),
    "bank_code": "0005",
    "branch_code": "123",
    "account_type": "1",
    "account_number": "7654321",
}


def _transfers() -> list[zengin.Transfer]:
    return [
        zengin.Transfer("0143", "001", "1", "1234567", "ナカムラ\u3000サクラ", 9_750, "0000000001"),
        zengin.Transfer("0009", "250", "4", "0001234", "ヤマモト\u3000ケンイチ", 24_750, "0000000002"),
        zengin.Transfer("0001", "100", "2", "7777777", "カ）ヒダマリシュッパン", 1_000, "0000000003"),
    ]


def _records(body: bytes) -> list[bytes]:
    assert body.endswith(b"\r\n")
    return body[:-2].split(b"\r\n")


def test_every_record_is_120_bytes_and_kinds_are_in_order():
    # given three transfers / when the file is built
    records = _records(zengin.build_file(_transfers(), **SENDER))
    # then header, three data records, trailer and end, each exactly 120 bytes of cp932
    assert [r[:1] for r in records] == [b"1", b"2", b"2", b"2", b"8", b"9"]
    assert all(len(r) == 120 for r in records)
    for record in records:
        record.decode("cp932")


def test_trailer_count_and_total_match_the_data_records():
    records = _records(zengin.build_file(_transfers(), **SENDER))
    data = [r for r in records if r[:1] == b"2"]
    trailer = records[-2]
    # the amount of each data record is bytes 80-89 (10 digits)
    amounts = [int(r[80:90]) for r in data]
    assert amounts == [9_750, 24_750, 1_000]
    assert int(trailer[1:7]) == len(data) == 3
    assert int(trailer[7:19]) == sum(amounts) == 35_500
    assert trailer[19:] == b" " * 101


def test_known_data_record_byte_for_byte():
    # given 中村さくら's account at 八十二銀行 本店営業部 普通 1234567 and ¥9,750 to transfer
    record = zengin.data_record(_transfers()[0])
    # then the record is exactly this (ﾅｶﾑﾗ ｻｸﾗ in half-width katakana, Shift_JIS)
    expected = (
        b"2"
        + b"0143"
        + b" " * 15
        + b"001"
        + b" " * 15
        + b" " * 4
        + b"1"
        + b"1234567"
        + b"\xc5\xb6\xd1\xd7\x20\xbb\xb8\xd7"
        + b" " * 22
        + b"0000009750"
        + b"0"
        + b"0000000001"
        + b" " * 10
        + b" "
        + b" "
        + b" " * 7
    )
    assert record == expected


def test_known_header_record_byte_for_byte():
    record = zengin.header_record(**SENDER)
    expected = (
        b"1"
        + b"21"
        + b"0"
        + b"1234567890"
        + b"\xca\xc0\xd7\xb8(\xb6"  # ﾊﾀﾗｸ(ｶ
        + b" " * 34
        + b"1204"
        + b"0005"
        + b" " * 15
        + b"123"
        + b" " * 15
        + b"1"
        + b"7654321"
        + b" " * 17
    )
    assert record == expected
    assert zengin.end_record() == b"9" + b" " * 119


def test_voiced_and_small_kana_become_zengin_half_width():
    # small kana are written large and ー as "-", as banks do; voiced kana take two characters
    assert to_zengin_half("ガッコウ\u3000ヴィーナ") == "ｶﾞﾂｺｳ ｳﾞｲ-ﾅ"
    assert to_zengin_half(normalise_holder_name("ﾊﾟﾝ ﾔ")) == "ﾊﾟﾝ ﾔ"


def test_bad_values_are_refused_rather_than_written():
    with pytest.raises(zengin.ZenginError):
        zengin.data_record(zengin.Transfer("143X", "001", "1", "1234567", "ア", 1))
    with pytest.raises(zengin.ZenginError):
        zengin.data_record(zengin.Transfer("0143", "001", "1", "1234567", "ア", 0))
    with pytest.raises(ValueError):
        zengin.data_record(zengin.Transfer("0143", "001", "1", "1234567", "なかむら", 1))


def test_long_names_are_cut_at_30_bytes():
    record = zengin.data_record(zengin.Transfer("0143", "001", "1", "1234567", "ア" * 40, 1))
    assert len(record) == 120
    assert record[50:80] == "ｱ".encode("cp932") * 30
