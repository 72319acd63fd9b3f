"""The one table of Kraken ledger (type, subtype) rules, and Kraken asset-code normalisation.

Rule implemented: kraken_api.md section 3.5 (the Ledgers response ``type`` enum, the subtypes seen
in rotki and BittyTax, and the types seen in the wild: earn, invite bonus, margin trade) and section
6.1 (asset suffixes ``.S .M .P .F .B .T .HOLD``, bonded ``NN.S`` codes, XBT = BTC, XDG = DOGE,
ETH2 = staked ETH, FLOWH = staked FLOW), the codes read through the client's one table
(``portfolio.kraken.assets``). ``kraken_events`` applies the rules; a (type, subtype) missing
here is a warning there.
"""

from __future__ import annotations

import enum

from portfolio.kraken.assets import STAKED_BASES, base_asset, normalize_asset


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

#: The sub-wallet a balance's suffix marks (the code itself is read by the client's one table,
#: ``portfolio.kraken.assets``: legacy codes, bonded terms, staked bases such as ETH2 and FLOWH).
_SUFFIX_WALLET = {
    "S": "staking",
    "P": "staking",
    "M": "earn",
    "F": "earn",
    "B": "earn",
    "T": "tokenized",
    "HOLD": "hold",
}
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
    """("DOT28.S", "spot") -> ("DOT", "staking"); ("FLOWH.S", "spot") -> ("FLOW", "staking").

    The asset is the client's ``base_asset(normalize_asset(code))``, so the engine and the client
    name every balance alike; the suffix (or a staked base: ETH2, FLOWH) gives the sub-wallet.
    """
    code = normalize_asset(asset)
    head, dot, suffix = code.partition(".")
    kind = _SUFFIX_WALLET.get(suffix, "") if dot else ""
    if not kind and head in STAKED_BASES:
        kind = "staking"
    return base_asset(code), (kind if kind and wallet == "spot" else wallet)
