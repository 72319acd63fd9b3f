"""A ``RunCheckpoint``'s fields: the engine's state at a tax-year start, as stored, and back.

The state is the open lots (with HIFO's original unit cost, so a resumed HIFO run orders lots
exactly as a full run does), the lots held outside Kraken (withdrawn, not yet back, in the order
a deposit takes them back) and the realized gain per asset. The digests prove that the inputs
before the boundary are unchanged: the ledger rows, and the classified events together with the
policies and entered bases that decide how they are booked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from portfolio.accounting import Checkpoint, Event, LedgerRow, OpenLot
from portfolio.accounting.results import HeldOutside

if TYPE_CHECKING:
    from portfolio.books.models import RunCheckpoint
    from portfolio.books.services import Settings

#: The checkpoint holds the lots after every event before the boundary, none at or after it.
JUST_BEFORE = timedelta(microseconds=1)


def rows_digest(rows: Sequence[LedgerRow]) -> str:
    sha = hashlib.sha256()
    for row in rows:
        sha.update(
            f"{row.ledger_id}|{row.refid}|{row.time.isoformat()}|{row.type}|{row.subtype}|"
            f"{row.asset}|{row.amount}|{row.fee}|{row.wallet}\n".encode()
        )
    return sha.hexdigest()


def events_digest(events: Sequence[Event], settings: Settings) -> str:
    """The events, and the policies and entered bases that decide how they are booked."""
    sha = hashlib.sha256()
    policies = (settings.unknown_basis, settings.network_fee, settings.exchange_fee)
    sha.update(repr((policies, settings.entered)).encode())
    for event in events:
        sha.update(repr(event).encode())
    return sha.hexdigest()


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def fields(
    *,
    boundary: datetime,
    lots: Sequence[OpenLot],
    outside: Sequence[HeldOutside],
    realized: dict[str, Decimal],
    rows: Sequence[LedgerRow],
    events: Sequence[Event],
    settings: Settings,
) -> dict:
    """A ``RunCheckpoint``'s fields: ``rows`` and ``events`` are those before ``boundary``."""
    return {
        "boundary": boundary,
        "rows_digest": rows_digest(rows),
        "events_digest": events_digest(events, settings),
        "lots": [
            [
                x.lot_id,
                x.asset,
                x.wallet,
                _time(x.acquired),
                str(x.quantity),
                str(x.cost_basis),
                x.source,
                _text(x.unit_cost),
            ]
            for x in lots
        ],  # fmt: skip
        "outside": [
            [
                x.withdrawal_id,
                x.withdrawn.isoformat(),
                x.lot_id,
                x.asset,
                _time(x.acquired),
                str(x.quantity),
                str(x.cost_basis),
                x.source,
                _text(x.unit_cost),
            ]
            for x in outside
        ],  # fmt: skip
        "realized": {asset: str(gain) for asset, gain in realized.items()},
    }


def kept(stored: RunCheckpoint) -> dict:
    """The fields of ``stored``, to store again unchanged with a later run."""
    names = ("boundary", "rows_digest", "events_digest", "lots", "outside", "realized")
    return {name: getattr(stored, name) for name in names}


def opening(stored: RunCheckpoint, settings: Settings) -> Checkpoint:
    """The engine's ``Checkpoint`` from a stored one (lots stored before HIFO units: 7 fields)."""
    lots = tuple(
        OpenLot(lot_id, asset, wallet, _parse_time(acquired), Decimal(quantity), Decimal(cost),
                source, _decimal(unit[0]) if unit else None)
        for lot_id, asset, wallet, acquired, quantity, cost, source, *unit in stored.lots
    )  # fmt: skip
    outside = tuple(
        HeldOutside(withdrawal_id, datetime.fromisoformat(withdrawn), lot_id, asset,
                    _parse_time(acquired), Decimal(quantity), Decimal(cost), source,
                    _decimal(unit))
        for withdrawal_id, withdrawn, lot_id, asset, acquired, quantity, cost, source, unit
        in stored.outside
    )  # fmt: skip
    return Checkpoint(
        stored.boundary - JUST_BEFORE,
        settings.method,
        settings.rules.code,
        settings.base_currency,
        settings.per_wallet,
        lots,
        outside,
    )
