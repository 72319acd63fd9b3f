"""Canada: capital gains on crypto as identical properties (adjusted cost base).

Rules and sources (tax_rules.md section 4):

* Average cost / ACB (ITA s47; canada.ca "Identical properties"): cost of a sale = pool ACB x units
  sold / units held; the per-unit ACB changes only on acquisitions. Acquisition costs are in the
  ACB;
  outlays and expenses of disposition reduce the gain.
* Crypto-to-crypto is a barter disposition at fair market value in CAD.
* Superficial loss (ITA s54; CRA "What is a superficial loss"): a loss is denied when identical
  property is acquired in the 61-day window from 30 days before to 30 days after the sale and is
  still
  held 30 days after. Denied part = loss x min(S, P, B) / S (S units sold, P units acquired in the
  window, B units held at its end); it is added to the ACB of the units still held.
* No holding-period distinction; 1/2 inclusion rate (the 2/3 proposal was cancelled 21 Mar 2025).
* Calendar tax year.
* Policies (``policies``): a network fee paid in crypto is a disposition at fair market value
  (CRA "Guide for cryptoasset users": using crypto to pay for a service is a disposition);
  deposits of unknown basis get zero ACB (conservative: ITA s230 records); the whole trade fee is
  an outlay of the disposition (ITA s40(1)(a)(i)).
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from portfolio.accounting.jurisdictions.base import Jurisdiction
from portfolio.accounting.policies import ExchangeFee, NetworkFee, UnknownBasis

INCLUSION_RATE = Decimal("0.5")

CA = Jurisdiction(
    code="ca",
    name="Canada (individuals)",
    tz=ZoneInfo("America/Toronto"),
    default_method="average",
    allowed_methods=frozenset({"average"}),
    has_term=False,
    fee_reduces_proceeds=True,
    cost_from_value_given=False,
    network_fee=NetworkFee.DISPOSAL,
    unknown_basis=UnknownBasis.ZERO,
    exchange_fee=ExchangeFee.DISPOSAL,
    airdrop_is_income=True,
    superficial_loss=True,
    label="Canada",
    margin_rule=(
        "Realized PnL of a closed margin position is a capital gain or loss (1/2 included) in "
        "the year it closes, unless trading is a business (then income); CRA IT-346R lets a "
        "speculator report on capital account if done consistently."
    ),
    futures_rule=(
        "Futures PnL and funding are capital gains or losses on capital account if reported so "
        "consistently (CRA IT-346R, Commodity futures), otherwise business income; fees reduce "
        "the gain."
    ),
    extras={"inclusion_rate": lambda: INCLUSION_RATE},
)


def tax_year_period(year: int) -> tuple[datetime, datetime]:
    """[start, end) of the tax year that starts in calendar ``year`` (local midnight)."""
    return CA.tax_year_period(year)
