"""Services that change people and connections. Forms and commands both come through here."""

import base64
import binascii
import copy
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, models, transaction

from accounts import crypto, key_check
from accounts.models import (
    API_KEY_LENGTH,
    SECRET_BYTES,
    KrakenConnection,
    Profile,
    RateTier,
    api_key_digest,
    key_fingerprint,
)
from jobs.models import JobKind
from jobs.services import active_job, job_cancel
from portfolio.accounting.jurisdictions import (
    DEFAULT_JURISDICTION,
    default_time_zone,
    get_jurisdiction,
)
from portfolio.books.rebuilds import prices_then_rebuild, rebuild_request
from portfolio.kraken.netguard import url_problem

User = get_user_model()


def field_problem(model: type[models.Model], name: str, value) -> str | None:
    """What the model field `name` says about `value` (length, digits, range), or None.

    The same checks on every database: SQLite would store what PostgreSQL refuses.
    """
    try:
        model._meta.get_field(name).clean(value, None)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def user_create(*, username: str, password: str, email: str = "") -> AbstractBaseUser:
    """Create a person with a default profile; the password must pass Django's validators."""
    errors = {
        field: problem
        for field, value in (("username", username), ("email", email))
        if (problem := field_problem(User, field, value))
    }
    if errors:
        raise ValidationError(errors)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"A user named {username!r} already exists."})
    candidate = User(username=username, email=email)
    validate_password(password, user=candidate)
    with transaction.atomic():
        user = User.objects.create_user(username=username, email=email, password=password)
        profile_create(user=user)
    return user


def profile_defaults(jurisdiction: str | None = None) -> dict[str, str]:
    """A new profile's settings: the jurisdiction's default method and time zone (registry)."""
    rules = get_jurisdiction(jurisdiction or DEFAULT_JURISDICTION.code)
    return {
        "jurisdiction": rules.code,
        "cost_basis_method": rules.default_method,
        "time_zone": default_time_zone(rules),
    }


def profile_create(*, user: AbstractBaseUser, jurisdiction: str | None = None) -> Profile:
    return Profile.objects.create(user=user, **profile_defaults(jurisdiction))


def profile_for(*, user: AbstractBaseUser) -> Profile:
    """The user's profile, created with defaults for users made elsewhere (admin, shell)."""
    profile, _ = Profile.objects.get_or_create(user=user, defaults=profile_defaults())
    return profile


def profile_update(*, profile: Profile, fields: dict[str, object]) -> bool:
    """Store the profile's settings; a change recomputes the accounts (True when it did)."""
    changed = sorted(name for name, value in fields.items() if getattr(profile, name) != value)
    if not changed:
        return False
    for name in changed:
        setattr(profile, name, fields[name])
    profile.full_clean()
    with transaction.atomic():
        profile.save(update_fields=changed)
        if not KrakenConnection.objects.filter(user_id=profile.user_id).exists():
            return False
        # a new currency or zone may need prices not stored yet: prices first, then numbers
        prices_then_rebuild(user=profile.user, reason="profile changed: " + ", ".join(changed))
    return True


@dataclass(frozen=True)
class ConnectionInput:
    label: str
    api_key: str = ""
    api_secret: str = ""
    futures_key: str = ""
    futures_secret: str = ""
    api_url: str = "https://api.kraken.com"
    futures_url: str = "https://futures.kraken.com"
    rate_tier: str = RateTier.STARTER
    rate_max: Decimal | str | None = None
    rate_decay: Decimal | str | None = None
    sync_interval_minutes: int = 60
    csv_only: bool = False  # no key: the data comes only from CSV imports


def _check_key(value: str, field: str, what: str, errors: dict[str, str]) -> None:
    low, high = API_KEY_LENGTH
    if not value:
        errors[field] = f"The {what} is empty."
    elif any(ch.isspace() for ch in value):
        errors[field] = f"The {what} contains spaces; copy it again from Kraken."
    elif not low <= len(value) <= high:
        errors[field] = (
            f"The {what} has {len(value):,} characters; Kraken's keys have {low} to {high}."
        )


def _check_secret(value: str, field: str, what: str, errors: dict[str, str]) -> None:
    low, high = SECRET_BYTES
    if len(value) > 4 * high:  # never decode a huge paste
        errors[field] = f"The {what} is far too long; copy it again from Kraken."
        return
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        errors[field] = f"The {what} is not valid base64; copy it again from Kraken."
        return
    if not decoded:
        errors[field] = f"The {what} is empty."
    elif not low <= len(decoded) <= high:
        errors[field] = (
            f"The {what} is {len(decoded)} bytes long; Kraken's secrets have {low} to {high}."
        )


