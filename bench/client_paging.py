"""Benchmark: N worker processes page one long ledger on one API key.

Reports the share of Kraken's allowed rate the workers achieved together and how many calls the
server rejected (rate limit, invalid nonce). It runs against the test stand-in
``tests/kraken/fake_kraken.py``; switch it to ``portfolio.simulator`` once its HTTP server lands.
Exits non-zero if the server rejected any call.

    .venv/bin/python bench/client_paging.py --workers 4 --speed 50 --size 2000
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portfolio.kraken import TIERS, FileState, KrakenSpotClient, scaled
from tests.kraken.fake_kraken import FakeKraken

LEDGER_COST = 2


def worker(base_url: str, api_key: str, secret: str, state_dir: str, speed: int) -> None:
    tier = scaled(TIERS["pro"], speed)
    client = KrakenSpotClient(
        api_key=api_key, api_secret=secret, base_url=base_url, tier=tier, state=FileState(state_dir)
    )
    count = sum(1 for _ in client.iter_ledgers())
    print(f"worker received {count} entries", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--speed", type=int, default=50)
    parser.add_argument("--size", type=int, default=2000)
    args = parser.parse_args()
    tier = scaled(TIERS["pro"], args.speed)
    server = FakeKraken(decay=float(tier.decay_per_second), ledger_size=args.size).start()
    api_key, secret = server.add_key("bench-key")
    pages = -(-args.size // 50)
    with tempfile.TemporaryDirectory() as state_dir:
        context = multiprocessing.get_context("fork")
        children = [
            context.Process(
                target=worker, args=(server.base_url, api_key, secret, state_dir, args.speed)
            )
            for _ in range(args.workers)
        ]
        started = time.monotonic()
        for child in children:
            child.start()
        for child in children:
            child.join()
        elapsed = time.monotonic() - started
    server.stop()
    units = args.workers * pages * LEDGER_COST
    allowed = float(tier.max_counter) + float(tier.decay_per_second) * elapsed
    print("server: fake_kraken (test stand-in; the simulator server had not landed)")
    print(f"workers={args.workers} speed={args.speed} pages/worker={pages} elapsed={elapsed:.2f}s")
    print(f"counter units used={units} allowed={allowed:.1f} efficiency={units / allowed:.1%}")
    print(
        f"rate-limit rejections={server.stats.rate_limited} "
        f"invalid nonces={server.stats.invalid_nonce} requests={server.stats.requests}"
    )
    if server.stats.rate_limited or server.stats.invalid_nonce:
        sys.exit(1)


if __name__ == "__main__":
    main()
