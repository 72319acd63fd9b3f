"""The REST API under load: list endpoints, first and 50th page, against gunicorn.

    .venv/bin/python bench/api_bench.py [--ledger 100000] [--disposals 20000] [--others 10000]
        [--clients 10] [--duration 30] [--workers 3]
        [--database-url postgres://postgres@127.0.0.1:5432/kp_api]

It empties the bench database, migrates it, stores one user's history (bench/api_seed.py:
100,000 ledger entries, 20,000 disposals, 10,000 rows of each other big table), makes a
read-only token, starts gunicorn on a free loopback port, finds each list endpoint's first and
50th page (following the cursor links once, untimed), then runs ``--clients`` threads for
``--duration`` seconds, each calling a random one of those pages in turn over a kept-alive
connection. It prints p50/p95/p99 per endpoint and page (target: p95 under 150 ms) and writes
bench/out/api_bench.json. Traffic goes to 127.0.0.1 only and stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/kp_api"
LISTS = [
    "ledger-entries",
    "trades",
    "closed-orders",
    "balances",
    "futures/fills",
    "futures/log",
    "futures/positions",
    "lots",
    "disposals",
    "income",
    "margin",
    "futures/records",
    "unknown-basis",
    "syncs",
]


def prepare_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")
    os.environ["VAR_DIR"] = str(ROOT / "bench" / "out" / "api-var")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int, env: dict) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "portfolio.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--log-level=warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


class Client:
    def __init__(self, port: int, token: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}

    def get(self, path: str) -> tuple[int, bytes]:
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        return response.status, response.read()


def pages(client: Client) -> dict[str, str]:
    """Each list's first page and, where the list has one, its 50th (cursor links, untimed)."""
    found = {}
    for name in LISTS:
        path = f"/api/v1/{name}/"
        found[f"{name} p1"] = path
        for _ in range(49):
            status, body = client.get(path)
            assert status == 200, (path, status, body[:200])
            following = json.loads(body)["next"]
            if following is None:
                break
            parts = urlsplit(following)
            path = f"{parts.path}?{parts.query}"
        else:
            found[f"{name} p50"] = path
    return found


def load(port: int, token: str, targets: dict[str, str], clients: int, duration: float) -> dict:
    timings: dict[str, list[float]] = {name: [] for name in targets}
    errors: list[str] = []
    stop = time.monotonic() + duration
    names = list(targets)

    def worker(seed: int) -> None:
        rng, client = random.Random(seed), Client(port, token)
        while time.monotonic() < stop:
            name = rng.choice(names)
            started = time.perf_counter()
            status, _ = client.get(targets[name])
            elapsed = time.perf_counter() - started
            if status != 200:
                errors.append(f"{name}: {status}")
            timings[name].append(elapsed * 1000)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"timings": timings, "errors": errors}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summarise(timings: dict[str, list[float]]) -> list[dict]:
    return [
        {
            "page": name,
            "calls": len(values),
            "p50": round(statistics.median(values), 1),
            "p95": round(percentile(values, 95), 1),
            "p99": round(percentile(values, 99), 1),
        }
        for name, values in timings.items()
        if values
    ]


def fresh_token() -> str:
    from django.contrib.auth import get_user_model

    from portfolio.api.tokens import api_token_create

    user = get_user_model().objects.get(username="bench")
    _, raw = api_token_create(user=user, name=f"bench {time.time():.0f}", read_only=True)
    return raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", type=int, default=100_000)
    parser.add_argument("--disposals", type=int, default=20_000)
    parser.add_argument("--others", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the data of the last run (no seeding)"
    )
    args = parser.parse_args()
    if args.reuse:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")
    else:
        prepare_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command

    from bench.api_seed import seed

    started = time.perf_counter()
    if args.reuse:
        token = fresh_token()
    else:
        call_command("migrate", verbosity=0)
        token = seed(ledger=args.ledger, disposals=args.disposals, others=args.others)
    seeded = time.perf_counter() - started
    from django.db import connection as db

    with db.cursor() as cursor:
        cursor.execute("ANALYZE")
    db.close()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "api-bench-not-secret",
        "API_THROTTLE_USER": "10000000/minute",
        "API_THROTTLE_TOKEN": "10000000/minute",
    }
    port = free_port()
    server = start_gunicorn(port, args.workers, env)
    try:
        targets = pages(Client(port, token))
        result = load(port, token, targets, args.clients, args.duration)
    finally:
        server.terminate()
        server.wait(timeout=30)
    rows = summarise(result["timings"])
    total = sum(r["calls"] for r in rows)
    print(
        f"seeded in {seeded:.1f} s; {total} calls in {args.duration:.0f} s "
        f"({total / args.duration:.0f}/s), {len(result['errors'])} errors"
    )
    print("| page | calls | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['page']} | {r['calls']} | {r['p50']} | {r['p95']} | {r['p99']} |")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"api_bench_{args.clients}c.json").write_text(
        json.dumps({"args": vars(args), "rows": rows, "errors": result["errors"][:20]}, indent=1)
    )
    if result["errors"]:
        raise SystemExit(f"errors: {result['errors'][:5]}")


if __name__ == "__main__":
    main()
