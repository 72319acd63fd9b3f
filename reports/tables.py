"""The report's tables as pandas DataFrames of strings, and their CSV files.

Amounts are rounded to the currency's minor unit here, for export only, so that each column's
rounded rows add up exactly to the rounded total the summary prints (the JSON): every row is
rounded down and the cents left over go to the rows with the largest remainders. A Form 8949 row
keeps (h) = (d) - (e): its proceeds and cost are rounded that way, its gain is their difference.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from portfolio.accounting.jurisdictions.us import form_8949_box, form_8949_part
from portfolio.accounting.summary import ZERO_DECIMAL_CURRENCIES
from reports.content import Report
from reports.rows import local_text, uk_rule

ZERO = Decimal(0)


def unit(currency: str) -> Decimal:
    return Decimal(1) if currency in ZERO_DECIMAL_CURRENCIES else Decimal("0.01")


def allocate(values: list[Decimal], currency: str) -> list[Decimal]:
    """``values`` rounded to the minor unit so that they add up to their exact sum rounded once
    (half up): each is rounded down, and the units left over go to the largest remainders."""
    if not values:
        return []
    step = unit(currency)
    total = sum(values, ZERO).quantize(step, rounding=ROUND_HALF_UP)
    floors = [v.quantize(step, rounding=ROUND_FLOOR) for v in values]
    left = int((total - sum(floors, ZERO)) / step)  # 0 <= left <= len(values)
    if left:  # remainders as integers (exact to 1e-20; finer only breaks ties): no sort of Decimals
        rest = np.array([int((v - f).scaleb(20)) for v, f in zip(values, floors, strict=True)])
        for i in np.argsort(-rest, kind="stable")[:left]:
            floors[i] += step
    return floors


def total(values: list[Decimal], currency: str) -> Decimal:
    """The exact sum rounded once to the minor unit (half up): the JSON's rule for totals."""
    return sum(values, ZERO).quantize(unit(currency), rounding=ROUND_HALF_UP)


def _fmt(values: list[Decimal]) -> list[str]:
    return [format(v, "f") for v in values]


