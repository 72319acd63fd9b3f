"""The year's tax estimate where the jurisdiction's rates are known, each line with its source.

The figures come from the stored summary (``portfolio.accounting.yearly_rules`` put the
exemptions there) and, for the UK, the rates of ``portfolio.accounting.uk_tax`` applied to the
stored disposals. Personal rates (US, DE, CA) depend on the whole return: no amount is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from portfolio.accounting.jurisdictions.uk import ANNUAL_EXEMPT_AMOUNT
from portfolio.accounting.summary import money
from portfolio.accounting.uk_tax import uk_capital_gains_tax

if TYPE_CHECKING:
    from portfolio.books.models import AccountingRun
    from reports.rows import Rows

UK_SOURCE = (
    "TCGA 1992 s3 (annual exempt amount); HMRC 'Capital Gains Tax rates and allowances' "
    "(gov.uk/guidance/rates-and-allowances-capital-gains-tax): 10%/20% to 29 Oct 2024, "
    "18%/24% from 30 Oct 2024"
)
DE_SOURCE = (
    "§ 23 Abs. 3 Satz 5 EStG (Freigrenze for private sales: EUR 600, EUR 1,000 from 2024); "
    "§ 22 Nr. 3 EStG (other income, EUR 256)"
)
CA_SOURCE = "Income Tax Act s38(a): one half of a capital gain is the taxable capital gain"


@dataclass
class TaxEstimate:
    lines: list[tuple[str, str]] = field(default_factory=list)  # (label, amount or text)
    sources: list[str] = field(default_factory=list)
    note: str = ""


def _uk(run: AccountingRun, year: int, summary: dict, rows: Rows) -> TaxEstimate:
    cur = run.base_currency
    aea = ANNUAL_EXEMPT_AMOUNT.get(year)
    est = TaxEstimate(sources=[UK_SOURCE])
    est.lines.append(("Net gains", summary.get("net_gain", summary["disposals"]["gain"])))
    if aea is None:
        est.note = f"No annual exempt amount is recorded for {year}/{year + 1 - 2000:02d}."
        return est
    est.lines += [
        ("Annual exempt amount", money(aea, cur)),
        ("Taxable gain", summary["taxable_gain"]),
    ]
    # the engine's own rate rules, over the stored disposals (local dates for the 2024 split)
    stored = SimpleNamespace(
        jurisdiction="uk",
        disposals=[SimpleNamespace(tax_year=year, date=d.day, gain=d.gain) for d in rows.disposals],
    )
    for band in ("basic", "higher"):
        tax = uk_capital_gains_tax(stored, year, band=band)  # type: ignore[arg-type]
        est.lines.append((f"Capital Gains Tax at the {band} rate", money(tax, cur)))
    est.note = "Splitting a gain across an unused basic-rate band needs your income: not done."
    return est


def _limit(exemption: dict) -> str:
    state = "applies" if exemption.get("applied") else "exceeded"
    return f"{exemption.get('threshold')} ({state})"


def _de(summary: dict) -> TaxEstimate:
    ex, inc = summary.get("exemption", {}), summary.get("income_exemption", {})
    return TaxEstimate(
        lines=[
            ("Private sales within a year (net)", summary["short_term"]["gain"]),
            ("Freigrenze", _limit(ex)),
            ("Taxable private sales", summary.get("taxable_gain", "")),
            ("Other income (staking)", summary["income"]["total"]),
            ("Freigrenze, other income", _limit(inc)),
            ("Taxable other income", summary.get("taxable_income", "")),
        ],
        sources=[DE_SOURCE],
        note="Taxed at your personal income tax rate (§ 32a EStG): no amount is estimated.",
    )  # fmt: skip


def _ca(summary: dict) -> TaxEstimate:
    return TaxEstimate(
        lines=[
            ("Net capital gain", summary["disposals"]["gain"]),
            ("Inclusion rate", summary.get("inclusion_rate", "")),
            ("Taxable capital gain", summary.get("taxable_capital_gain", "")),
        ],
        sources=[CA_SOURCE],
        note="Taxed at your marginal rate with your other income: no amount is estimated.",
    )


def estimate_for(
    *, run: AccountingRun, year: int, summary: dict[str, Any], rows: Rows
) -> TaxEstimate:
    if run.jurisdiction == "uk":
        return _uk(run, year, summary, rows)
    if run.jurisdiction == "de":
        return _de(summary)
    if run.jurisdiction == "ca":
        return _ca(summary)
    return TaxEstimate(
        note="US: gains go to Schedule D and are taxed with the whole return; no estimate here."
    )
