"""Build Kraken clients for a connection, sharing nonces and rate counters as settings say.

RedisState(settings.REDIS_URL) when Redis is configured (Celery workers anywhere), otherwise
FileState(settings.KRAKEN_STATE_DIR) (processes on one host). Every client built here counts its
HTTP requests in a CallCounter, which the sync stores on its SyncRun, and sends them only where
settings.KRAKEN_ALLOWED_HOSTS and portfolio/kraken/netguard.py allow.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

import requests
from django.conf import settings

from accounts.models import KrakenConnection
from portfolio.kraken import (
    FileState,
    KrakenFuturesClient,
    KrakenPublicClient,
    KrakenSpotClient,
    RateTier,
    RedisState,
    RetryPolicy,
    SharedState,
)
from portfolio.kraken.common import USER_AGENT
from portfolio.kraken.netguard import destination_check, guarded_adapter


class CountingSession(requests.Session):
    """A requests session that counts every HTTP request (retries included) by path.

    It ignores proxy variables in the environment: through a proxy the address guard would see
    only the proxy (portfolio/kraken/netguard.py). KRAKEN_PROXY_URL names one explicitly; each
    request through it is checked against the guard first.
    """

    def __init__(self) -> None:
        super().__init__()
        self.trust_env = False  # no HTTP(S)_PROXY / ALL_PROXY / .netrc from the environment
        if settings.KRAKEN_CA_BUNDLE:
            self.verify = settings.KRAKEN_CA_BUNDLE
        self.headers["User-Agent"] = USER_AGENT
        adapter = guarded_adapter(allowed=settings.KRAKEN_ALLOWED_HOSTS)
        self.mount("http://", adapter)
        self.mount("https://", adapter)
        if settings.KRAKEN_PROXY_URL:
            self.proxies = {"http": settings.KRAKEN_PROXY_URL, "https": settings.KRAKEN_PROXY_URL}
        self.calls: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()
        self._guard = threading.Lock()

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any):
        name = str(url).split("?", 1)[0].rsplit("/", 1)[-1]
        with self._guard:
            self.calls[name] += 1
        if self.proxies:
            destination_check(str(url), allowed=settings.KRAKEN_ALLOWED_HOSTS)
        try:
            response = super().request(method, url, *args, **kwargs)
        except requests.RequestException:
            with self._guard:
                self.failures[name] += 1
            raise
        if response.status_code >= 400:
            with self._guard:
                self.failures[name] += 1
        return response

    @property
    def total(self) -> int:
        return sum(self.calls.values())


@dataclass
class ConnectionClients:
    spot: KrakenSpotClient
    public: KrakenPublicClient
    futures: KrakenFuturesClient | None
    session: CountingSession = field(repr=False)


@cache
def _state_for(redis_url: str, state_dir: str) -> SharedState:
    return RedisState(redis_url) if redis_url else FileState(state_dir)


def shared_state() -> SharedState:
    """The process-wide shared state chosen by settings (one instance per configuration)."""
    return _state_for(settings.REDIS_URL or "", str(settings.KRAKEN_STATE_DIR))


def state_backend_name(state: SharedState) -> str:
    """Which shared state this is, without credentials: "redis:host:port/db", "file:/dir"."""
    if isinstance(state, RedisState):
        kwargs = state.client.connection_pool.connection_kwargs
        where = kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"
        return f"redis:{where}/{kwargs.get('db', 0)}:{state.prefix}"
    if isinstance(state, FileState):
        return f"file:{state.directory.resolve()}"
    return f"{type(state).__name__.removesuffix('State').lower()}:{id(state):x}"


def retry_policy() -> RetryPolicy:
    return RetryPolicy(base_delay=settings.KRAKEN_RETRY_BASE_DELAY)


def clients_for(*, connection: KrakenConnection) -> ConnectionClients:
    """Spot, public and (when the connection has a futures key) futures clients."""
    state = shared_state()
    session = CountingSession()
    rate_max, rate_decay = connection.rate_limits()
    common = {"state": state, "session": session, "retry": retry_policy()}
    spot = KrakenSpotClient(
        api_key=connection.api_key(),
        api_secret=connection.api_secret(),
        base_url=connection.api_url,
        tier=RateTier(Decimal(rate_max), Decimal(rate_decay)),
        **common,
    )
    public = public_client_for(connection=connection, session=session)
    futures = None
    if connection.has_futures:
        futures = KrakenFuturesClient(
            api_key=connection.futures_key(),
            api_secret=connection.futures_secret(),
            base_url=connection.futures_url,
            **common,
        )
    return ConnectionClients(spot=spot, public=public, futures=futures, session=session)


def public_client_for(
    *, connection: KrakenConnection, session: CountingSession | None = None
) -> KrakenPublicClient:
    """Public data through the connection's base URL; needs no credentials."""
    public_rate = Decimal(str(settings.KRAKEN_PUBLIC_RATE))
    return KrakenPublicClient(
        base_url=connection.api_url,
        tier=RateTier(Decimal(1), public_rate),
        state=shared_state(),
        session=session or CountingSession(),
        retry=retry_policy(),
    )
