"""The one idempotency scheme. Every service that moves money, and every API operation that starts one,
runs its writes through `idempotent(...)`:

- the caller's key is required (`require_key`; a missing one is `ErrorCode.IDEMPOTENCY_KEY_MISSING`, and a
  form shows it as "reload the page" — no silent fresh key);
- a key a person sent is stored with its sender (`scoped_key`), so two people never meet each other's key;
- the parameters are fingerprinted: the same key with the same parameters replays the first result (the
  same row), the same key with other parameters is refused (`Conflict`, `ErrorCode.IDEMPOTENCY_MISMATCH`,
  409 in the API);
- the key row, the locks and the writes commit or roll back together, in one transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.apps import apps
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from hataraku.core import clock
from hataraku.core.errors import Conflict, DomainError, ErrorCode

from .models import IdempotencyKey

M = TypeVar("M", bound=models.Model)

# Stored keys fit 100-character columns (Payout.idempotency_key and the like).
STORED_KEY_MAX = 100


def require_key(idempotency_key: Any) -> str:
    """The key, stripped; a missing or blank one is refused with one code and one kind message."""
    if not isinstance(idempotency_key, str) or not idempotency_key.strip():
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_MISSING,
            _("処理の識別キーがありません。ページを開き直してからお試しください。"),
        )
    return idempotency_key.strip()


def scoped_key(owner: Any, idempotency_key: str) -> str:
    """The stored form of an idempotency key a person sent: prefixed with who sent it, so that two people
    who happen to send the same key never meet each other's request (or its result). Internal keys made
    from an object's id (a milestone's release key) are not scoped: any caller must find the same one.
    Fits the 100-character key columns: a long key is replaced by its SHA-256."""
    key = require_key(idempotency_key)
    # The platform itself (actor None: the tick, a webhook) is one more sender of its own.
    prefix = f"u{owner.pk}" if getattr(owner, "pk", None) is not None else "system"
    scoped = f"{prefix}:{key}"
    if len(scoped) > STORED_KEY_MAX:
        scoped = f"{prefix}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"
    return scoped


def fingerprint(scope: str, params: dict[str, Any]) -> str:
    canonical = json.dumps({"scope": scope, **params}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _resolve(result: dict[str, Any]) -> Any:
    model = apps.get_model(result["model"])
    return model._default_manager.get(pk=result["pk"])


def _pointer(row: models.Model) -> dict[str, Any]:
    return {"model": row._meta.label_lower, "pk": row.pk}


@transaction.atomic
def idempotent(
    *,
    scope: str,
    key: str,
    params: dict[str, Any],
    body: Callable[[IdempotencyKey], M],
    result: M | None = None,
) -> M:
    """Run `body` once per (scope, key), in one transaction (a savepoint inside a caller's): every service
    that moves money ends with `return idempotent(...)`, so the key, the locks and the writes commit or
    roll back together. `params` are what the request asked for (ids and amounts); `body` returns the one
    row that is the result, and a replay returns that row again.

    The key row is inserted before any lock is taken, in one statement (`_claim`): a concurrent request
    with the same key waits on the unique index until the first commits, then sees its result.

    `result`: the row the body will return, when the caller knows it already (a transition of an existing
    row: posting a funding answers that funding). The key row is then written with its result in the same
    statement, and the body must return that very row."""
    key = require_key(key)
    expected = fingerprint(scope, params)

    def replay(existing: IdempotencyKey) -> M:
        if existing.fingerprint != expected:
            raise Conflict(
                ErrorCode.IDEMPOTENCY_MISMATCH,
                _("この操作はすでに別の内容で受け付けています。ページを開き直してからお試しください。"),
            )
        if not existing.result:
            # Only possible if the first request is still running in this very transaction.
            raise Conflict(_("同じ処理が実行中です。少し待ってからもう一度お試しください。"))
        return _resolve(existing.result)  # type: ignore[no-any-return]

    known = _pointer(result) if result is not None else {}
    idem = _claim(scope, key, expected, known)
    if idem is None:
        return replay(IdempotencyKey.objects.get(scope=scope, key=key))
    returned = body(idem)
    if known:
        if _pointer(returned) != known:
            raise AssertionError(f"{scope}: the body returned {_pointer(returned)}, not {known}")
        return returned
    idem.result = _pointer(returned)
    idem.save(update_fields=["result"])
    return returned


def _claim(scope: str, key: str, expected: str, result: dict[str, Any]) -> IdempotencyKey | None:
    """Insert the key row in one round trip, or answer None when (scope, key) is already there.

    `INSERT … ON CONFLICT DO NOTHING` needs no savepoint and no read first: while another transaction
    holds an uncommitted row for the same key, PostgreSQL (and SQLite, whose writers are serialised) makes
    this insert wait for it; once that one commits, nothing is inserted here and the caller reads the
    committed row (a fresh statement sees it), and if it rolled back, this insert goes ahead."""
    now = clock.now()
    meta = IdempotencyKey._meta
    fields = {field.name: field for field in meta.concrete_fields}
    column = {name: str(field.column) for name, field in fields.items()}
    row_values = {"scope": scope, "key": key, "fingerprint": expected, "result": result, "created_at": now}
    qn = connection.ops.quote_name
    columns = ", ".join(qn(column[name]) for name in row_values)
    placeholders = ", ".join(["%s"] * len(row_values))
    params = [fields[name].get_db_prep_save(value, connection) for name, value in row_values.items()]
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({qn(column['scope'])}, {qn(column['key'])}) DO NOTHING RETURNING {qn(column['id'])}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    idem = IdempotencyKey(
        pk=row[0], scope=scope, key=key, fingerprint=expected, result=result, created_at=now
    )
    idem._state.adding = False
    idem._state.db = connection.alias
    return idem
