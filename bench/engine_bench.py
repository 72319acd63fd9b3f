"""Benchmark of the accounting engine on synthetic events.

    python bench/engine_bench.py [--events 10000 100000 1000000] [--config fifo/us uk/uk]
                                 [--per-wallet] [--out bench/out/engine_bench.json]

Each (size, config) runs in a fresh subprocess so its peak memory (ru_maxrss: the whole process,
events included) is honest. The generator is deterministic (seeded): buys, sales sized within the
holding, staking income, wallet transfers, and withdrawals to the user's own wallet with deposits
back (``--no-transfers``: the mix before those) over five assets and two wallets, one event every
1-3 minutes from 2018.

Timed separately, then in total (the target: 1M events in at most 5 s and 2 GB on one core):

* ``compute_s`` - ``compute``: sort, valuation, lot matching, records, yearly totals;
* ``summaries_s`` - ``summarise_tax_year`` for every tax year;
* ``gc_s`` - a full ``gc.collect()`` right after: the most cyclic GC the caller can pay for the
  run's records (the engine leaves them in the oldest generation, so in normal use they are only
  traversed by the occasional full collection). The inputs are collected *before* timing
  (``inputs_gc_s``, the caller's own cost) and that full collection traverses them again, so
  ``gc_s`` includes them: an upper bound, not the engine's share alone;
* ``total_s`` = compute + summaries + gc.

The load average at the start of each run is recorded: other processes skew the figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from portfolio.accounting import (
    Acquisition,
    Deposit,
    Disposal,
    Event,
    Income,
    Leg,
    Transfer,
    Withdrawal,
    compute,
    summarise_tax_year,
)

ASSETS = ("BTC", "ETH", "SOL", "DOT", "ADA")
PRICES = {"BTC": 30000, "ETH": 2000, "SOL": 100, "DOT": 10, "ADA": 1}
WALLETS = ("spot", "staking")
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")


def generate(count: int, seed: int = 20240601, transfers: bool = True) -> list[Event]:
    """A deterministic stream of ``count`` events (valid holdings: sales never exceed them).

    ``transfers``: 2% of the events withdraw part of a holding to the user's own wallet and 2%
    deposit coins back, up to 10% more than what is outside (an unknown-basis excess); without
    it, the stream is the one measured before withdrawals came back with their lots.
    """
    rng = random.Random(seed)
    held = {(a, w): 0 for a in ASSETS for w in WALLETS}  # in 1e-6 units
    outside = dict.fromkeys(ASSETS, 0)
    when = datetime(2018, 1, 1, tzinfo=UTC)
    events: list[Event] = []
    for n in range(count):
        when += timedelta(seconds=rng.randint(60, 180))
        asset, wallet = rng.choice(ASSETS), rng.choice(WALLETS)
        roll, units = rng.random(), held[(asset, wallet)]
        price = PRICES[asset] * rng.randint(50, 150) // 100
        eid = f"e{n:08d}"
        if roll < 0.40 and units > 0:
            take = rng.randint(1, units)
            held[(asset, wallet)] -= take
            qty = Decimal(take).scaleb(-6)
            events.append(
                Disposal(
                    eid,
                    when,
                    asset,
                    qty,
                    Leg("USD", qty * price),
                    (Leg("USD", Decimal("1.25")),),
                    None,
                    wallet,
                    eid,
                )
            )
        elif roll < 0.47:
            take = rng.randint(1, 50_000)
            held[(asset, wallet)] += take
            events.append(
                Income(
                    eid,
                    when,
                    asset,
                    Decimal(take).scaleb(-6),
                    "staking",
                    Decimal(take * price).scaleb(-6),
                    wallet,
                )
            )
        elif roll < 0.50 and units > 0:
            take = rng.randint(1, units)
            other = WALLETS[1 - WALLETS.index(wallet)]
            held[(asset, wallet)] -= take
            held[(asset, other)] += take
            events.append(Transfer(eid, when, asset, Decimal(take).scaleb(-6), wallet, other))
        elif transfers and roll < 0.52 and units > 0:
            take = rng.randint(1, units)
            held[(asset, wallet)] -= take
            outside[asset] += take
            events.append(Withdrawal(eid, when, asset, Decimal(take).scaleb(-6), (), wallet))
        elif transfers and roll < 0.54 and outside[asset] > 0:
            take = rng.randint(1, outside[asset] * 11 // 10 + 1)
            held[(asset, wallet)] += take
            outside[asset] -= min(take, outside[asset])
            events.append(Deposit(eid, when, asset, Decimal(take).scaleb(-6), wallet=wallet))
        else:
            take = rng.randint(1, 2_000_000)
            held[(asset, wallet)] += take
            qty = Decimal(take).scaleb(-6)
            events.append(
                Acquisition(
                    eid,
                    when,
                    asset,
                    qty,
                    Leg("USD", qty * price),
                    (Leg("USD", Decimal("1.25")),),
                    None,
                    wallet,
                    eid,
                )
            )
    return events


def run_one(
    count: int, method: str, jurisdiction: str, per_wallet: bool, transfers: bool = True
) -> dict[str, object]:
    started = time.perf_counter()
    events = generate(count, transfers=transfers)
    generated = time.perf_counter()
    gc.collect()  # the inputs' own collection, before timing: the caller's cost, not the engine's
    collected = time.perf_counter()
    result = compute(
        events,
        method=method,
        jurisdiction=jurisdiction,
        base_currency="USD",
        per_wallet=per_wallet,
        as_of=datetime(2100, 1, 1, tzinfo=UTC),
    )
    computed = time.perf_counter()
    summaries = [summarise_tax_year(result, year) for year in sorted(result.years)]
    summarised = time.perf_counter()
    gc.collect()
    finished = time.perf_counter()
    return {
        "events": count,
        "method": method,
        "jurisdiction": jurisdiction,
        "per_wallet": per_wallet,
        "transfers": transfers,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "generate_s": round(generated - started, 3),
        "inputs_gc_s": round(collected - generated, 3),
        "compute_s": round(computed - collected, 3),
        "summaries_s": round(summarised - computed, 3),
        "gc_s": round(finished - summarised, 3),
        "total_s": round(finished - collected, 3),
        "disposals": len(result.disposals),
        "open_lots": len(result.open_lots),
        "held_outside": len(result.outside),
        "unknown_deposits": len(result.unknown_deposits),
        "problems": len(result.problems),
        "years": len(summaries),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--config", nargs="+", default=["fifo/us", "uk/uk"], help="method/jur")
    parser.add_argument("--per-wallet", action="store_true")
    parser.add_argument("--out", default=os.path.join(OUT_DIR, "engine_bench.json"))
    parser.add_argument(
        "--no-transfers",
        action="store_true",
        help="the event mix without withdrawals and returns (as measured before they existed)",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    transfers = not args.no_transfers
    if args.one:
        method, jurisdiction = args.config[0].split("/")
        print(json.dumps(run_one(args.one, method, jurisdiction, args.per_wallet, transfers)))
        return
    print(f"python {sys.version.split()[0]}, one process per size; load {os.getloadavg()}")
    rows = []
    for config in args.config:
        for count in args.events:
            cmd = [sys.executable, os.path.abspath(__file__), "--one", str(count)]
            cmd += ["--config", config] + (["--per-wallet"] if args.per_wallet else [])
            cmd += [] if transfers else ["--no-transfers"]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            rows.append(row := json.loads(out))
            print(
                f"{row['events']:>9,} events {config}{' per-wallet' if args.per_wallet else ''}: "
                f"total {row['total_s']:.2f} s = compute {row['compute_s']:.2f} + summaries "
                f"{row['summaries_s']:.2f} + gc {row['gc_s']:.2f}; peak RSS "
                f"{row['peak_rss_mb']:.0f} MB; load {row['load_average_1m']}; "
                f"{row['disposals']:,} disposals, {row['open_lots']:,} open lots, "
                f"{row['held_outside']:,} lots outside, {row['unknown_deposits']:,} unknown-basis "
                f"deposits, {row['problems']} problems"
            )
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as handle:
        json.dump({"python": sys.version.split()[0], "runs": rows}, handle, indent=2)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
