"""Worker functions for spawned processes (importable by name, as the spawn start method needs)."""

from __future__ import annotations

from decimal import Decimal

from portfolio.kraken import TIERS, FileState, KrakenSpotClient, RedisState, SharedState, scaled
from portfolio.kraken.transport import RetryPolicy


def make_state(kind: str, where: str) -> SharedState:
    return FileState(where) if kind == "file" else RedisState(where, prefix="kraken-it")


def client(
    base_url: str, key: str, secret: str, speed: int, state: SharedState
) -> KrakenSpotClient:
    return KrakenSpotClient(
        api_key=key,
        api_secret=secret,
        base_url=base_url,
        tier=scaled(TIERS["pro"], Decimal(speed)),
        state=state,
        retry=RetryPolicy(max_retries=6, base_delay=0.05, max_delay=1.0),
    )


def balance_calls(
    base_url: str, key: str, secret: str, speed: int, state_kind: str, where: str, n: int
) -> int:
    """n Balance calls; returns how many succeeded."""
    spot = client(base_url, key, secret, speed, make_state(state_kind, where))
    return sum(1 for _ in range(n) if spot.balance())


def ledger_ids(
    base_url: str, key: str, secret: str, speed: int, state_kind: str, where: str
) -> list[str]:
    spot = client(base_url, key, secret, speed, make_state(state_kind, where))
    return [e.ledger_id for e in spot.iter_ledgers()]
