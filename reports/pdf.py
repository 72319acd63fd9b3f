"""The report as a PDF: HTML from templates/reports/pdf/, laid out by WeasyPrint.

Long tables are written here as plain rows (no per-cell classes or styles, a fixed table layout
and a handful of CSS selectors): WeasyPrint lays out tens of thousands of rows in seconds that
way, while a template loop with styled cells takes minutes. Table headers repeat on every page
(``thead``); page headers, footers and numbers are CSS page margin boxes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape

import pandas as pd
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from portfolio.accounting.summary import money
from reports import tables
from reports.charts import bar_chart, line_chart
from reports.content import Report

ZERO = Decimal(0)
FORM_8949_COLUMNS = [
    "(a) Description", "(b) Date acquired", "(c) Date sold", "(d) Proceeds",
    "(e) Cost or other basis", "(h) Gain or (loss)", "Disposal ledger id", "Lot",
]  # fmt: skip
INCOME_COLUMNS = ["Date", "Asset", "Quantity", "Value", "Type", "Price source", "Ledger id"]


def html_rows(rows: Iterable[Sequence[object]]) -> SafeString:
    """``<tr>`` rows of escaped cells, joined once (the fast path for long tables)."""
    cells = ("</td><td>".join(escape(str(c)) for c in row) for row in rows)
    return mark_safe("".join(f"<tr><td>{row}</td></tr>" for row in cells))


def frame_rows(frame: pd.DataFrame, columns: list[str]) -> SafeString:
    return html_rows(frame[columns].itertuples(index=False, name=None))


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
    code = report.run.jurisdiction
    if code == "us":
        form, totals = tables.form_8949(report)
        boxes = []
        for box, box_totals in totals.items():
            part = form[form["Box"] == box]
            rows = frame_rows(part, FORM_8949_COLUMNS)
            boxes.append(
                {"box": box, "part": part["Part"].iloc[0], "totals": box_totals, "rows": rows}
            )
        return {"boxes": boxes}
    frame = tables.disposals(report)
    columns = [c for c in frame.columns if c not in ("Price source",)]
    return {"disposal_columns": columns, "disposal_rows": frame_rows(frame, columns)}


def context_for(report: Report) -> dict:
    values = line_chart([(d, v) for d, v in report.values], width=700, height=180)
    monthly = monthly_gains(report)
    lots = tables.open_lots(report)
    income = tables.income(report)
    return {
        "r": report,
        "s": report.summary,
        "cur": report.currency,
        "zone": report.settings["time zone"],
        "value_chart": values,
        "gain_chart": bar_chart(monthly, width=700, height=180),
        "monthly": monthly,
        "income_types": income_by_type(report),
        "income_rows": frame_rows(income, INCOME_COLUMNS),
        "lot_rows": frame_rows(lots, list(lots.columns)),
        **_jurisdiction_section(report),
    }


def report_html(report: Report) -> str:
    return render_to_string("reports/pdf/report.html", context_for(report))


def report_pdf(report: Report) -> bytes:
    from weasyprint import HTML  # heavy: loaded only where a PDF is written

    return HTML(string=report_html(report)).write_pdf()
