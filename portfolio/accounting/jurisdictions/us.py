"""United States: federal capital gains on digital assets held as property.

Rules and sources:

* Property, not currency (IRS Notice 2014-21, Q-1); a sale, an exchange or spending is a
  disposition (IRS "Frequently asked questions on virtual currency transactions", "VC FAQ").
* Gain = amount realized - adjusted basis (IRC 1001(a)). Acquisition fees are in basis (IRS VC
  FAQ: basis includes "fees, commissions and other acquisition costs"); disposal costs reduce
  the amount realized (Treas. Reg. 1.1001-7(b)(1)(i), T.D. 10000); digital assets used to pay a
  cost are themselves disposed of (1.1001-7(b)(1)(ii)).
  Crypto-for-crypto: amount realized = FMV received, basis of the received asset = its FMV (IRS VC
  FAQ, exchanges for other property).
* Holding period begins the day after acquisition; long-term only if the sale date is after the
  calendar anniversary (IRC 1222; IRS VC FAQ; Rev. Rul. 66-7). No IRS text addresses a 29 Feb
  acquisition: its anniversary is taken as 28 Feb (a convention, the nearest reading of 66-7).
* Lots: FIFO by default (IRS VC FAQ Q41); specific identification (LIFO/HIFO as standing orders)
  with timely identification (Q39-Q40). From 1 Jan 2025 identification is wallet by wallet
  (Treas. Reg. 1.1012-1(j), T.D. 10000; transition: Rev. Proc. 2024-28, Notice 2025-7) - call
  ``compute(per_wallet=True)``. Average basis is only for RIC and DRIP stock (1.1012-1(e)).
* Income (staking, Rev. Rul. 2023-14) at FMV on dominion and control; that FMV becomes basis.
  Airdrops are income (Rev. Rul. 2019-24).
* No wash-sale rule for crypto: IRC 1091 covers stock or securities only.
* Form 8949 boxes: C/F (not on a 1099-B) through TY2024; I/L (not on a 1099-DA) from TY2025
  (Instructions for Form 8949, 2025).
* Policies (``policies``), each default with its source:
  - network fee paid in crypto: ``DISPOSAL`` - digital assets used to pay a transaction cost are
    disposed of at their fair market value (Treas. Reg. 1.1001-7(b)(1)(ii));
  - deposits of unknown basis: ``ZERO`` - basis must be shown by records (IRC 6001, Treas. Reg.
    1.6001-1(a); IRS VC FAQ Q40); without them none can be claimed;
  - fee of a crypto-to-crypto trade: ``DISPOSAL`` - the final regulations allocate the whole
    digital asset transaction cost of an exchange of digital assets to the digital assets
    disposed of (Treas. Reg. 1.1001-7(b)(2), T.D. 10000, 2024; the 2023 proposed regulations had
    split it half and half).
* Margin and futures: the IRS has published no guidance on exchange margin or on perpetual
  futures in digital assets; ``margin_rule`` and ``futures_rule`` say what the engine assumes and
  the nearest authority.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from portfolio.accounting.jurisdictions.base import Jurisdiction, Term
from portfolio.accounting.policies import ExchangeFee, NetworkFee, UnknownBasis


def form_8949_box(
    term: Term, tax_year: int, *, on_1099: bool = False, basis_reported: bool = False
) -> str:
    """The Form 8949 box for a self-tracked (or broker-reported) row."""
    if tax_year >= 2025:
        boxes = ("G", "H", "I") if term == "short" else ("J", "K", "L")
    else:
        boxes = ("A", "B", "C") if term == "short" else ("D", "E", "F")
    if on_1099:
        return boxes[0] if basis_reported else boxes[1]
    return boxes[2]


def form_8949_part(term: Term) -> str:
    return "I" if term == "short" else "II"


US = Jurisdiction(
    code="us",
    name="United States (federal)",
    tz=ZoneInfo("America/New_York"),
    default_method="fifo",
    allowed_methods=frozenset({"fifo", "lifo", "hifo"}),
    has_term=True,
    fee_reduces_proceeds=True,
    cost_from_value_given=False,
    network_fee=NetworkFee.DISPOSAL,
    unknown_basis=UnknownBasis.ZERO,
    exchange_fee=ExchangeFee.DISPOSAL,
    airdrop_is_income=True,
    per_wallet_from=date(2025, 1, 1),
    label="United States",
    pieces_label="Form 8949 rows",
    wallet_by_wallet=True,
    margin_rule=(
        "Realized PnL of a closed margin position counts as a capital gain or loss in the tax "
        "year the position closes, short term (held one year or less, IRC 1222; digital assets "
        "are property, IRS Notice 2014-21). Rollover and settlement fees are costs of the "
        "position. The IRS has published no guidance on exchange margin in digital assets, so "
        "this is the general rule for closing a position in property (IRC 1001, 1234A), not a "
        "ruling; interest on the borrowing may instead be investment interest (IRC 163(d))."
    ),
    futures_rule=(
        "Kraken Futures are not regulated futures contracts traded on a qualified board or "
        "exchange (IRC 1256(g)(1), (g)(7)), so the 60/40 rule does not apply. Realized PnL and "
        "funding count as capital gain or loss on the termination of the contract (IRC 1234A), "
        "fees reduce it. The law is unsettled: the IRS has not ruled on perpetual futures, and "
        "funding may instead be a periodic payment under a notional principal contract, which "
        "is ordinary (Treas. Reg. 1.446-3)."
    ),
    extras={"form_8949_box": form_8949_box},
)


def tax_year_period(year: int) -> tuple[datetime, datetime]:
    """[start, end) of the tax year that starts in calendar ``year`` (local midnight)."""
    return US.tax_year_period(year)
