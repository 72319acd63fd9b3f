"""SQLite with exact decimals.

Django's SQLite backend declares DecimalField columns with NUMERIC affinity, so SQLite turns
every amount into a REAL: a float that keeps 15 significant digits (123456789.1234567890 comes
back as 123456789.12345679). Money must never pass through a float, so this backend stores
decimals as TEXT, exactly as Python's Decimal prints them, and reads them back with Decimal().
SQL comparisons on a decimal column cast it to a number, so filters still order numerically;
sums that must be exact are done in Python (PostgreSQL, in production, is exact either way).
"""

import contextlib
import decimal
import os

from django.db.backends.sqlite3 import base, operations

NUMERIC_LOOKUPS = {"exact", "gt", "gte", "lt", "lte", "range"}


class DatabaseOperations(operations.DatabaseOperations):
    def get_decimalfield_converter(self, expression):
        fallback = super().get_decimalfield_converter(expression)
        field = getattr(expression, "output_field", None)
        places = getattr(field, "decimal_places", None)
        exponent = decimal.Decimal(1).scaleb(-places) if places is not None else None
        context = getattr(field, "context", None)

        def converter(value, expression, connection):
            if isinstance(value, str | int):
                number = decimal.Decimal(value)
                # as PostgreSQL's numeric(p, s) does: the column's own number of places
                if exponent is None:
                    return number
                try:
                    return number.quantize(exponent, context=context)
                except decimal.InvalidOperation:
                    # A value wider than its column (SQLite enforces no width) was stored before
                    # input was checked: read it as it is rather than fail every page showing it.
                    return number
            return fallback(value, expression, connection)  # an SQL expression's float result

        return converter

    def lookup_cast(self, lookup_type, internal_type=None):
        if internal_type == "DecimalField" and lookup_type in NUMERIC_LOOKUPS:
            return "CAST(%s AS NUMERIC)"
        return super().lookup_cast(lookup_type, internal_type)


class DatabaseWrapper(base.DatabaseWrapper):
    data_types = {**base.DatabaseWrapper.data_types, "DecimalField": "text"}
    ops_class = DatabaseOperations

    def get_new_connection(self, conn_params):
        _create_private(str(conn_params.get("database", "")))
        return super().get_new_connection(conn_params)


def _create_private(name: str) -> None:
    """Create the database file readable by its owner only (SQLite would use the umask)."""
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
