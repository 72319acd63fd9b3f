"""Control endpoints under /_sim/ for other processes (benchmarks, the demo); loopback only.

GET  /_sim/health                       {"ok": true}
GET  /_sim/counters                     the counters snapshot (see ``Counters.snapshot``)
POST /_sim/counters/reset               zero every counter
POST /_sim/faults                       {"rate", "kinds", "slow_seconds", "clear",
                                         "fail_next": {"kind", "count", "endpoint"}}
POST /_sim/accounts                     {"seed", "size", "tier", "permissions", "mix"}
                                        -> credentials
POST /_sim/accounts/<spot key>/append   {"n"} -> {"appended", "ledger_count"}
POST /_sim/status                       {"status": "online"|"maintenance"|"cancel_only"|"post_only"}
                                        SystemStatus's answer; maintenance refuses other calls
POST /_sim/methods                      {"disabled": ["AddExport", ...]}: private methods that
                                        answer EGeneral:Unknown method (an endpoint without them)
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from .dispatch import Reply, Request, to_json
from .spot_public import SYSTEM_STATES

if TYPE_CHECKING:
    from .server import SimulatorServer

LOOPBACK = {"127.0.0.1", "::1"}


def _body(request: Request) -> dict[str, Any]:
    if not request.body:
        return {}
    value = json.loads(request.body)
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return value


def handle(sim: SimulatorServer, request: Request) -> Reply:
    if request.client not in LOOPBACK:
        return Reply(403, to_json({"error": "control endpoints answer loopback clients only"}))
    try:
        return _route(sim, request)
    except (ValueError, TypeError, KeyError) as exc:
        return Reply(400, to_json({"error": str(exc)}))


def _route(sim: SimulatorServer, request: Request) -> Reply:
    path, method = request.path, request.method
    if method == "GET" and path == "/_sim/health":
        return Reply(body=to_json({"ok": True}))
    if method == "GET" and path == "/_sim/counters":
        return Reply(body=to_json(sim.counters))
    if method == "POST" and path == "/_sim/counters/reset":
        sim.reset_counters()
        return Reply(body=to_json({"ok": True}))
    if method == "POST" and path == "/_sim/faults":
        return _faults(sim, _body(request))
    if method == "POST" and path == "/_sim/status":
        status = str(_body(request).get("status", ""))
        if status not in SYSTEM_STATES:
            raise ValueError(f"status must be one of {', '.join(SYSTEM_STATES)}")
        sim.system_status = status
        return Reply(body=to_json({"ok": True, "status": status}))
    if method == "POST" and path == "/_sim/methods":
        disabled = _body(request).get("disabled", [])
        if not isinstance(disabled, list):
            raise ValueError("disabled must be a list of private method names")
        sim.disabled_methods = {str(name) for name in disabled}
        return Reply(body=to_json({"ok": True, "disabled": sorted(sim.disabled_methods)}))
    if method == "POST" and path == "/_sim/accounts":
        body = _body(request)
        account = sim.add_account(
            seed=int(body.get("seed", 0)),
            size=int(body.get("size", 1000)),
            tier=str(body.get("tier", "pro")),
            permissions=body.get("permissions"),
            mix=str(body.get("mix", "default")),
        )
        return Reply(body=to_json(account.credentials()))
    if method == "POST" and path.startswith("/_sim/accounts/") and path.endswith("/append"):
        key = unquote(path.removeprefix("/_sim/accounts/").removesuffix("/append"))
        found = sim.account_by_spot_key(key)
        if found is None:
            return Reply(404, to_json({"error": "unknown account key"}))
        added = found.append_activity(int(_body(request).get("n", 10)))
        return Reply(
            body=to_json({"appended": len(added), "ledger_count": len(found.truth.ledgers)})
        )
    return Reply(404, to_json({"error": f"no control endpoint {method} {path}"}))


def _faults(sim: SimulatorServer, body: dict[str, Any]) -> Reply:
    if body.get("clear"):
        sim.faults.clear()
    nxt = body.get("fail_next")
    fail_next = None
    if nxt:
        fail_next = (nxt["kind"], int(nxt.get("count", 1)), nxt.get("endpoint"))
    kinds = body.get("kinds")
    sim.set_faults(
        rate=body.get("rate"),
        kinds=set(kinds) if kinds is not None else None,
        fail_next=fail_next,
        slow_seconds=body.get("slow_seconds"),
    )
    return Reply(
        body=to_json({"ok": True, "rate": sim.faults.rate, "kinds": list(sim.faults.kinds)})
    )
