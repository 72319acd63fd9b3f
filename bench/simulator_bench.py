"""Benchmark: the Kraken simulator generates a large account and serves its ledger page by page.

Times the two things tests/simulator/test_performance.py checks only functionally: generating
an account of ``--size`` ledger entries (``SimulatorServer.add_account``), and walking its whole
ledger over HTTP, 50 entries a page (``Ledgers`` with ``ofs``, ``without_count``), through the
tests' own hand-signed client. Time runs ``--speed`` times faster than Kraken's, so the key's
rate limit never waits and the paging figure is the simulator's own cost per page. Prints the
figures and writes JSON to ``bench/out/simulator_bench.json``.

    .venv/bin/python bench/simulator_bench.py --size 20000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portfolio.simulator import SimulatorServer
from tests.simulator.helpers import Spot

OUT = Path(__file__).resolve().parent / "out" / "simulator_bench.json"


def measure(*, size: int, seed: int, speed: int) -> dict[str, object]:
    with SimulatorServer(speed=speed) as server:
        started = time.perf_counter()
        account = server.add_account(seed=seed, size=size)
        generated = time.perf_counter() - started
        client = Spot(server.base_url, account.spot_key, account.spot_secret)
        seen, requests = 0, 0
        started = time.perf_counter()
        while True:
            page = client.result("Ledgers", ofs=seen, without_count="true")["ledger"]
            requests += 1
            if not page:
                break
            seen += len(page)
        paged = time.perf_counter() - started
    expected = len(account.truth.ledgers)
    return {
        "size_asked": size,
        "ledger_entries": expected,
        "entries_paged": seen,
        "complete": seen == expected,
        "requests": requests,  # the last one answers an empty page
        "generate_s": round(generated, 3),
        "page_all_s": round(paged, 3),
        "ms_per_request": round(1000 * paged / requests, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=99)
    parser.add_argument("--speed", type=int, default=1_000_000)
    args = parser.parse_args()
    result = measure(size=args.size, seed=args.seed, speed=args.speed)
    print(
        f"generated {result['ledger_entries']} ledger entries in {result['generate_s']:.2f} s; "
        f"paged {result['entries_paged']} in {result['requests']} requests in "
        f"{result['page_all_s']:.2f} s ({result['ms_per_request']} ms each); "
        f"complete: {result['complete']}"
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"command": " ".join(sys.argv), **result}, indent=2) + "\n")
    print(f"wrote {OUT}")
    if not result["complete"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
