"""The one table of Kraken ledger (type, subtype) rules, and Kraken asset-code normalisation.

Rule implemented: kraken_api.md section 3.5 (the Ledgers response ``type`` enum, the subtypes seen
in rotki and BittyTax, and the types seen in the wild: earn, invite bonus, margin trade) and section
6.1 (asset suffixes ``.S .M .P .F .B .HOLD``, bonded ``NN.S`` codes, XBT = BTC, XDG = DOGE, ETH2 =
staked ETH). ``kraken_events`` applies the rules; a (type, subtype) missing here is a warning there.
"""

from __future__ import annotations

import enum
import re


class Rule(enum.Enum):
    TRADE = "exchange leg, grouped by refid"
    INTERNAL = "internal transfer between own wallets"
    DEPOSIT = "deposit"
    WITHDRAWAL = "withdrawal"
    CUSTODY = "move to/from custody: deposit or withdrawal by sign"
    INCOME = "income at market value"
    EXTERNAL = "airdrop/fork/OTC credit: income if positive, withdrawal if negative (review)"
    MARGIN_PNL = "margin realized PnL"
    MARGIN_ROLLOVER = "margin rollover fee"
    MARGIN_OPEN = "margin position opened"
    SETTLED = "margin settlement: exchange if two legs, else realized PnL"
    IGNORE = "no accounting effect"


_TRADE = dict.fromkeys(
    [
        ("trade", ""),
        ("trade", "tradespot"),
        ("spend", ""),
        ("receive", ""),
        ("conversion", ""),
        ("adjustment", ""),
        ("sale", ""),
        ("nfttrade", ""),
        ("transfer", "delistingconversion"),
        ("earn", "delistingconversion"),
    ],
    (Rule.TRADE, ""),
)
_INTERNAL = dict.fromkeys(
    [
        ("transfer", s)
        for s in (
            "spottostaking",
            "stakingfromspot",
            "stakingtospot",
            "spotfromstaking",
            "spottofutures",
            "spotfromfutures",
        )
    ]
    + [
        ("earn", s)
        for s in ("allocation", "deallocation", "autoallocation", "autoallocate", "migration")
    ],
    (Rule.INTERNAL, ""),
)

#: The one table: every Kraken ledger (type, subtype) in kraken_api.md 3.5 and its rule.
RULES: dict[tuple[str, str], tuple[Rule, str]] = {
    **_TRADE,
    **_INTERNAL,
    ("deposit", ""): (Rule.DEPOSIT, ""),
    ("withdrawal", ""): (Rule.WITHDRAWAL, ""),
    ("custodytransfer", ""): (Rule.CUSTODY, ""),
    ("transfer", ""): (Rule.EXTERNAL, "airdrop"),
    ("transfer", "airdrop"): (Rule.INCOME, "airdrop"),
    ("earn", "airdrop"): (Rule.INCOME, "airdrop"),
    ("staking", ""): (Rule.INCOME, "staking"),
    ("earn", "reward"): (Rule.INCOME, "earn"),
    ("reward", ""): (Rule.INCOME, "reward"),
    ("credit", ""): (Rule.INCOME, "bonus"),
    ("dividend", ""): (Rule.INCOME, "dividend"),
    ("invite bonus", ""): (Rule.INCOME, "bonus"),
    ("nftrebate", ""): (Rule.INCOME, "rebate"),
    ("nft_rebate", ""): (Rule.INCOME, "rebate"),
    ("nftcreatorfee", ""): (Rule.INCOME, "creator fee"),
    ("margin", ""): (Rule.MARGIN_PNL, ""),
    ("rollover", ""): (Rule.MARGIN_ROLLOVER, ""),
    ("margin trade", ""): (Rule.MARGIN_OPEN, ""),
    ("settled", ""): (Rule.SETTLED, ""),
    ("none", ""): (Rule.IGNORE, ""),
}

_SUFFIX_WALLET = {
    "S": "staking",
    "P": "staking",
    "M": "earn",
    "F": "earn",
    "B": "earn",
    "HOLD": "hold",
}
_BONDED = re.compile(r"(03|04|07|14|21|28)$")
_RENAME = {"XBT": "BTC", "XDG": "DOGE", "ETH2": "ETH"}
_OUT_WALLET = {
    "spottostaking": "staking",
    "spottofutures": "futures",
    "allocation": "earn",
    "autoallocation": "earn",
    "autoallocate": "earn",
    "stakingtospot": "spot",
    "deallocation": "spot",
}
_IN_WALLET = {
    "stakingfromspot": "spot",
    "spotfromstaking": "staking",
    "spotfromfutures": "futures",
    "allocation": "spot",
    "autoallocation": "spot",
    "autoallocate": "spot",
    "deallocation": "earn",
}


def economic_asset(asset: str, wallet: str = "spot") -> tuple[str, str]:
    """("DOT28.S", "spot") -> ("DOT", "staking"); ("BTC", "spot") -> ("BTC", "spot")."""
    kind = ""
    if "." in asset:
        base, suffix = asset.rsplit(".", 1)
        if suffix in _SUFFIX_WALLET:
            asset, kind = (
                (_BONDED.sub("", base) if suffix != "HOLD" else base),
                _SUFFIX_WALLET[suffix],
            )
            asset = asset or base
    if asset == "ETH2":
        kind = kind or "staking"
    asset = _RENAME.get(asset, asset)
    return asset, (kind if kind and wallet == "spot" else wallet)
