"""Kraken's error strings (reference 5.4 and 2.3) and the exception that carries one."""

from __future__ import annotations

INVALID_KEY = "EAPI:Invalid key"
INVALID_SIGNATURE = "EAPI:Invalid signature"
INVALID_NONCE = "EAPI:Invalid nonce"
RATE_LIMIT = "EAPI:Rate limit exceeded"
INVALID_ARGUMENTS = "EGeneral:Invalid arguments"
PERMISSION_DENIED = "EGeneral:Permission denied"
UNKNOWN_METHOD = "EGeneral:Unknown method"
SERVICE_UNAVAILABLE = "EService:Unavailable"
TOO_MANY_REQUESTS = "EGeneral:Too many requests"
UNKNOWN_PAIR = "EQuery:Unknown asset pair"
UNKNOWN_ASSET = "EQuery:Unknown asset"
FUTURES_AUTH = "authenticationError"
FUTURES_LIMIT = "apiLimitExceeded"
FUTURES_MISSING_ARGUMENT = "requiredArgumentMissing"
FUTURES_INVALID_ARGUMENT = "invalidArgument"


class KrakenError(Exception):
    """Raised by handlers; the server renders it in the spot or futures envelope."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
