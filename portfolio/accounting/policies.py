"""Policies a user may choose where the law leaves a choice or the records leave a gap.

Rules implemented (each jurisdiction states its default and its source in its module):

* ``UnknownBasis`` - units deposited beyond what is held outside Kraken have no known history.
  A basis and acquisition date the user entered for a deposit (``EnteredBasis``) are used for
  it whatever the policy: they are the user's records. The policy decides the deposits with
  nothing entered: ``ZERO`` books them at zero basis, acquired on the deposit day (the
  conservative rule: no loss is invented; basis must be substantiated by records, IRC 6001, IRS
  VC FAQ Q40); ``MARKET`` at their market value on the deposit day; ``ENTERED`` at zero, marked
  "zero until entered" (so it books as ``ZERO`` does, and says a basis is awaited).
* ``NetworkFee`` - a network fee paid in crypto when withdrawing: ``DISPOSAL`` disposes of the fee
  units at market value (Treas. Reg. 1.1001-7(b)(1)(ii); HMRC CRYPTO22280), ``CARRY`` lets them
  leave the holding with their basis and no proceeds.
* ``ExchangeFee`` - the fee of a crypto-to-crypto trade: ``DISPOSAL`` allocates the whole fee to
  the disposal of the tokens given (Treas. Reg. 1.1001-7(b)(2), T.D. 10000; TCGA 1992 s38(1)(c)),
  ``SPLIT`` shares it half to the disposal's allowable costs and half to the acquisition's cost
  (a just and reasonable apportionment, TCGA 1992 s52(4); BittyTax's default). HMRC gives no
  rule for sharing one fee between the two sides of a swap.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


class UnknownBasis(enum.Enum):
    ZERO = "zero"
    MARKET = "market"
    ENTERED = "entered"


class NetworkFee(enum.Enum):
    DISPOSAL = "disposal"
    CARRY = "carry"


class ExchangeFee(enum.Enum):
    DISPOSAL = "disposal"
    SPLIT = "split"


LABELS: dict[enum.Enum, str] = {
    UnknownBasis.ZERO: "Zero basis, acquired on the deposit day (conservative)",
    UnknownBasis.MARKET: "Market value on the deposit day",
    UnknownBasis.ENTERED: "The basis and date I enter for each deposit (zero until entered)",
    NetworkFee.DISPOSAL: "A disposal of the fee units at market value",
    NetworkFee.CARRY: "The fee units leave with their basis, no proceeds",
    ExchangeFee.DISPOSAL: "The whole fee to the disposal",
    ExchangeFee.SPLIT: "Split half to the disposal, half to the acquisition",
}


def choices(policy: type[enum.Enum]) -> list[tuple[str, str]]:
    """(value, label) pairs for a form or a model field."""
    return [(member.value, LABELS[member]) for member in policy]


@dataclass(frozen=True, slots=True)
class EnteredBasis:
    """What the user knows about the unknown-basis part of one deposit."""

    basis: Decimal
    acquired: datetime
