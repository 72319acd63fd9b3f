"""The fee of a crypto-to-crypto trade, shared between its two sides when the policy says so.

Rule implemented: ``policies.ExchangeFee.SPLIT`` (HMRC CRYPTO22150: costs incurred wholly and
exclusively for the disposal are allowable against it, and those for the acquisition are part of
the new tokens' cost; BittyTax's default). Half of each fee leg of an exchange's disposal moves to
the acquisition of the same trade (the same ``refid``): the disposal keeps ``q - q/2``, the
acquisition gets ``q/2``, so the halves add up to the fee exactly. ``DISPOSAL`` (the default
everywhere) leaves the events as they are: the whole fee reduces the disposal's gain.
"""

from __future__ import annotations

from dataclasses import replace

from portfolio.accounting.events import Acquisition, Disposal, Event, Leg


def split_exchange_fees(events: list[Event]) -> list[Event]:
    """``events`` with half of each exchange fee moved to the trade's acquisition."""
    halves: dict[str, tuple[Leg, ...]] = {}
    out: list[Event] = []
    for event in events:
        if type(event) is Disposal and event.reason == "exchange" and event.fees:
            kept = tuple(Leg(leg.asset, leg.quantity - leg.quantity / 2) for leg in event.fees)
            halves[event.refid or event.event_id] = tuple(
                Leg(leg.asset, leg.quantity / 2) for leg in event.fees
            )
            event = replace(event, fees=kept)
        out.append(event)
    if not halves:
        return out
    for n, event in enumerate(out):
        if type(event) is Acquisition and event.refid in halves:
            out[n] = replace(event, fees=event.fees + halves.pop(event.refid))
    return out
