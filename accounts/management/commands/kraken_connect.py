"""Add a Kraken connection for a user; prints the new connection's id on the last line."""

import os
import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import RateTier
from accounts.services import ConnectionInput, connection_create


class Command(BaseCommand):
    help = (
        "Add a Kraken connection. A key or secret given as '-' is read from standard input (one "
        "line each, in the order api-key, api-secret, futures-key, futures-secret) so it stays "
        "out of shell history and `ps`; without --api-key the key comes from $KRAKEN_API_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True)
        parser.add_argument("--label", required=True)
        parser.add_argument(
            "--api-key",
            default=None,
            help="the key, '-' for standard input; default $KRAKEN_API_KEY",
        )
        parser.add_argument("--api-secret", default="")
        parser.add_argument(
            "--csv-only",
            action="store_true",
            help="no API key: the connection's data comes only from CSV imports (kraken_import)",
        )
        parser.add_argument("--futures-key", default="")
        parser.add_argument("--futures-secret", default="")
        parser.add_argument("--api-url", default="https://api.kraken.com")
        parser.add_argument("--futures-url", default="https://futures.kraken.com")
        parser.add_argument("--tier", default=None, help="starter, intermediate or pro")
        parser.add_argument("--rate-max", default=None)
        parser.add_argument("--rate-decay", default=None)
        parser.add_argument("--sync-interval", type=int, default=60, help="minutes")

    def _secret(self, value: str, what: str) -> str:
        if value != "-":
            return value
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise CommandError(f"{what} was '-' but standard input had no line for it")
        return line

    def _api_key(self, value: str | None) -> str:
        if value is None:
            value = os.environ.get("KRAKEN_API_KEY", "")
            if not value:
                raise CommandError("give --api-key (or '-' for standard input) or $KRAKEN_API_KEY")
        return self._secret(value, "--api-key")

    def handle(self, *args, **o):
        user = get_user_model().objects.filter(username=o["user"]).first()
        if user is None:
            raise CommandError(f"unknown user {o['user']!r}")
        custom = o["rate_max"] is not None or o["rate_decay"] is not None
        tier = o["tier"] or (RateTier.CUSTOM if custom else RateTier.STARTER)
        if custom and tier != RateTier.CUSTOM:
            raise CommandError("--rate-max/--rate-decay replace --tier; give one or the other")
        data = ConnectionInput(
            label=o["label"],
            api_key=(o["api_key"] or "") if o["csv_only"] else self._api_key(o["api_key"]),
            api_secret=self._secret(o["api_secret"], "--api-secret") if o["api_secret"] else "",
            futures_key=self._secret(o["futures_key"], "--futures-key"),
            futures_secret=self._secret(o["futures_secret"], "--futures-secret"),
            api_url=o["api_url"],
            futures_url=o["futures_url"],
            rate_tier=tier,
            rate_max=o["rate_max"],
            rate_decay=o["rate_decay"],
            sync_interval_minutes=o["sync_interval"],
            csv_only=o["csv_only"],
        )
        try:
            connection = connection_create(user=user, data=data)
        except ValidationError as error:
            problems = [f"{field}: {'; '.join(msgs)}" for field, msgs in error.message_dict.items()]
            raise CommandError("connection not saved: " + " | ".join(problems)) from error
        self.stdout.write(f"connection {connection.label!r} saved for {user.get_username()}")
        self.stdout.write(str(connection.pk))
