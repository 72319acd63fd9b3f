"""Readable names for what the books store in short form: a lot's wallet, a value's source.

The engine names a connection's wallet ``kraken-<connection id>`` (``portfolio.books.inputs``)
and a value's source ``leg`` or ``explicit`` when no price was needed; pages and reports print
the connection's label and a sentence instead.
"""

from __future__ import annotations

from accounts.selectors import connections_for

#: The engine's sources that are not a price description (``portfolio.accounting.valuation``).
SOURCE_TEXT = {
    "leg": "the amount paid or received in the base currency (no price needed)",
    "explicit": "the value given with the transaction (an import or an entered basis)",
}


def source_text(source: str) -> str:
    """A value's source as a reader understands it; a price description is already one."""
    return SOURCE_TEXT.get(source, source)


def wallet_labels(*, user) -> dict[str, str]:
    """{engine wallet name: connection label} for the user's connections."""
    names = connections_for(user=user).values_list("pk", "label")
    return {f"kraken-{pk}": label for pk, label in names}


def wallet_text(wallet: str, labels: dict[str, str]) -> str:
    return labels.get(wallet, wallet)
