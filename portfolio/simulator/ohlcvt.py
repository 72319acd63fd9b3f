"""Write the simulator's market as Kraken's downloadable OHLCVT file: a zip of CSV files
``<PAIR ALTNAME>_<MINUTES>.csv``, rows ``timestamp,open,high,low,close,volume,trades`` (no header,
no VWAP), only candles with trades and only candles complete by the simulator's clock.
Streams day by day, so years of one-minute candles never sit in memory.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from .assets import PAIRS, Pair, fmt
from .market import DAY, EPOCH_TS, TICKS, Market
from .tape import Row, Totals, totals_of

FILE_INTERVALS = (1, 5, 15, 30, 60, 240, 720, 1440)


def _line(pair: Pair, start: int, t: Totals) -> str:
    p = lambda units: fmt(Decimal(units).scaleb(-pair.pair_decimals), pair.pair_decimals)  # noqa: E731
    volume = fmt(Decimal(t.volume).scaleb(-pair.lot_decimals), pair.lot_decimals)
    return f"{start},{p(t.open)},{p(t.high)},{p(t.low)},{p(t.close)},{volume},{t.count}\n"


def _day_candles(pair: Pair, rows: list[Row], width: int) -> Iterable[tuple[int, Totals]]:
    index = 0
    while index < len(rows):
        start = rows[index][0] // TICKS // width * width
        stop = index
        while stop < len(rows) and rows[stop][0] < (start + width) * TICKS:
            stop += 1
        totals = totals_of(rows[index:stop])
        if totals is not None:
            yield start, totals
        index = stop


def _date(day: int) -> dt.date:
    return dt.datetime.fromtimestamp(EPOCH_TS + day * DAY, dt.UTC).date()


def write_ohlcvt(
    market: Market,
    path: Path,
    *,
    now: int,
    first_day: dt.date,
    last_day: dt.date,
    pairs: Iterable[str] | None = None,
    intervals: Iterable[int] = FILE_INTERVALS,
    only_days: set[dt.date] | None = None,
) -> int:
    """Write candles of days [first_day, last_day] (UTC) complete by ``now`` (ticks); rows.
    ``only_days`` keeps just those days (a small file for tests)."""
    chosen = [PAIRS[p] for p in pairs] if pairs else list(PAIRS.values())
    day0 = (int(dt.datetime.combine(first_day, dt.time(), dt.UTC).timestamp()) - EPOCH_TS) // DAY
    day1 = (int(dt.datetime.combine(last_day, dt.time(), dt.UTC).timestamp()) - EPOCH_TS) // DAY
    written = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for pair in chosen:
            for interval in intervals:
                width = interval * 60
                name = f"{pair.altname}_{interval}.csv"
                with archive.open(name, "w") as raw, io.TextIOWrapper(raw, "ascii") as out:
                    for day in range(max(day0, 0), day1 + 1):
                        if only_days is not None and _date(day) not in only_days:
                            continue
                        start = (EPOCH_TS + day * DAY) * TICKS
                        rows = market.rows_between(pair, start, start + DAY * TICKS, now)
                        for begin, totals in _day_candles(pair, rows, width):
                            if (begin + width) * TICKS <= now:
                                out.write(_line(pair, begin, totals))
                                written += 1
    return written
