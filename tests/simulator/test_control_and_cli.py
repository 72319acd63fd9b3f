"""Control endpoints under /_sim/, the CLI's KEY=value output and shutdown, no Django."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.parse
from pathlib import Path

import requests

from portfolio.simulator import SimulatorServer

from .helpers import Spot

ROOT = Path(__file__).resolve().parents[2]


def test_control_creates_an_account_whose_credentials_work(sim: SimulatorServer) -> None:
    created = requests.post(
        f"{sim.base_url}/_sim/accounts",
        json={"seed": 31, "size": 150, "tier": "starter"},
        timeout=10,
    ).json()
    assert set(created) == {
        "spot_key",
        "spot_secret",
        "futures_key",
        "futures_secret",
        "tier",
        "permissions",
    }
    assert created["tier"] == "starter"
    client = Spot(sim.base_url, created["spot_key"], created["spot_secret"])
    assert client.call("Balance")["error"] == []


def test_control_appends_activity(sim: SimulatorServer) -> None:
    acc = sim.add_account(seed=32, size=150)
    url = f"{sim.base_url}/_sim/accounts/{urllib.parse.quote(acc.spot_key, safe='')}/append"
    before = len(acc.truth.ledgers)
    reply = requests.post(url, json={"n": 12}, timeout=10).json()
    assert reply == {"appended": 12, "ledger_count": before + 12}


def test_control_sets_faults_and_reads_counters() -> None:
    with SimulatorServer() as server:
        requests.post(
            f"{server.base_url}/_sim/faults",
            json={"fail_next": {"kind": "http_503", "count": 1}},
            timeout=5,
        )
        assert requests.get(f"{server.base_url}/0/public/Time", timeout=5).status_code == 503
        counters = requests.get(f"{server.base_url}/_sim/counters", timeout=5).json()
        assert counters["faults"] == {"http_503": 1}
        assert (
            requests.post(
                f"{server.base_url}/_sim/faults", json={"kinds": ["meteor"]}, timeout=5
            ).status_code
            == 400
        )


def test_cli_prints_credentials_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    creds = tmp_path / "sim.env"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "portfolio.simulator.cli",
            "--port",
            "0",
            "--seed",
            "3",
            "--size",
            "200",
            "--speed",
            "100",
            "--write-credentials",
            str(creds),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        lines = [proc.stdout.readline().strip() for _ in range(7)]
        values = dict(line.split("=", 1) for line in lines)
        assert list(values) == [
            "SIM_BASE_URL",
            "SIM_FUTURES_BASE_URL",
            "SIM_SPOT_KEY",
            "SIM_SPOT_SECRET",
            "SIM_FUTURES_KEY",
            "SIM_FUTURES_SECRET",
            "SIM_TIER",
        ]
        assert values["SIM_BASE_URL"].startswith("http://127.0.0.1:")
        assert creds.read_text().splitlines() == lines
        client = Spot(values["SIM_BASE_URL"], values["SIM_SPOT_KEY"], values["SIM_SPOT_SECRET"])
        assert client.call("Balance")["error"] == []
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_the_simulator_package_never_imports_django() -> None:
    code = (
        "import sys, portfolio.simulator.cli, portfolio.simulator; print('django' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.stdout.strip() == "False"


def test_the_simulator_package_never_imports_our_kraken_client() -> None:
    sources = (ROOT / "portfolio" / "simulator").glob("*.py")
    assert not [
        p.name
        for p in sources
        if "portfolio.kraken" in p.read_text() or "from ..kraken" in p.read_text()
    ]
