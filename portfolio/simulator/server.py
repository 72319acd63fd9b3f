"""The simulator's HTTP server: a ThreadingHTTPServer on 127.0.0.1 speaking Kraken's protocol.

Faults are drawn per API request before it is processed (see ``faults``); control endpoints under
``/_sim/`` are never faulted. One re-entrant lock guards nonces, counters and account data, so
concurrent requests see consistent pages while ``append_activity`` runs.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from . import control
from .account import SimAccount
from .counters import Counters
from .dispatch import (
    Reply,
    Request,
    endpoint_of,
    futures_error,
    key_of,
    route_api,
    spot_error,
)
from .faults import HTTP_FAULTS, SERVICE_FAULTS, FaultInjector
from .limits import PUBLIC_BUDGET, Bucket, token_bucket
from .market import Market, now_ticks


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Without TCP_NODELAY, header and body writes meet delayed ACKs (~40 ms per request).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging; the counters record every request."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=method,
            path=parts.path,
            query=parts.query,
            body=body,
            headers={k.lower(): v for k, v in self.headers.items()},
            client=self.client_address[0],
        )
        try:
            reply = self.server.sim.handle(request)
        except Exception as exc:  # an unexpected bug must still answer, not hang the client
            reply = Reply(
                500, f'{{"error":["EGeneral:Internal error: {type(exc).__name__}"]}}'.encode()
            )
        self._write(reply)

    def _write(self, reply: Reply) -> None:
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sim: SimulatorServer


class SimulatorServer:
    """A faithful local Kraken: spot and futures on one host:port, plus /_sim/ controls."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        speed: float = 1.0,
        fault_rate: float = 0.0,
        fault_kinds: set[str] | None = None,
        seed: int = 0,
        nonce_window: int = 0,
        clock: Callable[[], int] | None = None,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed, self.seed, self.nonce_window = speed, seed, nonce_window
        self.market = Market(seed)
        self.clock = clock  # ticks; None is the wall clock (see ``now``)
        self.lock = threading.RLock()
        self.faults = FaultInjector(seed=seed, rate=fault_rate, kinds=fault_kinds)
        self._counters = Counters()
        self._spot_keys: dict[str, SimAccount] = {}
        self._futures_keys: dict[str, SimAccount] = {}
        self._public: dict[str, Bucket] = {}
        # Kraken's own state (SystemStatus) and private methods this "endpoint" lacks.
        self.system_status = "online"
        self.disabled_methods: set[str] = set()
        self._httpd = _HTTPServer((host, port), _Handler)
        self._httpd.sim = self
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------
    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def futures_base_url(self) -> str:
        return self.base_url

    def start(self) -> SimulatorServer:
        self._thread = threading.Thread(
            target=self.serve_forever, name="kraken-simulator", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever(poll_interval=0.05)

    def shutdown(self) -> None:
        """Stop serve_forever from another thread (a signal handler or a test)."""
        self._httpd.shutdown()

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- accounts, faults, counters -----------------------------------------------------------
    def add_account(
        self,
        *,
        seed: int,
        size: int,
        tier: str = "pro",
        permissions: Any = None,
        mix: str = "default",
    ) -> SimAccount:
        """A new account; `mix` "trader" makes nearly every ledger row a trade leg."""
        with self.lock:
            account = SimAccount(
                index=len(self._spot_keys),
                seed=seed,
                size=size,
                tier=tier,
                permissions=permissions,
                market=self.market,
                speed=self.speed,
                nonce_window=self.nonce_window,
                lock=self.lock,
                mix=mix,
            )
            self._spot_keys[account.spot_key] = account
            self._futures_keys[account.futures_key] = account
            return account

    def account_by_spot_key(self, key: str) -> SimAccount | None:
        return self._spot_keys.get(key)

    def account_by_futures_key(self, key: str) -> SimAccount | None:
        return self._futures_keys.get(key)

    @property
    def accounts(self) -> list[SimAccount]:
        return list(self._spot_keys.values())

    def set_faults(
        self,
        *,
        rate: float | None = None,
        kinds: set[str] | None = None,
        fail_next: tuple | None = None,
        slow_seconds: float | None = None,
    ) -> None:
        """``fail_next=("http_502", 3)`` fails the next 3 API requests; add an endpoint name
        such as ``"private/Ledgers"`` as a third item to target one endpoint."""
        self.faults.configure(
            rate=rate, kinds=kinds, fail_next=fail_next, slow_seconds=slow_seconds
        )

    @property
    def counters(self) -> dict[str, Any]:
        return self._counters.snapshot()

    def reset_counters(self) -> None:
        self._counters.reset()

    def public_bucket(self, client: str) -> Bucket:
        with self.lock:
            if client not in self._public:
                self._public[client] = token_bucket(PUBLIC_BUDGET, self.speed)
            return self._public[client]

    def now(self) -> int:
        """The simulator's clock (ticks): the wall clock, or later when appended account activity
        reaches past it, so an account's own trades are on the public tape."""
        if self.clock is not None:
            return self.clock()
        latest = max((a.truth.last_ticks for a in self._spot_keys.values()), default=0)
        return max(now_ticks(), latest)

    # -- requests -----------------------------------------------------------------------------
    def handle(self, request: Request) -> Reply:
        if request.path.startswith("/_sim/"):
            return control.handle(self, request)
        endpoint = endpoint_of(request.path)
        kind = self.faults.pick(endpoint) if endpoint else None
        if kind in HTTP_FAULTS or kind in SERVICE_FAULTS:
            return self._fault_reply(request, endpoint or request.path, kind)
        if kind is not None:
            self._counters.record_fault(kind)
        if kind == "slow":
            time.sleep(self.faults.slow_seconds)
        outcome = route_api(self, request)
        if outcome is None:
            return Reply(404, b'{"error":["EGeneral:Unknown method"]}')
        self._counters.record(
            key=outcome.key, endpoint=outcome.endpoint, outcome=outcome.result, cost=outcome.cost
        )
        if kind == "truncated":
            body = outcome.reply.body
            return Reply(
                outcome.reply.status, body[: max(1, len(body) // 2)], outcome.reply.content_type
            )
        return outcome.reply

    def _fault_reply(self, request: Request, endpoint: str, kind: str) -> Reply:
        self._counters.record(key=key_of(request), endpoint=endpoint, outcome=f"fault:{kind}")
        if kind in HTTP_FAULTS:
            status = HTTP_FAULTS[kind]
            page = f"<html><body><h1>{status}</h1>simulated upstream error</body></html>"
            return Reply(status, page.encode(), "text/html")
        if endpoint.startswith(("futures/", "history/")):
            return futures_error("Unavailable")
        return spot_error(SERVICE_FAULTS[kind])
