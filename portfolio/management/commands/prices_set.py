"""``manage.py prices_set USER ASSET QUOTE MOMENT PRICE``: enter a price by hand."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portfolio.prices.manual import manual_price_set


class Command(BaseCommand):
    help = (
        "Enter the price of one ASSET in QUOTE at MOMENT (ISO 8601 with a zone, e.g. "
        "2024-05-01T12:00:00Z) for USER; used where Kraken's data has no price for that moment."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("user")
        parser.add_argument("asset")
        parser.add_argument("quote")
        parser.add_argument("moment")
        parser.add_argument("price")
        parser.add_argument("--note", default="")

    def handle(self, *args, **o) -> None:
        user = get_user_model().objects.filter(username=o["user"]).first()
        if user is None:
            raise CommandError(f"unknown user {o['user']!r}")
        try:
            at = datetime.fromisoformat(o["moment"].replace("Z", "+00:00"))
        except ValueError:
            raise CommandError(f"{o['moment']!r} is not an ISO 8601 moment") from None
        try:
            row = manual_price_set(
                user=user,
                asset=o["asset"],
                quote=o["quote"],
                at=at,
                price=o["price"],
                note=o["note"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"stored {row}")
