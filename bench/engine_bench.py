"""Benchmark of the accounting engine on synthetic events.

    python bench/engine_bench.py [--events 10000 100000 1000000] [--method fifo] [--jurisdiction us]

Each size runs in a fresh subprocess so its peak memory (ru_maxrss: the whole process, events
included) is honest. The generator is deterministic (seeded): buys, sales sized within the holding,
staking income and wallet transfers over five assets and two wallets, one event every 1-3 minutes
from 2018. Reported: generation time, engine time (``compute``: sort, valuation, lot matching, all
disposal records, yearly summaries), summary time, disposals, open lots and peak RSS.
Target: 1M events in at most 5 s and 2 GB on one core.
"""

from __future__ import annotations

import argparse
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
    Disposal,
    Event,
    Income,
    Leg,
    Transfer,
    compute,
    summarise_tax_year,
)

ASSETS = ("BTC", "ETH", "SOL", "DOT", "ADA")
PRICES = {"BTC": 30000, "ETH": 2000, "SOL": 100, "DOT": 10, "ADA": 1}
WALLETS = ("spot", "staking")


def generate(count: int, seed: int = 20240601) -> list[Event]:
    """A deterministic stream of ``count`` events (valid holdings: sales never exceed them)."""
    rng = random.Random(seed)
    held = {(a, w): 0 for a in ASSETS for w in WALLETS}  # in 1e-6 units
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


def run_one(count: int, method: str, jurisdiction: str, per_wallet: bool) -> dict[str, object]:
    started = time.perf_counter()
    events = generate(count)
    generated = time.perf_counter()
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
    return {
        "events": count,
        "method": method,
        "jurisdiction": jurisdiction,
        "per_wallet": per_wallet,
        "generate_s": round(generated - started, 3),
        "engine_s": round(computed - generated, 3),
        "summaries_s": round(summarised - computed, 3),
        "disposals": len(result.disposals),
        "open_lots": len(result.open_lots),
        "problems": len(result.problems),
        "years": len(summaries),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--method", default="fifo")
    parser.add_argument("--jurisdiction", default="us")
    parser.add_argument("--per-wallet", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.method, args.jurisdiction, args.per_wallet)))
        return
    print(f"python {sys.version.split()[0]}, one process per size")
    for count in args.events:
        cmd = [
            sys.executable,
            os.path.abspath(__file__),
            "--one",
            str(count),
            "--method",
            args.method,
            "--jurisdiction",
            args.jurisdiction,
        ] + (["--per-wallet"] if args.per_wallet else [])
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        row = json.loads(out)
        print(
            f"{row['events']:>9,} events {row['method']}/{row['jurisdiction']}"
            f"{' per-wallet' if row['per_wallet'] else ''}: engine {row['engine_s']:.2f} s, "
            f"summaries {row['summaries_s']:.2f} s, generate {row['generate_s']:.2f} s, "
            f"peak RSS {row['peak_rss_mb']:.0f} MB, {row['disposals']:,} disposals, "
            f"{row['open_lots']:,} open lots, {row['problems']} problems"
        )


if __name__ == "__main__":
    main()
