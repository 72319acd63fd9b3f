"""Round trips to the user's own wallet: the engine on a history of buys, withdrawals and returns.

Each cycle buys 0.5 BTC, withdraws 0.7 BTC ten minutes later and deposits 0.6 BTC back, so the
book keeps growing while units leave and come back (older than every lot bought since). A 10 BTC
purchase first means every withdrawal is covered (``--first 0.001`` starts with a shortfall, so
the book then holds a lot of unknown date). Prints the least CPU time of ``--repeat`` runs.

    .venv/bin/python bench/round_trip_bench.py --cycles 30000 --method fifo lifo hifo uk
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from portfolio.accounting import Acquisition, Deposit, Leg, Withdrawal, compute

START = datetime(2020, 1, 1, tzinfo=UTC)
JURISDICTION = {"fifo": "us", "lifo": "us", "hifo": "us", "average": "generic", "uk": "uk"}


def history(cycles: int, first: Decimal) -> list:
    events: list = [Acquisition("a", START - timedelta(days=1), "BTC", first, Leg("USD", first))]
    for n in range(cycles):
        when = START + timedelta(minutes=10 * n)
        paid = Leg("USD", Decimal(1000 + n))
        events.append(Acquisition(f"a{n}", when, "BTC", Decimal("0.5"), paid))
        events.append(Withdrawal(f"w{n}", when + timedelta(minutes=1), "BTC", Decimal("0.7")))
        events.append(Deposit(f"d{n}", when + timedelta(minutes=2), "BTC", Decimal("0.6")))
    return events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=30_000)
    parser.add_argument("--method", nargs="+", default=["fifo", "lifo"])
    parser.add_argument("--first", default="10")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    events = history(args.cycles, Decimal(args.first))
    gc.collect()
    print(f"{len(events):,} events; load {os.getloadavg()}")
    for method in args.method:
        times = []
        for _ in range(args.repeat):
            started = time.process_time()
            result = compute(
                events,
                method=method,
                jurisdiction=JURISDICTION[method],
                base_currency="USD",
                as_of=datetime(2100, 1, 1, tzinfo=UTC),
            )
            times.append(time.process_time() - started)
            problems = len(result.problems)
            del result
            gc.collect()
        print(f"{method}: {min(times):.2f} s CPU (least of {args.repeat}), {problems} problems")


if __name__ == "__main__":
    main()
