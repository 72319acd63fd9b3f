"""The Kraken Futures side of an account: one multi-collateral (``flex``) USD wallet and PF_XBTUSD.

Each fill writes two account-log rows (reference 4.4): the wallet row (``asset`` usd, realized P/L
and fee, ``new_balance = old_balance + realized_pnl - fee``) and the position row (``asset``
pf_xbtusd, old/new signed size and average entry price), both carrying the fill id in ``execution``.
Funding writes a ``funding rate change`` row; transfers with spot write a ``cross-exchange
transfer`` row mirrored by a spot ``transfer`` row (``spottofutures`` / ``spotfromfutures``). Fills
never flip a position through zero, and generation ends with exactly one open position.
"""

from __future__ import annotations

import itertools
from decimal import ROUND_UP, Decimal
from typing import TYPE_CHECKING, Any

from .assets import PAIRS, quantize
from .market import TICKS, day_of_ticks
from .records import FuturesFill, FuturesLogEntry, FuturesPosition

if TYPE_CHECKING:
    from .generator import Generator

SYMBOL = "PF_XBTUSD"
ACCOUNT = "flex"
_TICKS_PER_MS = TICKS // 1000
_MAX_HOLD_MS = 30 * 86_400_000


def _position_change(
    old_size: Decimal, old_avg: Decimal | None, signed: Decimal, price: Decimal
) -> tuple[Decimal, Decimal | None]:
    """Realized P/L and new average entry of a fill; reductions keep the average entry."""
    new_size = old_size + signed
    if old_size and old_avg is not None and (old_size > 0) != (signed > 0):
        pnl = quantize((price - old_avg) * abs(signed) * (1 if old_size > 0 else -1), 8)
        return pnl, old_avg if new_size else None
    weighted = (old_avg or Decimal(0)) * abs(old_size) + price * abs(signed)
    return Decimal(0), quantize(weighted / abs(new_size), 2)


