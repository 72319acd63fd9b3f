"""Which Kraken pairs price an asset in a currency: direct, inverted, or through a pivot.

Pure: works on a table of available pairs {(base, quote): pair_id} in normalised asset codes.
"""

from __future__ import annotations

from dataclasses import dataclass

PIVOTS = ("USD", "EUR", "BTC")


@dataclass(frozen=True, slots=True)
class Leg:
    pair_id: str
    inverted: bool  # True when the pair quotes `quote` in `asset` (use 1 / price)


@dataclass(frozen=True, slots=True)
class Route:
    asset: str
    quote: str
    legs: tuple[Leg, ...]  # empty for asset == quote


def _leg(pairs: dict[tuple[str, str], str], asset: str, quote: str) -> Leg | None:
    if (asset, quote) in pairs:
        return Leg(pairs[(asset, quote)], inverted=False)
    if (quote, asset) in pairs:
        return Leg(pairs[(quote, asset)], inverted=True)
    return None


def find_routes(pairs: dict[tuple[str, str], str], asset: str, quote: str) -> list[Route]:
    """Every route in the order of preference: the pair itself or its inverse, then one pivot
    in PIVOTS order."""
    if asset == quote:
        return [Route(asset, quote, ())]
    routes = []
    direct = _leg(pairs, asset, quote)
    if direct is not None:
        routes.append(Route(asset, quote, (direct,)))
    for pivot in PIVOTS:
        if pivot in (asset, quote):
            continue
        first, second = _leg(pairs, asset, pivot), _leg(pairs, pivot, quote)
        if first is not None and second is not None:
            routes.append(Route(asset, quote, (first, second)))
    return routes


def find_route(pairs: dict[tuple[str, str], str], asset: str, quote: str) -> Route | None:
    """The preferred route (the first of ``find_routes``), or None."""
    routes = find_routes(pairs, asset, quote)
    return routes[0] if routes else None
