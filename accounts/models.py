"""People and their Kraken connections."""

import hashlib
from decimal import Decimal
from zoneinfo import available_timezones

from django.conf import settings
from django.db import models

from accounts import crypto
from portfolio.accounting.jurisdictions import (
    DEFAULT_JURISDICTION,
    default_time_zone,
    jurisdiction_choices,
    method_choices,
)


class BaseCurrency(models.TextChoices):
    USD = "USD", "US dollar (USD)"
    EUR = "EUR", "Euro (EUR)"
    GBP = "GBP", "Pound sterling (GBP)"
    CAD = "CAD", "Canadian dollar (CAD)"
    CHF = "CHF", "Swiss franc (CHF)"
    AUD = "AUD", "Australian dollar (AUD)"
    JPY = "JPY", "Japanese yen (JPY)"


# Jurisdictions and methods come from the engine's one registry (portfolio.accounting).
JURISDICTION_CHOICES = jurisdiction_choices()
METHOD_CHOICES = method_choices()
TIME_ZONE_CHOICES = [(name, name) for name in sorted(available_timezones())]


def default_profile_time_zone() -> str:
    """The default jurisdiction's zone (a profile's zone starts as its jurisdiction's)."""
    return default_time_zone(DEFAULT_JURISDICTION)


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    base_currency = models.CharField(
        max_length=3, choices=BaseCurrency.choices, default=BaseCurrency.USD
    )
    jurisdiction = models.CharField(
        max_length=8, choices=JURISDICTION_CHOICES, default=DEFAULT_JURISDICTION.code
    )
    cost_basis_method = models.CharField(
        max_length=8, choices=METHOD_CHOICES, default=DEFAULT_JURISDICTION.default_method
    )
    time_zone = models.CharField(
        max_length=64,
        choices=TIME_ZONE_CHOICES,
        default=default_profile_time_zone,
        help_text=(
            "Tax dates are taken in this zone: which tax year a sale falls in, holding periods "
            "(long or short term, the German one year), UK same-day and 30-day matching, and "
            "the days of the value chart."
        ),
    )

    def __str__(self) -> str:
        return f"Profile of {self.user}"


class RateTier(models.TextChoices):
    STARTER = "starter", "Starter (15, decays 0.33/s)"
    INTERMEDIATE = "intermediate", "Intermediate (20, decays 0.5/s)"
    PRO = "pro", "Pro (20, decays 1/s)"
    CUSTOM = "custom", "Custom"


# Kraken's per-key call counter: (maximum, decay per second).
TIER_LIMITS: dict[str, tuple[Decimal, Decimal]] = {
    RateTier.STARTER: (Decimal("15"), Decimal("0.33")),
    RateTier.INTERMEDIATE: (Decimal("20"), Decimal("0.5")),
    RateTier.PRO: (Decimal("20"), Decimal("1")),
}


class KrakenConnection(models.Model):
    """A user's read-only Kraken API keys. Secrets are stored encrypted only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kraken_connections"
    )
    label = models.CharField(max_length=80)
    api_key_encrypted = models.TextField()
    api_secret_encrypted = models.TextField()
    futures_key_encrypted = models.TextField(blank=True, default="")
    futures_secret_encrypted = models.TextField(blank=True, default="")
    key_fingerprint = models.CharField(max_length=16, editable=False)
    api_key_hint = models.CharField(max_length=16, editable=False)
    futures_key_hint = models.CharField(max_length=16, blank=True, default="", editable=False)
    api_url = models.URLField(default="https://api.kraken.com")
    futures_url = models.URLField(default="https://futures.kraken.com")
    rate_tier = models.CharField(max_length=16, choices=RateTier.choices, default=RateTier.STARTER)
    rate_max = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    rate_decay = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    sync_interval_minutes = models.PositiveIntegerField(default=60)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["user", "label"], name="unique_connection_label"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.user})"

    @property
    def has_futures(self) -> bool:
        return bool(self.futures_key_encrypted)

    def api_key(self) -> str:
        return crypto.decrypt(self.api_key_encrypted)

    def api_secret(self) -> str:
        return crypto.decrypt(self.api_secret_encrypted)

    def futures_key(self) -> str:
        return crypto.decrypt(self.futures_key_encrypted) if self.futures_key_encrypted else ""

    def futures_secret(self) -> str:
        return (
            crypto.decrypt(self.futures_secret_encrypted) if self.futures_secret_encrypted else ""
        )

    def rate_limits(self) -> tuple[Decimal, Decimal]:
        """The counter maximum and decay per second for this connection's key."""
        if self.rate_tier == RateTier.CUSTOM:
            assert self.rate_max is not None and self.rate_decay is not None
            return self.rate_max, self.rate_decay
        return TIER_LIMITS[self.rate_tier]


def key_fingerprint(api_key: str) -> str:
    """A stable id for a key (shared nonce and rate-limit state), which cannot reveal it."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:16]
