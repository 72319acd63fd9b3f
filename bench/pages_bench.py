"""Page latency behind gunicorn: 100,000 ledger entries and 20,000 disposals in PostgreSQL.

    .venv/bin/python bench/pages_bench.py [--entries 100000] [--disposals 20000]
        [--clients 10] [--seconds 30] [--workers 5] [--port 8200]
        [--database-url postgres://postgres@127.0.0.1:5432/kp_dashpages]

It empties the database, migrates, bulk-creates one user's stored results and ledger
(bench/pages_data.py), starts gunicorn (DEBUG off) and then, for each page in turn, runs
``--clients`` logged-in clients (threads, each its own session and keep-alive connection) that
request the page back to back for ``--seconds``. Prints and writes bench/out/pages_bench.json:
requests, errors, p50/p95/p99 per page. Target: p95 under 200 ms for every page.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/kp_dashpages"
PASSWORD = "bench-password-42"


def prepare_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    prepare_environment()


def prepare_environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")
    os.environ["VAR_DIR"] = str(ROOT / "bench" / "out" / "pages-var")
    os.environ["STATIC_ROOT"] = str(ROOT / "bench" / "out" / "pages-static")
    os.environ["DEBUG"] = "false"  # as in production: the server below runs without DEBUG
    os.environ["SECURE_COOKIES"] = "false"  # plain http on loopback
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-" + "x" * 40)
    # The bench's connection has made-up keys for a Kraken it never calls: saving it must not
    # ask Kraken whether they work (accounts/key_check.py), or the data cannot be built.
    os.environ.setdefault("KRAKEN_CHECK_KEYS_ON_SAVE", "false")


def build_data(entries: int, disposals: int) -> tuple[str, int]:
    """The bench user and the tax year with the most disposals."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: the manifest
    from bench.pages_data import pages_data
    from tests.factories import make_connection
    from tests.portfolio.pages_setup import uk_user

    user = uk_user(username="bench")
    user.set_password(PASSWORD)
    user.save()
    started = time.perf_counter()
    data = pages_data(
        user=user,
        connection=make_connection(user=user),
        entries=entries,
        disposals=disposals,
        income=2000,
    )
    took = time.perf_counter() - started
    print(f"data: {entries} entries, {disposals} disposals in {took:.1f} s")
    year = data.run.disposals.values_list("tax_year", flat=True).order_by("-tax_year").first()
    return user.username, year


def reuse_data(url: str) -> tuple[str, int]:
    os.environ["DATABASE_URL"] = url
    prepare_environment()
    import django

    django.setup()
    from django.core.management import call_command

    from portfolio.books.models import DisposalRow

    call_command("migrate", verbosity=0)  # the code may be newer than the kept data
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: the manifest

    year = DisposalRow.objects.order_by("-tax_year").values_list("tax_year", flat=True).first()
    return "bench", year


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ)
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "portfolio.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    import requests

    for _ in range(100):
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited ({proc.returncode}): is port {port} taken?")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def logged_in(base: str, username: str):
    import requests

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.status_code
    return session


def hammer(sessions, url: str, seconds: float) -> dict:
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(session):
        mine, bad = [], 0
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            response = session.get(url)
            elapsed = time.perf_counter() - t0
            if response.status_code != 200:
                bad += 1
            mine.append(elapsed)
        with lock:
            times.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times.sort()
    q = statistics.quantiles(times, n=100, method="inclusive")
    return {
        "requests": len(times),
        "errors": errors[0],
        "rps": round(len(times) / seconds, 1),
        "p50_ms": round(q[49] * 1000, 1),
        "p95_ms": round(q[94] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--disposals", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=5)  # 2 x cores + 1, gunicorn's advice
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--reuse", action="store_true", help="keep the data of the last run")
    args = parser.parse_args()
    if args.reuse:
        username, year = reuse_data(args.database_url)
    else:
        prepare_database(args.database_url)
        username, year = build_data(args.entries, args.disposals)
    base = f"http://127.0.0.1:{args.port}"
    pages = {
        "overview": "/",
        "holdings": "/holdings/",
        "transactions (first page)": "/transactions/",
        "transactions (last page)": "/transactions/?last=1",
        f"tax year {year}": f"/reports/tax-year/{year}/",
    }
    server = start_gunicorn(args.port, args.workers)
    results = {}
    try:
        sessions = [logged_in(base, username) for _ in range(args.clients)]
        for name, path in pages.items():
            for s in sessions[:2]:  # warm each worker's caches a little
                s.get(base + path)
            results[name] = hammer(sessions, base + path, args.seconds)
            print(f"{name:28} {results[name]}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    load = os.getloadavg()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    report = {"args": vars(args), "load": load, "pages": results}
    (out / f"pages_bench-c{args.clients}.json").write_text(json.dumps(report, indent=2))
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
