"""Reliability probes: syncs under injected faults, kill -9 mid-sync then resume, and four
concurrent syncs on one key (one shared state, then two mismatched ones).

The simulator runs in this process (its ground truth is compared with what was stored); syncs
that are killed or run concurrently are real `manage.py kraken_sync` processes on the same
database. Prints a table and writes JSON to bench/out/reliability.json.

    .venv/bin/python bench/reliability.py [--size 3000] [--speed 50] [--kills 5]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")


def setup(workdir: Path, speed: int, database_url: str | None) -> dict[str, str]:
    env = {
        "DATABASE_URL": database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "portfolio.settings",
        "CREDENTIALS_KEY_FILE": str(workdir / "credentials.key"),
        "KRAKEN_STATE_DIR": str(workdir / "state"),
        "KRAKEN_ALLOWED_HOSTS": "127.0.0.1",
        "KRAKEN_PUBLIC_RATE": str(speed * 10),
        "KRAKEN_RETRY_BASE_DELAY": "0.05",
        "KRAKEN_SYNC_STALE_SECONDS": "3",
        "LOG_LEVEL": "ERROR",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        # what a sync triggers runs in the process that asked (the default is now a broker)
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "CELERY_BROKER_DIR": str(workdir / "celery"),
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


def connect(sim, account, username: str, label: str = "Main"):
    from accounts.services import ConnectionInput, connection_create
    from tests.factories import UserFactory

    credentials = account.credentials()
    data = ConnectionInput(
        label=label,
        api_key=credentials["spot_key"],
        api_secret=credentials["spot_secret"],
        api_url=sim.base_url,
        futures_url=sim.base_url,
        rate_tier="custom",
        rate_max=Decimal(20),
        rate_decay=Decimal(sim.speed),
    )
    return connection_create(user=UserFactory(username=username), data=data)


def ledger_check(connection, account) -> dict[str, int]:
    """Stored ledger ids against the simulator's truth: missing, extra, duplicated rows."""
    stored = list(connection.ledger_entries.values_list("ledger_id", flat=True))
    truth = {entry.id for entry in account.truth.ledgers}
    return {
        "rows": len(stored),
        "truth": len(truth),
        "missing": len(truth - set(stored)),
        "extra": len(set(stored) - truth),
        "duplicates": len(stored) - len(set(stored)),
    }


def key_figures(sim, key: str) -> dict[str, int]:
    counters = sim.counters
    rejections = counters["rejections_by_key"].get(key, {})
    return {
        "calls": sum(counters["calls"].get(key, {}).values()),
        "faults_injected": sum(counters["faults"].values()),
        "rejections": sum(rejections.values()),
        "invalid_nonces": rejections.get("EAPI:Invalid nonce", 0),
        "rejection_kinds": rejections,
    }


def probe_faults(sim, size: int, rate: float) -> dict:
    """Sync through `rate` injected faults; a run left queued is retried as Celery would."""
    from portfolio.models import SyncRun, SyncTrigger
    from portfolio.sync.pipeline import TransientSyncError, sync_run_execute
    from portfolio.sync.runs import sync_request

    account = sim.add_account(seed=9901, size=size)
    connection = connect(sim, account, "faults")
    sim.reset_counters()
    sim.set_faults(rate=rate)
    started, attempts = time.monotonic(), 0
    run, _ = sync_request(connection=connection, trigger=SyncTrigger.COMMAND)
    while True:
        attempts += 1
        try:
            sync_run_execute(run_id=run.pk)
            break
        except TransientSyncError:
            continue
    sim.faults.clear()
    run = SyncRun.objects.get(pk=run.pk)
    return {
        "probe": f"{rate:.0%} injected faults",
        "state": run.state,
        "attempts": attempts,
        "seconds": round(time.monotonic() - started, 1),
        **key_figures(sim, account.spot_key),
        **ledger_check(connection, account),
    }


