"""Canada: capital gains on crypto as identical properties (adjusted cost base).

Rules and sources (Income Tax Act, "ITA"; CRA pages on canada.ca):

* Average cost / ACB (ITA s47; CRA "Identical properties"): cost of a sale = pool ACB x units
  sold / units held; the per-unit ACB changes only on acquisitions. Acquisition costs are in the
  ACB; outlays and expenses of disposition reduce the gain (ITA s40(1)(a)(i)).
* Crypto-to-crypto is a barter disposition at fair market value in CAD (CRA "Guide for
  cryptoasset users").
* Superficial loss (ITA s54; CRA "What is a superficial loss"): a loss is denied when identical
  property is acquired in the 61-day window from 30 days before to 30 days after the sale and is
  still held 30 days after. Denied part = loss x min(S, P, B) / S (S units sold, P units
  acquired in the window, B units held at its end: the proration the CRA applies to the s54
  definition); it is added to the ACB of the units still held (ITA s53(1)(f)).
* No holding-period distinction; 1/2 inclusion rate (ITA s38(a); the 2/3 proposal was cancelled
  on 21 March 2025).
* Calendar tax year.
* Withdrawals to the user's own wallet are not dispositions (no change of beneficial ownership,
  ITA s248(1) "disposition" (e)); the units leave the ACB pool at its average cost and come
  back at that cost (``outside``).
* Policies (``policies``), each default with its source:
  - network fee paid in crypto: ``DISPOSAL`` - using cryptoassets to pay for a good or service
    is a disposition at fair market value (CRA "Guide for cryptoasset users");
  - deposits of unknown basis: ``ZERO`` - the taxpayer must keep records that establish cost
    (ITA s230(1)); without them no ACB is claimed;
  - fee of a crypto-to-crypto trade: ``DISPOSAL`` - the whole fee is an outlay or expense of the
    disposition (ITA s40(1)(a)(i)).
* Margin and futures: the CRA has published nothing on crypto margin or perpetual futures;
  ``margin_rule`` and ``futures_rule`` say what the engine assumes and the nearest authority.
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
        "Realized PnL of a closed margin position counts as a capital gain or loss (1/2 "
        "included) in the year it closes, unless the trading is a business (then income). The "
        "CRA has published nothing on crypto margin, so this is the nearest authority: "
        "Interpretation Bulletin IT-346R (Commodity futures and certain commodities) lets a "
        "speculator report on capital account if done consistently."
    ),
    futures_rule=(
        "Futures PnL and funding count as capital gains or losses on capital account if "
        "reported so consistently (CRA IT-346R, Commodity futures and certain commodities), "
        "otherwise business income; fees reduce the gain. The CRA has not addressed perpetual "
        "crypto futures: IT-346R is the nearest authority, not a settled rule."
    ),
    extras={"inclusion_rate": lambda: INCLUSION_RATE},
)


def tax_year_period(year: int) -> tuple[datetime, datetime]:
    """[start, end) of the tax year that starts in calendar ``year`` (local midnight)."""
    return CA.tax_year_period(year)
