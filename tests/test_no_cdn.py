"""Pages load nothing from outside the app: no CDN, no external fonts or scripts."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory, make_connection

pytestmark = pytest.mark.django_db
EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["'](?:https?:)?//""", re.I)


def test_no_page_loads_anything_from_another_host(client):
    user = UserFactory()
    connection = make_connection(user=user)
    anonymous = [reverse("login"), reverse("signup")]
    pages = [
        reverse("dashboard"),
        reverse("connection_list"),
        reverse("connection_add"),
        reverse("connection_detail", args=[connection.pk]),
        reverse("profile"),
        reverse("password_change"),
    ]
    bodies = [client.get(url).content.decode() for url in anonymous]
    client.force_login(user)
    bodies += [client.get(url).content.decode() for url in pages]
    assert all("/static/portfolio/app.css" in body for body in bodies)
    assert [EXTERNAL.findall(body) for body in bodies] == [[] for _ in bodies]


def test_the_api_docs_and_tokens_page_load_nothing_from_another_host(client):
    user = UserFactory()
    client.force_login(user)
    pages = [reverse("api-docs"), reverse("api-redoc"), reverse("api_tokens")]
    bodies = [client.get(url).content.decode() for url in pages]
    assert all(client.get(url).status_code == 200 for url in pages)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in bodies[0]
    assert "/static/drf_spectacular_sidecar/redoc/" in bodies[1]
    assert [EXTERNAL.findall(body) for body in bodies] == [[] for _ in bodies]