class FuturesBook:
    def __init__(self, g: Generator) -> None:
        self.g = g
        self.usd = Decimal(0)
        self.size = Decimal(0)  # signed: long > 0
        self.avg: Decimal | None = None
        self.opened_ms = 0
        self._ids = itertools.count(1)

    @property
    def ms(self) -> int:
        return self.g.now // _TICKS_PER_MS

    def _price(self) -> Decimal:
        return self.g.market.price_within_day(
            PAIRS["XXBTZUSD"], day_of_ticks(self.g.now), self.g.rng.random()
        )

    def _log(self, **fields: Any) -> FuturesLogEntry:
        entry = FuturesLogEntry(
            id=next(self._ids),
            ms=self.ms,
            booking_uid=self.g.ids.uuid(),
            margin_account=ACCOUNT,
            **fields,
        )
        self.g.truth.futures_log.append(entry)
        return entry

    def transfer(self, g: Generator) -> bool:
        """Move USD between spot and futures (out only while flat)."""
        if self.usd > 200 and self.size == 0 and g.rng.random() < 0.3:
            value = quantize(self.usd * Decimal(f"{g.rng.uniform(0.2, 0.6):.6f}"), 4)
            g.post(
                refid=g.ids.kraken("R"),
                type="transfer",
                subtype="spotfromfutures",
                asset="ZUSD",
                amount=value,
                fee=Decimal(0),
            )
            self._move(-value)
            return True
        if g.spendable("ZUSD") < 200:
            return False
        value = quantize(g.spendable("ZUSD") * Decimal(f"{g.rng.uniform(0.05, 0.25):.6f}"), 2)
        g.post(
            refid=g.ids.kraken("R"),
            type="transfer",
            subtype="spottofutures",
            asset="ZUSD",
            amount=-value,
            fee=Decimal(0),
        )
        self._move(value)
        return True

    def _move(self, value: Decimal) -> None:
        old = self.usd
        self.usd = old + value
        self._log(
            asset="usd", info="cross-exchange transfer", old_balance=old, new_balance=self.usd
        )
        self._sync_truth(None)

    def random_fill(self) -> None:
        if self.usd < 100:
            return
        rng, price = self.g.rng, self._price()
        if self.size and (self.ms - self.opened_ms > _MAX_HOLD_MS or rng.random() < 0.5):
            whole = rng.random() < 0.5 or self.ms - self.opened_ms > _MAX_HOLD_MS
            qty = (
                abs(self.size)
                if whole
                else quantize(abs(self.size) * Decimal(f"{rng.uniform(0.2, 0.8):.4f}"), 4)
            )
            side = "sell" if self.size > 0 else "buy"
        else:
            room = self.usd * 2 / price - abs(self.size)
            qty = quantize(room * Decimal(f"{rng.uniform(0.1, 0.5):.4f}"), 4)
            side = (
                ("buy" if rng.random() < 0.5 else "sell")
                if not self.size
                else ("buy" if self.size > 0 else "sell")
            )
        if qty > 0:
            self.fill(side, qty, price)

    def fill(self, side: str, qty: Decimal, price: Decimal) -> None:
        signed = qty if side == "buy" else -qty
        old_size, old_avg = self.size, self.avg
        new_size = old_size + signed
        pnl, new_avg = _position_change(old_size, old_avg, signed, price)
        if not old_size:
            self.opened_ms = self.ms
        maker = self.g.rng.random() < 0.4
        fee = quantize(price * qty * Decimal("0.0002" if maker else "0.0005"), 8, ROUND_UP)
        fill_id = self.g.ids.uuid()
        mark = quantize(price * Decimal(f"{1 + self.g.rng.uniform(-5e-4, 5e-4):.6f}"), 1)
        self._record_fill(fill_id, side, qty, price, maker)
        common: dict[str, Any] = {
            "info": "futures trade",
            "trade_price": price,
            "mark_price": mark,
            "execution": fill_id,
            "contract": SYMBOL,
        }
        old_usd = self.usd
        self.usd = old_usd + pnl - fee
        self._log(
            asset="usd",
            old_balance=old_usd,
            new_balance=self.usd,
            realized_pnl=pnl,
            fee=fee,
            **common,
        )
        self._log(
            asset=SYMBOL.lower(),
            old_balance=old_size,
            new_balance=new_size,
            old_average_entry_price=old_avg,
            new_average_entry_price=new_avg,
            **common,
        )
        self.size, self.avg = new_size, new_avg
        self._sync_truth(price)

    def _record_fill(
        self, fill_id: str, side: str, qty: Decimal, price: Decimal, maker: bool
    ) -> None:
        self.g.truth.futures_fills.append(
            FuturesFill(
                fill_id=fill_id,
                symbol=SYMBOL,
                side=side,
                order_id=self.g.ids.uuid(),
                size=qty,
                price=price,
                ms=self.ms,
                fill_type="maker" if maker else "taker",
            )
        )

    def funding(self) -> None:
        if not self.size:
            return
        price = self._price()
        rate = Decimal(f"{self.g.rng.uniform(-0.00005, 0.0002):.8f}")
        realized = quantize(-self.size * price * rate, 8)
        old = self.usd
        self.usd = old + realized
        self._log(
            asset="usd",
            info="funding rate change",
            old_balance=old,
            new_balance=self.usd,
            funding_rate=rate,
            realized_funding=realized,
            mark_price=price,
            contract=SYMBOL,
        )
        self._sync_truth(price)

    def finalize(self, g: Generator) -> None:
        """Fund the wallet if needed and leave exactly one open position."""
        if self.usd < 100:
            if g.spendable("ZUSD") < 1_000:
                g.post(
                    refid=g.funding_refid(),
                    type="deposit",
                    subtype="",
                    asset="ZUSD",
                    amount=Decimal(5_000),
                    fee=Decimal(0),
                )
            g.later(60_000, 600_000)
            self.transfer(g) if self.usd >= 200 else self._force_transfer(g)
            g.later(60_000, 600_000)
        if not self.size:
            price = self._price()
            self.fill(
                g.rng.choice(("buy", "sell")),
                max(quantize(self.usd / price, 4), Decimal("0.0001")),
                price,
            )

    def _force_transfer(self, g: Generator) -> None:
        value = quantize(g.spendable("ZUSD") * Decimal("0.2"), 2)
        g.post(
            refid=g.ids.kraken("R"),
            type="transfer",
            subtype="spottofutures",
            asset="ZUSD",
            amount=-value,
            fee=Decimal(0),
        )
        self._move(value)

    def _sync_truth(self, price: Decimal | None) -> None:
        truth = self.g.truth
        truth.futures_balances = {"usd": self.usd}
        if not self.size:
            truth.futures_positions = []
            return
        funding = quantize(-self.size * (price or self.avg or 0) * Decimal("0.00005"), 8)
        truth.futures_positions = [
            FuturesPosition(
                side="long" if self.size > 0 else "short",
                symbol=SYMBOL,
                price=self.avg or Decimal(0),
                ms=self.ms,
                size=abs(self.size),
                unrealized_funding=funding,
            )
        ]
