"""Re-encrypt every stored Kraken secret under the first key of CREDENTIALS_KEY.

Rotation: put the new key first (CREDENTIALS_KEY=new,old), run this command, then drop the old key.
Secrets that no configured key decrypts are left as they are and listed; the command then exits 1.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import crypto
from accounts.models import KrakenConnection


class Command(BaseCommand):
    help = "Re-encrypt every stored Kraken secret under the first key of CREDENTIALS_KEY."

    def handle(self, *args, **options) -> None:
        rotated, unreadable = 0, []
        for pk in KrakenConnection.objects.order_by("pk").values_list("pk", flat=True):
            with transaction.atomic():
                connection = KrakenConnection.objects.select_for_update().filter(pk=pk).first()
                if connection is None:
                    continue
                try:
                    values = {
                        name: crypto.rotate(token) if token else ""
                        for name in KrakenConnection.ENCRYPTED_FIELDS
                        if (token := getattr(connection, name)) is not None
                    }
                except crypto.CredentialsKeyError:
                    unreadable.append(f"#{connection.pk} {connection.label!r} of {connection.user}")
                    continue
                KrakenConnection.objects.filter(pk=pk).update(**values)
                rotated += 1
        self.stdout.write(f"re-encrypted the secrets of {rotated} connection(s)")
        if unreadable:
            raise CommandError(
                "no configured key decrypts the secrets of: "
                + ", ".join(unreadable)
                + "; their owners must enter the keys again",
                returncode=1,
            )
