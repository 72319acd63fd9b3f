"""Benchmark: the first sync of a long Kraken history from the simulator, paged and exported.

For each path (API pages only; bulk export above the threshold) it reports wall time, API calls,
rate-limit rejections, the share of the key's allowed rate used while paging Ledgers and
TradesHistory, and the time the same calls would take against real Kraken at each tier
(cost units / decay). Writes a table to stdout and JSON to bench/out/.

    .venv/bin/python bench/sync_bench.py --size 50000 --speed 25
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
COSTS = {"private/Ledgers": 2, "private/TradesHistory": 2}
# The calls that fetch ledgers and trades, the two data sets Kraken can export.
HISTORY = {
    "private/Ledgers",
    "private/TradesHistory",
    "private/AddExport",
    "private/ExportStatus",
    "private/RetrieveExport",
    "private/RemoveExport",
}
PAGING = set(COSTS)
TIER_RATES = {"starter": Decimal("0.33"), "intermediate": Decimal("0.5"), "pro": Decimal(1)}


def setup_django(database_url: str | None, workdir: Path) -> None:
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")
    os.environ.setdefault("CREDENTIALS_KEY_FILE", str(workdir / "credentials.key"))
    os.environ.setdefault("KRAKEN_STATE_DIR", str(workdir / "state"))
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class SimulatorProcess:
    """The simulator in its own process (so it does not share the GIL with the sync)."""

    def __init__(self, *, size: int, speed: int, seed: int) -> None:
        command = [
            sys.executable,
            "-m",
            "portfolio.simulator.cli",
            "--port",
            "0",
            "--size",
            str(size),
            "--speed",
            str(speed),
            "--seed",
            str(seed),
            "--tier",
            "pro",
            "--mix",
            "trader",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        self.values: dict[str, str] = {}
        while "SIM_TIER" not in self.values:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("the simulator did not start")
            key, _, value = line.strip().partition("=")
            self.values[key] = value
        self.base_url = self.values["SIM_BASE_URL"]

    def control(self, method: str, path: str) -> dict:
        request = urllib.request.Request(
            self.base_url + path, method=method, data=b"" if method == "POST" else None
        )
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.loads(reply.read())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def paging_utilisation(events: list, key: str, decay: float, burst: float) -> dict:
    """Cost spent on paging calls / cost allowed over the paging span (burst + decay x span)."""
    rows = [e for e in events if e[1] == key and e[2] in PAGING and e[3] == "ok"]
    if len(rows) < 2:
        return {"paging_calls": len(rows), "percent_of_allowed": None}
    span = rows[-1][0] - rows[0][0]
    spent = sum(COSTS[e[2]] for e in rows)
    allowed = burst + decay * span
    return {
        "paging_calls": len(rows),
        "paging_seconds": round(span, 3),
        "percent_of_allowed": round(100 * spent / allowed, 1),
    }


def projected(calls: dict[str, int]) -> dict[str, float]:
    units = sum(COSTS.get(name, 1) * n for name, n in calls.items() if name.startswith("private/"))
    return {tier: round(float(units / rate), 1) for tier, rate in TIER_RATES.items()} | {
        "cost_units": units
    }


def run_path(sim: SimulatorProcess, *, label: str, threshold: int, speed: int) -> dict:
    from django.conf import settings

    from portfolio.models import SyncRun
    from portfolio.sync.pipeline import sync_run_execute
    from portfolio.sync.runs import sync_request
    from tests.factories import UserFactory, make_connection

    settings.KRAKEN_SYNC_EXPORT_THRESHOLD = threshold
    settings.KRAKEN_SYNC_EXPORT_POLL_SECONDS = 0.05
    settings.KRAKEN_PUBLIC_RATE = str(speed)
    spot_key = sim.values["SIM_SPOT_KEY"]
    connection = make_connection(
        user=UserFactory(),
        label=label,
        api_key=spot_key,
        api_secret=sim.values["SIM_SPOT_SECRET"],
        futures_key=sim.values["SIM_FUTURES_KEY"],
        futures_secret=sim.values["SIM_FUTURES_SECRET"],
        api_url=sim.base_url,
        futures_url=sim.values["SIM_FUTURES_BASE_URL"],
        rate_tier="custom",
        rate_max=Decimal(20),
        rate_decay=Decimal(speed),
    )
    time.sleep(25 / speed)  # let the key's counter drain between paths
    sim.control("POST", "/_sim/counters/reset")
    started = time.monotonic()
    run, _ = sync_request(connection=connection, trigger="command")
    sync_run_execute(run_id=run.pk)
    wall = time.monotonic() - started
    run = SyncRun.objects.get(pk=run.pk)
    counters = sim.control("GET", "/_sim/counters")
    calls = counters["calls"].get(spot_key, {})
    rejections = counters["rejections_by_key"].get(spot_key, {})
    return {
        "path": label,
        "state": run.state,
        "error": run.error,
        "wall_seconds": round(wall, 2),
        "api_calls": run.counters.get("api_calls"),
        "spot_calls": calls,
        "rate_limit_rejections": sum(rejections.values()),
        "ledger_and_trade_calls": sum(n for name, n in calls.items() if name in HISTORY),
        "ledger_rows": connection.ledger_entries.count(),
        "trade_rows": connection.trades.count(),
        "closed_order_rows": connection.closed_orders.count(),
        "reconciliation_ok": run.reconciliation.ok if hasattr(run, "reconciliation") else None,
        **paging_utilisation(counters["events"], spot_key, float(speed), 20.0),
        "projected_seconds": projected(calls),
    }


def print_table(results: list[dict], meta: dict) -> None:
    print(
        f"\nFirst sync of {meta['ledger_entries']} ledger entries, {meta['trades']} trades, "
        f"{meta['closed_orders']} closed orders (simulator at {meta['speed']}x, Pro tier)\n"
    )
    head = f"{'path':<8}{'wall s':>8}{'calls':>7}{'rejects':>8}{'% rate':>8}" + "".join(
        f"{t + ' s':>16}" for t in TIER_RATES
    )
    print(head)
    for r in results:
        p = r["projected_seconds"]
        pct = r["percent_of_allowed"]
        print(
            f"{r['path']:<8}{r['wall_seconds']:>8}{r['api_calls']:>7}{r['rate_limit_rejections']:>8}"
            f"{(str(pct) if pct is not None else '-'):>8}"
            + "".join(f"{p[t]:>16}" for t in TIER_RATES)
        )
    paged, exported = results
    print(
        f"\nall calls, export/paging: {exported['api_calls']}/{paged['api_calls']} = "
        f"{100 * exported['api_calls'] / paged['api_calls']:.1f}%"
    )
    mine, theirs = exported["ledger_and_trade_calls"], paged["ledger_and_trade_calls"]
    print(
        f"ledger + trade calls, export/paging: {mine}/{theirs} = {100 * mine / theirs:.1f}% "
        "(ClosedOrders has no export: it is paged on both paths)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=50_000, help="ledger entries")
    parser.add_argument("--speed", type=int, default=25, help="simulator speed factor")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    setup_django(args.database_url, workdir)
    sim = SimulatorProcess(size=args.size, speed=args.speed, seed=args.seed)
    try:
        results = [
            run_path(sim, label="paging", threshold=10**9, speed=args.speed),
            run_path(sim, label="export", threshold=5000, speed=args.speed),
        ]
    finally:
        sim.stop()
    meta = {
        "ledger_entries": results[0]["ledger_rows"],
        "trades": results[0]["trade_rows"],
        "closed_orders": results[0]["closed_order_rows"],
        "speed": args.speed,
        "database": os.environ["DATABASE_URL"].split(":")[0],
    }
    print_table(results, meta)
    out = ROOT / "bench" / "out" / f"sync_bench-{args.size}-x{args.speed}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "results": results}, indent=2, default=str))
    print(f"\nwrote {out}")
    failed = any(r["rate_limit_rejections"] or r["state"] != "succeeded" for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
