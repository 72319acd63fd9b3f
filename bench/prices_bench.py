"""Price a large account cold, then rebuild it with every price stored.

    .venv/bin/python bench/prices_bench.py [--entries 100000]
        [--database-url postgres://postgres@127.0.0.1:5432/kp_prices]

It creates (or empties) the bench database, syncs a simulator account of the given size (its
history spans 2021-2025, every asset the simulator lists), then:

1. finds the prices the accounts and the chart need and fills the shared store from the
   simulator's public OHLC (the cold fill): calls made, wall time at the simulator's speed, and
   the wall time the same calls take at Kraken's public rate (calls x 1 s: Kraken allows about
   one public call a second);
2. fills again (must make no call);
3. rebuilds (full, with the daily chart) with every price stored, against the same rebuild
   with a price source that has no price at all (the "without prices" baseline).

Writes bench/out/prices_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/kp_prices"
KRAKEN_PUBLIC_SECONDS_PER_CALL = 1.0
AS_OF = datetime(2026, 1, 1, tzinfo=UTC)


class NoPrices:
    """The baseline: a price source without any price (every leg is a listed problem)."""

    def price(self, asset, quote, at):
        from portfolio.accounting import PriceNotFound

        raise PriceNotFound(asset, quote, at)


def main() -> None:
    from rebuild_bench import prepare_database, synced_account

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="rebuilds with and without prices, alternated, this many times each (the least of "
        "each is the figure: on a shared machine only the fastest run shows the code's own cost)",
    )
    args = parser.parse_args()
    prepare_database(args.database_url)

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.KRAKEN_PUBLIC_RATE = "1000"
    settings.KRAKEN_SYNC_EXPORT_POLL_SECONDS = 0.01
    from portfolio.books.prices import price_needs, prices_fill_for
    from portfolio.models import PriceQuote
    from portfolio.simulator.server import SimulatorServer

    speed = 1000
    with SimulatorServer(speed=speed, seed=5).start() as server:
        account, user, _connection, _generated, _synced = synced_account(
            server, args.entries, speed
        )
        assets = sorted({e.asset for e in account.truth.ledgers})
        t0 = time.perf_counter()
        needs, chart = price_needs(user=user)
        needs_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        cold = prices_fill_for(user=user)
        cold_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = prices_fill_for(user=user)
        again_s = time.perf_counter() - t0
        pairs = sorted({pair for pair, _interval in cold.planned})
        with_prices, without = [], []
        for _ in range(args.rounds):
            with_prices.append(timed_rebuild(user, prices=None))
            without.append(timed_rebuild(user, prices=NoPrices()))

    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    report = {
        "database": vendor,
        "entries": len(account.truth.ledgers),
        "ledger_assets": assets,
        "moments_needed": len(needs),
        "chart_moments_needed": len(chart),
        "needs_s": round(needs_s, 2),
        "pairs": pairs,
        "cold_calls": cold.calls,
        "cold_candles": cold.candles,
        "cold_s_at_simulator_speed": round(cold_s, 2),
        "cold_s_at_kraken_public_rate": cold.calls * KRAKEN_PUBLIC_SECONDS_PER_CALL,
        "bound_calls": 8 * len(pairs),
        "second_fill_calls": again.calls,
        "second_fill_s": round(again_s, 2),
        "candles_stored": PriceQuote.objects.count(),
        "rebuild_with_prices": with_prices,
        "rebuild_without_prices": without,
        "least_with_prices": least(with_prices),
        "least_without_prices": least(without),
    }
    print(json.dumps(report, indent=2))
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "prices_bench.json").write_text(json.dumps(report, indent=2))


def timed_rebuild(user, *, prices) -> dict:
    from portfolio.books.services import accounting_rebuild

    start, cpu = time.perf_counter(), time.process_time()
    run = accounting_rebuild(user=user, as_of=AS_OF, prices=prices, force=True)
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    missing = sum(1 for p in run.problems if p["code"] == "missing_price")
    return {
        "total_s": round(total, 2),
        "python_cpu_s": round(cpu, 2),  # this process only, not the database server's work
        "load": round(os.getloadavg()[0], 2),
        "events": run.event_count,
        "missing_prices": missing,
    }


def least(runs: list[dict]) -> dict:
    return {key: min(r[key] for r in runs) for key in ("total_s", "python_cpu_s")}


if __name__ == "__main__":
    main()
