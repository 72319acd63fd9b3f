"""Why a sync stops, in words that tell the owner what to do."""

from __future__ import annotations

from portfolio.kraken.errors import (
    AccountStateError,
    AddressRefusedError,
    AuthenticationError,
    BadResponseError,
    InvalidNonceError,
    KrakenError,
    NetworkError,
    PermissionDeniedError,
)

NOT_REACHED = (
    "Could not reach Kraken at this connection's URL. Check the URLs on its Edit page; "
    "the next scheduled sync will try again."
)


class KrakenMaintenance(KrakenError):
    """Kraken reports maintenance (or cancel_only) for longer than a sync waits: retry later."""

    transient = True


class ConnectionGone(Exception):
    """The connection (or its run) was deleted or cancelled while the sync ran: stop quietly."""


class SyncFailed(Exception):
    """A permanent failure: the run stops with this message."""


def failure_message(error: KrakenError) -> str:
    """A readable, actionable message for a permanent Kraken error.

    Network-level failures read "could not reach Kraken" whatever happened underneath: the
    difference between a closed port, an open one and a refused address is for the log only.
    """
    if isinstance(error, KrakenMaintenance):
        return error.message
    if not_reached(error):
        return NOT_REACHED
    if isinstance(error, PermissionDeniedError):
        return (
            f"{error.message} Edit the key on Kraken (Settings > API), enable the permission, "
            "then press Sync now."
        )
    if isinstance(error, AuthenticationError):
        return (
            f"{error.message} Check the key and secret on this connection's Edit page, or create "
            "a new read-only key on Kraken."
        )
    if isinstance(error, InvalidNonceError):
        return (
            f"{error.message} Use a separate API key for this app, or raise the key's nonce "
            "window on Kraken."
        )
    if isinstance(error, AccountStateError):
        return f"{error.message} Contact Kraken support."
    if error.transient:
        return f"{error.message} Kraken kept failing; the next scheduled sync will try again."
    return error.message


def not_reached(error: KrakenError) -> bool:
    """Whether the error is about the network or the reply's form rather than Kraken's answer."""
    network = (NetworkError, BadResponseError, AddressRefusedError)
    return isinstance(error, network) or error.kraken_error.startswith("HTTP ")


def error_label(error: KrakenError) -> str:
    """What a run's note may say about an error."""
    if not_reached(error):
        return "could not reach Kraken"
    return error.kraken_error or type(error).__name__