def kraken_sync(env: dict[str, str], username: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "kraken_sync", "--user", username],
        cwd=ROOT,
        env={**os.environ, **env, **extra},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def probe_kills(sim, env: dict[str, str], size: int, kills: int) -> dict:
    """kill -9 a sync process `kills` times after it stored more rows, then let one finish.

    This branch has no job heartbeat check in `kraken_sync`'s wait: the bench waits for the
    dead run's heartbeat to be older than KRAKEN_SYNC_STALE_SECONDS (3 s), after which
    `sync_request` fails it and starts a fresh run that resumes from the stored cursors.
    """
    from portfolio.models import SyncRun

    account = sim.add_account(seed=9902, size=size)
    connection = connect(sim, account, "killed")
    sim.reset_counters()
    done_kills, rows_at_kill = 0, []
    while done_kills < kills:
        before = connection.ledger_entries.count()
        process = kraken_sync(env, "killed")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if connection.ledger_entries.count() >= before + max(50, size // (kills + 2)):
                break
            time.sleep(0.05)
        if process.poll() is not None:
            break  # it finished before it could be killed
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        done_kills += 1
        rows_at_kill.append(connection.ledger_entries.count())
        time.sleep(3.5)  # the dead run's heartbeat goes stale
    final = kraken_sync(env, "killed")
    output, _ = final.communicate(timeout=600)
    runs = list(SyncRun.objects.filter(connection=connection).values_list("state", flat=True))
    return {
        "probe": f"kill -9 x{done_kills}, then resume",
        "state": runs[0] if runs else "none",
        "exit": final.returncode,
        "kills": done_kills,
        "rows_at_each_kill": rows_at_kill,
        "runs": len(runs),
        **key_figures(sim, account.spot_key),
        **ledger_check(connection, account),
    }


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def probe_concurrent(
    sim, env: dict[str, str], size: int, *, mixed: bool, seed: int, guard: bool = True
) -> dict:
    """Four `kraken_sync` processes at once, four users' connections with one API key.

    `guard=False` sets KRAKEN_STATE_GUARD_SECONDS=0 (no record is ever fresh): what mismatched
    backends do without the shared-state guard.
    """
    from portfolio.models import SyncRun

    account = sim.add_account(seed=seed, size=size)
    tag = ("mixed" if mixed else "same") + ("" if guard else "-unguarded")
    connections = [connect(sim, account, f"{tag}{n}") for n in range(4)]
    sim.reset_counters()
    processes = []
    for n, connection in enumerate(connections):
        extra = {"REDIS_URL": REDIS_URL} if mixed and n % 2 else {}
        if not guard:
            extra["KRAKEN_STATE_GUARD_SECONDS"] = "0"
        processes.append(kraken_sync(env, connection.user.username, **extra))
    outputs = [p.communicate(timeout=600)[0] for p in processes]
    states = [SyncRun.objects.filter(connection=c).first().state for c in connections]
    checks = [ledger_check(c, account) for c in connections]
    synced = [check for check, state in zip(checks, states, strict=True) if state == "succeeded"]
    shared = "Redis + files (mismatched)" if mixed else "one FileState"
    return {
        "probe": f"4 syncs, one key, {shared}" + ("" if guard else ", guard off"),
        "succeeded": states.count("succeeded"),
        "refused": sum("Refused: this connection's API key" in out for out in outputs),
        **key_figures(sim, account.spot_key),
        "missing": sum(c["missing"] for c in synced),
        "duplicates": sum(c["duplicates"] for c in synced),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=3000, help="ledger entries per account")
    parser.add_argument("--speed", type=int, default=50, help="simulator speed factor")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--fault-rate", type=float, default=0.10)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kp-reliability-"))
    env = setup(workdir, args.speed, args.database_url)
    from portfolio.simulator.server import SimulatorServer

    results = []
    with SimulatorServer(speed=args.speed, seed=3) as sim:
        results.append(probe_faults(sim, args.size, args.fault_rate))
        results.append(probe_kills(sim, env, args.size, args.kills))
        results.append(probe_concurrent(sim, env, args.size // 3, mixed=False, seed=9903))
        if redis_answers():
            results.append(probe_concurrent(sim, env, args.size // 3, mixed=True, seed=9904))
            results.append(
                probe_concurrent(sim, env, args.size // 3, mixed=True, seed=9905, guard=False)
            )
    for result in results:
        print(json.dumps(result))
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "reliability.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
