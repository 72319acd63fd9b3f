"""The UK Section 104 pool after each disposal: decimal strings in the API, null where the run did
not record it (other jurisdictions), and the OpenAPI schema says so."""

import json
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db

FIELDS = ("pool_quantity_after", "pool_cost_after")


def test_a_uk_disposal_carries_the_pool_after_as_decimal_strings(owner, api):
    row = owner["disposal"]
    row.pool_quantity_after, row.pool_cost_after = Decimal("10000"), Decimal("31363.636363636364")
    row.save()
    [disposal] = api.get("/api/v1/disposals/").json()["results"]
    assert disposal["pool_quantity_after"] == "10000.000000000000000000"
    assert disposal["pool_cost_after"] == "31363.636363636364000000"


def test_other_disposals_show_null(owner, api):
    [disposal] = api.get("/api/v1/disposals/").json()["results"]
    assert (disposal["pool_quantity_after"], disposal["pool_cost_after"]) == (None, None)


def test_the_schema_says_nullable_decimal_strings(client):
    spec = json.loads(client.get("/api/v1/schema/?format=json").content)
    properties = spec["components"]["schemas"]["Disposal"]["properties"]
    for name in FIELDS:
        field = properties[name]
        assert (field["type"], field["format"], field.get("nullable")) == (
            "string",
            "decimal",
            True,
        ), field
        assert "pool" in field["description"].lower()
