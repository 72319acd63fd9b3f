"""``manage.py prices_import FILE.zip [--pairs XBTUSD,ETHUSD]``: load Kraken's OHLCVT file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from portfolio.prices.ohlcvt import OHLCVTError, ohlcvt_import


class Command(BaseCommand):
    help = (
        "Import Kraken's downloadable OHLCVT candles (a zip of PAIR_MINUTES.csv files) into the "
        "shared price store. Streaming and idempotent: importing a file twice changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the OHLCVT zip, e.g. Kraken_OHLCVT.zip")
        parser.add_argument("--pairs", default=None, help="pair altnames, comma separated")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **o) -> None:
        pairs = (
            {p.strip().upper() for p in o["pairs"].split(",") if p.strip()} if o["pairs"] else None
        )
        bar = None if o["no_progress"] else tqdm(unit="B", unit_scale=True, file=self.stderr)

        def progress(done: int, total: int, note: str) -> None:
            if bar is not None:
                bar.total = total
                bar.n = done
                bar.set_description(note)
                bar.refresh()

        try:
            report = ohlcvt_import(path=Path(o["file"]), pairs=pairs, progress=progress)
        except OHLCVTError as exc:
            raise CommandError(str(exc)) from None
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(f"imported {report.rows} candles from {report.members} files")
