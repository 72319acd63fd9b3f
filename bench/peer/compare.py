"""Peer comparison: one synthetic UK history through BittyTax and through our engine.

    python bench/peer/compare.py --transactions 100000 --seed 1
    python bench/peer/compare.py --transactions 2000          # smoke: a few seconds

Prints, per UK tax year, ours vs BittyTax (disposals, proceeds, allowable cost, gain, the
gain difference and whether it is within £1, income), the exact proceeds and income summed
straight from the input records, each side's wall time and the speed ratio; writes the same
as JSON to ``bench/out/peer-n<N>-s<SEED>.json`` (with the CSV and BittyTax's log beside it;
``-fee-buy``/``-fee-sell`` is appended when ``--trade-fee-to`` is not the default "split").
Targets: same gains within £1 a year, and ours at least 20 times faster.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # when run as a script
    sys.path.insert(0, str(REPO))

from bench.peer import diagnose, ours, run_bittytax  # noqa: E402
from bench.peer.bittytax_csv import write_csv  # noqa: E402
from bench.peer.records import Kind, Record, uk_day, uk_tax_year  # noqa: E402
from bench.peer.synthetic_uk import generate  # noqa: E402

TOLERANCE = Decimal(1)  # pounds per tax year
SPEED_TARGET = 20
FEE_CONFIG = {"buy": 0, "sell": 1, "split": 2}  # our trade_fee_to -> BittyTax config value


def input_totals(records: Sequence[Record]) -> dict[str, dict[str, Decimal | int]]:
    """Exact per-year sums straight from the records (no matching needed for these)."""
    sums: dict[str, dict[str, Decimal | int]] = defaultdict(
        lambda: {"proceeds": Decimal(0), "sales": 0, "income": Decimal(0), "income_count": 0}
    )
    for r in records:
        year = sums[uk_tax_year(uk_day(r.timestamp))]
        if r.kind in (Kind.SELL, Kind.TRADE) and r.sell_value_gbp is not None:
            year["proceeds"] += r.sell_value_gbp
            year["sales"] += 1
        elif r.kind is Kind.STAKING and r.buy_value_gbp is not None:
            year["income"] += r.buy_value_gbp
            year["income_count"] += 1
    return dict(sums)


def _m(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def _table(
    years: list[str],
    bt: run_bittytax.BittyTaxRun | None,
    our: ours.OurRun | None,
    inputs: dict[str, dict[str, Decimal | int]],
) -> tuple[list[str], list[dict[str, str]]]:
    head = (
        f"{'Tax year':<8} {'Disposals ours/BT':>17} {'Proceeds ours':>14} {'Proceeds BT':>14}"
        f" {'Cost ours':>14} {'Cost BT':>14} {'Gain ours':>12} {'Gain BT':>12}"
        f" {'Diff':>8} {'<=£1':>4} {'Income ours':>11} {'Income BT':>11}"
        f" {'Proceeds in':>14} {'Income in':>10}"
    )
    lines, rows = [head, "-" * len(head)], []
    for y in years:
        b = bt.years.get(y) if bt else None
        o = our.years.get(y) if our else None
        diff = (o.gain - b.gain) if (o and b) else None
        ok = "-" if diff is None else ("yes" if abs(diff) <= TOLERANCE else "NO")
        inp = inputs.get(y, {})
        count = f"{o.disposals if o else '-'}/{b.disposals if b else '-'}"
        row = {
            "year": y,
            "disposals": count,
            "proceeds_ours": _m(o.proceeds if o else None),
            "proceeds_bt": _m(b.proceeds if b else None),
            "cost_ours": _m(o.cost if o else None),
            "cost_bt": _m(b.allowable_costs if b else None),
            "gain_ours": _m(o.gain if o else None),
            "gain_bt": _m(b.gain if b else None),
            "diff": _m(diff),
            "within": ok,
            "income_ours": _m(o.income if o else None),
            "income_bt": _m(b.income if b else None),
            "proceeds_in": _m(Decimal(inp.get("proceeds", 0))),
            "income_in": _m(Decimal(inp.get("income", 0))),
        }
        rows.append(row)
        lines.append(
            f"{y:<8} {count:>17} {row['proceeds_ours']:>14} {row['proceeds_bt']:>14}"
            f" {row['cost_ours']:>14} {row['cost_bt']:>14} {row['gain_ours']:>12}"
            f" {row['gain_bt']:>12} {row['diff']:>8} {ok:>4} {row['income_ours']:>11}"
            f" {row['income_bt']:>11} {row['proceeds_in']:>14} {row['income_in']:>10}"
        )
    return lines, rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", "-n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--trade-fee-to",
        choices=tuple(FEE_CONFIG),
        default="split",
        help="where a crypto-to-crypto trade's fee goes, on both sides",
    )
    parser.add_argument(
        "--any-hour",
        action="store_true",
        help="timestamps over the whole UTC day (23:xx UTC in summer is the "
        "next UK day); default avoids 23:00-23:59 UTC",
    )
    parser.add_argument("--skip-bittytax", action="store_true")
    parser.add_argument(
        "--diagnose",
        action="store_true",
        help="also compare gains per asset and UK day against BittyTax's lines",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 unless both ran, every year is within £1 and ours is "
        f"at least {SPEED_TARGET}x faster",
    )
    args = parser.parse_args(argv)

    out = run_bittytax.OUT
    stem = f"peer-n{args.transactions}-s{args.seed}"
    if args.trade_fee_to != "split":
        stem += f"-fee-{args.trade_fee_to}"
    if args.any_hour:
        stem += "-any-hour"
    started = time.perf_counter()
    records = generate(args.seed, args.transactions, any_hour=args.any_hour)
    csv_path = write_csv(records, out / f"{stem}.csv")
    print(
        f"generated {len(records)} records (seed {args.seed}) in "
        f"{time.perf_counter() - started:.2f}s -> {csv_path}"
    )
    inputs = input_totals(records)
    years = sorted(inputs)

    bt = None
    if not args.skip_bittytax:
        bt = run_bittytax.run(
            csv_path,
            out / f"{stem}.bittytax.log",
            trade_allowable_cost_type=FEE_CONFIG[args.trade_fee_to],
        )
        print(
            f"BittyTax {bt.version}: exit {bt.returncode}, {bt.seconds:.2f}s wall "
            f"({bt.cpu_seconds:.2f}s CPU), imported "
            f"{bt.imported}, integrity {'passed' if bt.integrity_passed else 'NOT passed'}, "
            f"{len(bt.warnings)} warning(s); log {bt.log}"
        )
        for warning in bt.warnings[:5]:
            print(f"  {warning}")

    our, our_error = None, None
    as_of = records[-1].timestamp + timedelta(days=1) if records else datetime.now(UTC)
    try:
        our = ours.run(records, years, as_of=as_of, trade_fee_to=args.trade_fee_to)
        print(
            f"ours: {our.seconds:.3f}s wall ({our.cpu_seconds:.3f}s CPU; compute() "
            f"{our.compute_seconds:.3f}s)"
        )
    except ours.EngineUnavailable as exc:
        our_error = str(exc)
        print(f"ours: NOT RUN - {our_error}")

    lines, rows = _table(years, bt, our, inputs)
    print()
    print("\n".join(lines))
    if args.diagnose and bt and our and our.result is not None:
        rows_bt = run_bittytax.parse_disposal_rows(Path(bt.log).read_text(encoding="utf-8"))
        print()
        print("\n".join(diagnose.summary(diagnose.day_gaps(our.result.disposals, rows_bt))))
    ratio = (bt.seconds / our.seconds) if (bt and our and our.seconds > 0) else None
    cpu_ratio = (bt.cpu_seconds / our.cpu_seconds) if (bt and our and our.cpu_seconds > 0) else None
    within = bool(rows) and all(r["within"] == "yes" for r in rows)
    print()
    print(f"wall time: BittyTax {bt.seconds:.2f}s" if bt else "wall time: BittyTax not run", end="")
    print(
        f", ours {our.seconds:.3f}s, speed ratio {ratio:.1f}x (target >= {SPEED_TARGET}x); "
        f"CPU ratio {cpu_ratio:.1f}x"
        if our and ratio and cpu_ratio
        else ", ours not run"
    )
    print(
        f"gains within £{TOLERANCE} every year: {'yes' if within else 'no'}"
        if our and bt
        else "gains within £1: not compared"
    )

    report = {
        "transactions": args.transactions,
        "seed": args.seed,
        "trade_fee_to": args.trade_fee_to,
        "any_hour": args.any_hour,
        "csv": str(csv_path),
        "years": rows,
        "inputs": {y: {k: str(v) for k, v in t.items()} for y, t in inputs.items()},
        "bittytax": bt.to_json() if bt else None,
        "ours": (
            {
                "seconds": our.seconds,
                "compute_seconds": our.compute_seconds,
                "cpu_seconds": our.cpu_seconds,
                "years": {
                    y: {k: str(v) for k, v in asdict(t).items()} for y, t in our.years.items()
                },
            }
            if our
            else {"error": our_error}
        ),
        "speed_ratio": ratio,
        "cpu_speed_ratio": cpu_ratio,
        "within_tolerance": within if (our and bt) else None,
    }
    json_path = out / f"{stem}.json"
    json_path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"wrote {json_path}")
    if args.check:
        return 0 if (within and ratio is not None and ratio >= SPEED_TARGET) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
