"""Install, configure, run and parse BittyTax as a separate program.

BittyTax is AGPL: it lives only in its own virtualenv (``bench/out/bittytax-venv``, git-ignored)
and is run as a subprocess; nothing in this repository imports it.

* Its config is read from ``~/.bittytax/bittytax.conf``; we run it with ``HOME`` pointed at a
  private folder (``bench/out/bittytax-home``) holding a config that empties both price-data
  source lists, so it never contacts a price source (not even at start-up).  As a second
  guard the run's proxy variables point at a closed local port, so any attempt would fail
  at once instead of reaching the network.
* Run as ``bittytax FILE --taxrules UK_INDIVIDUAL --nopdf`` with standard input closed.
  With ``--nopdf`` the full report (every disposal, per-year summary, income) goes to
  standard output, which is saved next to the CSV and parsed here into per-year totals.

Usable as a program: ``python bench/peer/run_bittytax.py FILE.csv`` prints the parsed totals.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # when run as a script
    sys.path.insert(0, str(REPO))

BITTYTAX_VERSION = "0.6.0"  # newest on PyPI when this harness was written (pip index versions)
OUT = REPO / "bench" / "out"
VENV = OUT / "bittytax-venv"
HOME = OUT / "bittytax-home"

# trade_allowable_cost_type: 0 = fee of a crypto-to-crypto trade to the bought asset,
# 1 = to the sold asset, 2 = split evenly (BittyTax's default).
CONFIG_TEMPLATE = """\
# Written by bench/peer/run_bittytax.py for the peer comparison. Do not edit by hand.
local_currency: 'GBP'
local_timezone: 'Europe/London'
date_is_day_first: True
fiat_list: ['GBP', 'EUR', 'USD']
crypto_list: ['BTC', 'ETH', 'SOL', 'DOT', 'ADA']
trade_asset_type: 2
trade_allowable_cost_type: {trade_allowable_cost_type}
transaction_fee_allowable_cost: True
audit_hide_empty: False
show_empty_wallets: False
transfers_include: False
transfer_fee_disposal: True
transfer_fee_allowable_cost: False
fiat_income: False
lost_buyback: True
large_data: False
legacy_report: False
data_source_select: {{}}
data_source_fiat: []
data_source_crypto: []
"""

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_MONEY = r"£(-?[\d,]+\.\d\d)"
_YEAR = re.compile(r"^Tax Year - (\d{4}/\d\d) \(")
_GRAND_TOTAL = re.compile(rf"^Total\s+{_MONEY}\s+{_MONEY}\s+{_MONEY}\s+{_MONEY}$")
_DISPOSALS = re.compile(r"^Number of disposals:\s+(\d+)$")
_PROCEEDS = re.compile(rf"^Disposal proceeds:\s+\*?{_MONEY}$")
_ALLOWABLE = re.compile(rf"^Allowable costs \(including the\s+{_MONEY}$")
_GAINS = re.compile(rf"^Gains in the year, before losses:\s+{_MONEY}$")
_LOSSES = re.compile(rf"^Losses in the year:\s+{_MONEY}$")
_INCOME_ROW = re.compile(r"^\S+\s+\d\d/\d\d/\d{4}\s+(Mining|Staking|Interest|Dividend|Income)\s")
_INCOME_TOTAL = re.compile(rf"^Total\s+{_MONEY}\s+{_MONEY}$")
_DISPOSAL_ROW = re.compile(
    rf"^(\S+)\s+(\d\d)/(\d\d)/(\d{{4}})\s+(.+?)\s+([\d,.]+)\s+{_MONEY}\s+{_MONEY}\s+{_MONEY}"
    rf"\s+{_MONEY}$"
)
_IMPORT = re.compile(r"^import (successful|failure) \(success=(\d+), failure=(\d+)\)")


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@dataclass
class YearTotals:
    """BittyTax's figures for one UK tax year (all GBP, rounded to pennies per disposal)."""

    disposals: int = 0  # BittyTax counts each matched part (same day / B&B / s104) separately
    proceeds: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)  # purchase cost only
    fees: Decimal = Decimal(0)  # fees (buy-side share in the cost, plus the sale's own fee)
    allowable_costs: Decimal = Decimal(0)  # cost + fees
    gain: Decimal = Decimal(0)  # net: proceeds - allowable costs
    gains_before_losses: Decimal = Decimal(0)
    losses: Decimal = Decimal(0)
    income: Decimal = Decimal(0)
    income_count: int = 0


@dataclass
class BittyTaxRun:
    version: str
    command: list[str]
    seconds: float  # wall time of the whole program (start-up, import, report)
    cpu_seconds: float  # user + system CPU of the BittyTax process (robust to a busy machine)
    returncode: int
    log: str
    imported: int | None = None
    integrity_passed: bool | None = None
    warnings: list[str] = field(default_factory=list)
    years: dict[str, YearTotals] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["years"] = {
            y: {k: str(v) for k, v in asdict(t).items()} for y, t in self.years.items()
        }
        return data


def _venv_python() -> Path:
    return VENV / "bin" / "python"


def installed_version() -> str | None:
    if not _venv_python().exists():
        return None
    probe = subprocess.run(
        [str(_venv_python()), "-c", "import importlib.metadata as m; print(m.version('bittytax'))"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return probe.stdout.strip() if probe.returncode == 0 else None


def ensure_installed(version: str = BITTYTAX_VERSION) -> Path:
    """Create the separate virtualenv and pip-install the pinned BittyTax if needed."""
    if installed_version() != version:
        if not _venv_python().exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(_venv_python()), "-m", "pip", "install", "--quiet", f"bittytax=={version}"],
            check=True,
            stdin=subprocess.DEVNULL,
        )
    return VENV / "bin" / "bittytax"


