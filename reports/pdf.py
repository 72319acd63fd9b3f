"""The report as a PDF: HTML from templates/reports/pdf/, laid out by WeasyPrint.

Long tables (Form 8949, disposal schedules, income, open lots) are monospace lines in a few
cells (``reports.mono``): WeasyPrint lays out 10,000 rows in seconds that way, against minutes
for a cell per value. Table headers repeat on every page (``thead``); page headers, footers and
numbers are CSS page margin boxes; charts are inline SVG.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation

import pandas as pd
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from portfolio.books import labels, selectors
from portfolio.templatetags.numbers import money, qty
from reports import tables
from reports.charts import bar_chart, line_chart
from reports.content import Report
from reports.mono import mono_table

ZERO = Decimal(0)
FORM_8949_COLUMNS = {
    "(a) Description": "(a) Description", "(b) Date acquired": "(b) Acquired",
    "(c) Date sold": "(c) Sold", "(d) Proceeds": "(d) Proceeds",
    "(e) Cost or other basis": "(e) Cost", "(h) Gain or (loss)": "(h) Gain",
    "Disposal ledger id": "Sale: ledger ids", "Lot": "Acquisition: ledger ids",
}  # fmt: skip
AMOUNTS = ("(d) Proceeds", "(e) Cost or other basis", "(h) Gain or (loss)", "Proceeds",
           "Allowable cost", "Adjusted cost base", "Gain or loss", "Superficial loss denied",
           "Value", "Cost basis", "Quantity", tables.POOL_QUANTITY, tables.POOL_COST)  # fmt: skip
#: Shorter titles where the PDF's monospace lines are tight (the CSV keeps the long ones).
PDF_TITLES = {tables.POOL_QUANTITY: "Pool after", tables.POOL_COST: "Pool cost after"}
INCOME_COLUMNS = ["Date", "Asset", "Quantity", "Value", "Type", "Price source", "Ledger id"]
QUANTITIES = ("Quantity", tables.POOL_QUANTITY)


def readable(frame: pd.DataFrame, currency: str, wallets: dict[str, str]) -> pd.DataFrame:
    """The CSV's plain decimals as the web pages print them ('1,234.50'), wallets by their
    connection's label, sources as sentences; a blank stays blank."""
    shown = frame.copy()
    for name in shown.columns:
        if name in QUANTITIES:
            shown[name] = [qty(v) if v != "" else "" for v in shown[name].tolist()]
        elif name in AMOUNTS:
            shown[name] = [money(v, currency) if v != "" else "" for v in shown[name].tolist()]
        elif name == "Price source":
            shown[name] = [labels.source_text(v) for v in shown[name].tolist()]
        elif name == "Wallet":
            shown[name] = [labels.wallet_text(v, wallets) for v in shown[name].tolist()]
    return shown


def amount_or_text(value: str, currency: str) -> str:
    """An estimate's line: a figure to the currency's minor unit is printed as money; a rate or
    a sentence as it is."""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    places = -number.as_tuple().exponent if number.is_finite() else None  # type: ignore[operator]
    return money(value, currency) if places == (0 if currency == "JPY" else 2) else value


def table(report: Report, frame: pd.DataFrame, columns: list[str] | dict[str, str]) -> SafeString:
    names = columns if isinstance(columns, dict) else {c: c for c in columns}
    shown = readable(frame, report.currency, labels.wallet_labels(user=report.run.user_id))
    return mono_table(shown, names, right=AMOUNTS)


def monthly_gains(report: Report) -> list[tuple[str, Decimal]]:
    """Gains by month of the tax year (pandas: a group-by of the stored disposals)."""
    rows = report.rows.disposals
    if not rows:
        return []
    frame = pd.DataFrame(
        {"month": [d.day.strftime("%Y-%m") for d in rows], "gain": [d.gain for d in rows]}
    )
    sums = frame.groupby("month", sort=True)["gain"].sum()
    return [(month, Decimal(value)) for month, value in sums.items()]


def income_by_type(report: Report) -> list[tuple[str, str]]:
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in report.rows.income:
        sums[row[4]] += row[3]
    return [(kind, money(value, report.currency)) for kind, value in sorted(sums.items())]


def _jurisdiction_section(report: Report) -> dict:
    code, cur = report.run.jurisdiction, report.currency
    if code == "us":
        form, totals = tables.form_8949(report)
        boxes = []
        for box, box_totals in totals.items():
            part = form[form["Box"] == box]
            rows = table(report, part, FORM_8949_COLUMNS)
            shown = {k: v if k == "rows" else money(v, cur) for k, v in box_totals.items()}
            boxes.append({"box": box, "part": part["Part"].iloc[0], "totals": shown, "rows": rows})
        return {"boxes": boxes}
    frame = tables.disposals(report)
    columns = {c: PDF_TITLES.get(c, c) for c in frame.columns if c not in ("Price source",)}
    return {"disposal_rows": table(report, frame, columns)}


def derivatives_tables(report: Report) -> dict:
    """The year's closed margin positions and futures per contract (never disposals)."""
    run, year, cur = report.run, report.year, report.currency
    margin = [
        (m.closed.date().isoformat(), m.pair or m.position, m.side, qty(m.volume),
         money(m.pnl_value, cur), money(m.fees_value, cur), money(m.net_value, cur),
         " ".join(m.ledger_ids))
        for m in selectors.margin_for(run=run, year=year)
    ]  # fmt: skip
    futures = [
        (contract, t.count, money(t.realized_pnl, cur), money(t.funding, cur), money(t.fees, cur),
         money(t.net, cur))
        for contract, t in selectors.futures_by_contract(run=run, year=year)
    ]  # fmt: skip
    return {"margin_rows": margin, "futures_rows": futures}


def context_for(report: Report) -> dict:
    values = line_chart([(d, v) for d, v in report.values], width=700, height=180)
    monthly = monthly_gains(report)
    lots = tables.open_lots(report)
    income = tables.income(report)
    cur = report.currency
    return {
        "r": report,
        "s": report.summary,
        "cur": report.currency,
        "zone": report.settings["time zone"],
        "value_chart": values,
        "gain_chart": bar_chart(monthly, width=700, height=180),
        "monthly": monthly,
        "income_types": income_by_type(report),
        "income_rows": table(report, income, INCOME_COLUMNS),
        "lot_rows": table(report, lots, list(lots.columns)),
        "estimate_lines": [(k, amount_or_text(v, cur)) for k, v in report.estimate.lines],
        "price_sources": [(labels.source_text(s), n) for s, n in report.rows.price_sources],
        **_jurisdiction_section(report),
        **derivatives_tables(report),
    }


def report_html(report: Report) -> str:
    return render_to_string("reports/pdf/report.html", context_for(report))


def report_pdf(report: Report) -> bytes:
    from weasyprint import HTML  # heavy: loaded only where a PDF is written

    return HTML(string=report_html(report)).write_pdf()
