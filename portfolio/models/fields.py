"""Field helpers shared by the synced models: Kraken's precision and the connection link."""

from django.db import models

AMOUNT = {"max_digits": 30, "decimal_places": 10}


def amount_field(**extra) -> models.DecimalField:
    """Kraken amounts: up to 10 decimal places (BTC) and large fiat balances. Exact on SQLite
    too, through the project's SQLite backend (portfolio.dbbackends.sqlite3: TEXT columns)."""
    return models.DecimalField(**AMOUNT, **extra)


def optional_amount_field() -> models.DecimalField:
    return models.DecimalField(**AMOUNT, null=True, blank=True)


def connection_field(related_name: str) -> models.ForeignKey:
    """Every synced row belongs to one connection and goes when it is deleted."""
    return models.ForeignKey(
        "accounts.KrakenConnection", on_delete=models.CASCADE, related_name=related_name
    )


class DataSource(models.TextChoices):
    API = "api", "API pages"
    EXPORT = "export", "Bulk export (times to the second)"
    CSV = "csv", "CSV import (times to the second)"
