"""Insert many rows at once: COPY on PostgreSQL, bulk_create elsewhere.

Storing a rebuild writes tens of thousands of rows; PostgreSQL's COPY streams them without
quoting each parameter in Python, which bulk_create's INSERT does (several times slower).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection, models


def bulk_insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` (values in the order of `fields`, a ForeignKey given as its id)."""
    if connection.vendor == "postgresql":
        fields, rows = _with_defaults(model, fields, rows)
        return _copy(model, fields, rows)
    objects = [model(**dict(zip(_attnames(model, fields), row, strict=True))) for row in rows]
    model.objects.bulk_create(objects, batch_size=2000)
    return len(objects)


def _with_defaults(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]
) -> tuple[Sequence[str], Iterable[tuple]]:
    """COPY bypasses the model: a field left out gets its model default here, as the ORM gives
    it (the database columns carry no defaults of their own)."""
    given = set(fields) | set(_attnames(model, fields))
    missing = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in given and f.has_default()
    ]
    if not missing:
        return fields, rows
    extra = tuple(f.get_default() for f in missing)
    return (*fields, *(f.name for f in missing)), (tuple(row) + extra for row in rows)


def _attnames(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).attname for name in fields]


def _copy(model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple]) -> int:
    from psycopg import sql

    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    json_at = {
        i for i, name in enumerate(fields) if isinstance(meta.get_field(name), models.JSONField)
    }
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    count = 0
    connection.ensure_connection()
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            if json_at:
                row = tuple(
                    json.dumps(value, default=_json_default) if i in json_at else value
                    for i, value in enumerate(row)
                )
            copy.write_row(row)
            count += 1
    return count


def _json_default(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__} as JSON")
