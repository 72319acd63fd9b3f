"""COPY rows to PostgreSQL as text lines written here.

psycopg's write_row adapts each value in Python; for half a million ledger rows formatting the
text format directly (Decimal as plain digits, datetimes in ISO 8601, NULL as \\N) is several
times faster. Text is escaped as COPY's text format requires.

``CopyStream`` keeps one COPY open across batches, so PostgreSQL stores one batch while Python
parses the next (a COPY per batch waits for the server at the end of each). Nothing else may
use the connection while it is open: ``close`` it before any query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _cell(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def copy_line(row: Sequence[object]) -> str:
    """One row in COPY's text format, every value escaped (the general, slower way)."""
    return "\t".join(map(_cell, row))


def _statement(model: type[models.Model], fields: Sequence[str]) -> Any:
    from psycopg import sql

    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    return sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )


def copy_text(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """COPY `rows` (values in the order of `fields`, a ForeignKey as its id) into the model."""
    lines = [copy_line(row) for row in rows]
    connection.ensure_connection()
    with connection.cursor() as cursor, cursor.cursor.copy(_statement(model, fields)) as copy:
        copy.write("\n".join(lines) + "\n")
    return len(lines)


class CopyStream:
    """One COPY into `model` that stays open while `write` is given lines, until `close`."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model, self.fields = model, fields
        self._stack: ExitStack | None = None
        self._copy: Any = None

    def write(self, lines: list[str]) -> None:
        if not lines:
            return
        if self._stack is None:
            connection.ensure_connection()
            stack = ExitStack()
            cursor = stack.enter_context(connection.cursor())
            self._copy = stack.enter_context(
                cursor.cursor.copy(_statement(self.model, self.fields))
            )
            self._stack = stack
        self._copy.write("\n".join(lines) + "\n")

    def close(self, error: BaseException | None = None) -> None:
        """End the COPY (the server checks and stores what is left); with `error`, abort it."""
        stack, self._stack, self._copy = self._stack, None, None
        if stack is None:
            return
        if error is None:
            stack.close()
        else:
            stack.__exit__(type(error), error, error.__traceback__)
