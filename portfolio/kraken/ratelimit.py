"""Client-side model of Kraken's per-key call counter.

Kraken keeps a counter per API key that each call raises by its cost and that decays linearly;
a call that would lift it above the tier's maximum is rejected (``EAPI:Rate limit exceeded``).
The client keeps the same counter in shared state (so all workers using one key see it) and,
before each call, reserves the call's cost: if the counter would overflow, the reservation says how
long to wait until enough has decayed. Reserving inside the per-key request lock, just before
sending, keeps the model's time of each call close to the moment Kraken counts it.

To keep Kraken's real counter below the maximum despite clock drift and network jitter the model
is slightly conservative: it decays ``safety`` (5 %) slower than the tier and never fills the top
``headroom`` of the counter, where headroom covers ``latency_allowance`` seconds of decay.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class RateTier:
    max_counter: Decimal
    decay_per_second: Decimal
    safety: Decimal = Decimal("0.05")
    latency_allowance: Decimal = Decimal("0.05")

    def capacity_for(self, cost: Decimal) -> float:
        """The highest counter value the model lets a call of `cost` reach."""
        headroom = max(
            self.max_counter * self.safety, self.decay_per_second * self.latency_allowance
        )
        return float(max(self.max_counter - headroom, cost))

    @property
    def model_decay(self) -> float:
        return float(self.decay_per_second * (1 - self.safety))


TIERS: dict[str, RateTier] = {
    "starter": RateTier(Decimal(15), Decimal("0.33")),
    "intermediate": RateTier(Decimal(20), Decimal("0.5")),
    "pro": RateTier(Decimal(20), Decimal(1)),
}

# Public endpoints: about one call per second per IP (docs give no counter; support says 1/s).
PUBLIC_TIER = RateTier(Decimal(1), Decimal(1))
# Futures: /derivatives 500 per 10 s; /history 100 tokens replenished 100 per 10 minutes.
FUTURES_DERIVATIVES_TIER = RateTier(Decimal(500), Decimal(50))
FUTURES_HISTORY_TIER = RateTier(Decimal(100), Decimal(100) / Decimal(600))


def scaled(tier: RateTier, speed: Decimal | int) -> RateTier:
    """The tier of a simulator running `speed` times faster (decay multiplied by `speed`)."""
    return RateTier(
        tier.max_counter,
        tier.decay_per_second * Decimal(speed),
        tier.safety,
        tier.latency_allowance,
    )


def key_id(api_key: str) -> str:
    """A stable, non-reversible name for an API key: used in file names, Redis keys and logs."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:24]


def reserve_slot(
    *, level: float, updated: float, now: float, cost: float, capacity: float, decay: float
) -> tuple[float, float]:
    """Pure reservation step: returns (new_level, seconds_to_wait).

    `level` was the counter at time `updated`. The counter first decays to `now`; the call may go
    when counter + cost <= capacity. If it must wait, the new level still includes its cost (the
    future slot is taken) so later callers queue behind it. The returned level is as of `now`.
    """
    current = max(0.0, level - (now - updated) * decay)
    new_level = current + cost
    wait = max(0.0, (new_level - capacity) / decay) if decay > 0 else 0.0
    return new_level, wait


def next_nonce_value(last: int, now: float) -> int:
    """Millisecond clock, but never below last + 1 (so bursts and clock steps stay increasing)."""
    return max(last + 1, int(now * 1000))