def _check_rate(data: ConnectionInput, errors: dict[str, str]) -> tuple[Decimal | None, ...]:
    if data.rate_tier not in RateTier.values:
        errors["rate_tier"] = (
            f"Unknown rate-limit tier {data.rate_tier!r}; choose one of "
            + ", ".join(RateTier.values)
            + "."
        )
        return None, None
    if data.rate_tier != RateTier.CUSTOM:
        return None, None
    parsed = []
    for field, value in (("rate_max", data.rate_max), ("rate_decay", data.rate_decay)):
        try:
            number = Decimal(str(value)) if value not in (None, "") else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number <= 0:
            errors[field] = "A custom tier needs a positive maximum and decay per second."
        elif problem := field_problem(KrakenConnection, field, number):
            errors[field] = problem
        parsed.append(number)
    return tuple(parsed)


def _check_url(value: str, field: str, errors: dict[str, str]) -> None:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        errors[field] = "Enter a full http(s) URL."
        return
    problem = field_problem(KrakenConnection, field, value) or url_problem(
        value, allowed=settings.KRAKEN_ALLOWED_HOSTS
    )
    if problem:
        errors[field] = problem


def connection_validate(*, data: ConnectionInput, user, instance=None) -> tuple:
    """Check every field, collecting all problems; raise ValidationError naming each field."""
    errors: dict[str, str] = {}
    label = data.label.strip()
    if not label:
        errors["label"] = "Give the connection a label."
    elif problem := field_problem(KrakenConnection, "label", label):
        errors["label"] = problem
    elif (
        KrakenConnection.objects.filter(user=user, label__iexact=label)
        .exclude(pk=getattr(instance, "pk", None))
        .exists()
    ):
        errors["label"] = f"You already have a connection labelled {label!r}."
    if data.csv_only:
        if data.api_key.strip() or data.futures_key.strip():
            errors["api_key"] = "A CSV-only connection has no API key; leave the keys empty."
    else:
        _check_key(data.api_key.strip(), "api_key", "API key", errors)
        _check_secret(data.api_secret.strip(), "api_secret", "API secret", errors)
    if bool(data.futures_key.strip()) != bool(data.futures_secret.strip()):
        errors["futures_secret" if data.futures_key.strip() else "futures_key"] = (
            "A Kraken Futures key and its secret go together; give both or neither."
        )
    elif data.futures_secret.strip():
        _check_key(data.futures_key.strip(), "futures_key", "Futures key", errors)
        _check_secret(data.futures_secret.strip(), "futures_secret", "Futures secret", errors)
    for field in ("api_url", "futures_url"):
        _check_url(getattr(data, field), field, errors)
    rate_max, rate_decay = _check_rate(data, errors)
    if data.sync_interval_minutes < 5:
        errors["sync_interval_minutes"] = "Sync at most every 5 minutes."
    elif problem := field_problem(
        KrakenConnection, "sync_interval_minutes", data.sync_interval_minutes
    ):
        errors["sync_interval_minutes"] = problem
    if not errors and not data.csv_only:
        _check_duplicate_key(data.api_key.strip(), user=user, instance=instance, errors=errors)
    if errors:
        raise ValidationError(errors)
    return label, rate_max, rate_decay


DUPLICATE_KEY = "You already have a connection with this API key (“{label}”); edit that one."


def _check_duplicate_key(api_key: str, *, user, instance, errors: dict[str, str]) -> None:
    """The same key twice would count every entry twice. Secrets are encrypted with a random
    IV, so keys are compared by a keyed hash stored beside them (accounts.models)."""
    same = (
        KrakenConnection.objects.filter(user=user, api_key_digest=api_key_digest(api_key))
        .exclude(pk=getattr(instance, "pk", None))
        .first()
    )
    if same is not None:
        errors["api_key"] = DUPLICATE_KEY.format(label=same.label)


def _check_with_kraken(candidate: KrakenConnection, stored: KrakenConnection | None) -> None:
    """Ask Kraken whether the keys work (only those new or changed); ValidationError if not.

    settings.KRAKEN_CHECK_KEYS_ON_SAVE (default on) switches this off for test suites whose
    connections point at a Kraken they cannot reach.
    """
    if candidate.csv_only or not settings.KRAKEN_CHECK_KEYS_ON_SAVE:
        return
    errors: dict[str, str] = {}
    spot = ("api_key_encrypted", "api_secret_encrypted", "api_url")
    if stored is None or _changed(candidate, stored, spot):
        errors.update(key_check.spot_key_problem(connection=candidate))
    futures = ("futures_key_encrypted", "futures_secret_encrypted", "futures_url")
    if candidate.has_futures and (stored is None or _changed(candidate, stored, futures)):
        errors.update(key_check.futures_key_problem(connection=candidate))
    if errors:
        raise ValidationError(errors)


