"""``manage.py prices_fill USER``: store the prices a user's accounts need (bounded calls)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portfolio.books.prices import prices_fill_for


class Command(BaseCommand):
    help = "Fetch into the shared price store the candles a user's accounts need, then stop."

    def add_arguments(self, parser) -> None:
        parser.add_argument("user")

    def handle(self, *args, **o) -> None:
        user = get_user_model().objects.filter(username=o["user"]).first()
        if user is None:
            raise CommandError(f"unknown user {o['user']!r}")

        def progress(done: int, total: int, note: str) -> None:
            self.stderr.write(f"{done}/{total} {note}")

        report = prices_fill_for(user=user, progress=progress)
        self.stdout.write(
            f"{report.calls} calls, {report.candles} candles stored,"
            f" {len(report.unreachable)} moments beyond the API's reach"
        )
