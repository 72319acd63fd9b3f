"""The ledger's fast COPY line equals the general one, and gives way to it when text needs
escaping (no database: the PostgreSQL leg stores both through the variant tests)."""

from datetime import UTC, datetime
from decimal import Decimal

from portfolio.imports.copy import copy_line
from portfolio.imports.merge import _ledger_line, _ledger_values
from portfolio.kraken.records import LedgerEntry
from portfolio.models.fields import DataSource

NOW = datetime(2026, 12, 7, 4, 30, 0, 123456, tzinfo=UTC)


def entry(**changes) -> LedgerEntry:
    values = dict(
        ledger_id="L4UESK-KG3EQ-UFO4T5", refid="TJKLXX-PGMUI-4NTLXU",
        time=datetime(2023, 12, 14, 15, 24, 5, tzinfo=UTC), timestamp=Decimal(1702567445),
        type="trade", subtype="", aclass="currency", asset="BTC", raw_asset="XXBT",
        amount=Decimal("-0.0150000000"), fee=Decimal("0.0000100000"),
        balance=Decimal("1.2345678901"), wallet="spot / main", subclass="crypto",
    )  # fmt: skip
    values.update(changes)
    return LedgerEntry(**values)


def both(record: LedgerEntry) -> tuple[str | None, str]:
    fast = _ledger_line("12\t", "\t" + copy_line((DataSource.CSV, NOW)), record)
    return fast, copy_line(_ledger_values(12, record, NOW))


def test_the_fast_line_is_the_general_line():
    fast, general = both(entry())
    assert fast == general
    assert fast.split("\t")[11:15] == ["-0.0150000000", "0.0000100000", "1.2345678901", "\\N"]
    fast, general = both(entry(amount_usd=Decimal("-612.50")))
    assert fast == general and fast.split("\t")[14] == "-612.50"


def test_text_that_needs_escaping_goes_the_general_way():
    for wallet in ("spot\\main", "spot\tmain", "spot\nmain", "spot\rmain"):
        fast, general = both(entry(wallet=wallet))
        assert fast is None
        assert general.count("\t") == 16  # escaped: still one cell
        assert "\n" not in general and "\r" not in general
