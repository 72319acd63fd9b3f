"""Per-tax-year sums of the result records, taken over their flat fields (``tables``).

Rule implemented: the figures of ``summary`` (which states the rules: totals, short/long parts
from the lot pieces, gains and losses, taxable income, fees) and the realized PnL per asset. This
module only adds them up, fast and in exactly the order of a record-by-record loop, so that the
rounded (28-digit) sums are the same as that loop's to the last digit: records of one tax year form
runs (they arrive in time order), and each accumulator receives its terms through
``sum(values, start)`` over a run, which adds ``start + v1 + v2 ...`` left to right as the loop
did. A sale whose pieces have both terms ("mixed") splits its run into segments, so the short and
long accumulators still see the records and the pieces in record order. Accumulator rows:
``[proceeds, basis, gain, count, gains, losses, sales]``: ``count`` is the lot pieces (one Form
8949 row each, with its own acquisition date), ``sales`` the disposal events. The pieces of the
records are contiguous in ``uses`` (each record's span starts where the previous one ended), so a
run's pieces are the distance between its first start and its last end. Disposals of fee units
(``reason == "fee"``: network and trade fees paid in crypto) are also summed apart, by term.

``RunningTotals.update`` adds the records appended since its last call: the engine calls it every
few thousand events, while the new records are still in the CPU cache (read back at the end, a
million scattered Decimals cost a cache miss each).
"""

from __future__ import annotations

from decimal import Decimal
from functools import reduce
from itertools import compress, groupby
from operator import sub
from typing import Any

from portfolio.accounting.tables import DISPOSAL_WIDTH, RECORD_WIDTH, USE_WIDTH

ZERO = Decimal(0)
Acc = dict[int, list[Any]]
TERMS = ("short", "long")


def runs(keys: list[Any]) -> list[tuple[Any, int, int]]:
    """``(key, start, end)`` of each run of equal consecutive keys."""
    out, start = [], 0
    for key, group in groupby(keys):
        end = start + len(list(group))
        out.append((key, start, end))
        start = end
    return out


def _row(acc: Acc, year: int) -> list[Any]:
    row = acc.get(year)
    if row is None:
        row = acc[year] = [ZERO, ZERO, ZERO, 0, ZERO, ZERO, 0]
    return row


class RunningTotals:
    """Sums per tax year (``total``, short and long ``parts``, ``income``, ``fees``) and
    ``realized`` gain per asset, over records appended to the engine's flat lists."""

    __slots__ = (
        "has_term",
        "total",
        "parts",
        "fee_total",
        "fee_parts",
        "income",
        "fees",
        "realized",
        "_seen",
    )

    def __init__(self, has_term: bool) -> None:
        self.has_term = has_term
        self.total: Acc = {}
        self.parts: tuple[Acc, Acc] = ({}, {})
        self.fee_total: Acc = {}
        self.fee_parts: tuple[Acc, Acc] = ({}, {})
        self.income: Acc = {}
        self.fees: Acc = {}
        self.realized: dict[str, Decimal] = {}
        self._seen = (0, 0, 0)

    def update(self, disposals: list[Any], uses: list[Any], income: list[Any], fees: list[Any]):
        """Add the complete records appended since the last call (in record order)."""
        seen_d, seen_i, seen_f = self._seen
        if len(disposals) > seen_d:
            new = disposals[seen_d:]
            disposal_totals(new, uses, self.has_term, self.total, self.parts)
            if "fee" in new[13::DISPOSAL_WIDTH]:
                fee_totals(new, uses, self.fee_total, self.fee_parts)
            realized = self.realized
            width = DISPOSAL_WIDTH
            for asset, gain in zip(new[4::width], new[9::width], strict=True):
                realized[asset] = realized.get(asset, ZERO) + gain
        if len(income) > seen_i:
            value_totals(income[seen_i:], 6, self.income, only_if_at=9)  # taxable income only
        if len(fees) > seen_f:
            value_totals(fees[seen_f:], 6, self.fees)
        self._seen = (len(disposals), len(income), len(fees))


