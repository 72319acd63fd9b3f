"""The engine's cost in CPU instructions, which a busy machine does not change.

    python bench/engine_instructions.py [--tree PATH] [--events 100000] [--config fifo/us uk/uk]
                                        [--no-transfers]

Wall-clock figures on a shared machine move by 30% or more with the other processes' load, too
much to tell a 10% change. Here each run executes under valgrind's cachegrind (``--cache-sim=no``:
instruction counting only) twice over the same seeded events: once generating them and stopping,
once generating them and then running ``compute``, every ``summarise_tax_year`` and a full
collection, as ``engine_bench.py`` times them. The difference is the engine's work in
instructions, repeatable to a fraction of a percent whatever else the machine does.

``--tree`` points at another checkout (e.g. a ``git worktree`` of an older commit) to measure its
engine with its own ``bench/engine_bench.py`` generator, so two versions compare on one machine.
valgrind slows Python about fifty-fold: 100,000 events take a few minutes per configuration.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DRIVER = """
import gc, inspect, sys
from datetime import UTC, datetime
sys.path.insert(0, {tree!r}); sys.path.insert(0, {bench!r})
import engine_bench as b
kwargs = {{}}
if "transfers" in inspect.signature(b.generate).parameters:
    kwargs["transfers"] = {transfers!r}
events = b.generate({count}, **kwargs)
gc.collect()
if {run!r}:
    result = b.compute(events, method={method!r}, jurisdiction={jurisdiction!r},
                       base_currency="USD", per_wallet=False,
                       as_of=datetime(2100, 1, 1, tzinfo=UTC))
    [b.summarise_tax_year(result, year) for year in sorted(result.years)]
    gc.collect()
    print(len(result.disposals), len(result.problems))
"""


def instructions(tree: str, count: int, config: str, transfers: bool, run: bool) -> int:
    method, jurisdiction = config.split("/")
    code = DRIVER.format(
        tree=tree,
        bench=os.path.join(tree, "bench"),
        count=count,
        transfers=transfers,
        run=run,
        method=method,
        jurisdiction=jurisdiction,
    )
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "driver.py")
        with open(script, "w") as handle:
            handle.write(code)
        out = subprocess.run(
            [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=no",
                f"--cachegrind-out-file={os.path.join(tmp, 'cg.out')}",
                sys.executable,
                script,
            ],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},  # set and dict orders alike in every run
        )
    match = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    if not match:
        raise SystemExit(f"no instruction count in valgrind's output:\n{out.stderr[-2000:]}")
    return int(match.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", default=HERE)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--config", nargs="+", default=["fifo/us", "uk/uk"])
    parser.add_argument("--no-transfers", action="store_true")
    args = parser.parse_args()
    tree = os.path.abspath(args.tree)
    transfers = not args.no_transfers
    for config in args.config:
        setup = instructions(tree, args.events, config, transfers, run=False)
        total = instructions(tree, args.events, config, transfers, run=True)
        print(
            f"{tree} {args.events:,} events {config} transfers={transfers}: engine "
            f"{(total - setup) / 1e9:.3f} G instructions (setup {setup / 1e9:.3f} G)",
            flush=True,
        )


if __name__ == "__main__":
    main()
