"""A small local stand-in for Kraken's HTTP API, for the client's error and concurrency paths.

It verifies API-Sign/Authent over the exact bytes received, tracks the last nonce per key, keeps
Kraken's per-key call counter (cost 2 for ledger/trade history, decaying at `decay` per second),
pages a generated ledger newest first, and can be told to inject faults into the next replies.
Independent of the client: signatures are recomputed here with hashlib/hmac directly.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import threading
import time
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SECRET = base64.b64encode(
    b"fake kraken secret for the client tests, 64 bytes long........."
).decode()
COST_2 = {"Ledgers", "TradesHistory", "QueryLedgers", "QueryTrades"}
BASE_TIME = Decimal("1700000000.0000")


@dataclass
class KeyState:
    secret: str
    permissions: set[str]
    last_nonce: int = 0
    counter: float = 0.0
    updated: float = field(default_factory=time.monotonic)


@dataclass
class Stats:
    requests: int = 0
    invalid_nonce: int = 0
    rate_limited: int = 0
    in_flight: int = 0
    max_in_flight: int = 0


def ledger_row(i: int) -> tuple[str, dict[str, Any]]:
    stamp = BASE_TIME + i
    return f"L{i:05d}-AAAAA-BBBBBB", {
        "refid": f"T{i:05d}-CCCCC-DDDDDD",
        "time": float(stamp),
        "type": "trade",
        "subtype": "",
        "aclass": "currency",
        "asset": "XXBT" if i % 2 else "ZUSD",
        "amount": f"{i}.0000",
        "fee": "0.0010",
        "balance": f"{i * 10}.0000",
    }


class FakeKraken:
    def __init__(self, *, decay: float = 1.0, max_counter: float = 20, ledger_size: int = 120):
        self.keys: dict[str, KeyState] = {}
        self.decay = decay
        self.max_counter = max_counter
        self.ledger = dict(ledger_row(i) for i in range(ledger_size))
        self.faults: list[str] = []
        self.stats = Stats()
        self.on_ledgers: Any = None  # hook called before each Ledgers page is computed
        self.futures_v3 = False
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def add_key(self, api_key: str, permissions: set[str] | None = None) -> tuple[str, str]:
        everything = {"funds", "ledger", "trades", "export", "websocket"}
        self.keys[api_key] = KeyState(SECRET, everything if permissions is None else permissions)
        return api_key, SECRET

    def start(self) -> FakeKraken:
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- request handling ---------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake.dispatch(self, b"")

            def do_POST(self) -> None:
                fake.dispatch(self, self.rfile.read(int(self.headers.get("Content-Length", 0))))

        return Handler

    def dispatch(self, h: BaseHTTPRequestHandler, body: bytes) -> None:
        with self.lock:
            self.stats.requests += 1
            self.stats.in_flight += 1
            self.stats.max_in_flight = max(self.stats.max_in_flight, self.stats.in_flight)
            fault = self.faults.pop(0) if self.faults else None
        try:
            if fault and self._fault(h, fault):
                return
            path = urlsplit(h.path).path
            if path.startswith("/0/private/"):
                status, payload = self.private(h, path, body)
            elif path.startswith("/0/public/"):
                status, payload = 200, self.public(path.rsplit("/", 1)[1])
            else:
                status, payload = self.futures(h, path)
            self._send(h, status, payload)
        finally:
            with self.lock:
                self.stats.in_flight -= 1

    def _send(self, h: BaseHTTPRequestHandler, status: int, payload: Any) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        h.send_response(status)
        kind = "application/zip" if isinstance(payload, bytes) else "application/json"
        h.send_header("Content-Type", kind)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def _fault(self, h: BaseHTTPRequestHandler, fault: str) -> bool:
        spot_errors = {
            "unavailable": "EService:Unavailable",
            "busy": "EService:Busy",
            "lockout": "EGeneral:Temporary lockout",
            "ratelimit": "EAPI:Rate limit exceeded",
        }
        if fault in spot_errors:
            self._send(h, 200, {"error": [spot_errors[fault]]})
        elif fault == "http502":
            self._send(h, 502, b"<html>bad gateway</html>")
        elif fault == "truncated":
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.end_headers()
            h.wfile.write(b'{"error": [], "result": {"XXB')
            h.close_connection = True
        elif fault == "slow":
            time.sleep(0.6)
            return False
        else:
            raise ValueError(fault)
        return True

    def _charge(self, key: KeyState, cost: int) -> bool:
        """Kraken's counter: decays continuously; reject a call that would lift it above max."""
        now = time.monotonic()
        key.counter = max(0.0, key.counter - (now - key.updated) * self.decay)
        key.updated = now
        if key.counter + cost > self.max_counter:
            self.stats.rate_limited += 1
            return False
        key.counter += cost
        return True

    def private(self, h: BaseHTTPRequestHandler, path: str, body: bytes) -> tuple[int, Any]:
        key = self.keys.get(h.headers.get("API-Key", ""))
        if key is None:
            return 200, {"error": ["EAPI:Invalid key"]}
        form = dict(parse_qsl(body.decode()))
        digest = hashlib.sha256((form.get("nonce", "") + body.decode()).encode()).digest()
        mac = hmac.new(base64.b64decode(key.secret), path.encode() + digest, hashlib.sha512)
        if not hmac.compare_digest(base64.b64encode(mac.digest()).decode(), h.headers["API-Sign"]):
            return 200, {"error": ["EAPI:Invalid signature"]}
        method = path.rsplit("/", 1)[1]
        with self.lock:
            if int(form["nonce"]) <= key.last_nonce:
                self.stats.invalid_nonce += 1
                return 200, {"error": ["EAPI:Invalid nonce"]}
            key.last_nonce = int(form["nonce"])
            if not self._charge(key, 2 if method in COST_2 else 1):
                return 200, {"error": ["EAPI:Rate limit exceeded"]}
        needed = {"Ledgers": "ledger", "Balance": "funds", "TradesHistory": "trades"}.get(method)
        if needed and needed not in key.permissions:
            return 200, {"error": ["EGeneral:Permission denied"]}
        return 200, self.private_result(method, form)

    def private_result(self, method: str, form: dict[str, str]) -> Any:
        if method == "Ledgers":
            return {"error": [], "result": self.ledgers_page(form)}
        if method == "RetrieveExport":
            return export_zip()
        results = {
            "Balance": {"XXBT": "1.5000000000", "ZUSD": "100.0000", "DOT28.S": "3.0000000000"},
            "BalanceEx": {"XXBT": {"balance": "1.5000000000", "hold_trade": "0.5000000000"}},
            "TradeBalance": {
                "eb": "1.0",
                "tb": "2.0",
                "m": "0",
                "n": "0",
                "c": "0",
                "v": "0",
                "e": "2.0",
                "mf": "2.0",
            },
            "QueryLedgers": {"L00001-AAAAA-BBBBBB": self.ledger["L00001-AAAAA-BBBBBB"]},
            "AddExport": {"id": "TCJA"},
            "RemoveExport": {"delete": True},
            "GetWebSocketsToken": {"token": "abc", "expires": 900},
        }
        return {"error": [], "result": results.get(method, {})}

    def ledgers_page(self, form: dict[str, str]) -> dict[str, Any]:
        if self.on_ledgers is not None:
            self.on_ledgers(self)
        start = Decimal(form.get("start", "0"))
        end = Decimal(form["end"]) if "end" in form else None
        rows = sorted(self.ledger.items(), key=lambda kv: kv[1]["time"], reverse=True)
        rows = [
            r
            for r in rows
            if start < Decimal(str(r[1]["time"]))
            and (end is None or Decimal(str(r[1]["time"])) <= end)
        ]
        ofs = int(form.get("ofs", "0"))
        return {"ledger": dict(rows[ofs : ofs + 50]), "count": len(rows)}

    def public(self, method: str) -> Any:
        if method == "Time":
            return {"error": [], "result": {"unixtime": 1688669448, "rfc1123": "x"}}
        return {"error": ["EGeneral:Unknown method"]}

    def futures(self, h: BaseHTTPRequestHandler, path: str) -> tuple[int, Any]:
        if path.startswith("/api/history/v3/") and not self.futures_v3:
            return 404, {"result": "error", "error": "notFound"}
        key = self.keys.get(h.headers.get("APIKey", ""))
        query = urlsplit(h.path).query
        if key is None or not _futures_sig_ok(key.secret, path, h.headers, query):
            return 401, {"result": "error", "error": "authenticationError"}
        if path.endswith("/accounts"):
            return 200, {
                "result": "success",
                "accounts": {
                    "cash": {"type": "cashAccount", "balances": {"xbt": 0.25, "usd": 5000.0}}
                },
            }
        if path.endswith("/account-log"):
            return 200, {"accountUid": "u", "logs": [futures_log_row(1)]}
        return 200, {"result": "success", "fills": [], "openPositions": []}


