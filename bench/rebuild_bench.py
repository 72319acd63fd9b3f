"""Rebuild a user's accounts from the database: 100k ledger entries, cold and warm.

    .venv/bin/python bench/rebuild_bench.py [--entries 100000]
        [--database-url postgres://postgres@127.0.0.1:5432/kraken_portfolio_bench]

It creates (or empties) the bench database, syncs a simulator account of the given size into
it through the real sync (bulk export path), then times `accounting_rebuild` twice: cold (the
price cache is empty, so Kraken public prices are fetched from the simulator) and warm (prices
cached, the steady state after every later sync). Each phase is timed separately: reading the
ledger, classifying, the engine, storing the results. Target: a warm rebuild from PostgreSQL
for 100k entries in at most 10 s. Then, through the service itself: a full rebuild (which also
stores the checkpoint), 1,000 more entries synced, and the incremental rebuild that follows.
Writes bench/out/rebuild_bench.json.
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
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/kraken_portfolio_bench"


def prepare_database(url: str) -> None:
    if url.startswith("postgres"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")
    os.environ["VAR_DIR"] = str(ROOT / "bench" / "out" / "rebuild-var")
    # The bench's connection points at the simulator on loopback: the operator's allow-list.
    os.environ.setdefault("KRAKEN_ALLOWED_HOSTS", "127.0.0.1,localhost")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    args = parser.parse_args()
    prepare_database(args.database_url)

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.KRAKEN_PUBLIC_RATE = "1000"
    settings.KRAKEN_SYNC_EXPORT_POLL_SECONDS = 0.01
    from portfolio.simulator.server import SimulatorServer

    speed = 1000
    with SimulatorServer(speed=speed, seed=5).start() as server:
        account, user, connection, generated, synced = synced_account(server, args.entries, speed)
        as_of = datetime(2026, 1, 1, tzinfo=UTC)
        rounds = {name: timed_rebuild(user, as_of) for name in ("cold", "warm")}
        service = timed_service_rebuilds(user, account, connection)

    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    report = {
        "database": vendor,
        "entries": args.entries,
        "generate_s": round(generated, 2),
        "sync_s": round(synced, 2),
        "rebuild": rounds,
        "service": service,
    }
    print(
        f"database {vendor}, {args.entries} ledger entries "
        f"(simulator generation {generated:.1f} s, sync {synced:.1f} s)"
    )
    print(
        f"{'round':6} {'read':>7} {'classify':>9} {'engine':>7} {'store':>7} {'total':>7}  events"
    )
    for name, r in rounds.items():
        print(
            f"{name:6} {r['read_s']:7.2f} {r['classify_engine_s'] - r['engine_s']:9.2f} "
            f"{r['engine_s']:7.2f} {r['store_s']:7.2f} {r['total_s']:7.2f}  {r['events']}"
        )
    for name, r in service.items():
        print(
            f"service {name:12} {r['total_s']:7.2f} s  {r['kind']}, "
            f"{r['computed_events']} of {r['events']} events computed"
        )
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "rebuild_bench.json").write_text(json.dumps(report, indent=2))


def synced_account(server, entries: int, speed: int):
    """(account, user, connection, generation s, sync s): a simulator account synced in full."""
    from decimal import Decimal

    from tests.factories import UserFactory, make_connection
    from tests.simulated import sync

    t0 = time.perf_counter()
    account = server.add_account(seed=99, size=entries)
    generated = time.perf_counter() - t0
    creds = account.credentials()
    user = UserFactory()
    connection = make_connection(
        user=user,
        label="Bench",
        api_key=creds["spot_key"],
        api_secret=creds["spot_secret"],
        api_url=server.base_url,
        rate_tier="custom",
        rate_max=Decimal(20),
        rate_decay=Decimal(speed),
    )
    t0 = time.perf_counter()
    run = sync(connection)
    synced = time.perf_counter() - t0
    assert run.state == "succeeded", run.error
    return account, user, connection, generated, synced


def timed_rebuild(user, as_of) -> dict:
    from portfolio.accounting import classify_ledger, compute
    from portfolio.books import inputs
    from portfolio.books.models import AccountingRun
    from portfolio.books.services import _store, settings_for

    start = time.perf_counter()
    settings = settings_for(user=user)
    rows = inputs.ledger_rows(user=user, per_connection=settings.per_wallet)
    read = time.perf_counter()
    prices = inputs.price_source(user=user)
    classified = classify_ledger(rows)
    classified_at = time.perf_counter()
    result = compute(
        classified.events,
        method=settings.method,
        jurisdiction=settings.jurisdiction,
        base_currency=settings.base_currency,
        per_wallet=settings.per_wallet,
        as_of=as_of,
        prices=prices,
    )
    computed = time.perf_counter()
    run = AccountingRun.objects.create(
        user=user,
        jurisdiction=settings.jurisdiction,
        method=settings.method,
        base_currency=settings.base_currency,
        per_wallet=settings.per_wallet,
        as_of=as_of,
        inputs_digest="bench",
    )
    _store(run, classified, result, ())
    stored = time.perf_counter()
    return {
        "rows": len(rows),
        "events": len(classified.events),
        "disposals": len(result.disposals),
        "read_s": round(read - start, 3),
        "classify_engine_s": round(computed - read, 3),
        "engine_s": round(computed - classified_at, 3),
        "store_s": round(stored - computed, 3),
        "total_s": round(stored - start, 3),
    }


def timed_service_rebuilds(user, account, connection) -> dict:
    """`accounting_rebuild` in full, then incrementally after 1,000 new entries are synced."""
    from portfolio.books.services import accounting_rebuild
    from tests.simulated import sync

    as_of = datetime(2026, 7, 1, tzinfo=UTC)  # the appended entries follow the history's end
    out = {}

    def timed(name: str, **flags) -> None:
        start = time.perf_counter()
        run = accounting_rebuild(user=user, as_of=as_of, daily_values=False, **flags)
        out[name] = {
            "kind": run.kind,
            "events": run.event_count,
            "computed_events": run.computed_events,
            "total_s": round(time.perf_counter() - start, 3),
        }

    timed("full", force=True)
    account.append_activity(1000)
    assert sync(connection).state == "succeeded"
    timed("+1000 entries")
    return out


if __name__ == "__main__":
    main()
