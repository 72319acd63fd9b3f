"""United Kingdom: capital gains tax for individuals on cryptoassets.

Rules and sources (tax_rules.md section 2):

* Share matching per token (HMRC CRYPTO22200; TCGA 1992 s104, s105, s106A(5)): a disposal is
  matched first with acquisitions on the same day (all same-day acquisitions and disposals taken as
  one), then with acquisitions in the 30 days after (earliest first, earlier disposals first), then
  with the Section 104 pool at average cost. Days are UK calendar days (Europe/London).
* No holding-period distinction.
* Allowable costs include transaction fees (CRYPTO22150, TCGA s38): a disposal fee is an allowable
  cost, not a reduction of proceeds.
* Fees paid in tokens are a disposal of those tokens at market value, and that value is an
  allowable cost of the transaction (CRYPTO22280, TCGA s17(1)(b)).
* Crypto-to-crypto: proceeds = value of the tokens received; cost of the new tokens = value of the
  tokens given up (CRYPTO22257).
* Staking rewards are miscellaneous income at market value (CRYPTO21200); that value is their cost.
  Unconditional airdrops are not income (CRYPTO21250): acquired at zero cost.
* Tax year 6 April to 5 April; annual exempt amount per year below (Finance Acts; tax_rules 2.1).
* Policies (``policies``): a network fee paid in tokens is a disposal of those tokens at market
  value (CRYPTO22280, TCGA s17(1)(b)); deposits of unknown basis get zero basis (no allowable cost
  can be claimed without evidence, TCGA s38; conservative); the fee of a crypto-to-crypto trade
  goes wholly to the disposal by default (CRYPTO22150 lists transaction fees as allowable costs of
  the disposal), and the user may split it half to the acquisition (CRYPTO22150 also allows costs
  incurred wholly and exclusively to acquire the new tokens; BittyTax's default).
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from portfolio.accounting.jurisdictions.base import Jurisdiction
from portfolio.accounting.policies import ExchangeFee, NetworkFee, UnknownBasis

#: Annual exempt amount for individuals, keyed by the calendar year the tax year starts in.
ANNUAL_EXEMPT_AMOUNT: dict[int, Decimal] = {
    2019: Decimal(12000),
    2020: Decimal(12300),
    2021: Decimal(12300),
    2022: Decimal(12300),
    2023: Decimal(6000),
    2024: Decimal(3000),
    2025: Decimal(3000),
    2026: Decimal(3000),
}


def annual_exempt_amount(tax_year: int) -> Decimal:
    """The individual's AEA for the tax year starting 6 April ``tax_year``."""
    try:
        return ANNUAL_EXEMPT_AMOUNT[tax_year]
    except KeyError:
        raise KeyError(f"no annual exempt amount recorded for UK tax year {tax_year}") from None


UK = Jurisdiction(
    code="uk",
    name="United Kingdom (individuals)",
    tz=ZoneInfo("Europe/London"),
    default_method="uk",
    allowed_methods=frozenset({"uk"}),
    year_start=(4, 6),
    label="United Kingdom",
    margin_rule=(
        "Realized PnL of a closed margin position is a chargeable gain or allowable loss in the "
        "tax year it closes, fees as allowable costs (TCGA 1992 s143: closing out a futures "
        "contract is a disposal; HMRC Capital Gains Manual CG56100 contracts for differences) "
        "[UNCONFIRMED: the Cryptoassets Manual does not address exchange margin]."
    ),
    futures_rule=(
        "Cash-settled futures: the close-out is a disposal of the contract, its PnL and funding "
        "a chargeable gain or allowable loss, fees allowable costs (TCGA 1992 s143(5); HMRC "
        "CG56000 onward) [UNCONFIRMED for perpetual contracts]."
    ),
    has_term=False,
    fee_reduces_proceeds=False,
    cost_from_value_given=True,
    network_fee=NetworkFee.DISPOSAL,
    unknown_basis=UnknownBasis.ZERO,
    exchange_fee=ExchangeFee.DISPOSAL,
    airdrop_is_income=False,
    extras={"annual_exempt_amount": annual_exempt_amount},
)


def tax_year_period(year: int) -> tuple[datetime, datetime]:
    """[start, end) of the tax year that starts in calendar ``year`` (local midnight)."""
    return UK.tax_year_period(year)
