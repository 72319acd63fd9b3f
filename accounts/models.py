"""People and their Kraken connections."""

import hashlib
from decimal import Decimal
from zoneinfo import available_timezones

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac

from accounts import crypto
from portfolio.accounting.jurisdictions import (
    DEFAULT_JURISDICTION,
    default_time_zone,
    jurisdiction_choices,
    method_choices,
)
from portfolio.accounting.policies import ExchangeFee, NetworkFee, UnknownBasis, choices

#: A blank policy means the jurisdiction's default (stated with its source in its engine module).
JURISDICTION_DEFAULT = ("", "The default of my jurisdiction")


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
    unknown_basis = models.CharField(
        "Deposits beyond what was withdrawn before",
        max_length=8,
        blank=True,
        default="",
        choices=[JURISDICTION_DEFAULT, *choices(UnknownBasis)],
        help_text="The basis of deposited coins that never left Kraken before (unknown history).",
    )
    network_fee = models.CharField(
        "Network fees on withdrawals",
        max_length=8,
        blank=True,
        default="",
        choices=[JURISDICTION_DEFAULT, *choices(NetworkFee)],
    )
    exchange_fee = models.CharField(
        "Fees on crypto-to-crypto trades",
        max_length=8,
        blank=True,
        default="",
        choices=[JURISDICTION_DEFAULT, *choices(ExchangeFee)],
        help_text="Splitting the fee is a UK choice (HMRC CRYPTO22150).",
    )
    # The last sync-run number given to this user (sync runs are numbered per user: #1, #2...).
    last_sync_number = models.PositiveIntegerField(default=0, editable=False)

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


# What a connection may hold, identical on SQLite and PostgreSQL (SQLite enforces no column limit,
# so every bound is checked here before a row is written). Custom rates above Kraken's tiers stay
# allowed: the simulator runs faster than Kraken.
RATE_MAX_RANGE = (Decimal("1"), Decimal("10000"))
RATE_DECAY_RANGE = (Decimal("0.01"), Decimal("1000"))
SYNC_INTERVAL_RANGE = (5, 525_600)  # minutes: five minutes to a year
API_KEY_LENGTH = (16, 128)  # characters; Kraken's keys have 56
SECRET_BYTES = (32, 256)  # decoded bytes; Kraken's secrets have 64
LABEL_LENGTH = 80
URL_LENGTH = 200


def _between(low, high, what: str) -> list:
    message = f"{what} must be between {low:,} and {high:,}."
    return [MinValueValidator(low, message), MaxValueValidator(high, message)]


class KrakenConnection(models.Model):
    """A user's read-only Kraken API keys (secrets stored encrypted only), or a CSV-only source
    without a key whose data comes from imports of Kraken's exports."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kraken_connections"
    )
    label = models.CharField(max_length=LABEL_LENGTH)
    api_key_encrypted = models.TextField(blank=True)
    api_secret_encrypted = models.TextField(blank=True)
    futures_key_encrypted = models.TextField(blank=True, default="")
    futures_secret_encrypted = models.TextField(blank=True, default="")
    key_fingerprint = models.CharField(max_length=16, editable=False)
    # A keyed hash of the API key (see api_key_digest): the same key twice for one user is refused.
    api_key_digest = models.CharField(max_length=64, blank=True, default="", editable=False)
    api_key_hint = models.CharField(max_length=16, editable=False)
    futures_key_hint = models.CharField(max_length=16, blank=True, default="", editable=False)
    api_url = models.URLField(max_length=URL_LENGTH, default="https://api.kraken.com")
    futures_url = models.URLField(max_length=URL_LENGTH, default="https://futures.kraken.com")
    rate_tier = models.CharField(max_length=16, choices=RateTier.choices, default=RateTier.STARTER)
    rate_max = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        validators=_between(*RATE_MAX_RANGE, "The custom maximum"),
    )
    rate_decay = models.DecimalField(
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        validators=_between(*RATE_DECAY_RANGE, "The custom decay per second"),
    )
    sync_interval_minutes = models.PositiveIntegerField(
        default=60, validators=_between(*SYNC_INTERVAL_RANGE, "The sync interval (minutes)")
    )
    # Which shared state (nonces, rate counters) served this key last, and when: a process with
    # another backend must not use the key at the same time (see portfolio/sync/state_guard.py).
    state_backend = models.CharField(max_length=200, blank=True, default="", editable=False)
    state_backend_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    csv_only = models.BooleanField(
        default=False, help_text="No API key: data comes only from CSV imports; never synced."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["user", "label"], name="unique_connection_label"),
            models.UniqueConstraint(
                fields=["user", "api_key_digest"],
                condition=~Q(api_key_digest=""),
                name="unique_api_key_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.user})"

    @property
    def has_futures(self) -> bool:
        return bool(self.futures_key_encrypted)

    def api_key(self) -> str:
        return crypto.decrypt(self.api_key_encrypted) if self.api_key_encrypted else ""

    def api_secret(self) -> str:
        return crypto.decrypt(self.api_secret_encrypted) if self.api_secret_encrypted else ""

    def futures_key(self) -> str:
        return crypto.decrypt(self.futures_key_encrypted) if self.futures_key_encrypted else ""

    def futures_secret(self) -> str:
        return (
            crypto.decrypt(self.futures_secret_encrypted) if self.futures_secret_encrypted else ""
        )

    ENCRYPTED_FIELDS = (
        "api_key_encrypted",
        "api_secret_encrypted",
        "futures_key_encrypted",
        "futures_secret_encrypted",
    )

    @property
    def keys_readable(self) -> bool:
        """False when the credentials key cannot decrypt a stored secret: keys need re-entering."""
        return all(crypto.readable(getattr(self, name)) for name in self.ENCRYPTED_FIELDS)

    def rate_limits(self) -> tuple[Decimal, Decimal]:
        """The counter maximum and decay per second for this connection's key.

        Clamped to the allowed ranges, so a row stored before they were checked can neither
        switch pacing off (a decay of 0) nor make it meaningless.
        """
        custom = (self.rate_max, self.rate_decay)
        if self.rate_tier == RateTier.CUSTOM and None not in custom:
            return _clamp(self.rate_max, RATE_MAX_RANGE), _clamp(self.rate_decay, RATE_DECAY_RANGE)
        return TIER_LIMITS.get(self.rate_tier, TIER_LIMITS[RateTier.STARTER])


def _clamp(value: Decimal, bounds: tuple[Decimal, Decimal]) -> Decimal:
    low, high = bounds
    return min(max(Decimal(value), low), high)


def key_fingerprint(api_key: str) -> str:
    """A stable id for a key (shared nonce and rate-limit state), which cannot reveal it."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:16]


def api_key_digest(api_key: str) -> str:
    """HMAC-SHA256 of the key under SECRET_KEY: equal keys give equal digests, and a database
    dump alone does not tell which key a digest stands for (unlike a plain hash of a known key).
    A new SECRET_KEY makes old digests stale: re-saving a connection refreshes its digest."""
    return salted_hmac("accounts.api_key_digest", api_key, algorithm="sha256").hexdigest()
