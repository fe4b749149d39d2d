"""Correcting a mistake: the only way to undo a posting is to post its exact opposite."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, ErrorCode

from ..constants import EntryKind
from ..idempotency import idempotent
from ..models import IdempotencyKey, JournalEntry
from ._common import Line
from ._journal import _post_entry
from ._locking import _lock_escrow


def entry_reverse(
    *, entry: JournalEntry, actor: User | None, idempotency_key: str, memo: str = ""
) -> JournalEntry:
    """Correct a mistake by posting the exact opposite of `entry` (the only way to undo a posting). An
    entry can be reversed once; a reversing entry itself is not reversed again (post a new entry instead).
    A reversed settlement no longer counts toward fee tiers or the yearly payment record; a reversed
    funding keeps its "posted" status (the reversal entry is the record of the correction). The guarded
    balances must still stay at or above zero (a release already paid out cannot be reversed).
    Locks escrow (if any) → accounts."""
    params = {"entry": entry.pk}

    def body(idem: IdempotencyKey) -> JournalEntry:
        original = JournalEntry.objects.select_related("escrow").get(pk=entry.pk)
        if original.escrow is not None:
            _lock_escrow(original.escrow)
        if original.kind == EntryKind.REVERSAL:
            raise DomainError(ErrorCode.INVALID_REVERSAL, _("取消仕訳はさらに取り消せません。"))
        if JournalEntry.objects.filter(reverses=original).exists():
            raise DomainError(ErrorCode.ALREADY_REVERSED, _("この仕訳はすでに取り消されています。"))
        lines: list[Line] = [(p.account, -p.amount) for p in original.postings.select_related("account")]
        reversal = _post_entry(
            kind=EntryKind.REVERSAL,
            lines=lines,
            memo=memo or f"取消: #{original.pk} {original.memo}",
            idem=idem,
            escrow=original.escrow,
            reverses=original,
        )
        audit_record(actor=actor, action="ledger.entry_reverse", target=reversal, data={"entry": original.pk})
        return reversal

    return idempotent(scope="entry_reverse", key=idempotency_key, params=params, body=body)
