"""Kraken asset and pair names -> one canonical spelling.

Rules (Kraken "Symbol Extensions" notes, Assets/AssetPairs data):
* Legacy assets carry a one-letter class prefix on a 4-character code: X for crypto (XXBT, XETH,
  XXDG), Z for fiat (ZUSD, ZEUR). Only the codes in ``LEGACY_CODES`` are stripped: a generic
  "drop a leading X/Z" rule would break XTZ, ZRX, ZEUS and friends.
* XBT is Bitcoin (BTC) and XDG is Dogecoin (DOGE).
* Suffixes mark balances that are not freely tradable: .S staked, .M opt-in rewards, .P parachain,
  .F auto-earn, .B yield-bearing, .T tokenized, .HOLD held funds. Bonded staking embeds the term in
  days before the suffix (DOT28.S, ATOM21.S, SOL03.S). The suffix and term are kept, so "DOT28.S",
  "DOT.S" and "DOT" stay three distinct balances; ``base_asset`` gives the asset they are made of.
* ETH2 (and ETH2.S) is staked ether; FLOWH is staked FLOW: their base assets are ETH and FLOW.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Protocol

LEGACY_CODES: dict[str, str] = {
    "XXBT": "BTC",
    "XBT": "BTC",
    "XETH": "ETH",
    "XLTC": "LTC",
    "XXRP": "XRP",
    "XXLM": "XLM",
    "XXMR": "XMR",
    "XZEC": "ZEC",
    "XETC": "ETC",
    "XMLN": "MLN",
    "XREP": "REP",
    "XXDG": "DOGE",
    "XDG": "DOGE",
    "XDAO": "DAO",
    "XICN": "ICN",
    "XNMC": "NMC",
    "XXVN": "XVN",
    "ZUSD": "USD",
    "ZEUR": "EUR",
    "ZGBP": "GBP",
    "ZCAD": "CAD",
    "ZJPY": "JPY",
    "ZAUD": "AUD",
    "ZCHF": "CHF",
    "ZKRW": "KRW",
    "ZARS": "ARS",
    "ZCLP": "CLP",
    "ZCOP": "COP",
    "ZDKK": "DKK",
    "ZGEL": "GEL",
    "ZGHS": "GHS",
    "ZLKR": "LKR",
    "ZMXN": "MXN",
    "ZPLN": "PLN",
    "ZSEK": "SEK",
    "ZUGX": "UGX",
    "ZVND": "VND",
    "ZXOF": "XOF",
}
SUFFIXES = frozenset({"S", "M", "P", "F", "B", "T", "HOLD"})
STAKED_BASES: dict[str, str] = {"ETH2": "ETH", "FLOWH": "FLOW"}
_BONDED = re.compile(r"^(?P<base>[A-Z]+?)(?P<term>\d{2})$")

# Quote currencies tried (longest first) when a pair name has no AssetPairs entry to consult.
KNOWN_QUOTES = (
    "PYUSD",
    "RLUSD",
    "USDT",
    "USDC",
    "USDG",
    "EURC",
    "USD",
    "EUR",
    "GBP",
    "CAD",
    "JPY",
    "AUD",
    "CHF",
    "AED",
    "XBT",
    "BTC",
    "ETH",
    "DAI",
    "DOT",
    "POL",
    "SOL",
    "XRP",
)
_QUOTES_BY_LENGTH = sorted(KNOWN_QUOTES, key=len, reverse=True)
# A prefixed quote (ZUSD, XXBT) is only believed after a base of 4+ characters: "USDTZUSD" is
# USDT/USD, but "CHZUSD" is CHZ/USD and "ICXXBT" is ICX/XBT.
_PREFIXED_QUOTES = {code: name for code, name in LEGACY_CODES.items() if len(code) == 4}


def normalize_asset(raw: str) -> str:
    """Canonical code for a Kraken asset name: "XXBT" -> "BTC", "XXBT.M" -> "BTC.M"."""
    code, dot, suffix = raw.strip().partition(".")
    if dot and suffix.upper() in SUFFIXES:
        suffix = suffix.upper()
        bonded = _BONDED.match(code)
        if bonded and bonded["base"] not in STAKED_BASES and code not in LEGACY_CODES:
            return f"{LEGACY_CODES.get(bonded['base'], bonded['base'])}{bonded['term']}.{suffix}"
        return f"{LEGACY_CODES.get(code, code)}.{suffix}"
    if dot:
        return raw.strip()  # an unknown extension: keep the name whole rather than guess
    return LEGACY_CODES.get(code, code)


def base_asset(normalized: str) -> str:
    """The asset a (normalised) balance is made of: "DOT28.S" -> "DOT", "BTC.M" -> "BTC"."""
    code, dot, suffix = normalized.partition(".")
    if dot and suffix in SUFFIXES:
        bonded = _BONDED.match(code)
        if bonded and code not in STAKED_BASES:
            code = bonded["base"]
    return STAKED_BASES.get(code, code)


class PairInfo(Protocol):
    """What ``split_pair`` needs from an AssetPairs entry (records.AssetPair satisfies it)."""

    @property
    def base(self) -> str: ...

    @property
    def quote(self) -> str: ...

    @property
    def altname(self) -> str: ...

    @property
    def wsname(self) -> str: ...


def pair_index(pairs: Mapping[str, PairInfo]) -> dict[str, tuple[str, str]]:
    """Every spelling of every pair (id, altname, wsname) -> normalised (base, quote)."""
    index: dict[str, tuple[str, str]] = {}
    for pair_id, info in pairs.items():
        split = (normalize_asset(info.base), normalize_asset(info.quote))
        for name in (pair_id, info.altname, info.wsname):
            if name:
                index[name] = split
    return index


def split_pair(pair: str, index: Mapping[str, tuple[str, str]] | None = None) -> tuple[str, str]:
    """Normalised (base, quote) of a Kraken pair name.

    The AssetPairs data is authoritative: pass ``index = pair_index(asset_pairs)`` whenever
    possible (it knows ids, altnames and wsnames). Without an entry, names with a "/" are split
    there, legacy 8-character ids (XXBTZUSD) in halves, and other names by the longest known
    quote suffix. Dark-pool ids (".d") resolve to their pair. Raises ValueError if nothing fits.
    """
    name = pair.strip().removesuffix(".d")
    if index and name in index:
        return index[name]
    if "/" in name:
        base, _, quote = name.partition("/")
        return normalize_asset(base), normalize_asset(quote)
    if len(name) == 8 and name[:4] in LEGACY_CODES and name[4:] in LEGACY_CODES:
        return LEGACY_CODES[name[:4]], LEGACY_CODES[name[4:]]
    return _split_by_quote(name, pair)


def _split_by_quote(name: str, original: str) -> tuple[str, str]:
    if len(name) >= 8 and name[-4:] in _PREFIXED_QUOTES:
        return normalize_asset(name[:-4]), _PREFIXED_QUOTES[name[-4:]]
    for quote in _QUOTES_BY_LENGTH:
        if name.endswith(quote) and len(name) > len(quote):
            return normalize_asset(name[: -len(quote)]), normalize_asset(quote)
    raise ValueError(f"cannot split Kraken pair {original!r}; look it up in AssetPairs")


def pair_quote(pair: str) -> str:
    """The normalised quote of a spot pair ("XBTUSD" -> "USD") or futures contract ("PF_XBTUSD",
    "FI_XBTUSD_201225" -> "USD": product prefix, pair, optional expiry); "" when none fits."""
    name = pair.strip().upper()
    if "_" in name:
        name = name.split("_")[1]
    try:
        return split_pair(name)[1]
    except ValueError:
        return ""


def normalize_all(raw_codes: Iterable[str]) -> dict[str, str]:
    """Raw -> normalised, for building display tables."""
    return {raw: normalize_asset(raw) for raw in raw_codes}