def _qty(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


FORM_8949 = [
    "Box", "Part", "(a) Description", "(b) Date acquired", "(c) Date sold", "(d) Proceeds",
    "(e) Cost or other basis", "(f) Code", "(g) Adjustment", "(h) Gain or (loss)",
    "Disposal ledger id", "Lot",
]  # fmt: skip


def _terms(pieces: pd.DataFrame) -> pd.Series:
    """A piece's own term, else its disposal's; anything else counts as short."""
    term = pieces["term"].where(pieces["term"].fillna("") != "", pieces["disposal_term"])
    return term.where(term.isin(("short", "long")), "short")


def form_8949(report: Report) -> tuple[pd.DataFrame, dict[str, dict[str, str]]]:
    """Form 8949 rows (one per lot piece), box by box, and each box's totals (Schedule D).

    Rounding rule (printed with the form): a box's totals are the exact sums of its pieces
    rounded once to the cent, as the JSON's are; the rows' (d) and (e) are rounded so that each
    column adds up to its total, and each row's (h) is its (d) - (e). Column (h) then adds up to
    total (d) - total (e), which can differ from the gain total by a cent of rounding
    (``rows_gain`` is that sum)."""
    cur, year, pieces = report.currency, report.year, report.rows.pieces
    if pieces.empty:
        return pd.DataFrame(columns=FORM_8949), {}
    zone = ZoneInfo(report.settings["time zone"])
    terms = _terms(pieces)
    boxes = terms.map({t: form_8949_box(t, year) for t in ("short", "long")})
    parts = terms.map({t: form_8949_part(t) for t in ("short", "long")})
    proceeds = [Decimal(v) for v in pieces["proceeds"].tolist()]
    gains = [Decimal(v) for v in pieces["gain"].tolist()]
    costs = [p - g for p, g in zip(proceeds, gains, strict=True)]
    quantities = [_qty(Decimal(q)) for q in pieces["quantity"].tolist()]
    frame = pd.DataFrame(
        {
            "Box": boxes,
            "Part": parts,
            "(a) Description": [
                f"{q} {a}" for q, a in zip(quantities, pieces["asset"].tolist(), strict=True)
            ],
            "(b) Date acquired": local_text(pieces["acquired"], zone, "%m/%d/%Y", "UNKNOWN"),
            "(c) Date sold": local_text(pieces["time"], zone, "%m/%d/%Y", ""),
            "(d) Proceeds": "",
            "(e) Cost or other basis": "",
            "(f) Code": "",
            "(g) Adjustment": "",
            "(h) Gain or (loss)": "",
            "Disposal ledger id": report.rows.piece_ledger("event_id"),
            "Lot": report.rows.piece_ledger("lot_id"),
        }
    )
    totals = _amounts(frame, proceeds, costs, gains, cur)
    order = np.argsort(frame["Box"].to_numpy(), kind="stable")
    return frame.iloc[order].reset_index(drop=True), totals


def _amounts(frame, proceeds, costs, gains, cur) -> dict[str, dict[str, str]]:
    """Fill (d), (e) and (h) box by box (the rule of ``form_8949``); each box's totals."""
    amounts = ("(d) Proceeds", "(e) Cost or other basis", "(h) Gain or (loss)")
    totals, columns = {}, {name: [""] * len(frame) for name in amounts}
    for box, index in sorted(frame.groupby("Box", sort=True).indices.items()):
        d = allocate([proceeds[i] for i in index], cur)
        e = allocate([costs[i] for i in index], cur)
        h = [p - c for p, c in zip(d, e, strict=True)]
        for name, values in zip(columns, (d, e, h), strict=True):
            for i, text in zip(index, _fmt(values), strict=True):
                columns[name][i] = text
        totals[box] = {
            "rows": str(len(index)),
            "proceeds": format(sum(d, ZERO), "f"),
            "cost": format(sum(e, ZERO), "f"),
            "gain": format(total([gains[i] for i in index], cur), "f"),
            "rows_gain": format(sum(h, ZERO), "f"),
        }
    for name, values in columns.items():
        frame[name] = values
    return totals


def turbotax(form: pd.DataFrame) -> pd.DataFrame:
    """TurboTax's gains-and-losses import: one row per Form 8949 row, dates as mm/dd/yyyy."""
    return pd.DataFrame(
        {
            "Currency Name": form["(a) Description"].str.split(" ").str[-1],
            "Purchase Date": form["(b) Date acquired"],
            "Cost Basis": form["(e) Cost or other basis"],
            "Date sold": form["(c) Date sold"],
            "Proceeds": form["(d) Proceeds"],
        }
    )


def disposals(report: Report) -> pd.DataFrame:
    """Every disposal of the year (the UK schedule: with the rule each piece matched)."""
    cur, rows = report.currency, report.rows.disposals
    frame = pd.DataFrame(
        {
            "Date": [d.day.isoformat() for d in rows],
            "Asset": [d.asset for d in rows],
            "Quantity": [_qty(d.quantity) for d in rows],
            "Proceeds": _fmt(allocate([d.proceeds for d in rows], cur)),
            "Allowable cost": _fmt(allocate([d.basis for d in rows], cur)),
            "Gain or loss": _fmt(allocate([d.gain for d in rows], cur)),
            "Term": [d.term for d in rows],
            "Matched by": _rules(report) if report.run.jurisdiction == "uk" else "",
            "Ledger id": [report.rows.ledger_of(d.event_id) for d in rows],
            "Price source": [d.source for d in rows],
        }
    )
    jurisdiction = report.run.jurisdiction
    if jurisdiction != "uk":
        frame = frame.drop(columns=["Matched by"])
    else:  # the Section 104 pool right after each disposal (HMRC CRYPTO22200)
        at = frame.columns.get_loc("Matched by") + 1
        frame.insert(at, POOL_QUANTITY, [_qty_or_blank(d.pool_quantity_after) for d in rows])
        frame.insert(at + 1, POOL_COST, [_money_or_blank(d.pool_cost_after, cur) for d in rows])
    if jurisdiction == "de":  # Anlage SO: held a year or less is taxable, longer exempt
        frame["Anlage SO"] = ["taxable (held <= 1 year)" if d.term == "short" else
                              "exempt (held > 1 year)" for d in rows]  # fmt: skip
    if jurisdiction == "ca":  # Schedule 3: the adjusted cost base and any loss denied
        frame = frame.rename(columns={"Allowable cost": "Adjusted cost base"})
        frame["Superficial loss denied"] = _fmt(
            allocate([d.gain - (d.proceeds - d.basis) for d in rows], cur)
        )
    return frame


#: The UK schedule's pool columns; blank where the run did not record the pool (stored before).
POOL_QUANTITY, POOL_COST = "Pool after: quantity", "Pool after: allowable cost"


def _qty_or_blank(value: Decimal | None) -> str:
    return "" if value is None else _qty(value)


def _money_or_blank(value: Decimal | None, currency: str) -> str:
    if value is None:
        return ""
    return format(value.quantize(unit(currency), rounding=ROUND_HALF_UP), "f")


def _rules(report: Report) -> list[str]:
    """Each disposal's matching rules, from its lot pieces."""
    rules: dict[str, set[str]] = defaultdict(set)
    for event_id, lot_id in zip(
        report.rows.pieces["event_id"].tolist(),
        report.rows.pieces["lot_id"].fillna("").tolist(),
        strict=True,
    ):
        rules[event_id].add(uk_rule(lot_id))
    return ["; ".join(sorted(rules[d.event_id])) for d in report.rows.disposals]


def income(report: Report) -> pd.DataFrame:
    rows = report.rows.income
    return pd.DataFrame(
        {
            "Date": [r[0].date().isoformat() for r in rows],
            "Asset": [r[1] for r in rows],
            "Quantity": [_qty(r[2]) for r in rows],
            "Value": _fmt(allocate([r[3] for r in rows], report.currency)),
            "Type": [r[4] for r in rows],
            "Taxable": ["yes" if r[5] else "no" for r in rows],
            "Price source": [r[6] for r in rows],
            "Ledger id": [r[7] for r in rows],
        }
    )


def open_lots(report: Report) -> pd.DataFrame:
    rows = report.rows.open_lots
    return pd.DataFrame(
        {
            "Asset": [r[0] for r in rows],
            "Wallet": [r[1] for r in rows],
            "Acquired": [r[2].date().isoformat() if r[2] else "unknown" for r in rows],
            "Quantity": [_qty(r[3]) for r in rows],
            "Cost basis": _fmt(allocate([r[4] for r in rows], report.currency)),
            "Lot (acquisition ledger id)": [report.rows.ledger_of(r[5]) for r in rows],
            "Held outside Kraken": ["yes" if r[6] else "" for r in rows],
        }
    )


def audit_trail(report: Report) -> pd.DataFrame:
    """For every disposal, each lot it used: the ledger ids of both ends and the lot's figures
    (the stored amounts, unrounded)."""
    pieces, rows = report.rows.pieces, report.rows
    zone = ZoneInfo(report.settings["time zone"])
    return pd.DataFrame(
        {
            "Disposal ledger id": rows.piece_ledger("event_id"),
            "Engine event": pieces["event_id"],
            "Date sold": local_text(pieces["time"], zone, "%Y-%m-%d", ""),
            "Asset": pieces["asset"],
            "Acquisition ledger id": rows.piece_ledger("lot_id"),
            "Lot": pieces["lot_id"].fillna(""),
            "Acquired": pieces["acquired"].fillna("unknown").str[:10],
            "Quantity": pieces["quantity"].fillna(""),
            "Basis": pieces["basis"].fillna(""),
            "Proceeds": pieces["proceeds"].fillna(""),
            "Gain": pieces["gain"].fillna(""),
        }
    )


def to_csv(frame: pd.DataFrame) -> bytes:
    """The frame as CSV (the csv module over its columns as lists: faster than ``to_csv`` for
    columns of strings, and the same text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.columns)
    columns = [frame[c].fillna("").tolist() for c in frame.columns]
    writer.writerows(zip(*columns, strict=True))
    return buffer.getvalue().encode()


def csv_files(report: Report) -> dict[str, bytes]:
    """Every CSV of the report by file name (the Form 8949 and TurboTax files for the US)."""
    files = {}
    if report.run.jurisdiction == "us":
        form, _totals = form_8949(report)
        files["form_8949.csv"] = to_csv(form)
        files["turbotax_capital_gains.csv"] = to_csv(turbotax(form))
    name = "uk_disposal_schedule.csv" if report.run.jurisdiction == "uk" else "disposals.csv"
    files[name] = to_csv(disposals(report))
    files["income.csv"] = to_csv(income(report))
    files["open_lots.csv"] = to_csv(open_lots(report))
    files["audit_trail.csv"] = to_csv(audit_trail(report))
    return files