def disposal_totals(
    disposals: list[Any], uses: list[Any], has_term: bool, total: Acc, parts: tuple[Acc, Acc]
) -> None:
    """Add to the totals per year, and to the short and the long parts where there are terms."""
    width = DISPOSAL_WIDTH
    proceeds, basis, gains = disposals[7::width], disposals[8::width], disposals[9::width]
    terms, spans = disposals[10::width], (disposals[11::width], disposals[12::width])
    for year, lo, hi in runs(disposals[3::width]):
        fresh = year not in total
        row, run_gains = _row(total, year), gains[lo:hi]
        row[0] = sum(proceeds[lo:hi], row[0])
        row[1] = sum(basis[lo:hi], row[1])
        row[2] = sum(run_gains, row[2])
        row[3] += (spans[1][hi - 1] - spans[0][lo]) // USE_WIDTH  # the run's pieces: contiguous
        row[4] = sum(filter(ZERO.__lt__, run_gains), row[4])
        row[5] = reduce(sub, filter(ZERO.__gt__, run_gains), row[5])
        row[6] += hi - lo
        if not has_term:
            continue
        term = terms[lo]
        if fresh and term in TERMS and terms[lo:hi].count(term) == hi - lo:
            # A whole year of one term: its sums are the same additions as the totals'.
            parts[TERMS.index(term)][year] = [*row[:4], ZERO, ZERO, row[6]]
        else:
            _term_run(year, lo, hi, (proceeds, basis, gains, terms), spans, uses, parts)


def _term_run(
    year: int,
    lo: int,
    hi: int,
    columns: tuple[list[Any], ...],
    spans: tuple[list[Any], list[Any]],
    uses: list[Any],
    accs: tuple[Acc, Acc],
) -> None:
    """One run: segments of single-term records, each segment followed by a mixed record."""
    terms = columns[3]
    mixed = [i for i in range(lo, hi) if terms[i] == "mixed" and spans[0][i] != spans[1][i]]
    start = lo
    for at in [*mixed, hi]:
        if at > start:
            pieces = [n // USE_WIDTH for n in map(sub, spans[1][start:at], spans[0][start:at])]
            _segment(year, start, at, (*columns, pieces), accs)
        if at < hi:
            _mixed(year, uses[spans[0][at] : spans[1][at]], accs)
        start = at + 1


def _segment(year: int, lo: int, hi: int, columns: tuple[list[Any], ...], accs: tuple[Acc, Acc]):
    """Records ``lo:hi`` of one term each; ``columns[4]`` holds their piece counts from ``lo``."""
    proceeds, basis, gains, terms = (column[lo:hi] for column in columns[:4])
    pieces = columns[4]
    for name, acc in zip(TERMS, accs, strict=True):
        mask = [term == name for term in terms]
        count = sum(mask)
        if count:
            row = _row(acc, year)
            row[0] = sum(compress(proceeds, mask), row[0])
            row[1] = sum(compress(basis, mask), row[1])
            row[2] = sum(compress(gains, mask), row[2])
            row[3] += sum(compress(pieces, mask))
            row[6] += count


def _mixed(year: int, span: list[Any], accs: tuple[Acc, Acc]) -> None:
    """The pieces of a sale with both terms: a row each; a sale once in each term it touches."""
    seen = set()
    for *_, basis, proceeds, costs, gain, term in zip(*[iter(span)] * USE_WIDTH, strict=True):
        row = _row(accs[TERMS.index(term)], year)
        row[0] += proceeds
        row[1] += basis + costs
        row[2] += gain
        row[3] += 1
        row[6] += 0 if term in seen else 1
        seen.add(term)


def fee_totals(disposals: list[Any], uses: list[Any], total: Acc, parts: tuple[Acc, Acc]) -> None:
    """Disposals of fee units per year, and by the term of each lot piece where there is one."""
    width = DISPOSAL_WIDTH
    for at in range(0, len(disposals), width):
        if disposals[at + 13] != "fee":
            continue
        year, start, end = disposals[at + 3], disposals[at + 11], disposals[at + 12]
        row = _row(total, year)
        row[0] += disposals[at + 7]
        row[1] += disposals[at + 8]
        row[2] += disposals[at + 9]
        row[3] += (end - start) // USE_WIDTH
        row[6] += 1
        if disposals[at + 10] in TERMS or disposals[at + 10] == "mixed":
            _mixed(year, uses[start:end], parts)


def value_totals(records: list[Any], value_at: int, acc: Acc, only_if_at: int | None = None):
    """Add the sum and count of one field of ``IncomeRecord``/``FeeRecord`` fields per year."""
    width = RECORD_WIDTH
    values = records[value_at::width]
    keep = records[only_if_at::width] if only_if_at is not None else None
    for year, lo, hi in runs(records[3::width]):
        run = values[lo:hi] if keep is None else list(compress(values[lo:hi], keep[lo:hi]))
        if run or keep is None:
            row = _row(acc, year)
            row[0] = sum(run, row[0])
            row[3] += len(run)
