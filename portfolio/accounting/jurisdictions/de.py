"""Germany: private sales (privates Veraeusserungsgeschaeft) of crypto held privately.

Rules and sources (EStG; BMF letters "Einzelfragen zur ertragsteuerrechtlichen Behandlung von
virtuellen Waehrungen und von sonstigen Token" of 10 May 2022, BStBl I 2022 S. 668, and
"... bestimmter Kryptowerte" of 6 March 2025, IV C 1 - S 2256/00042/064/043):

* Par. 23 Abs. 1 Satz 1 Nr. 2 EStG: a sale or exchange within one year of acquisition is taxable;
  after more than one year it is tax-free. Counted per par. 108 AO and par. 187, 188 BGB: a sale on
  the anniversary date is still within the year. In the engine's summary ``short_term`` = taxable
  (within a year) and ``long_term`` = exempt (after a year). Currency tokens are "other assets"
  (BFH 14 Feb 2023, IX R 3/22).
* FIFO (par. 23 Abs. 1 Satz 1 Nr. 2 Satz 3 EStG; the BMF letters apply it per wallet - call
  ``compute(per_wallet=True)`` for the walletbezogene Betrachtung).
* Gain = proceeds - acquisition cost - Werbungskosten (fees) (par. 23 Abs. 3 Satz 1 EStG).
* Freigrenze (par. 23 Abs. 3 Satz 5 EStG): the year's net par. 23 result is tax-free if below
  EUR 600 (to 2023) or EUR 1,000 (from 2024, Wachstumschancengesetz of 27 March 2024); at or
  above, all of it is taxable (a cliff, not an allowance).
* Staking rewards: par. 22 Nr. 3 EStG income at market value (Freigrenze below EUR 256); the value
  is the cost of the coins for a later par. 23 sale. Airdrops without consideration: not income,
  zero cost.
* Withdrawals to the user's own wallet are neither Anschaffung nor Veraeusserung: the coins keep
  their acquisition date and cost (the BMF letters' walletbezogene Betrachtung).
* Policies (``policies``), each default with its source:
  - network fee paid in crypto: ``CARRY`` - the fee units leave the holding with their cost and
    no sale is booked. Whether giving tokens for a network fee on a transfer between one's own
    wallets is itself a par. 23 sale (an exchange for a service) is not settled: neither BMF
    letter says so, and no consideration comes back to the owner. ``DISPOSAL`` is offered for
    those who book it as an exchange;
  - deposits of unknown basis: ``ZERO`` - the taxpayer must show the Anschaffungskosten (par. 90
    Abs. 1 AO); without them none are deducted;
  - fee of a crypto-to-crypto trade: ``DISPOSAL`` - the whole fee is a cost of the sale
    (Werbungskosten, par. 23 Abs. 3 Satz 1 EStG).
* Margin and futures: the BMF crypto letters do not address exchange margin or perpetual futures;
  ``margin_rule`` and ``futures_rule`` say what the engine assumes and the nearest authority.
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from portfolio.accounting.jurisdictions.base import Jurisdiction
from portfolio.accounting.policies import ExchangeFee, NetworkFee, UnknownBasis

ZERO = Decimal(0)


def freigrenze(tax_year: int) -> Decimal:
    """The par. 23 exemption limit: EUR 600 through 2023, EUR 1,000 from 2024."""
    return Decimal(1000) if tax_year >= 2024 else Decimal(600)


def taxable_private_sales(net_gain: Decimal, tax_year: int) -> Decimal:
    """The taxable par. 23 amount after the Freigrenze cliff (losses: nothing taxable here)."""
    return ZERO if net_gain < freigrenze(tax_year) else net_gain


def taxable_other_income(total: Decimal) -> Decimal:
    """Par. 22 Nr. 3 income is tax-free below EUR 256 a year, fully taxable at or above."""
    return ZERO if total < Decimal(256) else total


DE = Jurisdiction(
    code="de",
    name="Germany (private individuals)",
    tz=ZoneInfo("Europe/Berlin"),
    default_method="fifo",
    allowed_methods=frozenset({"fifo"}),
    has_term=True,
    exempt_long_term=True,
    label="Germany",
    margin_rule=(
        "Margin positions count as Termingeschaefte: realized PnL less fees is Kapitalertrag "
        "(par. 20 Abs. 2 Satz 1 Nr. 3 EStG, Abgeltungsteuer), not a par. 23 private sale, with "
        "no one-year exemption. The law is unsettled: the BMF letters of 10 May 2022 and "
        "6 March 2025 on crypto do not address exchange margin, and a leveraged spot purchase "
        "may instead be a par. 23 sale; the nearest authority on what a Termingeschaeft is, is "
        "the BMF letter on Einzelfragen zur Abgeltungsteuer of 19 May 2022 (BStBl I 2022 S. 742)."
    ),
    futures_rule=(
        "Futures are Termingeschaefte: realized PnL and funding less fees are Kapitalertraege "
        "(par. 20 Abs. 2 Satz 1 Nr. 3 EStG; BMF letter on Einzelfragen zur Abgeltungsteuer of "
        "19 May 2022); the EUR 20,000 loss-offset cap of par. 20 Abs. 6 Satz 5 EStG was "
        "repealed by the Jahressteuergesetz 2024 for all open cases."
    ),
    fee_reduces_proceeds=True,
    cost_from_value_given=False,
    network_fee=NetworkFee.CARRY,
    unknown_basis=UnknownBasis.ZERO,
    exchange_fee=ExchangeFee.DISPOSAL,
    airdrop_is_income=False,
    extras={"freigrenze": freigrenze, "taxable_private_sales": taxable_private_sales},
)


def tax_year_period(year: int) -> tuple[datetime, datetime]:
    """[start, end) of the tax year that starts in calendar ``year`` (local midnight)."""
    return DE.tax_year_period(year)
