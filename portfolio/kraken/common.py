"""Pieces shared by the spot, public and futures clients: parameter encoding, client setup."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import requests

from portfolio.kraken.state import MemoryState, SharedState
from portfolio.kraken.transport import RetryPolicy, Transport

USER_AGENT = "kraken-portfolio/1.0 (+read-only)"
Params = Mapping[str, Any]

# One MemoryState per process unless the caller passes a shared one, so that two clients built
# for the same key in one process still share nonces, locks and the rate counter.
_DEFAULT_STATE = MemoryState()


def encode_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        return str(Decimal(str(value.timestamp())).normalize())
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ",".join(encode_value(v) for v in value)
    return str(value)


def encode(params: Params) -> str:
    """Url-encode parameters, dropping None; the exact string is what gets signed and sent."""
    return urlencode([(k, encode_value(v)) for k, v in params.items() if v is not None])


def make_transport(
    *,
    state: SharedState | None,
    sleep: Callable[[float], None],
    max_retries: int,
    retry: RetryPolicy | None,
) -> tuple[SharedState, Transport]:
    shared = state if state is not None else _DEFAULT_STATE
    policy = retry or RetryPolicy(max_retries=max_retries)
    return shared, Transport(state=shared, sleep=sleep, retry=policy)


def make_session(session: requests.Session | None) -> requests.Session:
    if session is not None:
        return session
    new = requests.Session()
    new.headers["User-Agent"] = USER_AGENT
    return new


def default_sleep(seconds: float) -> None:
    time.sleep(seconds)