def _changed(candidate: KrakenConnection, stored: KrakenConnection, fields) -> bool:
    def plain(connection: KrakenConnection, name: str) -> str:
        value = getattr(connection, name)
        if name.endswith("_encrypted") and value:
            return crypto.decrypt(value) if crypto.readable(value) else ""
        return value

    return any(plain(candidate, name) != plain(stored, name) for name in fields)


def _save(connection: KrakenConnection) -> None:
    """Save; the unique (user, key digest) constraint catches a race the check above missed."""
    try:
        with transaction.atomic():
            connection.save()
    except IntegrityError as error:
        if "api_key" in str(error) or "unique_api_key" in str(error):
            raise ValidationError({"api_key": DUPLICATE_KEY.format(label="another")}) from error
        raise


def _apply(connection: KrakenConnection, data: ConnectionInput, label, rate_max, rate_decay):
    api_key = data.api_key.strip()
    connection.label = label
    connection.csv_only = data.csv_only
    connection.api_key_encrypted = crypto.encrypt(api_key) if api_key else ""
    connection.api_secret_encrypted = crypto.encrypt(data.api_secret.strip()) if api_key else ""
    connection.key_fingerprint = key_fingerprint(api_key) if api_key else ""
    connection.api_key_digest = api_key_digest(api_key) if api_key else ""
    connection.api_key_hint = crypto.mask(api_key) if api_key else ""
    futures_key = data.futures_key.strip()
    connection.futures_key_encrypted = crypto.encrypt(futures_key) if futures_key else ""
    connection.futures_secret_encrypted = (
        crypto.encrypt(data.futures_secret.strip()) if futures_key else ""
    )
    connection.futures_key_hint = crypto.mask(futures_key) if futures_key else ""
    connection.api_url = data.api_url.rstrip("/")
    connection.futures_url = data.futures_url.rstrip("/")
    connection.rate_tier = data.rate_tier
    connection.rate_max = rate_max
    connection.rate_decay = rate_decay
    connection.sync_interval_minutes = data.sync_interval_minutes


def connection_create(*, user, data: ConnectionInput) -> KrakenConnection:
    label, rate_max, rate_decay = connection_validate(data=data, user=user)
    connection = KrakenConnection(user=user)
    _apply(connection, data, label, rate_max, rate_decay)
    _check_with_kraken(connection, None)
    _save(connection)
    return connection


def connection_update(
    *, connection: KrakenConnection, data: ConnectionInput, clear_futures: bool = False
) -> KrakenConnection:
    """Replace a connection's settings. Blank secrets in `data` keep the stored ones.

    Stored secrets that the credentials key cannot decrypt must be entered again.
    """
    keep_futures = not clear_futures
    if connection.csv_only:  # it stays CSV-only until it is given a key
        return _csv_only_update(connection=connection, data=data)
    try:
        data = ConnectionInput(
            **{
                **data.__dict__,
                "api_key": data.api_key or connection.api_key(),
                "api_secret": data.api_secret or connection.api_secret(),
                "futures_key": data.futures_key
                or (connection.futures_key() if keep_futures else ""),
                "futures_secret": data.futures_secret
                or (connection.futures_secret() if keep_futures else ""),
            }
        )
    except crypto.CredentialsKeyError as error:
        raise ValidationError({"api_key": crypto.KEYS_NEED_REENTERING}) from error
    label, rate_max, rate_decay = connection_validate(
        data=data, user=connection.user, instance=connection
    )
    candidate = copy.copy(connection)
    _apply(candidate, data, label, rate_max, rate_decay)
    _check_with_kraken(candidate, connection)
    _save(candidate)
    return candidate


def _csv_only_update(*, connection: KrakenConnection, data: ConnectionInput) -> KrakenConnection:
    keyed = bool(data.api_key.strip() or data.api_secret.strip())
    data = ConnectionInput(**{**data.__dict__, "csv_only": not keyed})
    label, rate_max, rate_decay = connection_validate(
        data=data, user=connection.user, instance=connection
    )
    candidate = copy.copy(connection)
    _apply(candidate, data, label, rate_max, rate_decay)
    _check_with_kraken(candidate, None if connection.csv_only else connection)
    _save(candidate)
    return candidate


def connection_delete(*, connection: KrakenConnection) -> None:
    """Delete a connection and everything synced through it, and recompute the accounts
    without it.

    The row lock makes a running sync wait, then see the connection gone and stop, instead
    of committing a window between the deletion of the children and of the connection. A sync
    still queued for it is cancelled.
    """
    with transaction.atomic():
        locked = KrakenConnection.objects.select_for_update().filter(pk=connection.pk).first()
        if locked is None:
            return
        sync = active_job(kind=JobKind.SYNC, target=f"connection:{locked.pk}")
        user = locked.user
        label = locked.label
        locked.delete()
        if sync is not None:
            job_cancel(job_id=sync.pk)
        rebuild_request(user=user, reason=f"connection {label!r} deleted")
