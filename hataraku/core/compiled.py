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

import threading
from collections.abc import Callable, Hashable
from typing import Any

from django.db import connections
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

    def rows(self, *args: int) -> list[tuple[Any, ...]]:
        params = self.params
        if self.slots:
            params = list(params)
            for i, n in self.slots:
                params[i] = args[n]
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            raw = cursor.fetchall()
        if not self.converters:
            return [tuple(row) for row in raw]
        out = []
        for row in raw:
            values = list(row)
            for pos, convs, expression in self.converters:
                value = values[pos]
                for convert in convs:
                    value = convert(value, expression, connection)
                values[pos] = value
            out.append(tuple(values))
        return out


_CACHE: dict[tuple[Hashable, int], CompiledRead] = {}
CACHE_SIZE = 512  # filter combinations × pages × days; when full, start again rather than grow


def compiled(key: Hashable, build: Callable[[], QuerySet[Any]]) -> CompiledRead:
    """The `CompiledRead` for `key`, built by `build()` the first time in this process (and thread: each
    thread has its own database connection, so it compiles with its own)."""
    slot = (key, threading.get_ident())
    read = _CACHE.get(slot)
    if read is None:
        if len(_CACHE) >= CACHE_SIZE:
            _CACHE.clear()
        read = _CACHE[slot] = CompiledRead(build())
    return read


def clear() -> None:
    """Forget every compiled read (tests that change the schema or the database settings)."""
    _CACHE.clear()
