"""Long PDF tables as aligned monospace lines: one table cell holds up to CHUNK rows.

WeasyPrint lays out each table cell with its own text layout, so a 10,000-row, 8-column table
is 80,000 layouts (minutes). Here a row is one line of fixed-width columns and a cell holds
CHUNK lines: the same 10,000 rows are 500 cells, with the column header still repeated on every
page (``thead``). Columns are padded with pandas' vectorised string methods.
"""

from __future__ import annotations

from html import escape

import pandas as pd
from django.utils.safestring import SafeString, mark_safe

CHUNK = 20
GAP = "  "
MAX_WIDTH = 40  # a longer value is cut with "…" (the CSVs hold every value whole)


def _column(values: pd.Series, title: str, right: bool) -> tuple[str, pd.Series]:
    text = values.astype(str)
    longest = int(text.str.len().max()) if len(text) else 0
    width = min(max(longest, len(title)), MAX_WIDTH)
    cut = text.where(text.str.len() <= width, text.str.slice(0, width - 1) + "…")
    side = "left" if right else "right"
    return title.rjust(width) if right else title.ljust(width), cut.str.pad(width, side=side)


def mono_table(
    frame: pd.DataFrame, columns: dict[str, str], *, right: tuple[str, ...] = ()
) -> SafeString:
    """``frame[columns]`` as a one-column table of monospace lines; ``columns`` maps a frame
    column to its printed title; ``right`` columns (amounts) are right-aligned."""
    titles, padded = [], []
    for name, title in columns.items():
        head, values = _column(frame[name], title, name in right)
        titles.append(head)
        padded.append(values)
    header = escape(GAP.join(titles).rstrip())
    if frame.empty:
        body = "<tr><td>(none)</td></tr>"
    else:
        lines = padded[0]
        for values in padded[1:]:
            lines = lines + GAP + values
        lines = lines.str.rstrip().tolist()
        body = "".join(
            "<tr><td>" + escape("\n".join(lines[i : i + CHUNK])) + "</td></tr>"
            for i in range(0, len(lines), CHUNK)
        )
    head = f"<thead><tr><th>{header}</th></tr></thead>"
    return mark_safe(f'<table class="mono">{head}<tbody>{body}</tbody></table>')
