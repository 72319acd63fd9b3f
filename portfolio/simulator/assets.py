"""Static asset and pair tables in Kraken's naming (reference sections 3.10 and 6.1).

Amounts are ``Decimal`` quantized to the asset's own decimals (10 for XXBT, 4 for fiat, 2 for KFEE);
trade prices to the pair's ``pair_decimals`` and volumes to ``lot_decimals``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal


@dataclass(frozen=True, slots=True)
class Asset:
    code: str
    altname: str
    decimals: int
    display_decimals: int
    display: str  # the name recent CSV exports use (BTC, not XXBT)
    collateral_value: str = "1"


@dataclass(frozen=True, slots=True)
class Pair:
    id: str
    altname: str
    wsname: str
    base: str
    quote: str
    pair_decimals: int
    cost_decimals: int
    lot_decimals: int = 8
    ordermin: str = "0.0001"

    @property
    def tick(self) -> Decimal:
        return Decimal(1).scaleb(-self.pair_decimals)

    @property
    def cost_places(self) -> int:
        """Places that both the trade ``cost`` and the quote ledger leg can hold exactly."""
        return min(self.cost_decimals, ASSETS[self.quote].decimals)


_ASSET_ROWS = [
    # code, altname, decimals, display_decimals, display name
    ("ZUSD", "USD", 4, 2, "USD"),
    ("ZEUR", "EUR", 4, 2, "EUR"),
    ("ZGBP", "GBP", 4, 2, "GBP"),
    ("XXBT", "XBT", 10, 5, "BTC"),
    ("XETH", "ETH", 10, 5, "ETH"),
    ("DOT", "DOT", 10, 8, "DOT"),
    ("SOL", "SOL", 10, 5, "SOL"),
    ("USDT", "USDT", 8, 4, "USDT"),
    ("KFEE", "FEE", 2, 2, "KFEE"),
    ("DOT.S", "DOT.S", 10, 8, "DOT.S"),
    ("ETH2.S", "ETH2.S", 10, 5, "ETH2.S"),
    ("ETH2", "ETH2", 10, 5, "ETH2"),
    ("XBT.M", "XBT.M", 10, 5, "BTC.M"),
    ("USDT.F", "USDT.F", 8, 4, "USDT.F"),
    ("SOL.B", "SOL.B", 10, 5, "SOL.B"),
]
ASSETS: dict[str, Asset] = {
    row[0]: Asset(*row, collateral_value="0.9" if row[0] == "USDT" else "1") for row in _ASSET_ROWS
}
FIAT = ("ZUSD", "ZEUR", "ZGBP")
CRYPTO = ("XXBT", "XETH", "DOT", "SOL", "USDT")
BY_ALTNAME = {a.altname: a.code for a in ASSETS.values()} | {"BTC": "XXBT"}

_PAIR_ROWS = [
    ("XXBTZUSD", "XBTUSD", "XBT/USD", "XXBT", "ZUSD", 1, 5),
    ("XXBTZEUR", "XBTEUR", "XBT/EUR", "XXBT", "ZEUR", 1, 5),
    ("XXBTZGBP", "XBTGBP", "XBT/GBP", "XXBT", "ZGBP", 1, 5),
    ("XETHZUSD", "ETHUSD", "ETH/USD", "XETH", "ZUSD", 2, 5),
    ("XETHZEUR", "ETHEUR", "ETH/EUR", "XETH", "ZEUR", 2, 5),
    ("XETHXXBT", "ETHXBT", "ETH/XBT", "XETH", "XXBT", 5, 6),
    ("DOTUSD", "DOTUSD", "DOT/USD", "DOT", "ZUSD", 4, 5),
    ("DOTEUR", "DOTEUR", "DOT/EUR", "DOT", "ZEUR", 4, 5),
    ("DOTXBT", "DOTXBT", "DOT/XBT", "DOT", "XXBT", 8, 9),
    ("SOLUSD", "SOLUSD", "SOL/USD", "SOL", "ZUSD", 2, 5),
    ("SOLEUR", "SOLEUR", "SOL/EUR", "SOL", "ZEUR", 2, 5),
    ("SOLXBT", "SOLXBT", "SOL/XBT", "SOL", "XXBT", 7, 8),
    ("USDTZUSD", "USDTUSD", "USDT/USD", "USDT", "ZUSD", 4, 5),
    ("USDTEUR", "USDTEUR", "USDT/EUR", "USDT", "ZEUR", 4, 5),
]
PAIRS: dict[str, Pair] = {row[0]: Pair(*row) for row in _PAIR_ROWS}
PAIR_BY_NAME: dict[str, Pair] = {}
for _pair in PAIRS.values():
    for _name in (_pair.id, _pair.altname, _pair.wsname):
        PAIR_BY_NAME[_name.upper()] = _pair

# Staking (.S/.M, pre-2024 transfer pairs) and earn (.F/.B, 2024+ earn entries) wallets.
STAKING = {"DOT": "DOT.S", "XETH": "ETH2.S", "XXBT": "XBT.M"}
STAKING_REWARD_ASSET = {"DOT.S": "DOT.S", "ETH2.S": "ETH2", "XBT.M": "XBT.M"}
EARN = {"USDT": "USDT.F", "SOL": "SOL.B"}
PARENT = {v: k for k, v in (STAKING | EARN).items()} | {"ETH2": "XETH"}

WITHDRAWAL_FEES = {
    "XXBT": Decimal("0.00015"),
    "XETH": Decimal("0.0035"),
    "DOT": Decimal("0.05"),
    "SOL": Decimal("0.01"),
    "USDT": Decimal("2.5"),
    "ZUSD": Decimal("5"),
    "ZEUR": Decimal("0.09"),
    "ZGBP": Decimal("0"),
}
KFEE_USD = Decimal("0.01")  # one fee credit is worth a fixed cent (reference 6.1)


def quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def quantize(value: Decimal, places: int, rounding: str = ROUND_DOWN) -> Decimal:
    return value.quantize(quantum(places), rounding=rounding)


def amount(code: str, value: Decimal, rounding: str = ROUND_DOWN) -> Decimal:
    """``value`` held at the asset's own precision."""
    return quantize(value, ASSETS[code].decimals, rounding)


def fmt(value: Decimal, places: int) -> str:
    """Kraken's string decimal with a fixed number of places (``"-24.5000"``)."""
    return f"{value.quantize(quantum(places)):f}"


def fmt_asset(code: str, value: Decimal) -> str:
    return fmt(value, ASSETS[code].decimals)


def resolve_asset(name: str) -> str | None:
    """Kraken accepts an asset by its code or its altname."""
    if name in ASSETS:
        return name
    return BY_ALTNAME.get(name.upper())


def resolve_pair(name: str) -> Pair | None:
    return PAIR_BY_NAME.get(name.upper())
