"""Peer comparison harness: the same synthetic UK history through BittyTax and our engine.

BittyTax (AGPL) is only ever installed into its own virtualenv under ``bench/out/`` and run
as a separate program; nothing here imports it.  Entry point: ``bench/peer/compare.py``.
"""