def _futures_sig_ok(secret: str, path: str, headers: Any, query: str) -> bool:
    message = (query + headers.get("Nonce", "") + path.removeprefix("/derivatives")).encode()
    mac = hmac.new(base64.b64decode(secret), hashlib.sha256(message).digest(), hashlib.sha512)
    return hmac.compare_digest(base64.b64encode(mac.digest()).decode(), headers.get("Authent", ""))


def futures_log_row(i: int) -> dict[str, Any]:
    return {
        "id": i,
        "date": "2023-04-04T16:10:46.260Z",
        "asset": "eth",
        "info": "admin transfer",
        "booking_uid": "be3d",
        "margin_account": "ETH",
        "old_balance": 0.0,
        "new_balance": 2.6868286287,
        "fee": None,
    }


LEDGER_CSV = (
    '"txid","refid","time","type","subtype","aclass","asset","wallet","amount","fee","balance"\n'
    '"LXCY6M-XDSKI-5VM4X6","YDUHQH-WIXLW-UBJGER","2023-12-14 15:24:51","trade","","currency",'
    '"BTC","spot / main",-0.0007197400,0,0.0037099500\n'
    '"","YDUHQH-WIXLW-XXXXXX","2023-12-14 15:25:00","withdrawal","","currency","BTC",'
    '"spot / main",-1.0,0,0\n'
)


def export_zip(text: str = LEDGER_CSV, name: str = "ledgers.csv") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    return buffer.getvalue()
