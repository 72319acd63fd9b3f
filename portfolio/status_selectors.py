"""Each connection's sync and reconciliation state, in a fixed number of queries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from accounts.models import KrakenConnection
from portfolio.models import Reconciliation, SyncRun, SyncState


def connection_states(*, user) -> list[KrakenConnection]:
    """The user's connections, each annotated with its newest sync run and reconciliation."""
    runs = SyncRun.objects.filter(connection=OuterRef("pk")).order_by("-created_at", "-id")
    recs = Reconciliation.objects.filter(connection=OuterRef("pk")).order_by("-created_at", "-id")
    return list(
        KrakenConnection.objects.filter(user=user)
        .annotate(
            sync_state=Subquery(runs.values("state")[:1]),
            sync_finished=Subquery(runs.values("finished_at")[:1]),
            reconciled_ok=Subquery(recs.values("ok")[:1]),
            reconciled_at=Subquery(recs.values("created_at")[:1]),
        )
        .order_by("label")
    )


def has_synced(*, user) -> bool:
    """Whether any of the user's connections has finished a sync successfully."""
    return SyncRun.objects.filter(connection__user=user, state=SyncState.SUCCEEDED).exists()


ENTRY = re.compile(r"^(?P<asset>[^:]+): ledger entry (?P<entry>\S+) has balance")


@dataclass(frozen=True)
class AssetReconciliation:
    asset: str
    computed: Decimal
    kraken: Decimal
    ok: bool
    first_entry: str  # the first ledger entry whose balance does not follow, if any
    explanation: str


@dataclass(frozen=True)
class ConnectionReconciliation:
    connection: KrakenConnection
    reconciliation: Reconciliation | None
    assets: list[AssetReconciliation]
    other_problems: list[str]


def _explain(check: dict, first: str, computed: Decimal, kraken: Decimal) -> str:
    if check.get("ok"):
        return "The ledger's running balance equals Kraken's balance."
    if first:
        return (
            f"Entry {first} is the first whose balance does not equal the previous balance plus "
            "its amount less its fee: an entry before it is missing or was changed."
        )
    return (
        f"The ledger adds up to {computed} but Kraken reports {kraken} (difference "
        f"{kraken - computed}): history is missing, or a sync has not finished."
    )


def reconciliation_for(*, connection: KrakenConnection) -> ConnectionReconciliation:
    rec = Reconciliation.objects.filter(connection=connection).first()
    if rec is None:
        return ConnectionReconciliation(connection, None, [], [])
    firsts: dict[str, str] = {}
    others = []
    for problem in rec.problems:
        match = ENTRY.match(problem)
        if match:
            firsts.setdefault(match["asset"], match["entry"])
        else:
            others.append(problem)
    assets = []
    for asset, check in sorted(rec.assets.items()):
        computed, kraken = Decimal(check["computed"]), Decimal(check["kraken"])
        first = firsts.get(asset, "")
        ok = bool(check.get("ok")) and not first
        assets.append(
            AssetReconciliation(
                asset, computed, kraken, ok, first, _explain(check, first, computed, kraken)
            )
        )
    return ConnectionReconciliation(connection, rec, assets, others)


def reconciliations_for(*, user) -> list[ConnectionReconciliation]:
    connections = KrakenConnection.objects.filter(user=user).order_by("label")
    return [reconciliation_for(connection=c) for c in connections]
