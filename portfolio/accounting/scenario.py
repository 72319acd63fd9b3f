"""A compact scenario language for tests, fixtures and the peer harness.

Not a tax rule: a convenience. One event per line; amounts are exact Decimals; dates are taken at
12:00 UTC unless ``at HH:MM`` (UTC) is given; event ids are ``s0001``, ``s0002``... in line order.

    buy 1 BTC @ 20000 USD on 2021-01-03 fee 100 USD        # price per unit
    buy 50 G for 125000 GBP on 2020-09-18                   # total paid
    sell 0.5 BTC @ 30000 USD on 2022-02-01 fee 10 USD
    sell 1000 B for 800 GBP on 2020-06-23 at 09:00
    spend 0.1 BTC worth 3000 USD on 2022-01-01              # disposal valued explicitly
    swap 1 ETH for 0.05 BTC on 2024-08-01 worth 3100 USD    # both legs valued at 3100
    swap 5000 H for 600 G on 2020-08-31 given 1700 GBP received 1920 GBP
    income 0.1 ETH @ 2000 GBP on 2024-06-01 type staking    # or: worth 200 GBP
    deposit 1 BTC on 2024-01-01 basis 25000 USD acquired 2023-06-01
    withdraw 1 BTC on 2024-01-01 fee 0.0005 BTC
    transfer 1 BTC from a to c on 2025-04-01
    fee 100 KFEE on 2024-01-01
    margin pnl -50 USD on 2024-01-01

Options on any line: ``fee Q ASSET``, ``wallet NAME``, ``at HH:MM``. In a swap, ``received``
is the proceeds of the disposal and ``given`` the cost of the new tokens (HMRC CRYPTO22257).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import cast

from portfolio.accounting.events import (
    Acquisition,
    Deposit,
    Disposal,
    DisposalReason,
    Event,
    Fee,
    Income,
    Leg,
    Margin,
    MarginAction,
    Transfer,
    Withdrawal,
)

_OPTION = re.compile(
    r"\s+(on|at|fee|wallet|worth|given|received|basis|acquired|type|from|to)\s+(\S+(?:\s+[A-Z][A-Z0-9.]*)?)"
)


class ScenarioError(ValueError):
    pass


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _money(text: str) -> tuple[Decimal, str]:
    parts = text.split()
    return _decimal(parts[0]), (parts[1] if len(parts) > 1 else "")


def _split(line: str) -> tuple[str, dict[str, str]]:
    options: dict[str, str] = {}
    head = line
    match = _OPTION.search(line)
    if match:
        head = line[: match.start()]
        for m in _OPTION.finditer(line[match.start() :]):
            options[m.group(1)] = m.group(2)
    return head.strip(), options


def _time(options: dict[str, str]) -> datetime:
    if "on" not in options:
        raise ScenarioError("every line needs 'on YYYY-MM-DD'")
    clock = options.get("at", "12:00")
    return datetime.fromisoformat(f"{options['on'].split()[0]}T{clock}").replace(tzinfo=UTC)


def _fees(options: dict[str, str]) -> tuple[Leg, ...]:
    if "fee" not in options:
        return ()
    qty, asset = _money(options["fee"])
    return (Leg(asset, qty),)


def _trade_legs(head: str) -> tuple[str, Decimal, str, Leg | None]:
    """'buy 1 BTC @ 20000 USD' / 'sell 50 G for 125000 GBP' -> (verb, qty, asset, counter leg)."""
    m = re.fullmatch(r"(\w+)\s+(\S+)\s+(\S+)(?:\s+(@|for)\s+(\S+)\s+(\S+))?", head)
    if not m:
        raise ScenarioError(f"cannot read {head!r}")
    verb, qty, asset = m.group(1), _decimal(m.group(2)), m.group(3)
    if m.group(4) is None:
        return verb, qty, asset, None
    amount = _decimal(m.group(5))
    total = qty * amount if m.group(4) == "@" else amount
    return verb, qty, asset, Leg(m.group(6), total)


def _explicit(options: dict[str, str], key: str) -> Decimal | None:
    return _money(options[key])[0] if key in options else None


def _trade(eid: str, head: str, o: dict[str, str]) -> list[Event]:
    verb, qty, asset, counter = _trade_legs(head)
    t, fees, wallet = _time(o), _fees(o), o.get("wallet", "spot")
    if verb == "buy":
        return [Acquisition(eid, t, asset, qty, counter, fees, _explicit(o, "worth"), wallet)]
    if verb == "income":
        value = counter.quantity if counter else _explicit(o, "worth")
        return [Income(eid, t, asset, qty, o.get("type", "staking"), value, wallet)]
    reason: DisposalReason = "spend" if verb == "spend" else "sale"
    return [Disposal(eid, t, asset, qty, counter, fees, _explicit(o, "worth"), wallet, eid, reason)]


def _swap(eid: str, head: str, o: dict[str, str]) -> list[Event]:
    m = re.fullmatch(r"swap\s+(\S+)\s+(\S+)\s+for\s+(\S+)\s+(\S+)", head)
    if not m:
        raise ScenarioError(f"cannot read {head!r}")
    give, get = Leg(m.group(2), _decimal(m.group(1))), Leg(m.group(4), _decimal(m.group(3)))
    worth = _explicit(o, "worth")
    received = _explicit(o, "received") if "received" in o else worth
    given = _explicit(o, "given") if "given" in o else worth
    t, wallet = _time(o), o.get("wallet", "spot")
    return [
        Disposal(
            f"{eid}:give",
            t,
            give.asset,
            give.quantity,
            get,
            _fees(o),
            received,
            wallet,
            eid,
            "exchange",
        ),
        Acquisition(f"{eid}:get", t, get.asset, get.quantity, give, (), given, wallet, eid),
    ]


def _move(eid: str, head: str, o: dict[str, str]) -> list[Event]:
    verb, qty, asset, _ = _trade_legs(head)
    t, fees, wallet = _time(o), _fees(o), o.get("wallet", "spot")
    if verb == "deposit":
        acquired = _time({"on": o["acquired"]}) if "acquired" in o else None
        return [Deposit(eid, t, asset, qty, _explicit(o, "basis"), acquired, fees, wallet)]
    if verb == "withdraw":
        return [Withdrawal(eid, t, asset, qty, fees, wallet)]
    if verb == "fee":
        return [Fee(eid, t, asset, qty, "other", None, wallet)]
    return [Transfer(eid, t, asset, qty, o["from"].split()[0], o["to"].split()[0], fees)]


def _margin(eid: str, head: str, o: dict[str, str]) -> list[Event]:
    m = re.fullmatch(r"margin\s+(open|rollover|settle|pnl)\s+(\S+)\s+(\S+)", head)
    if not m:
        raise ScenarioError(f"cannot read {head!r}")
    action = cast(MarginAction, m.group(1))
    return [
        Margin(
            eid,
            _time(o),
            m.group(3),
            _decimal(m.group(2)),
            action,
            _fees(o),
            o.get("wallet", "spot"),
        )
    ]


_VERBS: dict[str, Callable[[str, str, dict[str, str]], list[Event]]] = {
    "buy": _trade,
    "sell": _trade,
    "spend": _trade,
    "income": _trade,
    "swap": _swap,
    "deposit": _move,
    "withdraw": _move,
    "transfer": _move,
    "fee": _move,
    "margin": _margin,
}


def scenario(*lines: str) -> list[Event]:
    """Parse scenario lines (each may hold several lines separated by newlines) into events."""
    events: list[Event] = []
    flat = [part.split("#")[0].strip() for line in lines for part in line.splitlines()]
    for n, line in enumerate(p for p in flat if p):
        head, options = _split(line)
        verb = head.split()[0]
        if verb not in _VERBS:
            raise ScenarioError(f"unknown verb {verb!r} in {line!r}")
        events.extend(_VERBS[verb](f"s{n + 1:04d}", head, options))
    return events
