"""Large accounts generate in seconds and page quickly over HTTP."""

from __future__ import annotations

import time

from portfolio.simulator import SimulatorServer

from .helpers import Spot


def test_a_20000_entry_ledger_generates_and_pages_quickly() -> None:
    with SimulatorServer(speed=1_000_000) as server:
        started = time.perf_counter()
        acc = server.add_account(seed=99, size=20_000)
        generated = time.perf_counter() - started
        client = Spot(server.base_url, acc.spot_key, acc.spot_secret)
        started = time.perf_counter()
        seen = 0
        while True:
            page = client.result("Ledgers", ofs=seen, without_count="true")["ledger"]
            if not page:
                break
            seen += len(page)
        paged = time.perf_counter() - started
    assert seen == len(acc.truth.ledgers) >= 20_000
    assert generated < 5.0, generated
    assert paged < 10.0, paged  # 401 pages; typically about 1 ms each
