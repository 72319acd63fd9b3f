"""Personal API tokens: made by the command, the page or the API; hashed at rest; shown once;
read-only or read-write; revocable; last use kept. Sessions need CSRF to write."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection as db
from rest_framework.test import APIClient

from portfolio.api.models import ApiToken
from tests.api.conftest import token_client
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _stored_text() -> str:
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        return repr(cursor.fetchall())


def _client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_the_command_prints_a_working_token_on_its_last_line(owner):
    out = StringIO()
    call_command("api_token", user="owner", name="script", read_only=True, stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert raw.startswith("kp_") and len(raw) == 67
    token = ApiToken.objects.get(name="script")
    assert token.read_only is True and token.user == owner["user"]
    assert raw not in _stored_text()  # only the digest (and the first 15 characters) is kept
    assert token.digest != raw and raw.startswith(token.token_key)
    client = _client(raw)
    assert client.get("/api/v1/holdings/").status_code == 200
    refused = client.post("/api/v1/tokens/", {"name": "x"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "read_only_token"


def test_the_command_makes_read_write_tokens_and_refuses_bad_input(owner):
    out = StringIO()
    call_command("api_token", user="owner", name="writer", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert ApiToken.objects.get(name="writer").read_only is False
    made = _client(raw).post("/api/v1/tokens/", {"name": "child"}, format="json")
    assert made.status_code == 201
    before = ApiToken.objects.count()
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("api_token", user="nobody", name="x", stdout=StringIO())
    with pytest.raises(CommandError, match="already have a token named 'WRITER'"):
        call_command("api_token", user="owner", name="WRITER", stdout=StringIO())
    assert ApiToken.objects.count() == before


def test_a_token_made_through_the_api_is_shown_once_then_only_listed(api):
    made = api.post("/api/v1/tokens/", {"name": "sheet", "read_only": True}, format="json")
    assert made.status_code == 201
    raw = made.json()["token"]
    assert made.json()["read_only"] is True
    listed = api.get("/api/v1/tokens/")
    assert raw not in listed.content.decode()
    assert "sheet" in [t["name"] for t in listed.json()]
    assert _client(raw).get("/api/v1/profile/").status_code == 200


def test_a_revoked_token_stops_working(owner, api):
    other = token_client(owner["user"], read_only=True, name="to revoke")
    assert other.get("/api/v1/profile/").status_code == 200
    token = ApiToken.objects.get(name="to revoke")
    assert api.delete(f"/api/v1/tokens/{token.pk}/").status_code == 204
    response = other.get("/api/v1/profile/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_the_last_use_is_kept(owner):
    client = token_client(owner["user"], read_only=True, name="used")
    assert ApiToken.objects.get(name="used").last_used_at is None
    client.get("/api/v1/profile/")
    first = ApiToken.objects.get(name="used").last_used_at
    assert first is not None
    client.get("/api/v1/profile/")  # within the minute: not written again
    assert ApiToken.objects.get(name="used").last_used_at == first


def test_the_tokens_page_makes_shows_once_and_revokes(owner, client):
    client.force_login(owner["user"])
    page = client.get("/accounts/profile/tokens/")
    assert page.status_code == 200 and "spare" in page.content.decode()
    made = client.post("/accounts/profile/tokens/", {"name": "laptop", "read_only": "on"})
    assert made.status_code == 200
    token = ApiToken.objects.get(name="laptop")
    body = made.content.decode()
    start = body.index(">", body.index('<code id="new-token"')) + 1
    raw = body[start : body.index("</code>", start)]
    assert raw.startswith(token.token_key) and token.read_only
    assert made["Cache-Control"] == "no-store"
    assert raw not in client.get("/accounts/profile/tokens/").content.decode()
    assert _client(raw).get("/api/v1/profile/").status_code == 200
    revoked = client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert _client(raw).get("/api/v1/profile/").status_code == 401


def test_the_page_refuses_another_users_token_and_a_duplicate_name(owner, other, client):
    client.force_login(other["user"])
    assert client.post(f"/accounts/profile/tokens/{owner['token'].pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=owner["token"].pk).exists()
    client.force_login(owner["user"])
    again = client.post("/accounts/profile/tokens/", {"name": "Spare"})
    assert "You already have a token named" in again.content.decode()
    assert ApiToken.objects.filter(user=owner["user"]).count() == 1


def test_a_session_reads_but_writes_only_with_the_csrf_token(owner):
    user = UserFactory(username="sessionuser")
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="sessionuser", password=PASSWORD)
    assert client.get("/api/v1/profile/").json()["username"] == "sessionuser"
    refused = client.post("/api/v1/tokens/", {"name": "x"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    assert "CSRF" in refused.json()["error"]["message"]
    assert not ApiToken.objects.filter(user=user).exists()
    client.get("/accounts/profile/tokens/")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    made = client.post("/api/v1/tokens/", {"name": "x"}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert made.status_code == 201
