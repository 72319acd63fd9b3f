"""Connection URLs cannot make the server probe its own network, and the messages do not help."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from django.urls import reverse

from accounts.models import KrakenConnection
from portfolio.kraken.netguard import AddressNotAllowed, guarded_adapter, url_problem
from portfolio.models import SyncState
from portfolio.sync.pipeline import TransientSyncError
from tests.factories import UserFactory, make_connection
from tests.sync.conftest import (
    connect,
    run_sync,
    simulator,  # noqa: F401  (the shared simulator fixture)
)

PRIVATE = "This address is not allowed: Kraken's API is on the public internet."
HTTPS = "Kraken's API is reached over https; use an https URL."


def resolver_for(answers: dict[str, list[str]]):
    return lambda host, port: answers[host]


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://127.0.0.1:6379", PRIVATE),
        ("https://10.1.2.3", PRIVATE),
        ("https://192.168.0.1", PRIVATE),
        ("https://169.254.169.254/latest/meta-data", PRIVATE),
        ("https://[::1]:8000", PRIVATE),
        ("https://[::ffff:127.0.0.1]", PRIVATE),
        ("https://[fe80::1]", PRIVATE),
        ("https://inside.example", PRIVATE),  # a name that resolves to a private address
        ("http://api.kraken.example", HTTPS),
        ("https://api.kraken.example", None),
        ("https://104.16.0.1", None),
        ("https://unresolvable.example", None),  # checked again on every connect
    ],
)
def test_urls_must_be_https_to_a_public_address(url, problem):
    answers = {
        "inside.example": ["93.184.216.34", "127.0.0.1"],
        "api.kraken.example": ["104.16.0.1"],
    }

    def resolver(host, port):
        if host not in answers:
            raise OSError("no such host")
        return answers[host]

    assert url_problem(url, allowed=[], resolver=resolver) == problem


def test_the_operators_allow_list_admits_a_host_on_any_port_and_http():
    assert url_problem("http://127.0.0.1:8765", allowed=["127.0.0.1"]) is None
    assert url_problem("http://localhost:1", allowed=["LOCALHOST"]) is None
    assert url_problem("http://[::1]:9", allowed=["::1"]) is None
    assert url_problem("http://127.0.0.2:8765", allowed=["127.0.0.1"]) == HTTPS


@pytest.mark.django_db
def test_a_private_url_is_refused_at_save_unless_allowed(client, settings):
    settings.KRAKEN_ALLOWED_HOSTS = []
    user = UserFactory()
    client.force_login(user)
    form = {
        "label": "Probe",
        "api_key": "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
        "api_secret": "QUJD" * 22,
        "api_url": "http://127.0.0.1:6379",
        "futures_url": "https://futures.kraken.com",
        "rate_tier": "pro",
        "sync_interval_minutes": "60",
    }
    response = client.post(reverse("connection_add"), form)
    assert response.context["form"].errors["api_url"] == [HTTPS]
    response = client.post(reverse("connection_add"), {**form, "api_url": "https://localhost:1"})
    assert response.context["form"].errors["api_url"] == [PRIVATE]
    assert KrakenConnection.objects.count() == 0
    settings.KRAKEN_ALLOWED_HOSTS = ["127.0.0.1"]
    client.post(reverse("connection_add"), form)
    assert KrakenConnection.objects.get().api_url == "http://127.0.0.1:6379"


def test_every_new_socket_is_checked_so_rebinding_to_a_private_address_fails(simulator):  # noqa: F811
    """The name passed the save-time check; now it resolves to loopback: nothing is sent."""
    session = requests.Session()
    session.mount(
        "http://",
        guarded_adapter(allowed=[], resolver=resolver_for({"rebind.test": ["127.0.0.1"]})),
    )
    simulator.reset_counters()
    with pytest.raises(AddressNotAllowed):
        session.get(f"http://rebind.test:{simulator.port}/0/public/Time", timeout=5)
    allowed = requests.Session()
    allowed.mount(
        "http://",
        guarded_adapter(
            allowed=["rebind.test"], resolver=resolver_for({"rebind.test": ["127.0.0.1"]})
        ),
    )
    reply = allowed.get(f"http://rebind.test:{simulator.port}/0/public/Time", timeout=5)
    assert reply.json()["error"] == []  # the allowed name reaches the address it resolved to
    assert simulator.counters["calls"] == {"public:127.0.0.1": {"public/Time": 1}}


@pytest.mark.django_db(transaction=True)
def test_a_sync_to_an_address_no_longer_allowed_sends_nothing(simulator, settings):  # noqa: F811
    account = simulator.add_account(seed=9301, size=50)
    connection = connect(simulator, account)
    settings.KRAKEN_ALLOWED_HOSTS = []  # the operator withdrew the allowance (or DNS changed)
    simulator.reset_counters()
    run = run_sync(connection)
    assert run.state == SyncState.FAILED
    assert run.error == (
        "Could not reach Kraken at this connection's URL. Check the URLs on its Edit page; "
        "the next scheduled sync will try again."
    )
    assert simulator.counters["calls"] == {}


class _NotKraken(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(404)
        self.send_header("Content-Length", "9")
        self.end_headers()
        self.wfile.write(b"not found")

    do_POST = do_GET

    def log_message(self, *args):
        pass


def _closed_port() -> int:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotKraken)
    port = server.server_address[1]
    server.server_close()
    return port


@pytest.mark.django_db(transaction=True)
def test_open_and_closed_ports_read_the_same_to_the_user(settings):
    settings.KRAKEN_RETRY_BASE_DELAY = 0.001
    open_server = ThreadingHTTPServer(("127.0.0.1", 0), _NotKraken)
    threading.Thread(target=open_server.serve_forever, daemon=True).start()
    user = UserFactory()
    shown = []
    try:
        for n, port in enumerate((open_server.server_address[1], _closed_port())):
            url = f"http://127.0.0.1:{port}"
            connection = make_connection(user=user, label=f"P{n}", api_url=url, futures_url=url)
            try:
                run = run_sync(connection)
            except TransientSyncError:
                run = connection.sync_runs.get()
            shown.append((run.error, run.notes))
    finally:
        open_server.shutdown()
    assert shown[0] == shown[1]
    assert "Could not reach Kraken" in shown[0][0]
    assert shown[0][1] == ["SystemStatus: could not reach Kraken"]


class _Listener(BaseHTTPRequestHandler):
    """Stands where a proxy would: records what reaches it and answers like Kraken would."""

    seen: list[str] = []

    def do_GET(self):
        type(self).seen.append(self.requestline)
        body = b'{"error": [], "result": {"unixtime": 0}}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    _Listener.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Listener.seen
    server.shutdown()
    server.server_close()


def test_proxy_variables_in_the_environment_are_ignored(simulator, listener, monkeypatch):  # noqa: F811
    from portfolio.kraken_factory import CountingSession

    proxy, seen = listener
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    session = CountingSession()

    with pytest.raises(AddressNotAllowed):  # loopback, but not on the allow-list
        session.get("http://127.0.0.2:6379/0/public/Time", timeout=5)
    reply = session.get(f"http://127.0.0.1:{simulator.port}/0/public/Time", timeout=5)

    assert reply.json()["error"] == []  # the allowed host, reached directly
    assert seen == []  # the proxy of the environment received nothing


def test_an_explicit_proxy_receives_only_what_the_guard_allows(listener, settings):
    from portfolio.kraken_factory import CountingSession

    proxy, seen = listener
    settings.KRAKEN_PROXY_URL = proxy
    settings.KRAKEN_ALLOWED_HOSTS = ["127.0.0.1"]
    session = CountingSession()

    for refused in ("http://127.0.0.2:6379/", "https://10.1.2.3/", "http://api.kraken.com/"):
        with pytest.raises(AddressNotAllowed):
            session.get(refused, timeout=5)
    assert seen == []
    session.get("http://127.0.0.1:9/0/public/Time", timeout=5)
    assert seen == ["GET http://127.0.0.1:9/0/public/Time HTTP/1.1"]  # through the proxy
