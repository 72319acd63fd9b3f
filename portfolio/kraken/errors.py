"""Kraken errors: one table from Kraken's error strings to exception classes.

Each row says whether the condition is transient (worth retrying later: maintenance, throttling,
network trouble) or permanent (retrying cannot help: bad key, missing permission, bad argument).
Spot errors are strings like ``EAPI:Invalid key`` (some carry extra text after a further colon,
e.g. ``EService: Throttled: 1688669085``), futures errors are codes like ``apiLimitExceeded``.
"""

from __future__ import annotations

from dataclasses import dataclass


class KrakenError(Exception):
    """Base of every error the client raises."""

    transient: bool = False

    def __init__(
        self,
        message: str,
        *,
        kraken_error: str = "",
        endpoint: str = "",
        transient: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kraken_error = kraken_error
        self.endpoint = endpoint
        if transient is not None:
            self.transient = transient


class AuthenticationError(KrakenError):
    """The key is unknown, revoked or malformed, or the secret does not match."""


class InvalidKeyError(AuthenticationError):
    pass


class InvalidSignatureError(AuthenticationError):
    pass


class InvalidNonceError(KrakenError):
    """Nonce not above the last one Kraken accepted; transient when caused by reordering."""

    transient = True


class PermissionDeniedError(KrakenError):
    pass


class InvalidArgumentsError(KrakenError):
    pass


class UnknownAssetPairError(InvalidArgumentsError):
    pass


class UnknownAssetError(InvalidArgumentsError):
    pass


class UnknownMethodError(KrakenError):
    pass


class NotFoundError(KrakenError):
    pass


class AccountStateError(KrakenError):
    """The account is locked, inactive or otherwise unable to use the API."""


class ForbiddenEndpointError(KrakenError):
    """The client refuses to call an endpoint outside its read-only whitelist."""


class ServiceUnavailableError(KrakenError):
    transient = True


class RateLimitError(KrakenError):
    transient = True


class TemporaryLockoutError(KrakenError):
    transient = True


class ServerError(KrakenError):
    """HTTP 5xx or an internal error reported by Kraken."""

    transient = True


class NetworkError(KrakenError):
    """Connection refused/reset or timed out before a reply arrived."""

    transient = True


class AddressRefusedError(KrakenError):
    """The URL's host is not a public address and not on the operator's allow-list."""


class BadResponseError(KrakenError):
    """A reply that is not the JSON Kraken promises (truncated, HTML error page...)."""

    transient = True


class PagingError(KrakenError):
    """Paging a range did not converge on the count Kraken reported."""

    transient = True


@dataclass(frozen=True, slots=True)
class ErrorRule:
    error_class: type[KrakenError]
    transient: bool
    explanation: str


_RETRY = "Kraken is temporarily unable to answer; the request will be retried."
_SLOW = "Too many requests for this API key; the client slows down and retries."

# The one table. Keys are matched exactly, then as prefixes (longest first) so that strings with
# extra detail ("EGeneral:Invalid arguments:Index unavailable") find their row.
ERROR_TABLE: dict[str, ErrorRule] = {
    # spot
    "EAPI:Invalid key": ErrorRule(
        InvalidKeyError, False, "Kraken does not know this API key (deleted, or mistyped)."
    ),
    "EAPI:Invalid signature": ErrorRule(
        InvalidSignatureError,
        False,
        "Kraken rejected the request signature: the private key (API secret) does not match "
        "this API key.",
    ),
    "EAPI:Invalid nonce": ErrorRule(
        InvalidNonceError,
        True,
        "Kraken rejected the nonce. Another program may be using this API key at the same time; "
        "give this app its own key or raise the key's nonce window.",
    ),
    "EAPI:Rate limit exceeded": ErrorRule(RateLimitError, True, _SLOW),
    "EAPI:Bad request": ErrorRule(
        InvalidArgumentsError, False, "Kraken called the request malformed."
    ),
    "EAPI:Feature disabled": ErrorRule(
        UnknownMethodError, False, "This Kraken feature is disabled."
    ),
    "EGeneral:Permission denied": ErrorRule(
        PermissionDeniedError, False, "The API key lacks a permission this request needs."
    ),
    "EGeneral:Invalid arguments": ErrorRule(
        InvalidArgumentsError, False, "Kraken rejected the request's arguments."
    ),
    "EGeneral:Unknown method": ErrorRule(
        UnknownMethodError, False, "Kraken does not know this method."
    ),
    "EGeneral:Temporary lockout": ErrorRule(
        TemporaryLockoutError,
        True,
        "Kraken temporarily locked this API key after too many failed calls (about 15 minutes).",
    ),
    "EGeneral:Too many requests": ErrorRule(RateLimitError, True, _SLOW),
    "EGeneral:Internal error": ErrorRule(ServerError, True, _RETRY),
    "EDatabase:Internal error": ErrorRule(ServerError, True, _RETRY),
    "EService:Unavailable": ErrorRule(ServiceUnavailableError, True, _RETRY),
    "EService:Busy": ErrorRule(ServiceUnavailableError, True, _RETRY),
    "EService:Deadline elapsed": ErrorRule(ServiceUnavailableError, True, _RETRY),
    "EService: Throttled": ErrorRule(RateLimitError, True, _SLOW),
    "EService:Throttled": ErrorRule(RateLimitError, True, _SLOW),
    "EQuery:Unknown asset pair": ErrorRule(
        UnknownAssetPairError, False, "Kraken does not know this asset pair (delisted or misspelt)."
    ),
    "EQuery:Invalid asset pair": ErrorRule(
        UnknownAssetPairError, False, "Kraken does not know this asset pair (delisted or misspelt)."
    ),
    "EQuery:Unknown asset": ErrorRule(UnknownAssetError, False, "Kraken does not know this asset."),
    "EFunding:Unknown asset": ErrorRule(
        UnknownAssetError, False, "Kraken does not know this asset."
    ),
    "ESession:Invalid session": ErrorRule(
        AuthenticationError, False, "Kraken rejected the session of this API key."
    ),
    "EAuth:Failed": ErrorRule(
        AuthenticationError, False, "Kraken could not authenticate this key."
    ),
    "ETrade:User Locked": ErrorRule(AccountStateError, False, "The Kraken account is locked."),
    # futures
    "authenticationError": ErrorRule(
        AuthenticationError,
        False,
        "Kraken Futures rejected the API key or its signature (futures keys are separate from "
        "spot keys).",
    ),
    "apiLimitExceeded": ErrorRule(RateLimitError, True, _SLOW),
    "nonceBelowThreshold": ErrorRule(InvalidNonceError, True, "Kraken Futures rejected the nonce."),
    "nonceDuplicate": ErrorRule(InvalidNonceError, True, "Kraken Futures rejected the nonce."),
    "requiredArgumentMissing": ErrorRule(
        InvalidArgumentsError, False, "A required argument is missing."
    ),
    "invalidArgument": ErrorRule(
        InvalidArgumentsError, False, "Kraken Futures rejected an argument."
    ),
    "Bad Request": ErrorRule(
        InvalidArgumentsError, False, "Kraken Futures called the request malformed."
    ),
    "invalidAccount": ErrorRule(
        AccountStateError, False, "Kraken Futures does not know the account."
    ),
    "accountInactive": ErrorRule(
        AccountStateError, False, "The Kraken Futures account is inactive."
    ),
    "notFound": ErrorRule(NotFoundError, False, "Kraken Futures found nothing at this address."),
    "Unavailable": ErrorRule(ServiceUnavailableError, True, _RETRY),
    "marketUnavailable": ErrorRule(ServiceUnavailableError, True, _RETRY),
}
_PREFIXES = sorted(ERROR_TABLE, key=len, reverse=True)
_UNKNOWN = ErrorRule(KrakenError, False, "Kraken returned an error this app does not know.")


def rule_for(kraken_error: str) -> ErrorRule:
    """The table row for an error string: exact match, else the longest matching prefix."""
    rule = ERROR_TABLE.get(kraken_error)
    if rule is not None:
        return rule
    for prefix in _PREFIXES:
        if kraken_error.startswith(prefix):
            return ERROR_TABLE[prefix]
    return _UNKNOWN


def error_from_kraken(
    kraken_error: str, *, endpoint: str, permissions: tuple[str, ...] = ()
) -> KrakenError:
    """Build the exception for one Kraken error string, with a message a user understands."""
    rule = rule_for(kraken_error)
    message = f"{rule.explanation} ({endpoint}: {kraken_error})"
    if rule.error_class is PermissionDeniedError and permissions:
        needed = ", ".join(f'"{p}"' for p in permissions)
        message = (
            f"The API key lacks a permission {endpoint} needs. "
            f"In Kraken's API key settings enable: "
            f"{needed}. ({kraken_error})"
        )
    return rule.error_class(
        message, kraken_error=kraken_error, endpoint=endpoint, transient=rule.transient
    )
