"""Prepare the demo: the demo user and, with --sim-env, its connection to the simulator."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import KrakenConnection, RateTier
from accounts.services import ConnectionInput, connection_create, connection_update, profile_for

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "kraken-demo-2026"
DEMO_LABEL = "Demo account (simulator)"


def read_sim_env(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip()
    missing = {"SIM_BASE_URL", "SIM_SPOT_KEY", "SIM_SPOT_SECRET"} - values.keys()
    if missing:
        raise CommandError(f"{path} lacks {', '.join(sorted(missing))}")
    return values


class Command(BaseCommand):
    help = "Create or reset the demo user (and its simulator connection). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--sim-env", help="the simulator's --write-credentials file")
        parser.add_argument("--speed", default="1", help="the simulator's speed factor")

    def handle(self, *args, sim_env: str | None, speed: str, **options):
        with transaction.atomic():
            user, created = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
            user.set_password(DEMO_PASSWORD)
            user.save()
            profile_for(user=user)
            if sim_env:
                self._connect(user, read_sim_env(Path(sim_env)), speed)
        self.stdout.write(f"demo user {'created' if created else 'ready'}: {DEMO_USERNAME}")

    def _connect(self, user, sim: dict[str, str], speed: str) -> None:
        # The simulator's Pro counter decays `speed` times faster; the connection says so.
        data = ConnectionInput(
            label=DEMO_LABEL,
            api_key=sim["SIM_SPOT_KEY"],
            api_secret=sim["SIM_SPOT_SECRET"],
            futures_key=sim.get("SIM_FUTURES_KEY", ""),
            futures_secret=sim.get("SIM_FUTURES_SECRET", ""),
            api_url=sim["SIM_BASE_URL"],
            futures_url=sim.get("SIM_FUTURES_BASE_URL", sim["SIM_BASE_URL"]),
            rate_tier=RateTier.CUSTOM,
            rate_max="20",
            rate_decay=str(speed),
        )
        existing = KrakenConnection.objects.filter(user=user, label=DEMO_LABEL).first()
        if existing is None:
            connection_create(user=user, data=data)
        else:
            connection_update(connection=existing, data=data)
