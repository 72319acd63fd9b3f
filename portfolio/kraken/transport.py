"""One request to Kraken, with the lock, rate budget, nonce, retries and error mapping around it.

An attempt runs entirely inside the key's shared lock: reserve the rate budget (sleeping if the
counter is full), take a fresh nonce, sign, send and read the reply. Holding the lock until the
reply is in means two workers on one key can never have requests in flight at once, so their
nonces reach Kraken in order. Backoff between attempts happens outside the lock.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import requests

from portfolio.kraken.errors import (
    AddressRefusedError,
    BadResponseError,
    InvalidNonceError,
    KrakenError,
    NetworkError,
    RateLimitError,
    ServerError,
    error_from_kraken,
)
from portfolio.kraken.netguard import AddressNotAllowed
from portfolio.kraken.parsing import loads
from portfolio.kraken.ratelimit import RateTier
from portfolio.kraken.state import SharedState

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Capped exponential backoff with jitter: delay n is in [cap/2, cap], cap = base * 2**n."""

    max_retries: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_nonce_retries: int = 3

    def delay(self, attempt: int, rng: random.Random) -> float:
        cap = min(self.max_delay, self.base_delay * 2**attempt)
        return cap / 2 + rng.random() * cap / 2


@dataclass(frozen=True, slots=True)
class Budget:
    """A rate counter in shared state, and what this call costs on it."""

    bucket: str
    tier: RateTier
    cost: Decimal

    def reserve(self, state: SharedState) -> float:
        capacity = self.tier.capacity_for(self.cost)
        return state.reserve(self.bucket, float(self.cost), capacity, self.tier.model_decay)

    def penalize(self, state: SharedState) -> None:
        """Kraken says the counter is full although our model disagrees: assume it half full."""
        cost = float(self.tier.max_counter) / 2
        state.reserve(self.bucket, cost, self.tier.capacity_for(self.cost), self.tier.model_decay)


@dataclass(frozen=True, slots=True)
class Call:
    """What the transport needs to run one logical request (retried as a whole)."""

    endpoint: str
    send: Callable[[int | None], requests.Response]  # gets a fresh nonce (or None) per attempt
    interpret: Callable[[requests.Response], Any]
    lock_key: str | None = None  # the API key, for private calls; state hashes it
    budget: Budget | None = None


class Transport:
    def __init__(
        self,
        *,
        state: SharedState,
        sleep: Callable[[float], None],
        retry: RetryPolicy,
        rng: random.Random | None = None,
    ) -> None:
        self.state = state
        self.sleep = sleep
        self.retry = retry
        self.rng = rng or random.Random()

    def execute(self, call: Call) -> Any:
        nonce_failures = 0
        attempt = 0
        while True:
            try:
                return self._attempt(call)
            except KrakenError as error:
                if not error.transient or attempt >= self.retry.max_retries:
                    raise
                if isinstance(error, InvalidNonceError):
                    nonce_failures += 1
                    if nonce_failures > self.retry.max_nonce_retries:
                        raise
                if isinstance(error, RateLimitError) and call.budget is not None:
                    call.budget.penalize(self.state)
                delay = self.retry.delay(attempt, self.rng)
                log.warning(
                    "kraken %s: %s; retry %d in %.2fs",
                    call.endpoint,
                    error.kraken_error or type(error).__name__,
                    attempt + 1,
                    delay,
                )
                self.sleep(delay)
                attempt += 1

    def _lock(self, call: Call) -> AbstractContextManager[None]:
        return self.state.lock(call.lock_key) if call.lock_key else nullcontext()

    def _attempt(self, call: Call) -> Any:
        with self._lock(call):
            if call.budget is not None:
                wait = call.budget.reserve(self.state)
                if wait > 0:
                    self.sleep(wait)
            nonce = self.state.next_nonce(call.lock_key) if call.lock_key else None
            try:
                response = call.send(nonce)
            except requests.Timeout as error:
                raise NetworkError(
                    f"Kraken did not answer in time ({call.endpoint})",
                    kraken_error="timeout",
                    endpoint=call.endpoint,
                ) from error
            except AddressNotAllowed as error:
                raise AddressRefusedError(
                    f"Could not reach Kraken ({call.endpoint}): address not allowed",
                    kraken_error="address not allowed",
                    endpoint=call.endpoint,
                ) from error
            except requests.RequestException as error:
                raise NetworkError(
                    f"Could not reach Kraken ({call.endpoint}): {error}",
                    kraken_error="connection",
                    endpoint=call.endpoint,
                ) from error
        return call.interpret(response)


def check_http_status(response: requests.Response, endpoint: str) -> None:
    """HTTP-level failures that carry no Kraken error: 5xx and 429 transient, other 4xx not."""
    status = response.status_code
    if status >= 500:
        raise ServerError(
            f"Kraken answered HTTP {status} ({endpoint})",
            kraken_error=f"HTTP {status}",
            endpoint=endpoint,
        )
    if status == 429:
        raise RateLimitError(
            f"Kraken answered HTTP 429 ({endpoint})", kraken_error="HTTP 429", endpoint=endpoint
        )
    if status >= 400:
        raise KrakenError(
            f"Kraken answered HTTP {status} ({endpoint})",
            kraken_error=f"HTTP {status}",
            endpoint=endpoint,
        )


def parse_json(response: requests.Response, endpoint: str) -> Any:
    try:
        return loads(response.content)
    except ValueError as error:
        raise BadResponseError(
            f"Kraken's reply is not valid JSON ({endpoint})",
            kraken_error="invalid JSON",
            endpoint=endpoint,
        ) from error


def spot_result(
    response: requests.Response, endpoint: str, permissions: tuple[str, ...] = ()
) -> Any:
    """The `result` of a spot envelope, or the mapped exception of its first error."""
    if response.status_code != 200:
        _raise_embedded_spot_error(response, endpoint, permissions)
        check_http_status(response, endpoint)
    body = parse_json(response, endpoint)
    if not isinstance(body, dict):
        raise BadResponseError(
            f"Unexpected reply shape ({endpoint})",
            kraken_error="invalid envelope",
            endpoint=endpoint,
        )
    errors = [e for e in body.get("error") or [] if isinstance(e, str) and e.startswith("E")]
    if errors:
        raise error_from_kraken(errors[0], endpoint=endpoint, permissions=permissions)
    return body.get("result")


def _raise_embedded_spot_error(
    response: requests.Response, endpoint: str, permissions: tuple[str, ...]
) -> None:
    try:
        body = loads(response.content)
    except ValueError:
        return
    errors = body.get("error") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], str):
        raise error_from_kraken(errors[0], endpoint=endpoint, permissions=permissions)
