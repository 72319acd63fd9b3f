"""Sync services: a connection's Kraken data into the database, resumable and incremental.

pipeline.sync_run_execute runs one SyncRun (runs.py: request/join, claim, finish); history.py walks
Ledgers, TradesHistory and ClosedOrders in verified time windows (windows.py), with the bulk export
for long first histories (exports.py); snapshots.py and futures.py take the rest; reconcile.py
checks what was stored against Kraken's balances.
"""
