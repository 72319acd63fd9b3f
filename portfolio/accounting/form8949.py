"""US Form 8949 rows (and their per-box totals) from the engine's disposals.

Rules implemented (IRS Form 8949 and its Instructions; Schedule D):

* Columns: (a) description ("0.5 BTC"), (b) date acquired, (c) date sold (mm/dd/yyyy), (d) proceeds,
  (e) cost or other basis, (f) code, (g) adjustment, (h) gain = (d) - (e) + (g).
* Part I is short-term (held one year or less), Part II long-term. Every sale gives one row per
  lot piece it consumed, each with its own acquisition date, with proceeds shared pro rata by
  units (the engine's lot pieces: a sale of lots bought on two dates is two rows); ``count``
  counts these rows.
* Date acquired is "UNKNOWN" for units without history (a shortfall booked at zero basis; the
  engine reports it as a problem), "VARIOUS" only for margin PnL, which has no lots.
* Proceeds are the amount realized, net of selling costs (Treas. Reg. 1.1001-7(b)(1)(i)) - the
  net-proceeds form of reporting, so no code E adjustment is needed; (f)/(g) carry only an
  adjustment the engine made (``DisposalRecord.adjustment``; none for US crypto, no wash sales).
* Boxes: self-tracked crypto not on a broker form goes to C (short) / F (long) through TY2024 and,
  from TY2025, to the digital-asset boxes I / L (not on a 1099-DA) - ``jurisdictions.us``.
* Dates are the local dates of the jurisdiction's zone (New York); amounts are decimal strings,
  rounded half-up to the cent only here, for export.
* Margin PnL has no lots: one short-term row dated the day of the settlement.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from portfolio.accounting.jurisdictions import get_jurisdiction
from portfolio.accounting.jurisdictions.us import form_8949_box, form_8949_part
from portfolio.accounting.results import DisposalRecord, EngineResult, LotUse
from portfolio.accounting.summary import money

ZERO = Decimal(0)


def _us_date(day: date | None) -> str:
    return "UNKNOWN" if day is None else day.strftime("%m/%d/%Y")


def _row(
    result: EngineResult,
    record: DisposalRecord,
    term: str,
    uses: list[LotUse],
    year: int,
    adjustment: Decimal = ZERO,
) -> dict[str, Any]:
    cur, tz = result.base_currency, get_jurisdiction(result.jurisdiction).tz
    acquired = {None if u.acquired is None else u.acquired.astimezone(tz).date() for u in uses}
    quantity = sum((u.quantity for u in uses), ZERO)
    proceeds = sum((u.proceeds for u in uses), ZERO)
    basis = sum((u.basis + u.costs for u in uses), ZERO)
    return {
        "part": form_8949_part(term),  # type: ignore[arg-type]
        "box": form_8949_box(term, year),  # type: ignore[arg-type]
        "term": term,
        "description": f"{format(quantity.normalize(), 'f')} {record.asset}",
        "date_acquired": "VARIOUS" if len(acquired) > 1 else _us_date(acquired.pop()),
        "date_sold": _us_date(record.date),
        "proceeds": money(proceeds, cur),
        "cost_basis": money(basis, cur),
        "adjustment_code": "O" if adjustment else "",  # never for US crypto; flag it for review
        "adjustment": money(adjustment, cur) if adjustment else "",
        "gain": money(proceeds - basis + adjustment, cur),
        "event_id": record.event_id,
    }


def _main_term(record: DisposalRecord) -> str:
    return record.term if record.term in ("short", "long") else "short"


def form_8949_rows(result: EngineResult, year: int) -> list[dict[str, Any]]:
    """Form 8949 rows for the disposals of ``year``, short-term rows first, in sale order."""
    rows: list[dict[str, Any]] = []
    for record in result.disposals:
        if record.tax_year != year:
            continue
        if not record.lots:  # margin PnL: no lots
            use = LotUse("", None, record.quantity, record.basis, record.proceeds, ZERO,
                         record.gain, "short")  # fmt: skip
            row = _row(result, record, "short", [use], year, record.adjustment)
            rows.append(row | {"date_acquired": "VARIOUS"})
            continue
        adjustment = record.adjustment  # column (g): on the first row of the sale's main term
        for use in record.lots:
            term = use.term if use.term != "none" else "short"
            here = adjustment if term == _main_term(record) else ZERO
            rows.append(_row(result, record, term, [use], year, here))
            adjustment -= here
    rows.sort(key=lambda r: r["part"])  # stable: sale order within each part
    return rows


def form_8949_totals(rows: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Line 2 totals of columns (d), (e), (g), (h) per box, as exact sums of the row strings."""
    totals: dict[str, list[Decimal]] = {}
    for row in rows:
        acc = totals.setdefault(row["box"], [ZERO, ZERO, ZERO, ZERO])
        acc[0] += Decimal(row["proceeds"])
        acc[1] += Decimal(row["cost_basis"])
        acc[2] += Decimal(row["adjustment"] or 0)
        acc[3] += Decimal(row["gain"])
    names = ("proceeds", "cost_basis", "adjustment", "gain")
    return {
        box: {name: format(value, "f") for name, value in zip(names, acc, strict=True)}
        for box, acc in sorted(totals.items())
    }
