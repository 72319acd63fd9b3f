"""Reconcile a user's stored Kraken data against Kraken's balances; exit 1 on any mismatch."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from portfolio.management.commands.kraken_sync import connections_of
from portfolio.models import Reconciliation
from portfolio.selectors import never_synced, never_synced_message
from portfolio.sync.reconcile import reconciliation_run


def as_json(result: Reconciliation) -> str:
    payload = {"assets": result.assets, "ok": result.ok, "problems": result.problems}
    return json.dumps(payload, sort_keys=True)


class Command(BaseCommand):
    help = "Check every stored ledger balance against Kraken's; exit 1 on any mismatch."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--connection", type=int, help="only this connection id")
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args, **options) -> None:
        connections = connections_of(options["user"], options.get("connection"))
        unsynced = never_synced(connections=connections)
        if unsynced:
            raise CommandError(never_synced_message(unsynced), returncode=2)
        results = [
            (connection, reconciliation_run(connection=connection)) for connection in connections
        ]
        for connection, result in results:
            if options["format"] == "json":
                self.stdout.write(as_json(result))
            else:
                self.write_table(connection.label, result)
        bad = sum(len(r.problems) or (not r.ok) for _, r in results)
        if bad:
            raise CommandError(f"Reconciliation found {bad} problem(s).", returncode=1)

    def write_table(self, label: str, result: Reconciliation) -> None:
        rows = [
            (a, c["computed"], c["kraken"], "yes" if c["ok"] else "NO")
            for a, c in result.assets.items()
        ]
        header = ("Asset", "Computed", "Kraken", "Agree")
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
        self.stdout.write(f"Connection {label!r}")
        line = "  ".join(
            h.ljust(w) if i in (0, 3) else h.rjust(w)
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
        self.stdout.write(line)
        for row in rows:
            cells = [
                str(v).ljust(w) if i in (0, 3) else str(v).rjust(w)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            ]
            self.stdout.write("  ".join(cells))
        verdict = "every balance agrees" if result.ok else f"{len(result.problems)} problem(s)"
        self.stdout.write(f"Result: {verdict}")
        for problem in result.problems:
            self.stdout.write(f"  - {problem}")
