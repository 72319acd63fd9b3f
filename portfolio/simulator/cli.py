"""Command line: ``python -m portfolio.simulator.cli --port 8765 --seed 1 [--size 2000] ...``.

With ``--write-ohlcvt FILE.zip`` it writes its market as a Kraken OHLCVT file and exits.
Otherwise it prints ``KEY=value`` lines (SIM_BASE_URL, SIM_FUTURES_BASE_URL, SIM_SPOT_KEY,
SIM_SPOT_SECRET, SIM_FUTURES_KEY, SIM_FUTURES_SECRET, SIM_TIER) for a Makefile to parse, flushes,
then serves until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .limits import TIERS
from .market import TICKS
from .ohlcvt import write_ohlcvt
from .server import SimulatorServer


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Shared with the Django ``kraken_simulator`` management command."""
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", type=int, default=2000, help="approximate ledger entries")
    parser.add_argument(
        "--mix",
        choices=["default", "trader"],
        default="default",
        help="account activity: a varied account, or an active trader (mostly trades)",
    )
    parser.add_argument("--tier", choices=sorted(TIERS), default="pro")
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--fault-rate", dest="fault_rate", type=float, default=0.0)
    parser.add_argument("--nonce-window", dest="nonce_window", type=int, default=0)
    parser.add_argument("--write-credentials", dest="write_credentials", default=None)
    parser.add_argument(
        "--write-ohlcvt",
        dest="write_ohlcvt",
        default=None,
        metavar="FILE.zip",
        help="write the market as a Kraken OHLCVT zip (complete candles up to now) and exit",
    )
    parser.add_argument("--ohlcvt-pairs", dest="ohlcvt_pairs", default=None, help="pair ids, comma")
    parser.add_argument("--ohlcvt-from", dest="ohlcvt_from", default="2020-01-01")
    parser.add_argument("--ohlcvt-to", dest="ohlcvt_to", default=None, help="default: today")


def build_server(options: Mapping[str, Any]) -> tuple[SimulatorServer, dict[str, str]]:
    server = SimulatorServer(
        host=options["host"],
        port=options["port"],
        speed=options["speed"],
        fault_rate=options["fault_rate"],
        seed=options["seed"],
        nonce_window=options.get("nonce_window") or 0,
    )
    account = server.add_account(
        seed=options["seed"],
        size=options["size"],
        tier=options["tier"],
        mix=options.get("mix", "default"),
    )
    lines = {
        "SIM_BASE_URL": server.base_url,
        "SIM_FUTURES_BASE_URL": server.futures_base_url,
        "SIM_SPOT_KEY": account.spot_key,
        "SIM_SPOT_SECRET": account.spot_secret,
        "SIM_FUTURES_KEY": account.futures_key,
        "SIM_FUTURES_SECRET": account.futures_secret,
        "SIM_TIER": account.tier,
    }
    return server, lines


def run(options: Mapping[str, Any], out: Any = None) -> int:
    """Serve with already-parsed options (a dict with the ``add_arguments`` names)."""
    out = out or sys.stdout
    server, lines = build_server(options)
    if options.get("write_ohlcvt"):
        return _write_ohlcvt(server, options, out)
    text = "".join(f"{k}={v}\n" for k, v in lines.items())
    if options.get("write_credentials"):
        Path(options["write_credentials"]).write_text(text)
    out.write(text)
    out.flush()

    def stop(signum: int, frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    finally:
        server.stop()
    return 0


def _write_ohlcvt(server: SimulatorServer, options: Mapping[str, Any], out: Any) -> int:
    now = server.now()
    today = dt.datetime.fromtimestamp(now // TICKS, dt.UTC).date()
    pairs = options.get("ohlcvt_pairs")
    rows = write_ohlcvt(
        server.market,
        Path(options["write_ohlcvt"]),
        now=now,
        first_day=dt.date.fromisoformat(options.get("ohlcvt_from") or "2020-01-01"),
        last_day=dt.date.fromisoformat(options["ohlcvt_to"]) if options.get("ohlcvt_to") else today,
        pairs=pairs.split(",") if pairs else None,
    )
    server.stop()
    out.write(f"wrote {rows} candles to {options['write_ohlcvt']}\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kraken-simulator", description=__doc__)
    add_arguments(parser)
    return run(vars(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
