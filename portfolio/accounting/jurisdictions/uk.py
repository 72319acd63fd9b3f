"""United Kingdom: capital gains tax for individuals on cryptoassets.

Rules and sources (HMRC Cryptoassets Manual, "CRYPTO" pages; Capital Gains Manual, "CG"):

* Share matching per token (CRYPTO22200 pooling; TCGA 1992 s104, s105(1), s106A(5)): a disposal
  is matched first with acquisitions on the same day (all same-day acquisitions and disposals
  taken as one, CRYPTO22250, example CRYPTO22252), then with acquisitions in the 30 days after
  (earliest first, earlier disposals first, CRYPTO22253), then with the Section 104 pool at
  average cost (CRYPTO22251). Days are UK calendar days (Europe/London).
* Withdrawals to the user's own wallet are not disposals (the person keeps the tokens; what an
  exchange holds for them is theirs, TCGA 1992 s60); the tokens stay in the pool, which holds
  every token of the kind the person has, wherever held (CRYPTO22200; ``uk_outside``).
* No holding-period distinction.
* Allowable costs include transaction fees (CRYPTO22150, TCGA s38): a disposal fee is an allowable
  cost, not a reduction of proceeds.
* Fees paid in tokens are a disposal of those tokens at market value, and that value is an
  allowable cost of the transaction (CRYPTO22280, TCGA s17(1)(b)).
* Crypto-to-crypto: proceeds = value of the tokens received; cost of the new tokens = value of the
  tokens given up (CRYPTO22257).
* Staking rewards are miscellaneous income at market value (CRYPTO21200); that value is their cost.
  Unconditional airdrops are not income (CRYPTO21250): acquired at zero cost.
* Tax year 6 April to 5 April; annual exempt amount per year below (TCGA 1992 s1K; Finance Act
  2023 lowered it to GBP 6,000 for 2023-24 and GBP 3,000 from 2024-25).
* Policies (``policies``), each default with its source:
  - network fee paid in tokens: ``DISPOSAL`` - tokens given for a service are disposed of at
    market value (CRYPTO22280, TCGA s17(1)(b));
  - deposits of unknown basis: ``ZERO`` - only expenditure the taxpayer can show is allowable
    (TCGA s38; records: TMA 1970 s12B);
  - fee of a crypto-to-crypto trade: ``DISPOSAL`` - the whole fee is an incidental cost of the
    disposal (TCGA s38(1)(c), s38(2); CRYPTO22150). HMRC gives no rule for sharing one fee
    between the disposal and the acquisition of a swap: the law is unsettled here. ``SPLIT``
    shares it half to each, as a just and reasonable apportionment of expenditure that serves
    two assets (TCGA s52(4)); it is BittyTax's default.
* Margin and futures: the Cryptoassets Manual does not address exchange margin or perpetual
  futures; ``margin_rule`` and ``futures_rule`` say what the engine assumes and the nearest
  authority.
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
        "Realized PnL of a closed margin position counts as a chargeable gain or allowable loss "
        "in the tax year it closes, fees as allowable costs. HMRC's Cryptoassets Manual does "
        "not address exchange margin, so the law is unsettled; the nearest authority treats "
        "closing out a futures contract or a contract for differences as a disposal (TCGA 1992 "
        "s143; HMRC Capital Gains Manual, futures and contracts for differences, CG56000 on)."
    ),
    futures_rule=(
        "Cash-settled futures: closing out the contract is a disposal, its PnL and funding a "
        "chargeable gain or allowable loss, fees allowable costs (TCGA 1992 s143(5)). HMRC has "
        "not addressed perpetual crypto futures, so for them this is the nearest authority, not "
        "a settled rule; a trader may instead be taxed on trading income."
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
