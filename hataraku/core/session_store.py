"""Django's database sessions, with the one read every signed-in request makes done through SQL built once
per process (SESSION_ENGINE). Building `Session.objects.get(...)` through the ORM cost more CPU than the
indexed lookup itself (issue 9, item 4). Everything else — saving, the idle refresh (core/sessions.py),
deleting, clearing expired rows — is Django's own `db` backend, on the same table.
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from .compiled import fetch_all, native


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        """The row for this key if it has not expired (as the parent's ORM `get`), else forget the key."""
        using = router.db_for_read(self.model)
        connection = connections[using]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        sql = _select_sql(using)
        rows = fetch_all(connection, sql, [self.session_key, now], native_sql=native(connection, sql))
        row = rows[0] if rows else None
        if row is None:
            self._session_key = None
            return None
        return self.model(session_key=str(self.session_key), session_data=row[0])


@cache
def _select_sql(using: str) -> str:
    q = connections[using].ops.quote_name
    meta = SessionStore.get_model_class()._meta
    key, data, expires = (
        q(cast(Any, meta.get_field(name)).column) for name in ("session_key", "session_data", "expire_date")
    )
    return f"SELECT {data} FROM {q(meta.db_table)} WHERE {key} = %s AND {expires} > %s"  # noqa: S608 - names from the model
