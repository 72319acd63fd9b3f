"""A UK user in GBP with stored results at a chosen size (bench/pages_data.py)."""

from accounts.services import profile_for
from bench.pages_data import pages_data
from portfolio.accounting.jurisdictions import get_jurisdiction
from tests.factories import UserFactory, make_connection


def uk_user(**kwargs):
    user = UserFactory(**kwargs)
    profile = profile_for(user=user)
    uk = get_jurisdiction("uk")
    profile.jurisdiction, profile.base_currency = "uk", "GBP"
    profile.cost_basis_method, profile.time_zone = uk.default_method, "Europe/London"
    profile.save()
    return user


def user_with_pages(*, entries: int, disposals: int, income: int = 60, **kwargs):
    user = uk_user(**kwargs)
    connection = make_connection(user=user)
    data = pages_data(
        user=user, connection=connection, entries=entries, disposals=disposals, income=income
    )
    return user, data
