"""Funding, staking and earn events of a simulated account; each posts ledger rows via ``g.post``.

Ledger types and subtypes follow reference 3.5: staking moves before the 2023-11-15 migration are
``transfer`` pairs (spottostaking/stakingfromspot and back) into ``.S``/``.M`` assets with
``staking`` rewards; the migration moves ``.S``/``.M`` balances back as ``earn/migration``; earn
products (``.F``, ``.B``) use ``earn`` allocation/deallocation/reward at any time. Each event
returns False when the account cannot afford it, and the loop then books a deposit instead.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from .assets import EARN, FIAT, STAKING, STAKING_REWARD_ASSET, WITHDRAWAL_FEES, amount, quantize
from .margin_events import finalize_margin, margin_open
from .market import DAY, TICKS
from .open_orders import open_orders_finalize
from .trade_events import instant_buy, spot_trade

if TYPE_CHECKING:
    from .generator import Generator

_CRYPTO_DEPOSITS = {
    "XXBT": (0.01, 0.5),
    "XETH": (0.1, 5.0),
    "DOT": (5.0, 200.0),
    "SOL": (1.0, 50.0),
}


def _u(g: Generator, low: float, high: float) -> Decimal:
    return Decimal(f"{g.rng.uniform(low, high):.6f}")


def deposit_fiat(g: Generator) -> bool:
    asset = g.rng.choices(FIAT, weights=(50, 35, 15))[0]
    value = Decimal(g.rng.randint(250, 20_000)) + Decimal(g.rng.randint(0, 99)) / 100
    fee = Decimal("0") if g.rng.random() < 0.9 else quantize(value * Decimal("0.001"), 2)
    g.post(refid=g.funding_refid(), type="deposit", subtype="", asset=asset, amount=value, fee=fee)
    return True


def deposit_crypto(g: Generator) -> bool:
    asset = g.rng.choice(sorted(_CRYPTO_DEPOSITS))
    value = amount(asset, _u(g, *_CRYPTO_DEPOSITS[asset]))
    g.post(
        refid=g.funding_refid(),
        type="deposit",
        subtype="",
        asset=asset,
        amount=value,
        fee=Decimal(0),
    )
    return True


def kfee_credit(g: Generator) -> bool:
    """Fee credits arrive as a KFEE deposit (1000 KFEE = 10 USD of fees)."""
    credits = Decimal(g.rng.choice((500, 1000, 2000)))
    g.post(
        refid=g.ids.kraken("Q"),
        type="deposit",
        subtype="",
        asset="KFEE",
        amount=credits,
        fee=Decimal(0),
    )
    return True


def withdrawal(g: Generator) -> bool:
    """A withdrawal with its network/bank fee; 1 in 25 fails and is reversed (negative fee)."""
    choices = [a for a, f in WITHDRAWAL_FEES.items() if g.spendable(a) > f * 4 + Decimal("0.001")]
    if not choices:
        return False
    asset = g.rng.choice(choices)
    fee = WITHDRAWAL_FEES[asset]
    value = amount(asset, (g.spendable(asset) - fee) * _u(g, 0.1, 0.5))
    if value <= 0:
        return False
    refid = g.funding_refid()
    g.post(refid=refid, type="withdrawal", subtype="", asset=asset, amount=-value, fee=fee)
    if g.rng.random() < 0.04:
        g.later(60_000, 600_000)
        g.post(refid=refid, type="withdrawal", subtype="", asset=asset, amount=value, fee=-fee)
    return True


def stake(g: Generator) -> bool:
    """Before the migration: transfer pair spot asset -> staking asset (two refids)."""
    bases = [b for b in sorted(STAKING) if g.spendable(b) > Decimal("0.01")]
    if g.migrated or not bases:
        return False
    base = g.rng.choice(bases)
    value = amount(base, g.spendable(base) * _u(g, 0.1, 0.5))
    _transfer_pair(g, ("spottostaking", base), ("stakingfromspot", STAKING[base]), value)
    return True


def _transfer_pair(
    g: Generator, out: tuple[str, str], into: tuple[str, str], value: Decimal
) -> None:
    """A pre-migration staking move: two transfer rows with their own refids, moments apart."""
    for (subtype, asset), signed in ((out, -value), (into, value)):
        if signed > 0:
            g.later(1_000, 120_000)
        g.post(
            refid=g.ids.kraken("R"),
            type="transfer",
            subtype=subtype,
            asset=asset,
            amount=signed,
            fee=Decimal(0),
        )


def unstake(g: Generator) -> bool:
    pairs = [(b, s) for b, s in sorted(STAKING.items()) if s != "ETH2.S" and g.spendable(s) > 0]
    if g.migrated or not pairs:
        return False
    base, staked = g.rng.choice(pairs)
    value = amount(staked, g.spendable(staked) * _u(g, 0.2, 0.8))
    if value <= 0:
        return False
    _transfer_pair(g, ("stakingtospot", staked), ("spotfromstaking", base), value)
    return True


def staking_reward(g: Generator) -> bool:
    """``staking`` rewards on .S/.M (ETH2.S pays in ETH2); after the migration ``earn/reward``."""
    if g.migrated:
        options = [(a, a, "earn", "reward") for a in ("DOT", "XXBT") if g.balance(a) > 0]
        if g.balance("ETH2.S") > 0:
            options.append(("ETH2.S", "ETH2", "staking", ""))
    else:
        options = [
            (s, STAKING_REWARD_ASSET[s], "staking", "")
            for s in sorted(STAKING.values())
            if g.balance(s) > 0
        ]
    if not options:
        return False
    source, asset, type_, subtype = g.rng.choice(options)
    value = amount(asset, g.balance(source) * _u(g, 0.0003, 0.002))
    if value <= 0:
        return False
    g.post(
        refid=g.ids.kraken("R"),
        type=type_,
        subtype=subtype,
        asset=asset,
        amount=value,
        fee=Decimal(0),
    )
    return True


def migrate(g: Generator) -> None:
    """Move .S/.M balances back to their spot asset as an ``earn/migration`` pair (ETH2.S stays)."""
    g.migrated = True
    for base, staked in sorted(STAKING.items()):
        held = g.balance(staked)
        if staked == "ETH2.S" or held <= 0:
            continue
        refid = g.ids.kraken("R")
        g.post(
            refid=refid,
            type="earn",
            subtype="migration",
            asset=staked,
            amount=-held,
            fee=Decimal(0),
        )
        g.post(
            refid=refid, type="earn", subtype="migration", asset=base, amount=held, fee=Decimal(0)
        )


def earn_allocate(g: Generator) -> bool:
    bases = [b for b in sorted(EARN) if g.spendable(b) > Decimal("0.01")]
    if not bases:
        return False
    base = g.rng.choice(bases)
    value = amount(base, g.spendable(base) * _u(g, 0.2, 0.6))
    refid = g.ids.kraken("R")
    g.post(
        refid=refid, type="earn", subtype="allocation", asset=base, amount=-value, fee=Decimal(0)
    )
    g.post(
        refid=refid,
        type="earn",
        subtype="allocation",
        asset=EARN[base],
        amount=value,
        fee=Decimal(0),
    )
    return True


def earn_deallocate(g: Generator) -> bool:
    pairs = [(b, e) for b, e in sorted(EARN.items()) if g.spendable(e) > 0]
    if not pairs:
        return False
    base, earned = g.rng.choice(pairs)
    value = amount(earned, g.spendable(earned) * _u(g, 0.3, 1.0))
    if value <= 0:
        return False
    refid = g.ids.kraken("R")
    g.post(
        refid=refid,
        type="earn",
        subtype="deallocation",
        asset=earned,
        amount=-value,
        fee=Decimal(0),
    )
    g.post(
        refid=refid, type="earn", subtype="deallocation", asset=base, amount=value, fee=Decimal(0)
    )
    return True


def earn_reward(g: Generator) -> bool:
    held = [e for e in sorted(EARN.values()) if g.balance(e) > 0]
    if not held:
        return False
    asset = g.rng.choice(held)
    value = amount(asset, g.balance(asset) * _u(g, 0.0002, 0.001))
    if value <= 0:
        return False
    g.post(
        refid=g.ids.kraken("R"),
        type="earn",
        subtype="reward",
        asset=asset,
        amount=value,
        fee=Decimal(0),
    )
    return True


def futures_transfer(g: Generator) -> bool:
    return g.futures.transfer(g)


def futures_fill(g: Generator) -> bool:
    g.futures.random_fill()
    return True


def futures_funding(g: Generator) -> bool:
    g.futures.funding()
    return True


EVENTS = {
    "trade": spot_trade,
    "deposit_fiat": deposit_fiat,
    "deposit_crypto": deposit_crypto,
    "kfee_credit": kfee_credit,
    "withdrawal": withdrawal,
    "instant_buy": instant_buy,
    "stake": stake,
    "unstake": unstake,
    "staking_reward": staking_reward,
    "earn_allocate": earn_allocate,
    "earn_deallocate": earn_deallocate,
    "earn_reward": earn_reward,
    "margin_open": margin_open,
    "futures_transfer": futures_transfer,
    "futures_fill": futures_fill,
    "futures_funding": futures_funding,
}
_WEIGHTS = {
    "trade": 44,
    "deposit_fiat": 8,
    "deposit_crypto": 2,
    "kfee_credit": 1,
    "withdrawal": 6,
    "instant_buy": 7,
    "stake": 3,
    "unstake": 1.5,
    "staking_reward": 11,
    "earn_allocate": 2.5,
    "earn_deallocate": 1,
    "earn_reward": 5,
    "margin_open": 1.5,
    "futures_transfer": 2,
    "futures_fill": 4,
    "futures_funding": 2,
}
_APPEND_EXCLUDED = {
    "margin_open",
    "futures_transfer",
    "futures_fill",
    "futures_funding",
    "stake",
    "unstake",
}
SINGLE_ROW = (deposit_fiat, deposit_crypto)


# An active trader's account: nearly every ledger row is a trade leg (benchmarks of large
# trade histories); everything else still occurs so every code path is exercised.
_TRADER_WEIGHTS = {
    "trade": 1000,
    "deposit_fiat": 4,
    "deposit_crypto": 1,
    "kfee_credit": 0.5,
    "withdrawal": 2,
    "instant_buy": 1,
    "stake": 0.5,
    "unstake": 0.25,
    "staking_reward": 1,
    "earn_allocate": 0.25,
    "earn_deallocate": 0.1,
    "earn_reward": 0.5,
    "margin_open": 0.5,
    "futures_transfer": 0.5,
    "futures_fill": 1,
    "futures_funding": 0.5,
}
MIXES = {"default": _WEIGHTS, "trader": _TRADER_WEIGHTS}


def weights(*, append: bool, mix: str = "default") -> dict[str, float]:
    table = MIXES[mix]
    if not append:
        return dict(table)
    return {k: v for k, v in table.items() if k not in _APPEND_EXCLUDED}


def finalize(g: Generator) -> None:
    """End state: one open margin position, one open futures position, a hold from an open order."""
    g.later(60_000, 3_600_000)
    finalize_margin(g)
    g.later(60_000, 3_600_000)
    g.futures.finalize(g)
    usd = g.spendable("ZUSD")
    if usd > 0:
        open_orders_finalize(g, usd_to_hold=quantize(usd * _u(g, 0.02, 0.1), 4))
    g.advance(g.now + DAY * TICKS // 24)
