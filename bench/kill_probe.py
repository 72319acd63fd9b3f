"""Probe: kill -9 `kraken_sync` again and again mid-run; the next one must take over and finish.

Each round starts `manage.py kraken_sync` at once after the previous one was killed (so it finds
the dead run still `running`), lets it work a few seconds, and kills it. A last one runs to the
end. Reports the kills, the dead runs failed with a reason, how long each replacement waited for
the dead run to be declared dead, and whether the ledger is complete without duplicates.

    .venv/bin/python bench/kill_probe.py --kills 5 --stale 5 --size 10000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sync_bench import SimulatorProcess, setup_django  # noqa: E402


def kraken_sync(username: str, stale: float) -> subprocess.Popen:
    env = {**os.environ, "KRAKEN_SYNC_STALE_SECONDS": str(stale), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "kraken_sync", "--user", username],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def connect(sim: SimulatorProcess, speed: int):
    from tests.factories import UserFactory, make_connection

    return make_connection(
        user=UserFactory(),
        api_key=sim.values["SIM_SPOT_KEY"],
        api_secret=sim.values["SIM_SPOT_SECRET"],
        api_url=sim.base_url,
        futures_url=sim.values["SIM_FUTURES_BASE_URL"],
        rate_tier="custom",
        rate_max=Decimal(20),
        rate_decay=Decimal(speed),
    )


def probe(sim: SimulatorProcess, *, kills: int, stale: float, speed: int, seed: int) -> dict:
    from portfolio.models import SyncRun

    connection = connect(sim, speed)
    username = connection.user.username
    rng = random.Random(seed)
    rounds = []
    for _ in range(kills):
        child = kraken_sync(username, stale)
        lifetime = stale + rng.uniform(1, 5)  # long enough to outwait the run it found dead
        time.sleep(lifetime)
        child.send_signal(signal.SIGKILL)
        child.communicate()
        rounds.append({"lived_seconds": round(lifetime, 2)})
    started = time.monotonic()
    last = kraken_sync(username, stale)
    out, _ = last.communicate()
    runs = list(SyncRun.objects.filter(connection=connection).order_by("pk"))
    ids = list(connection.ledger_entries.values_list("ledger_id", flat=True))
    return {
        "kills": kills,
        "stale_seconds": stale,
        "runs": len(runs),
        "last_found_a_dead_run_and_took_over": "Starting a new one" in out,
        "dead_runs_failed_with_reason": sum(
            r.state == "failed" and r.error.startswith("Stopped: no sign of life") for r in runs
        ),
        "runs_left_active": sum(r.state in ("queued", "running") for r in runs),
        "final_state": runs[-1].state,
        "final_exit_code": last.returncode,
        "final_wall_seconds": round(time.monotonic() - started, 2),
        "ledger_rows": len(ids),
        "duplicate_ledger_ids": len(ids) - len(set(ids)),
        "rounds": rounds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--stale", type=float, default=5.0, help="KRAKEN_SYNC_STALE_SECONDS")
    parser.add_argument("--size", type=int, default=10_000, help="ledger entries")
    parser.add_argument("--speed", type=int, default=25, help="simulator speed factor")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kill-probe-"))
    os.environ["KRAKEN_PUBLIC_RATE"] = str(args.speed)
    setup_django(args.database_url, workdir)
    sim = SimulatorProcess(size=args.size, speed=args.speed, seed=args.seed)
    try:
        result = probe(sim, kills=args.kills, stale=args.stale, speed=args.speed, seed=args.seed)
    finally:
        sim.stop()
    print(json.dumps({k: v for k, v in result.items() if k != "rounds"}, indent=2))
    out = ROOT / "bench" / "out" / f"kill_probe-{args.kills}x-{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    ok = result["final_state"] == "succeeded" and not result["duplicate_ledger_ids"]
    return 0 if ok and not result["runs_left_active"] else 1


if __name__ == "__main__":
    sys.exit(main())
