"""Import a 500,000-row Kraken ledgers CSV into PostgreSQL and into SQLite: time and peak memory.

    .venv/bin/python bench/import_bench.py [--rows 500000]
        [--database-url postgres://postgres@127.0.0.1:5432/kp_csv] [--skip-sqlite]

Writes the CSV once (the 2024+ web export: quoted, wallet, display asset names; a few failed rows
with an empty txid), then, in a fresh child process per database so each peak is its own, creates
the schema, a CSV-only connection, and times `import_files` (one transaction, streamed in batches)
and separately the reconciliation that follows an import. Peak memory is the child's maximum
resident set size (ru_maxrss), Django and all. Target on PostgreSQL: at most 60 s and 500 MB.
The PostgreSQL database is dropped and created again. Writes bench/out/import_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/kp_csv"
HEADER = '"txid","refid","time","type","subtype","aclass","asset","wallet","amount","fee","balance"'
ASSETS = (
    ("BTC", Decimal("0.0100000000")),
    ("ETH", Decimal("0.2500000000")),
    ("USD", Decimal("25.0000")),
)


def write_csv(path: Path, rows: int) -> int:
    """A valid running-balance ledger of deposits and withdrawals; the bytes written."""
    balances = {asset: Decimal(0) for asset, _ in ASSETS}
    start = 1_600_000_000
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\n")
        for n in range(rows):
            asset, step = ASSETS[n % 3]
            amount = step if (n // 3) % 4 != 3 else -step
            failed = n % 100_000 == 99_999  # a failed withdrawal: no txid, no change of balance
            if not failed:
                balances[asset] += amount
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(start + n * 60))
            kind = "deposit" if amount > 0 else "withdrawal"
            txid = "" if failed else f"L{n:07d}-BENCH-{n % 997:06d}"
            out.write(
                f'"{txid}","R{n:07d}-BENCH-RFID00","{stamp}","{kind}","","currency","{asset}",'
                f'"spot / main",{amount},0,{balances[asset]}\n'
            )
    return path.stat().st_size


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(database_url: str, csv_path: Path) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")
    os.environ["VAR_DIR"] = str(OUT / "import-var")
    os.environ["ACCOUNTING_REBUILD_AFTER_SYNC"] = "false"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.services import ConnectionInput, connection_create
    from portfolio.imports.jobs import after_import
    from portfolio.imports.service import import_files
    from tests.factories import UserFactory

    user = UserFactory()
    connection = connection_create(user=user, data=ConnectionInput(label="Bench", csv_only=True))
    before = peak_mb()
    t0, cpu0 = time.perf_counter(), time.process_time()
    summary = import_files(connection=connection, files=[csv_path])
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    import_peak = peak_mb()
    t0 = time.perf_counter()
    result = after_import(connection=connection)
    reconcile_seconds = time.perf_counter() - t0
    return {
        "vendor": django.db.connection.vendor,
        "rows_read": summary.rows_read,
        "added": summary.added,
        "skipped": summary.skipped,
        "import_seconds": round(seconds, 2),
        "import_cpu_seconds_in_python": round(cpu, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "rows_per_second": round(summary.added / seconds),
        "peak_mb_before_import": round(before, 1),
        "peak_mb_after_import": round(import_peak, 1),
        "reconcile_seconds": round(reconcile_seconds, 2),
        "reconcile_ok": result.ok,
        "peak_mb_after_reconcile": round(peak_mb(), 1),
    }


def prepare_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_child(url: str, csv_path: Path) -> dict:
    command = [sys.executable, __file__, "--child", url, "--csv", str(csv_path)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.csv)))
        return
    OUT.mkdir(exist_ok=True)
    csv_path = OUT / f"ledgers-{args.rows}.csv"
    size = write_csv(csv_path, args.rows)
    results = {"rows": args.rows, "csv_bytes": size, "runs": []}
    prepare_postgres(args.database_url)
    results["runs"].append(run_child(args.database_url, csv_path))
    if not args.skip_sqlite:
        sqlite = OUT / "import-bench.sqlite3"
        sqlite.unlink(missing_ok=True)
        results["runs"].append(run_child(f"sqlite:///{sqlite}", csv_path))
    print(json.dumps(results, indent=2))
    (OUT / "import_bench.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
