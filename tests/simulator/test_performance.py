"""A large account generates, and every page of its ledger is served over HTTP.

How fast is measured by bench/simulator_bench.py (figures in bench/RESULTS.md), never here.
"""

from __future__ import annotations

from portfolio.simulator import SimulatorServer

from .helpers import Spot


def test_a_20000_entry_ledger_generates_and_every_page_is_served() -> None:
    with SimulatorServer(speed=1_000_000) as server:
        acc = server.add_account(seed=99, size=20_000)
        client = Spot(server.base_url, acc.spot_key, acc.spot_secret)
        served: list[str] = []
        pages = 0
        while True:
            page = client.result("Ledgers", ofs=len(served), without_count="true")["ledger"]
            if not page:
                break
            pages += 1
            served.extend(page)
    truth = [entry.id for entry in acc.truth.ledgers]
    assert len(truth) >= 20_000
    assert sorted(served) == sorted(truth)  # each entry once, none missing
    assert pages == -(-len(truth) // 50)  # full pages of 50, then the rest
