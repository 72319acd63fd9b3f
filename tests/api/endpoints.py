"""Every endpoint of the API, written once for the tests: (name, method, path, body)."""

from collections.abc import Callable
from dataclasses import dataclass, field

V1 = "/api/v1"
LOCAL = {"api_url": "http://127.0.0.1:9", "futures_url": "http://127.0.0.1:9"}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: Callable[[dict], str]
    body: Callable[[dict], dict] | None = None
    #: the fixture key of the row a list must show (the owner's, never the other's)
    lists: str = ""
    #: the path names one of the owner's objects: another user gets 404
    owned: bool = False
    multipart: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def writes(self) -> bool:
        return self.method not in ("get", "head", "options")


def _c(d):
    return d["connection"].pk


READS = [
    Endpoint("profile", "get", lambda d: f"{V1}/profile/"),
    Endpoint("tokens", "get", lambda d: f"{V1}/tokens/"),
    Endpoint("connections", "get", lambda d: f"{V1}/connections/"),
    Endpoint("connection", "get", lambda d: f"{V1}/connections/{_c(d)}/", owned=True),
    Endpoint(
        "connection syncs",
        "get",
        lambda d: f"{V1}/connections/{_c(d)}/syncs/",
        lists="sync",
        owned=True,
    ),
    Endpoint(
        "reconciliation",
        "get",
        lambda d: f"{V1}/connections/{_c(d)}/reconciliation/",
        owned=True,
    ),
    Endpoint(
        "connection imports",
        "get",
        lambda d: f"{V1}/connections/{_c(d)}/imports/",
        lists="import",
        owned=True,
    ),
    Endpoint("syncs", "get", lambda d: f"{V1}/syncs/", lists="sync"),
    Endpoint("sync", "get", lambda d: f"{V1}/syncs/{d['sync'].pk}/", owned=True),
    Endpoint("import", "get", lambda d: f"{V1}/imports/{d['import'].pk}/", owned=True),
    Endpoint("ledger entries", "get", lambda d: f"{V1}/ledger-entries/", lists="ledger"),
    Endpoint("trades", "get", lambda d: f"{V1}/trades/", lists="trade"),
    Endpoint("closed orders", "get", lambda d: f"{V1}/closed-orders/", lists="order"),
    Endpoint("balances", "get", lambda d: f"{V1}/balances/", lists="balance"),
    Endpoint("futures fills", "get", lambda d: f"{V1}/futures/fills/", lists="fill"),
    Endpoint("futures log", "get", lambda d: f"{V1}/futures/log/", lists="log"),
    Endpoint("futures positions", "get", lambda d: f"{V1}/futures/positions/", lists="position"),
    Endpoint("holdings", "get", lambda d: f"{V1}/holdings/"),
    Endpoint("lots", "get", lambda d: f"{V1}/lots/", lists="lot"),
    Endpoint("disposals", "get", lambda d: f"{V1}/disposals/", lists="disposal"),
    Endpoint("income", "get", lambda d: f"{V1}/income/", lists="income"),
    Endpoint("margin", "get", lambda d: f"{V1}/margin/", lists="margin"),
    Endpoint("futures records", "get", lambda d: f"{V1}/futures/records/", lists="futures"),
    Endpoint("tax years", "get", lambda d: f"{V1}/tax-years/"),
    Endpoint("tax year", "get", lambda d: f"{V1}/tax-years/2024/"),
    Endpoint("unknown basis", "get", lambda d: f"{V1}/unknown-basis/", lists="unknown"),
    Endpoint("prices", "get", lambda d: f"{V1}/prices/"),
    Endpoint("reports", "get", lambda d: f"{V1}/reports/", lists="report"),
    Endpoint("report", "get", lambda d: f"{V1}/reports/{d['report'].pk}/", owned=True),
    Endpoint(
        "report download",
        "get",
        lambda d: f"{V1}/reports/{d['report'].pk}/download/",
        owned=True,
    ),
]

WRITES = [
    Endpoint(
        "profile update",
        "patch",
        lambda d: f"{V1}/profile/",
        body=lambda d: {"base_currency": "EUR"},
    ),
    Endpoint(
        "token create",
        "post",
        lambda d: f"{V1}/tokens/",
        body=lambda d: {"name": "new one", "read_only": False},
    ),
    Endpoint("token revoke", "delete", lambda d: f"{V1}/tokens/{d['token'].pk}/", owned=True),
    Endpoint(
        "connection create",
        "post",
        lambda d: f"{V1}/connections/",
        body=lambda d: {"label": "CSV", "csv_only": True, **LOCAL},
    ),
    Endpoint(
        "connection update",
        "patch",
        lambda d: f"{V1}/connections/{_c(d)}/",
        body=lambda d: {"label": "Renamed"},
        owned=True,
    ),
    Endpoint("connection delete", "delete", lambda d: f"{V1}/connections/{_c(d)}/", owned=True),
    Endpoint(
        "sync start",
        "post",
        lambda d: f"{V1}/connections/{_c(d)}/syncs/",
        body=lambda d: {"full": False},
        owned=True,
    ),
    Endpoint(
        "import upload",
        "post",
        lambda d: f"{V1}/connections/{_c(d)}/imports/",
        body=lambda d: {"files": []},
        owned=True,
        multipart=True,
    ),
    Endpoint(
        "basis enter",
        "post",
        lambda d: f"{V1}/unknown-basis/{d['unknown'].event_id}/basis/",
        body=lambda d: {"basis": "123.45", "acquired": "2023-01-01T00:00:00Z"},
        owned=True,
    ),
    Endpoint(
        "report request",
        "post",
        lambda d: f"{V1}/reports/",
        body=lambda d: {"year": 2024, "format": "pdf", "connection": _c(d)},
    ),
    Endpoint("report delete", "delete", lambda d: f"{V1}/reports/{d['report'].pk}/", owned=True),
]

ALL = READS + WRITES


def call(client, endpoint: Endpoint, data: dict):
    path = endpoint.path(data)
    body = endpoint.body(data) if endpoint.body else None
    if endpoint.multipart:
        return getattr(client, endpoint.method)(path, body or {}, format="multipart")
    if body is None:
        return getattr(client, endpoint.method)(path)
    return getattr(client, endpoint.method)(path, body, format="json")
