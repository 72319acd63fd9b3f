"""Check a connection's keys against Kraken before they are saved: one cheap private call each.

Spot: Balance (cost 1, needs "Query Funds", which the sync needs too). Futures: /accounts.
The calls go through the same rate-limited, nonce-sharing client and outbound URL guard as a
sync (portfolio.kraken_factory), with one retry only, so a form answers within seconds. A wrong
secret, an unknown key, a missing permission or an unreachable server becomes a message on the
field it concerns; the caller then saves nothing.
"""

from __future__ import annotations

from decimal import Decimal

import requests

from accounts.models import KrakenConnection
from portfolio.kraken import KrakenFuturesClient, KrakenSpotClient, RateTier
from portfolio.kraken.errors import (
    AccountStateError,
    AuthenticationError,
    InvalidKeyError,
    InvalidSignatureError,
    KrakenError,
    NetworkError,
    PermissionDeniedError,
)
from portfolio.kraken.transport import RetryPolicy
from portfolio.kraken_factory import CountingSession, retry_policy, shared_state

CHECK_TIMEOUT_SECONDS = 15
CHECK_RETRIES = 1


def _problem(error: Exception, *, what: str, permission: str) -> tuple[str, str]:
    """(field suffix, message) for a failed check: "key" or "secret"."""
    if isinstance(error, InvalidSignatureError):
        return "secret", f"Kraken refused the signature: the {what} secret does not match the key."
    if isinstance(error, InvalidKeyError):
        return "key", f"Kraken does not know this {what} key (mistyped, deleted or revoked)."
    if isinstance(error, AuthenticationError):  # Kraken Futures does not say which of the two
        return "secret", f"Kraken could not authenticate the {what} key with this secret."
    if isinstance(error, PermissionDeniedError):
        return "key", (
            f"This {what} key lacks the “{permission}” permission; edit the key on Kraken "
            "(the README lists the permissions) and save again."
        )
    if isinstance(error, AccountStateError):
        return "key", f"Kraken says the account cannot use the API: {error.message}"
    if isinstance(error, KrakenError) and not isinstance(error, NetworkError):
        return "key", f"Kraken refused the {what} key: {error.message}"
    return "url", f"Could not reach Kraken to check the {what} key ({type(error).__name__})."


def _common() -> dict:
    return {
        "state": shared_state(),
        "session": CountingSession(),
        "retry": RetryPolicy(max_retries=CHECK_RETRIES, base_delay=retry_policy().base_delay),
        "timeout": CHECK_TIMEOUT_SECONDS,
        "max_retries": CHECK_RETRIES,
    }


def spot_key_problem(*, connection: KrakenConnection) -> dict[str, str]:
    """{} when Kraken accepts the (unsaved) connection's spot key, else field -> message."""
    rate_max, rate_decay = connection.rate_limits()
    client = KrakenSpotClient(
        api_key=connection.api_key(),
        api_secret=connection.api_secret(),
        base_url=connection.api_url,
        tier=RateTier(Decimal(rate_max), Decimal(rate_decay)),
        **_common(),
    )
    try:
        client.balance()
    except (KrakenError, requests.RequestException) as error:
        part, message = _problem(error, what="API", permission="Query Funds")
        return {{"key": "api_key", "secret": "api_secret", "url": "api_url"}[part]: message}
    return {}


def futures_key_problem(*, connection: KrakenConnection) -> dict[str, str]:
    """{} when Kraken Futures accepts the connection's futures key, else field -> message."""
    client = KrakenFuturesClient(
        api_key=connection.futures_key(),
        api_secret=connection.futures_secret(),
        base_url=connection.futures_url,
        **_common(),
    )
    try:
        client.accounts()
    except (KrakenError, requests.RequestException) as error:
        part, message = _problem(error, what="Kraken Futures", permission="General API, read")
        field = {"key": "futures_key", "secret": "futures_secret", "url": "futures_url"}[part]
        return {field: message}
    return {}
