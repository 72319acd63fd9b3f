"""Write the filing report of a year with many disposals: PDF and CSV, time and peak memory.

    .venv/bin/python bench/report_bench.py [--pdf 1000,10000,50000] [--csv 1000,10000,50000,100000]
        [--database-url sqlite:///bench/out/report-var/bench.sqlite3]

Stores, for each size, a run with that many disposal rows (each one lot piece, short and long
term mixed, amounts with 18 decimals) through the books' bulk insert, then times, in a fresh
child process per measurement (so the peak RSS is that measurement's): reading the report from
the database and writing it (``report_pdf`` or every CSV): the report reads each list of rows
when a writer first asks for it, so "total" (and the Form 8949 CSV's own time) include the
database reads. Targets: PDF of
10,000 rows in at most 30 s and 1 GB; CSV of 100,000 rows in at most 5 s.
Writes bench/out/report_bench.json.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
DEFAULT_DB = f"sqlite:///{OUT / 'report-var' / 'bench.sqlite3'}"
YEAR = 2024


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")
    os.environ["VAR_DIR"] = str(OUT / "report-var")
    import django

    django.setup()


def _rows(run_id: int, n: int):
    rng = random.Random(n)
    start = datetime(YEAR, 1, 1, 15, tzinfo=UTC)
    for i in range(n):
        qty = Decimal(rng.randint(1, 10**8)) / Decimal(10**8)
        proceeds = Decimal(rng.randint(1, 10**22)) / Decimal(10**18)
        basis = Decimal(rng.randint(1, 10**22)) / Decimal(10**18)
        term = "long" if i % 3 == 0 else "short"
        sold = start + timedelta(minutes=i * 500_000 // max(n, 1))
        acquired = sold - timedelta(days=400 if term == "long" else 30)
        lot = {"lot_id": f"LACQ{i:08d}-ABCDE-FGHIJK", "acquired": acquired.isoformat(),
               "quantity": str(qty), "basis": str(basis), "proceeds": str(proceeds),
               "gain": str(proceeds - basis), "term": term}  # fmt: skip
        yield (run_id, f"LSELL{i:07d}-ABCDE-FGHIJK", sold, YEAR, "XBT", "", qty, proceeds, basis,
               proceeds - basis, term, "sale", "kraken trade price", [lot])  # fmt: skip


def _summary(run) -> dict:
    from django.db.models import Count, Sum

    from portfolio.accounting.summary import money

    def block(rows) -> dict:
        s = rows.aggregate(p=Sum("proceeds"), b=Sum("basis"), g=Sum("gain"), n=Count("id"))
        p, b, g = (money(s[k] or Decimal(0), "USD") for k in "pbg")
        return {"proceeds": p, "cost_basis": b, "gain": g, "count": s["n"], "sales": s["n"]}

    rows = run.disposals.all()
    return {
        "year": YEAR, "jurisdiction": "us", "method": "fifo", "base_currency": "USD",
        "period": {"start": f"{YEAR}-01-01", "end": f"{YEAR}-12-31"},
        "disposals": block(rows), "short_term": block(rows.filter(term="short")),
        "long_term": block(rows.filter(term="long")), "income": {"total": "0.00", "count": 0},
        "fees": "0.00", "margin": None, "futures": None,
    }  # fmt: skip


def seed(n: int) -> str:
    """A user whose run holds ``n`` disposals in YEAR; returns the username."""
    from django.utils import timezone

    from portfolio.books.bulk import bulk_insert
    from portfolio.books.models import AccountingRun, DisposalRow, YearResult
    from tests.factories import UserFactory

    name = f"bench{n}"
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username=name).delete()
    user = UserFactory(username=name)
    now = timezone.now()
    run = AccountingRun.objects.create(
        user=user, jurisdiction="us", method="fifo", base_currency="USD", time_zone="UTC",
        as_of=now, inputs_digest="bench", state="succeeded", finished_at=now,
    )  # fmt: skip
    fields = ("run", "event_id", "time", "tax_year", "asset", "wallet", "quantity", "proceeds",
              "basis", "gain", "term", "reason", "proceeds_source", "lots")  # fmt: skip
    bulk_insert(DisposalRow, fields, _rows(run.pk, n))
    YearResult.objects.create(run=run, year=YEAR, summary=_summary(run))
    return name


def _peak_mb() -> float:
    """This process's peak RSS: VmHWM (ru_maxrss would keep the forking parent's peak)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(username: str, what: str) -> dict:
    from django.contrib.auth import get_user_model

    from reports import tables
    from reports.content import report_for
    from reports.pdf import report_pdf

    user = get_user_model().objects.get(username=username)
    run = user.accounting_runs.get()
    t0 = time.perf_counter()
    report = report_for(user=user, year=YEAR, run=run)
    t1 = time.perf_counter()
    read = t1 - t0  # the rows are read when a writer first asks for them: see "total"
    extra = {}
    if what == "pdf":
        size = len(report_pdf(report))
    else:
        form, _totals = tables.form_8949(report)
        tables.to_csv(form)
        extra["form_8949_csv_s"] = round(time.perf_counter() - t0, 2)  # database read included
        t0 = time.perf_counter()
        report = report_for(user=user, year=YEAR, run=run)  # afresh: nothing read yet
        t1 = time.perf_counter()
        size = sum(len(c) for c in tables.csv_files(report).values())  # every CSV
    t2 = time.perf_counter()
    peak_mb = _peak_mb()
    return {"what": what, "rows": len(report.rows.pieces), "read_s": round(read, 2),
            "write_s": round(t2 - t1, 2), "total_s": round(t2 - t0, 2), "bytes": size,
            "peak_rss_mb": round(peak_mb), **extra}  # fmt: skip


def child(args) -> None:
    setup(args.database_url)
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    print(json.dumps(measure(args.user, args.what)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", default="1000,10000,50000")
    parser.add_argument("--csv", default="1000,10000,50000,100000")
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--user", help=argparse.SUPPRESS)
    parser.add_argument("--what", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    (OUT / "report-var").mkdir(parents=True, exist_ok=True)
    setup(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    plan = [("pdf", int(n)) for n in args.pdf.split(",") if n]
    plan += [("csv", int(n)) for n in args.csv.split(",") if n]
    users = {n: seed(n) for n in sorted({n for _, n in plan})}
    results = []
    for what, n in plan:
        cmd = [sys.executable, __file__, "--child", "--user", users[n], "--what", what,
               "--database-url", args.database_url]  # fmt: skip
        line = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()
        result = json.loads(line.splitlines()[-1])
        results.append(result)
        print(json.dumps(result), flush=True)
    (OUT / "report_bench.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
