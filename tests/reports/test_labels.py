"""Pages show figures only under the settings they were computed with."""

import pytest
from django.urls import reverse

from accounts.models import Profile
from portfolio.books.prices import prices_fill_for
from portfolio.books.selectors import overview_for
from portfolio.books.services import accounting_rebuild
from portfolio.templatetags.numbers import money
from tests.factories import PASSWORD
from tests.simulated import connect, sync

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def synced(simulator):
    connection = connect(simulator, simulator.add_account(seed=61, size=300))
    sync(connection)
    prices_fill_for(user=connection.user)  # prices first, then numbers
    return connection


def test_after_a_currency_change_the_old_figures_never_show_under_the_new_label(synced, client):
    user = synced.user
    usd_run = accounting_rebuild(user=user, daily_values=False)
    usd_value = money(overview_for(run=usd_run).market_value, "USD")
    client.login(username=user.username, password=PASSWORD)
    page = client.get(reverse("dashboard")).content.decode()
    assert f"{usd_value} USD" in page and "pending" not in page

    Profile.objects.filter(user=user).update(base_currency="GBP")  # its rebuild has not run yet
    page = client.get(reverse("dashboard")).content.decode()
    assert (
        "A rebuild for United States · FIFO (first in, first out) · GBP · "
        "America/New_York is pending" in page
    )
    assert "other settings (United States · FIFO (first in, first out) · USD" in page
    assert usd_value not in page
    assert "Portfolio value" not in page and "<h2>Holdings</h2>" not in page  # nav links stay
    year = usd_run.years.order_by("year").last().year
    response = client.get(reverse("tax_year", args=[year]), follow=True)
    assert response.redirect_chain == [(reverse("dashboard"), 302)]
    assert "pending" in response.content.decode()

    gbp_run = accounting_rebuild(user=user, daily_values=False)
    gbp_value = money(overview_for(run=gbp_run).market_value, "GBP")
    page = client.get(reverse("dashboard")).content.decode()
    assert f"{gbp_value} GBP" in page and "pending" not in page
    assert client.get(reverse("tax_year", args=[year])).status_code == 200

    Profile.objects.filter(user=user).update(base_currency="USD")
    assert accounting_rebuild(user=user, daily_values=False).pk == usd_run.pk  # unchanged inputs
    page = client.get(reverse("dashboard")).content.decode()
    assert f"{usd_value} USD" in page and "pending" not in page and gbp_value not in page
