"""UK capital gains tax for an individual: annual exempt amount and the rates of the tax year.

Rules implemented (TCGA 1992 s1H rates and s1K annual exempt amount, as amended by Finance Act
2023 (AEA) and Finance Act 2025 (rates from 30 October 2024); HMRC "Capital Gains Tax rates and
allowances"):

* Net gains of the tax year = gains less same-year allowable losses (brought-forward losses are out
  of scope). The annual exempt amount (``jurisdictions.uk.ANNUAL_EXEMPT_AMOUNT``) comes off them.
* Rates for cryptoassets ("other assets"): 10% basic / 20% higher through 2023/24; for 2024/25 the
  rates changed for disposals on or after 30 October 2024 to 18% / 24%; 18% / 24% from 2025/26.
* 2024/25 split year: gains are netted per period (a net loss of one period is set against the
  other's gains), and the AEA is set first against the later, higher-rate gains, then against the
  earlier ones - the allocation that saves the most tax, which HMRC's guidance for 2024/25 lets
the taxpayer make (BittyTax does the same).
* ``band`` applies one rate band to the whole taxable gain ("basic" or "higher"); splitting a gain
  across the unused basic-rate band needs the taxpayer's income and is out of scope.

Example UK-TAX-1: a higher-rate taxpayer with gains of GBP 10,000 on 2024-10-01 and GBP 5,000 on
2024-12-01 pays (5,000 - 3,000) x 24% + 10,000 x 20% = GBP 2,480.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from portfolio.accounting.jurisdictions.uk import annual_exempt_amount
from portfolio.accounting.results import EngineResult

ZERO = Decimal(0)
RATE_CHANGE = date(2024, 10, 30)
OLD_RATES = {"basic": Decimal("0.10"), "higher": Decimal("0.20")}
NEW_RATES = {"basic": Decimal("0.18"), "higher": Decimal("0.24")}

Band = Literal["basic", "higher"]


def period_net_gains(result: EngineResult, year: int) -> tuple[Decimal, Decimal]:
    """(net gain before 30 Oct 2024, net gain on or after it) of disposals in tax ``year``."""
    early = late = ZERO
    for record in result.disposals:
        if record.tax_year == year:
            if record.date < RATE_CHANGE:
                early += record.gain
            else:
                late += record.gain
    return early, late


def uk_capital_gains_tax(result: EngineResult, year: int, *, band: Band = "higher") -> Decimal:
    """CGT for the UK tax year starting 6 April ``year`` at one rate band (unrounded)."""
    if result.jurisdiction != "uk":
        raise ValueError("uk_capital_gains_tax needs a result computed for the 'uk' jurisdiction")
    early, late = period_net_gains(result, year)
    if early < ZERO:  # a net loss of one period is set against the other period's gains
        early, late = ZERO, late + early
    elif late < ZERO:
        early, late = early + late, ZERO
    aea = annual_exempt_amount(year)
    late_exempt = min(aea, max(late, ZERO))
    early_exempt = min(aea - late_exempt, max(early, ZERO))
    taxable_early = max(early - early_exempt, ZERO)
    taxable_late = max(late - late_exempt, ZERO)
    return taxable_early * OLD_RATES[band] + taxable_late * NEW_RATES[band]
