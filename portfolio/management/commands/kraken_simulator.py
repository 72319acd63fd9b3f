"""``manage.py kraken_simulator``: run the local Kraken simulator (see portfolio.simulator.cli)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portfolio.simulator.cli import add_arguments, run


class Command(BaseCommand):
    help = "Serve a deterministic Kraken simulator and print its base URL and credentials."

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        run(options, out=self.stdout)
