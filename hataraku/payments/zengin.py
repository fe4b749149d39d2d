"""The Zengin transfer file (全銀協フォーマット 総合振込) that staff upload to the platform's bank.

Four record kinds, each exactly 120 bytes of Shift_JIS (cp932): one header (1), one data record per
transfer (2), one trailer (8) with the count and total, one end record (9). Names are half-width katakana;
numbers are right-aligned and zero-filled; text is left-aligned and space-filled. Records are separated by
CR LF, which internet-banking uploads accept; pass `newline=b""` for a bank that wants one long line.

Recipient bank and branch *names* are optional in the format (banks route by code), so we leave them
blank rather than guess a kana reading from the free-text names people type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .kana import to_zengin_half

RECORD_LENGTH = 120
ENCODING = "cp932"
KIND_GENERAL_TRANSFER = "21"  # 種別コード: 総合振込
CODE_SET_JIS = "0"  # コード区分: JIS/Shift_JIS


class ZenginError(ValueError):
    pass


@dataclass(frozen=True)
class Transfer:
    bank_code: str
    branch_code: str
    account_type: str
    account_number: str
    holder_name: str  # full-width, as stored
    amount: int
    customer_code: str = ""


def _num(value: int | str, width: int) -> bytes:
    text = str(value)
    if not text.isdigit() or len(text) > width:
        raise ZenginError(f"{text!r} does not fit a {width}-digit numeric field")
    return text.rjust(width, "0").encode(ENCODING)


def _text(value: str, width: int, *, truncate: bool = False) -> bytes:
    raw = value.encode(ENCODING)
    if len(raw) > width:
        if not truncate:
            raise ZenginError(f"{value!r} is longer than {width} bytes")
        raw = raw[:width]
    return raw.ljust(width, b" ")


def header_record(
    *,
    company_code: str,
    company_name_kana: str,
    transfer_date: dt.date,
    bank_code: str,
    branch_code: str,
    account_type: str,
    account_number: str,
    bank_name_kana: str = "",
    branch_name_kana: str = "",
) -> bytes:
    record = b"".join(
        [
            b"1",
            KIND_GENERAL_TRANSFER.encode(),
            CODE_SET_JIS.encode(),
            _num(company_code, 10),
            _text(to_zengin_half(company_name_kana), 40),
            _num(transfer_date.strftime("%m%d"), 4),
            _num(bank_code, 4),
            _text(to_zengin_half(bank_name_kana), 15),
            _num(branch_code, 3),
            _text(to_zengin_half(branch_name_kana), 15),
            _num(account_type, 1),
            _num(account_number, 7),
            b" " * 17,
        ]
    )
    assert len(record) == RECORD_LENGTH
    return record


def data_record(transfer: Transfer) -> bytes:
    if transfer.amount <= 0:
        raise ZenginError("a transfer amount must be positive")
    record = b"".join(
        [
            b"2",
            _num(transfer.bank_code, 4),
            b" " * 15,  # 被仕向銀行名 (optional)
            _num(transfer.branch_code, 3),
            b" " * 15,  # 被仕向支店名 (optional)
            b" " * 4,  # 手形交換所番号 (unused for transfers)
            _num(transfer.account_type, 1),
            _num(transfer.account_number, 7),
            # Banks match the first 30 characters of the name; a longer name is cut, never refused.
            _text(to_zengin_half(transfer.holder_name), 30, truncate=True),
            _num(transfer.amount, 10),
            b"0",  # 新規コード: 0 = neither first nor changed (we do not track it per bank)
            _text(transfer.customer_code, 10),
            b" " * 10,  # 顧客コード2
            b" ",  # 振込指定区分: the bank's default
            b" ",  # 識別表示: no EDI information
            b" " * 7,
        ]
    )
    assert len(record) == RECORD_LENGTH
    return record


def trailer_record(*, count: int, total: int) -> bytes:
    record = b"8" + _num(count, 6) + _num(total, 12) + b" " * 101
    assert len(record) == RECORD_LENGTH
    return record


def end_record() -> bytes:
    return b"9" + b" " * 119


def build_file(transfers: Iterable[Transfer], *, newline: bytes = b"\r\n", **sender: Any) -> bytes:
    items = list(transfers)
    records = [header_record(**sender)]
    records += [data_record(t) for t in items]
    records.append(trailer_record(count=len(items), total=sum(t.amount for t in items)))
    records.append(end_record())
    return newline.join(records) + newline


def build_transfer_file(
    batch: Any,
    *,
    company_code: str,
    company_name_kana: str,
    transfer_date: dt.date,
    bank_code: str,
    branch_code: str,
    account_type: str,
    account_number: str,
    bank_name_kana: str = "",
    branch_name_kana: str = "",
    newline: bytes = b"\r\n",
) -> bytes:
    """The transfer file for every payout of `batch`, for the net amount (after the transfer fee), then
    every client's withdrawal of her refundable balance in it (the whole amount: the platform bears the
    bank's charge). Customer codes keep the two apart: a payout's is its id, a withdrawal's starts with 9."""
    transfers = [
        Transfer(
            bank_code=p.bank_code,
            branch_code=p.branch_code,
            account_type=p.account_type,
            account_number=p.account_number,
            holder_name=p.holder_name,
            amount=p.net_amount,
            customer_code=f"{p.pk:010d}"[-10:],
        )
        for p in batch.payouts.order_by("pk")
    ]
    transfers += [
        Transfer(
            bank_code=w.bank_code,
            branch_code=w.branch_code,
            account_type=w.account_type,
            account_number=w.account_number,
            holder_name=w.holder_name,
            amount=w.net_amount,
            customer_code="9" + f"{w.pk:09d}"[-9:],
        )
        for w in batch.client_withdrawals.order_by("pk")
    ]
    return build_file(
        transfers,
        newline=newline,
        company_code=company_code,
        company_name_kana=company_name_kana,
        transfer_date=transfer_date,
        bank_code=bank_code,
        branch_code=branch_code,
        account_type=account_type,
        account_number=account_number,
        bank_name_kana=bank_name_kana,
        branch_name_kana=branch_name_kana,
    )


def sender_settings() -> dict[str, str]:
    """The platform's own account as the transfer's sender (settings.HATARAKU_ZENGIN_SENDER)."""
    return dict(settings.HATARAKU_ZENGIN_SENDER)
