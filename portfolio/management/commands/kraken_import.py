"""Import Kraken's CSV exports (ledgers, trades, futures account log, or their ZIP) into a
connection, with a progress bar; exit non-zero when anything was refused."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jobs.runner import JobStopped
from portfolio.imports.jobs import import_here
from portfolio.kraken.csvfiles import CsvRefused
from portfolio.management.commands.kraken_sync import connections_of


class Command(BaseCommand):
    help = "Import Kraken CSV exports (or the ZIP they come in) into one of a user's connections."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--connection", type=int, required=True, help="connection id")
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")

    def handle(self, *args, **options) -> None:
        (connection,) = connections_of(options["user"], options["connection"])
        missing = [str(p) for p in options["files"] if not p.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}; nothing was imported.")
        bar = tqdm(unit="B", unit_scale=True, desc="Importing", file=self.stderr._out)

        def progress(done: int, total: int, note: str) -> None:
            bar.total, bar.n = total, done
            bar.set_postfix_str(note[-40:], refresh=True)

        try:  # as a job: `jobs list` shows it, `jobs cancel` stops it
            _, outcome = import_here(connection=connection, paths=options["files"], watch=progress)
        except CsvRefused as refused:
            raise CommandError(f"Refused: {refused}. Nothing was imported.") from refused
        except JobStopped as stopped:
            raise CommandError(f"{stopped} Nothing was imported.") from stopped
        finally:
            bar.close()
        summary, reconciliation = outcome.summary, outcome.reconciliation
        assert summary is not None and reconciliation is not None
        self.stdout.write(f"{connection.label!r}: {summary.line()}")
        for name, count in sorted(summary.unknown_types.items()):
            self.stdout.write(f"  ledger type {name!r} is not one Kraken documents: {count} rows")
        verdict = "ok" if reconciliation.ok else f"{len(reconciliation.problems)} problem(s)"
        self.stdout.write(f"Reconciliation: {verdict}")
        if summary.conflicts:
            for note in summary.conflict_notes:
                self.stdout.write(f"  - {note}")
            raise CommandError(
                f"{summary.conflicts} row(s) disagreed with stored rows and were refused "
                "(the stored rows were kept)."
            )
