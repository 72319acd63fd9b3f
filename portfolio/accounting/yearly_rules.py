"""Year-level rules: exemptions, allowances and inclusion rates applied to a tax year's totals.

Rules implemented (each keyed to the summary's existing totals, nothing recomputed):

* DE - Freigrenze for private sales (par. 23 Abs. 3 Satz 5 EStG): the year's net par. 23 result
  (gains and losses of units sold within one year, i.e. ``short_term.gain``, netted, before any
  carry-forward) is tax-free if it is *below* EUR 600 (to 2023) or EUR 1,000 (from 2024, the
  Wachstumschancengesetz); at or above the limit all of it is taxable - a cliff, not an allowance.
  A net loss is nothing taxable (its carry-forward is out of scope). Other income (par. 22 Nr. 3,
  staking) has its own Freigrenze: tax-free below EUR 256, fully taxable at or above (par. 22
  Nr. 3 Satz 2 EStG).
* UK - annual exempt amount (TCGA 1992 s1K; amounts per tax year in ``jurisdictions.uk``): set
  against the year's net gains (gains less same-year allowable losses);
  ``taxable_gain`` = max(0, net - AEA); an unused AEA is lost; brought-forward losses are out
  of scope. A year without a recorded AEA gives ``null``.
* CA - inclusion rate (ITA s38): 1/2 of the year's net capital gain is the taxable capital gain
  (the 2/3 proposal was cancelled on 21 Mar 2025); a net loss gives zero.
* US has no year-level exemption here (the $3,000 loss limit needs the whole return).

``money`` strings are the export format of ``summary`` (half-up to the minor unit).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from portfolio.accounting.jurisdictions.ca import INCLUSION_RATE
from portfolio.accounting.jurisdictions.de import freigrenze
from portfolio.accounting.jurisdictions.uk import ANNUAL_EXEMPT_AMOUNT
from portfolio.accounting.results import YearSummary

ZERO = Decimal(0)
#: Par. 22 Nr. 3 EStG: other income is tax-free below this amount a year.
DE_OTHER_INCOME_FREIGRENZE = Decimal(256)

Money = Callable[[Decimal, str], str]


def freigrenze_lines(
    amount: Decimal, threshold: Decimal, money: Money, cur: str
) -> tuple[str, dict[str, Any]]:
    """(taxable amount, exemption dict) under a Freigrenze: below it nothing, at or above all."""
    applied = amount < threshold
    taxable = ZERO if applied or amount < ZERO else amount
    exemption = {"kind": "freigrenze", "threshold": money(threshold, cur), "applied": applied}
    return money(taxable, cur), exemption


def de_lines(summary: YearSummary, money: Money, cur: str) -> dict[str, Any]:
    taxable, exemption = freigrenze_lines(
        summary.short_term.gain, freigrenze(summary.year), money, cur
    )
    income, income_exemption = freigrenze_lines(
        summary.income_total, DE_OTHER_INCOME_FREIGRENZE, money, cur
    )
    return {
        "taxable_gain": taxable,
        "exemption": exemption,
        "taxable_income": income,
        "income_exemption": income_exemption,
    }


def uk_lines(summary: YearSummary, money: Money, cur: str) -> dict[str, Any]:
    net = summary.disposals.gain
    aea = ANNUAL_EXEMPT_AMOUNT.get(summary.year)
    return {
        "gains": money(summary.gains, cur),
        "losses": money(summary.losses, cur),
        "net_gain": money(net, cur),
        "annual_exempt_amount": None if aea is None else money(aea, cur),
        "taxable_gain": None if aea is None else money(max(ZERO, net - aea), cur),
    }


def ca_lines(summary: YearSummary, money: Money, cur: str) -> dict[str, Any]:
    net = summary.disposals.gain
    return {
        "inclusion_rate": str(INCLUSION_RATE),
        "taxable_capital_gain": money(max(ZERO, net) * INCLUSION_RATE, cur),
    }


#: Extra summary keys per jurisdiction code (the existing keys never change).
YEAR_RULES: dict[str, Callable[[YearSummary, Money, str], dict[str, Any]]] = {
    "de": de_lines,
    "uk": uk_lines,
    "ca": ca_lines,
}
