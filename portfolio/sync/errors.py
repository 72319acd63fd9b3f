"""Why a sync stops, in words that tell the owner what to do."""

from __future__ import annotations

from portfolio.kraken.errors import (
    AccountStateError,
    AuthenticationError,
    InvalidNonceError,
    KrakenError,
    PermissionDeniedError,
)


class ConnectionGone(Exception):
    """The connection (or its run) was deleted or cancelled while the sync ran: stop quietly."""


class SyncFailed(Exception):
    """A permanent failure: the run stops with this message."""


def failure_message(error: KrakenError) -> str:
    """A readable, actionable message for a permanent Kraken error."""
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
