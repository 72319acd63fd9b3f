"""The report's tables as pandas DataFrames of strings, and their CSV files.

Amounts are rounded to the currency's minor unit here, for export only, so that each column's
rounded rows add up exactly to the rounded total the summary prints (the JSON): every row is
rounded down and the cents left over go to the rows with the largest remainders. A Form 8949 row
keeps (h) = (d) - (e): its proceeds and cost are rounded that way, its gain is their difference.
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pandas as pd

from portfolio.accounting.summary import ZERO_DECIMAL_CURRENCIES
from reports.content import Report
from reports.rows import Piece, uk_rule

ZERO = Decimal(0)


def unit(currency: str) -> Decimal:
    return Decimal(1) if currency in ZERO_DECIMAL_CURRENCIES else Decimal("0.01")


def allocate(values: list[Decimal], currency: str) -> list[Decimal]:
    """``values`` rounded to the minor unit so that they add up to their rounded (half-up) sum."""
    if not values:
        return []
    step = unit(currency)
    total = sum(values, ZERO).quantize(step, rounding=ROUND_HALF_UP)
    floors = [v.quantize(step, rounding=ROUND_FLOOR) for v in values]
    left = int((total - sum(floors, ZERO)) / step)  # 0 <= left <= len(values)
    if left:
        order = sorted(range(len(values)), key=lambda i: floors[i] - values[i])[:left]
        for i in order:
            floors[i] += step
    return floors


def _fmt(values: list[Decimal]) -> list[str]:
    return [format(v, "f") for v in values]


def _qty(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


FORM_8949 = [
    "Box", "Part", "(a) Description", "(b) Date acquired", "(c) Date sold", "(d) Proceeds",
    "(e) Cost or other basis", "(f) Code", "(g) Adjustment", "(h) Gain or (loss)",
    "Disposal ledger id", "Lot",
]  # fmt: skip


def form_8949(report: Report) -> tuple[pd.DataFrame, dict[str, dict[str, str]]]:
    """Form 8949 rows (one per lot piece), box by box, and each box's totals (Schedule D)."""
    cur = report.currency
    by_box: dict[str, list[Piece]] = defaultdict(list)
    for piece in report.rows.pieces(report.year, ZoneInfo(report.settings["time zone"])):
        by_box[piece.box].append(piece)
    frames, totals = [], {}
    for box in sorted(by_box):
        pieces = by_box[box]
        proceeds = allocate([p.proceeds for p in pieces], cur)
        costs = allocate([p.cost for p in pieces], cur)
        gains = [p - c for p, c in zip(proceeds, costs, strict=True)]
        frames.append(
            pd.DataFrame(
                {
                    "Box": box,
                    "Part": [p.part for p in pieces],
                    "(a) Description": [p.description for p in pieces],
                    "(b) Date acquired": [p.acquired for p in pieces],
                    "(c) Date sold": [p.sold for p in pieces],
                    "(d) Proceeds": _fmt(proceeds),
                    "(e) Cost or other basis": _fmt(costs),
                    "(f) Code": "",
                    "(g) Adjustment": "",
                    "(h) Gain or (loss)": _fmt(gains),
                    "Disposal ledger id": [p.event_id for p in pieces],
                    "Lot": [p.lot_id for p in pieces],
                }
            )
        )
        totals[box] = {
            "rows": str(len(pieces)),
            "proceeds": format(sum(proceeds, ZERO), "f"),
            "cost": format(sum(costs, ZERO), "f"),
            "gain": format(sum(gains, ZERO), "f"),
        }
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=FORM_8949)
    return frame, totals


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
            "Matched by": _rules(rows) if report.run.jurisdiction == "uk" else "",
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


def _rules(rows) -> list[str]:
    return ["; ".join(sorted({uk_rule(u.get("lot_id", "")) for u in d.lots})) for d in rows]


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
    """For every disposal, each lot it used: the ledger ids of both ends and the lot's figures."""
    out: dict[str, list] = defaultdict(list)
    ledger_of = report.rows.ledger_of
    for d in report.rows.disposals:
        for use in d.lots:
            out["Disposal ledger id"].append(ledger_of(d.event_id))
            out["Engine event"].append(d.event_id)
            out["Date sold"].append(d.day.isoformat())
            out["Asset"].append(d.asset)
            out["Acquisition ledger id"].append(ledger_of(use.get("lot_id", "")))
            out["Lot"].append(use.get("lot_id", ""))
            out["Acquired"].append((use.get("acquired") or "unknown")[:10])
            out["Quantity"].append(use.get("quantity", ""))
            out["Basis"].append(use.get("basis", ""))
            out["Proceeds"].append(use.get("proceeds", ""))
            out["Gain"].append(use.get("gain", ""))
    columns = ["Disposal ledger id", "Engine event", "Date sold", "Asset", "Acquisition ledger id",
               "Lot", "Acquired", "Quantity", "Basis", "Proceeds", "Gain"]  # fmt: skip
    return pd.DataFrame(out, columns=columns)


def to_csv(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
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
