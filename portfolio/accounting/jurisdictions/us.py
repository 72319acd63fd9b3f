"""United States: federal capital gains on digital assets held as property.

Rules and sources (tax_rules.md section 1):

* Property, not currency (Notice 2014-21 Q-1); a sale, an exchange or spending is a disposition.
* Gain = amount realized - adjusted basis. Acquisition fees are in basis (IRS VC FAQ); disposal
  costs reduce the amount realized (Treas. Reg. 1.1001-7(b)(1)(i)); crypto used to pay a cost is
  itself disposed of (1.1001-7(b)(1)(ii)). Crypto-for-crypto: amount realized = FMV received, basis
  of the received asset = its FMV (IRS VC FAQ).
* Holding period begins the day after acquisition; long-term only if the sale date is after the
  calendar anniversary (IRS VC FAQ; J.K. Lasser). 29 Feb anniversaries fall on 28 Feb.
* Lots: FIFO by default (FAQ Q41); specific ID (LIFO/HIFO as standing orders) allowed with timely
  identification. From 1 Jan 2025 identification is wallet by wallet (Treas. Reg. 1.1012-1(j),
  T.D. 10000) - call ``compute(per_wallet=True)``. Average cost is not allowed (1.1012-1(e)).
* Income (staking, Rev. Rul. 2023-14) at FMV on dominion and control; that FMV becomes basis.
  Airdrops are income (Rev. Rul. 2019-24).
* No wash-sale rule for crypto (IRC 1091 covers stock or securities only).
* Form 8949 boxes: C/F (not on a 1099-B) through TY2024; I/L (not on a 1099-DA) from TY2025.
* Policies (``policies``): a network fee paid in crypto is a disposal of the fee units at market
  value (Treas. Reg. 1.1001-7(b)(1)(ii): digital assets used to pay a transaction cost are disposed
  of); deposits of unknown basis get zero basis (basis must be substantiated by records, IRS VC FAQ
  Q40; without them zero is the conservative choice); the whole fee of a
  crypto-to-crypto trade goes to the disposal (final regs 1.1001-7(b)(2), tax_rules.md 1.1).
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
    wallet_by_wallet=True,
    margin_rule=(
        "Realized PnL of a closed margin position is a capital gain or loss in the tax year the "
        "position closes, short term (held one year or less, IRC 1222; crypto is property, IRS "
        "Notice 2014-21 Q-6). Rollover and settlement fees are costs of the position; interest "
        "on the borrowing may instead be investment interest (IRC 163(d), Form 4952)."
    ),
    futures_rule=(
        "Kraken Futures are not regulated futures contracts on a qualified board or exchange "
        "(IRC 1256(g)(1)), so the 60/40 rule does not apply: realized PnL and funding are "
        "capital gain or loss on the termination of the contract (IRC 1234A), fees reduce it."
    ),
    extras={"form_8949_box": form_8949_box},
)


def tax_year_period(year: int) -> tuple[datetime, datetime]:
    """[start, end) of the tax year that starts in calendar ``year`` (local midnight)."""
    return US.tax_year_period(year)
