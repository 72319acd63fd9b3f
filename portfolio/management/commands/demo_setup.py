"""Prepare the demo: the demo user (and, with --sim-env, its connection to the simulator)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.services import profile_for

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "kraken-demo-2026"


class Command(BaseCommand):
    help = "Create or reset the demo user. Safe to run again."

    def handle(self, *args, **options):
        with transaction.atomic():
            user, created = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
            user.set_password(DEMO_PASSWORD)
            user.save()
            profile_for(user=user)
        self.stdout.write(f"demo user {'created' if created else 'ready'}: {DEMO_USERNAME}")