def write_config(home: Path = HOME, trade_allowable_cost_type: int = 2) -> Path:
    conf = home / ".bittytax" / "bittytax.conf"
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(
        CONFIG_TEMPLATE.format(trade_allowable_cost_type=trade_allowable_cost_type),
        encoding="utf-8",
    )
    return conf


def _environment(home: Path) -> dict[str, str]:
    closed = "http://127.0.0.1:9"  # discard port: nothing listens, any request fails fast
    return {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "HTTP_PROXY": closed,
        "HTTPS_PROXY": closed,
        "http_proxy": closed,
        "https_proxy": closed,
        "NO_PROXY": "",
        "no_proxy": "",
    }


def parse_report(text: str) -> tuple[dict[str, YearTotals], int | None, bool | None, list[str]]:
    """Per-tax-year totals from BittyTax's ``--nopdf`` terminal report."""
    years: dict[str, YearTotals] = {}
    current: YearTotals | None = None
    section = ""
    imported: int | None = None
    integrity: bool | None = None
    warnings: list[str] = []
    for raw in text.splitlines():
        line = _ANSI.sub("", raw).strip()
        if "WARNING" in line or "ERROR" in line:
            warnings.append(line)
        if m := _IMPORT.match(line):
            imported = int(m.group(2))
        elif line.startswith("integrity check:"):
            integrity = line.endswith("passed")
        elif m := _YEAR.match(line):
            current = years.setdefault(m.group(1), YearTotals())
            section = "gains"
        elif line == "Appendix":
            current, section = None, ""
        elif current is None:
            continue
        elif line in ("Income", "Margin Trading", "Tax Estimate"):
            section = line
        elif section == "gains" and (m := _GRAND_TOTAL.match(line)):
            current.cost, current.fees, current.proceeds, current.gain = (
                _money(g) for g in m.groups()
            )
        elif section == "gains" and (m := _DISPOSALS.match(line)):
            current.disposals = int(m.group(1))
        elif section == "gains" and (m := _PROCEEDS.match(line)):
            current.proceeds = _money(m.group(1))
        elif section == "gains" and (m := _ALLOWABLE.match(line)):
            current.allowable_costs = _money(m.group(1))
        elif section == "gains" and (m := _GAINS.match(line)):
            current.gains_before_losses = _money(m.group(1))
        elif section == "gains" and (m := _LOSSES.match(line)):
            current.losses = _money(m.group(1))
        elif section == "Income" and _INCOME_ROW.match(line):
            current.income_count += 1
        elif section == "Income" and (m := _INCOME_TOTAL.match(line)):
            current.income = _money(m.group(1))
    return years, imported, integrity, warnings


@dataclass(frozen=True)
class DisposalRow:
    """One line of BittyTax's disposal table: a matched part of a (same-day pooled) sale."""

    asset: str
    day: date
    rule: str  # "Same Day", "Bed & Breakfast (dd/mm/yyyy)", "Section 104"
    quantity: Decimal
    cost: Decimal
    fees: Decimal
    proceeds: Decimal
    gain: Decimal


def parse_disposal_rows(text: str) -> list[DisposalRow]:
    """Every disposal line of the report (for per-asset, per-day diagnosis)."""
    rows = []
    for raw in text.splitlines():
        m = _DISPOSAL_ROW.match(_ANSI.sub("", raw).strip())
        if m and m.group(1) != "Total":
            dd, mm, yyyy = (int(g) for g in m.group(2, 3, 4))
            rows.append(
                DisposalRow(
                    m.group(1),
                    date(yyyy, mm, dd),
                    m.group(5),
                    _money(m.group(6)),
                    *(_money(g) for g in m.group(7, 8, 9, 10)),
                )
            )
    return rows


def run(
    csv_path: Path,
    log_path: Path | None = None,
    *,
    trade_allowable_cost_type: int = 2,
    version: str = BITTYTAX_VERSION,
) -> BittyTaxRun:
    """Run BittyTax on ``csv_path`` (wall time of the whole program) and parse its report."""
    exe = ensure_installed(version)
    write_config(HOME, trade_allowable_cost_type)
    log_path = log_path or csv_path.with_suffix(".bittytax.log")
    command = [str(exe), str(csv_path), "--taxrules", "UK_INDIVIDUAL", "--nopdf"]
    with log_path.open("w", encoding="utf-8") as log:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_environment(HOME),
            check=False,
        )
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    text = log_path.read_text(encoding="utf-8")
    years, imported, integrity, warnings = parse_report(text)
    return BittyTaxRun(
        version=version,
        command=command,
        seconds=seconds,
        cpu_seconds=cpu,
        returncode=proc.returncode,
        log=str(log_path),
        imported=imported,
        integrity_passed=integrity,
        warnings=warnings,
        years=years,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument(
        "--trade-fee-to",
        type=int,
        choices=(0, 1, 2),
        default=2,
        help="BittyTax trade_allowable_cost_type (0 buy, 1 sell, 2 split)",
    )
    args = parser.parse_args()
    result = run(args.csv, trade_allowable_cost_type=args.trade_fee_to)
    print(json.dumps(result.to_json(), indent=2))


if __name__ == "__main__":
    main()
