"""A faithful local Kraken (spot + futures) for tests, benchmarks and the demo.

Plain Python, no Django. Start one with::

    with SimulatorServer(speed=50) as sim:
        account = sim.add_account(seed=1, size=2_000)
        ...  # point a client at sim.base_url with account.spot_key / account.spot_secret

Ground truth for assertions is ``account.truth`` (see ``records.Truth``).
"""

from .account import PERMISSIONS, SimAccount
from .faults import FAULT_KINDS
from .records import (
    ClosedOrder,
    FuturesFill,
    FuturesLogEntry,
    FuturesPosition,
    LedgerEntry,
    MarginPosition,
    Trade,
    Truth,
)
from .server import SimulatorServer
from .signing import (
    futures_signature,
    spot_signature,
    verify_futures_signature,
    verify_spot_signature,
)

__all__ = [
    "FAULT_KINDS",
    "PERMISSIONS",
    "ClosedOrder",
    "FuturesFill",
    "FuturesLogEntry",
    "FuturesPosition",
    "LedgerEntry",
    "MarginPosition",
    "SimAccount",
    "SimulatorServer",
    "Trade",
    "Truth",
    "futures_signature",
    "spot_signature",
    "verify_futures_signature",
    "verify_spot_signature",
]
