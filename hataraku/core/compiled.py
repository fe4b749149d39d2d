"""Reads whose SQL Django builds once per process, for the few queries every page view repeats.

Building a query through the ORM (cloning querysets, resolving lookups and joins, compiling SQL) costs more
CPU than SQLite takes to answer it: for the job list, ≈ 1 ms to run and ≈ 4 ms to build, on every request.
`compiled(key, build)` builds the queryset once per process and `key`, keeps the SQL, its parameters and the
column converters, and afterwards only runs the SQL and converts the rows — the same rows, in the same order,
the queryset gives (core/tests/test_compiled.py).

Rules for a caller:
- `build()` must give the same SQL and parameters for the same `key`: everything the query depends on —
  filters, today's date, the page — goes into `key`, except per-call ids, which the builder writes as
  `arg(0)`, `arg(1)`… and `CompiledRead.rows(*ids)` fills in on each call.
- Only for values()/values_list() querysets of plain columns and annotations (rows, not model instances),
  and only for parameters fixed at build time: never for a queryset whose build reads other tables (a list
  of ids from a search index, say) — those results would be frozen into the SQL.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import suppress
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

from django.db import connections
from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX
from django.db.models import QuerySet

# Per-call integer arguments are written into the query as these values and replaced on each call. They are
# negative and odd-looking, so no real id or filter value is ever mistaken for one.
_ARGS = tuple(-7_340_000_001 - i for i in range(4))


def arg(n: int) -> int:
    """The stand-in for the `n`-th argument of `CompiledRead.rows` inside a `build()`."""
    return _ARGS[n]


class CompiledRead:
    """One queryset's SQL, parameters and row converters, built once."""

    def __init__(self, queryset: QuerySet[Any]):
        self.using = queryset.db
        compiler = queryset.query.get_compiler(self.using)
        sql, params = compiler.as_sql()
        self.sql = sql
        self.params = list(params)
        self.slots = [(i, _ARGS.index(p)) for i, p in enumerate(self.params) if type(p) is int and p in _ARGS]
        fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.converters = [
            (pos, tuple(convs), expression)
            for pos, (convs, expression) in compiler.get_converters(fields).items()
        ]
        self._converted: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.native_sql = native(connections[self.using], sql)

    def rows(self, *args: int) -> list[tuple[Any, ...]]:
        params = self.params
        if self.slots:
            params = list(params)
            for i, n in self.slots:
                params[i] = args[n]
        connection = connections[self.using]
        raw = fetch_all(connection, self.sql, params, native_sql=self.native_sql)
        if not self.converters:
            return [tuple(row) for row in raw]
        # The same row read again converts to the same values: keep them by the row as read (a dict lookup
        # instead of a converter call per converted column — the job list reads the same 20 rows each time).
        seen = self._converted
        out = []
        for row in raw:
            try:
                values = seen.get(row)
            except TypeError:  # a value that cannot be hashed (a list from a JSON column): convert each time
                out.append(self._convert(row, connection))
                continue
            if values is None:
                values = self._convert(row, connection)
                # Only rows of values nobody can change in place are shared (never a JSON list or dict).
                if all(type(v) in _IMMUTABLE for v in values):
                    if len(seen) >= CONVERTED_SIZE:
                        seen.clear()
                    seen[row] = values
            out.append(values)
        return out

    def _convert(self, row: tuple[Any, ...], connection: Any) -> tuple[Any, ...]:
        values = list(row)
        for pos, convs, expression in self.converters:
            value = values[pos]
            for convert in convs:
                value = convert(value, expression, connection)
            values[pos] = value
        return tuple(values)


def native(connection: Any, sql: str) -> str:
    """`sql` (Django's "format" style, %s) as the driver takes it: qmark style for sqlite3, as is for psycopg.
    Worked out once per process and text."""
    return _native(connection.vendor, sql)


@cache
def _native(vendor: str, sql: str) -> str:
    if vendor == "sqlite":
        return FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")
    return sql


def fetch_all(connection: Any, sql: str, params: list[Any], *, native_sql: str) -> list[tuple[Any, ...]]:
    """Run one read and return its rows, through the driver's own cursor when nobody is watching.

    Django's cursor (wrapper objects, the execute-wrapper chain, the placeholder rewrite on every call) cost
    more CPU than SQLite takes to answer the reads every page repeats. When queries are logged (DEBUG,
    `CaptureQueriesContext`, `django_assert_num_queries`) or an execute wrapper is installed, the read goes
    through Django's cursor exactly as before, so every count and wrapper still sees it. Otherwise the same
    checks Django makes run first (health check, connection, thread, broken transaction) and errors are
    Django's own (`wrap_database_errors`). The connection's converters (sqlite3 `detect_types`) and cursor
    class (psycopg) are the connection's, so the rows are the ones Django's cursor gives."""
    if connection.queries_logged or connection.execute_wrappers:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(native_sql, params)
            return cursor.fetchall()
        finally:
            cursor.close()


_CACHE: OrderedDict[tuple[Hashable, int], CompiledRead] = OrderedDict()
CONVERTED_SIZE = 512  # converted rows kept per compiled read; when full, start again
_IMMUTABLE = frozenset(
    {int, float, str, bool, bytes, type(None), dt.date, dt.datetime, dt.time, dt.timedelta, Decimal, UUID}
)
CACHE_SIZE = 512  # filter combinations × pages × days; when full, start again rather than grow


def compiled(key: Hashable, build: Callable[[], QuerySet[Any]]) -> CompiledRead:
    """The `CompiledRead` for `key`, built by `build()` the first time in this process (and thread: each
    thread has its own database connection, so it compiles with its own)."""
    slot = (key, threading.get_ident())
    read = _CACHE.get(slot)
    if read is None:
        # Least recently used first: many one-off reads (a keyword each) never push out the job list's own.
        while len(_CACHE) >= CACHE_SIZE:
            with suppress(KeyError):
                _CACHE.popitem(last=False)
        read = _CACHE[slot] = CompiledRead(build())
    else:
        with suppress(KeyError):  # another thread (runserver) let it go just now: it is still ours to use
            _CACHE.move_to_end(slot)
    return read


def clear() -> None:
    """Forget every compiled read (tests that change the schema or the database settings)."""
    _CACHE.clear()
