"""The schema is valid OpenAPI, and the running API answers as it says: schemathesis fuzzes
every operation in-process (WSGI) with a read-write token; a 500, an undocumented status, or a
body, header or content type that breaks the schema fails the test."""

import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portfolio.wsgi import application
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/schema/?format=json"
#: The owner's keys, secrets and token of the running test: no fuzzed answer may carry one.
SECRETS: list[str] = []


@schemathesis.check
def no_secret_in_the_answer(ctx, response, case):
    body = response.content.decode(errors="replace")
    if any(secret in body for secret in SECRETS):
        raise AssertionError("A key, secret or token of the owner is in the answer.")


CHECKS = [
    no_secret_in_the_answer,
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 15
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "mode": "all"},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)


def test_the_schema_is_valid_openapi(client):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    spec = json.loads(response.content)
    validate(spec)
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    assert "/api/v1/holdings/" in paths and "/api/v1/ledger-entries/" in paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert {"401", "404", "429"} <= set(operation["responses"]), (method, path)


def test_the_schema_is_titled_with_the_api_version_and_pages_on_its_own_paths(client):
    """ReDoc prints "title (version)": the API's version is in the title, the release in the
    version; a page's example links are this API's paths, not DRF's api.example.org."""
    spec = json.loads(client.get(SCHEMA_URL).content)
    assert (spec["info"]["title"], spec["info"]["version"]) == ("Kraken Portfolio API v1", "0.1.0")
    assert "example.org" not in json.dumps(spec)
    page = spec["components"]["schemas"]["PaginatedLedgerEntryList"]["properties"]
    assert page["next"]["example"] == "/api/v1/ledger-entries/?cursor=cD00ODY%3D"


def test_docs_and_redoc_pages_serve_our_own_static_files(client):
    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        body = client.get(url).content.decode()
        assert "/static/drf_spectacular_sidecar/" in body
        # no address on another host (a page's random token may spell "cdn": look for hosts)
        assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", body), url


@pytest.fixture
def in_test_transaction():
    """Calls into the WSGI app keep the test's database connection open (as Django's test
    client does): the app's end-of-request hook would close it and lose the test transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(owner, in_test_transaction):
    return schemathesis.openapi.from_wsgi(SCHEMA_URL, application, config=CONFIG)


@pytest.fixture
def fuzz_headers(owner):
    client = token_client(owner["user"], read_only=False, name="fuzzer")
    connection = owner["connection"]
    SECRETS[:] = [
        client.raw_token,
        connection.api_key(),
        connection.api_secret(),
        connection.futures_key(),
        connection.futures_secret(),
    ]
    yield {"Authorization": f"Token {client.raw_token}"}
    SECRETS.clear()


def _operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every operation, read from the schema generator at collection."""
    spec = SchemaGenerator().get_schema(request=None, public=True)
    return [(m.upper(), p) for p, ops in sorted(spec["paths"].items()) for m in sorted(ops)]


@pytest.mark.parametrize(("method", "path"), _operations())
def test_the_api_answers_as_its_schema_says(method, path, api_schema, fuzz_headers, owner):
    operation = api_schema[path][method]
    owned = {
        "connection_id": owner["connection"].pk,
        "run_id": owner["sync"].pk,
        "import_id": owner["import"].pk,
        "token_id": owner["token"].pk,
        "event_id": owner["unknown"].event_id,
        "report_id": owner["report"].pk,
        "year": 2024,
    }
    names = {p["name"] for p in operation.definition.raw.get("parameters", []) if p["in"] == "path"}
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    if names:  # also the owner's own objects, so the answers past the 404 are fuzzed too
        ids = {name: owned[name] for name in names}
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=ids))
    calls = []

    @given(case=st.one_of(*strategies))
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def answers_as_documented(case):
        calls.append(case.call_and_validate(headers=fuzz_headers, checks=CHECKS).status_code)

    answers_as_documented()
    assert len(calls) >= 5, calls


def test_every_page_links_the_api_documentation(client):
    """The docs are found from any page's footer, not only under Profile → API tokens."""
    body = client.get("/accounts/login/").content.decode()
    assert '<a href="/api/v1/redoc/">API documentation</a>' in body
    assert '<a href="/api/v1/docs/">try it</a>' in body
