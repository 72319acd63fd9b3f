"""Benchmark: the Kraken client pages a long ledger from the Kraken simulator on one API key.

Two runs against one ``portfolio.simulator.SimulatorServer`` (a Pro key, time sped up ``--speed``
times, so the key's counter decays ``speed`` units per second):

* 1 worker process pages the whole ledger;
* ``--workers`` processes (spawned) each page the whole ledger on the same key at once, sharing
  one ``FileState`` directory (nonces, request lock, rate counter), as Celery workers on one host
  would.

From the simulator's own event log (the cost the server counted for every accepted call, and when)
it reports the cost units per second achieved and their share of what the tier allowed over the
same span (the full counter once, plus the decay rate times the span), and every rejection the
server made (rate limit, invalid nonce, anything else). Prints a table and writes JSON to
``bench/out/client_paging.json``. Exits 1 if the server rejected any call.

    .venv/bin/python bench/client_paging.py --size 20000 --speed 50 --workers 4
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portfolio.kraken import TIERS, FileState, KrakenSpotClient, scaled
from portfolio.simulator import SimulatorServer

OUT = Path(__file__).resolve().parent / "out" / "client_paging.json"
TARGET = 0.90


def page_ledger(base_url: str, key: str, secret: str, speed: int, state_dir: str) -> int:
    """One worker: page the whole ledger; returns the number of distinct entries received."""
    client = KrakenSpotClient(
        api_key=key,
        api_secret=secret,
        base_url=base_url,
        tier=scaled(TIERS["pro"], Decimal(speed)),
        state=FileState(state_dir),
    )
    return len({entry.ledger_id for entry in client.iter_ledgers()})


def run(sim: SimulatorServer, *, workers: int, size: int, speed: int, seed: int) -> dict[str, Any]:
    account = sim.add_account(seed=seed, size=size, tier="pro")
    expected = len(account.truth.ledgers)
    sim.reset_counters()
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as state_dir:
        args = (sim.base_url, account.spot_key, account.spot_secret, speed, state_dir)
        started = time.monotonic()
        with context.Pool(workers) as pool:
            received = pool.starmap(page_ledger, [args] * workers)
        wall = time.monotonic() - started
    return measure(
        sim.counters, account.spot_key, workers=workers, speed=speed, wall=wall,
        received=received, expected=expected,
    )  # fmt: skip


def measure(
    counters: dict[str, Any],
    key: str,
    *,
    workers: int,
    speed: int,
    wall: float,
    received: list[int],
    expected: int,
) -> dict[str, Any]:
    tier = TIERS["pro"]
    decay = float(tier.decay_per_second) * speed
    maximum = float(tier.max_counter)
    events = [e for e in counters["events"] if e[1] == key]
    accepted = [e for e in events if e[3] == "ok"]
    span = accepted[-1][0] - accepted[0][0] if len(accepted) > 1 else 0.0
    units = sum(e[4] for e in accepted)
    allowed = maximum + decay * span
    return {
        "workers": workers,
        "split": "each worker pages the whole ledger",
        "ledger_entries": expected,
        "entries_received_per_worker": received,
        "complete": all(n == expected for n in received),
        "requests": len(events),
        "accepted_calls": len(accepted),
        "cost_units": units,
        "span_seconds": round(span, 3),
        "wall_seconds": round(wall, 3),
        "units_per_second": round(units / span, 2) if span else None,
        "allowed_units_per_second": decay,
        "allowed_units_over_span": round(allowed, 1),
        "share_of_allowed": round(units / allowed, 4) if allowed else None,
        "rejections": counters["rejections_by_key"].get(key, {}),
        "faults": counters["faults"],
    }


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        f"{'workers':>7} {'entries':>8} {'complete':>8} {'calls':>6} {'units':>6} "
        f"{'span s':>7} {'units/s':>8} {'allowed/s':>9} {'share':>7}  rejections"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['workers']:>7} {r['ledger_entries']:>8} {str(r['complete']):>8} "
            f"{r['requests']:>6} {r['cost_units']:>6.0f} {r['span_seconds']:>7.2f} "
            f"{r['units_per_second']:>8.2f} {r['allowed_units_per_second']:>9.1f} "
            f"{r['share_of_allowed']:>7.1%}  {r['rejections'] or 'none'}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--speed", type=int, default=50)
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with SimulatorServer(speed=args.speed, seed=0) as sim:
        rows = [
            run(sim, workers=n, size=args.size, speed=args.speed, seed=args.seed + i)
            for i, n in enumerate((1, args.workers))
        ]
    tier = scaled(TIERS["pro"], args.speed)
    print(
        f"server: portfolio.simulator (speed {args.speed}); key tier Pro -> "
        f"RateTier({tier.max_counter}, {tier.decay_per_second}); Ledgers cost 2 per page of 50"
    )
    print(table(rows))
    rejected = any(r["rejections"] for r in rows)
    met = all(r["share_of_allowed"] >= TARGET and r["complete"] for r in rows) and not rejected
    print(
        f"target >= {TARGET:.0%} of the allowed rate, zero rejections: {'met' if met else 'MISSED'}"
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    report = {"command": " ".join(sys.argv), "speed": args.speed, "target": TARGET, "runs": rows}
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {OUT}")
    if rejected:
        sys.exit(1)


if __name__ == "__main__":
    main()
