"""Identifiers in Kraken's formats, drawn from a seeded RNG so histories are reproducible.

Ledger ids ``L4UESK-KG3EQ-UFO4T5``, trade txids ``THVRQM-33VKH-UCI7BS`` and order txids
``OQCLML-BW3P3-BUCMWZ`` are 6-5-6 uppercase alphanumerics whose first letter names the kind.
Funding refids after Kraken's 2024-08-15 change are mixed case: ``FTQqzsk-V6Za8qrWnhzTx67rYHz8Tg``.
"""

from __future__ import annotations

import random
import string
import uuid

_UPPER = string.ascii_uppercase + string.digits
_MIXED = string.ascii_letters + string.digits


class IdFactory:
    """Unique ids for one account; the RNG is the account's own so ids are deterministic."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._seen: set[str] = set()

    def _unique(self, make) -> str:
        while True:
            value = make()
            if value not in self._seen:
                self._seen.add(value)
                return value

    def _chunk(self, n: int, alphabet: str = _UPPER) -> str:
        return "".join(self._rng.choice(alphabet) for _ in range(n))

    def kraken(self, prefix: str) -> str:
        """A 6-5-6 id starting with ``prefix`` (L ledger, T trade, O order)."""
        return self._unique(lambda: f"{prefix}{self._chunk(5)}-{self._chunk(5)}-{self._chunk(6)}")

    def ledger(self) -> str:
        return self.kraken("L")

    def trade(self) -> str:
        return self.kraken("T")

    def order(self) -> str:
        return self.kraken("O")

    def funding_refid(self) -> str:
        """A new-style deposit/withdrawal refid (``FT`` + 5, dash, 22 mixed-case chars)."""
        return self._unique(lambda: f"FT{self._chunk(5, _MIXED)}-{self._chunk(22, _MIXED)}")

    def uuid(self) -> str:
        return self._unique(lambda: str(uuid.UUID(int=self._rng.getrandbits(128), version=4)))

    def export_id(self) -> str:
        return self._unique(lambda: self._chunk(4, string.ascii_uppercase))
