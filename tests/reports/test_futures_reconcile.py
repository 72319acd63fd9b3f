"""The futures wallet recomputed from the account log reconciles with /accounts."""

from decimal import Decimal

import pytest

from portfolio.models import FuturesLogEntry, Reconciliation
from portfolio.sync.reconcile import reconciliation_outcome
from tests.simulated import connect, sync

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_log_balance_agrees_with_accounts_and_a_lost_row_is_caught(simulator):
    connection = connect(simulator, simulator.add_account(seed=7, size=1500))
    sync(connection)
    stored = Reconciliation.objects.filter(connection=connection).first()
    check = stored.assets["futures USD"]
    assert check["ok"] is True and check["computed"] == check["kraken"]
    assert Decimal(check["kraken"]) > 0

    funding = FuturesLogEntry.objects.filter(connection=connection, info="funding rate change")
    lost = funding.first()
    change = lost.new_balance - lost.old_balance
    lost.delete()
    outcome = reconciliation_outcome(connection=connection)
    assert not outcome.ok
    broken = outcome.assets["futures USD"]
    assert broken.kraken - broken.computed == change
    assert any(
        p.startswith("futures wallet USD: the account log sums to") for p in outcome.problems
    )
