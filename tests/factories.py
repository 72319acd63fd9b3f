"""factory_boy factories for the models tests need."""

import base64

import factory
from django.contrib.auth import get_user_model

from accounts.models import KrakenConnection, Profile
from accounts.services import ConnectionInput, connection_create

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"trader{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            Profile.objects.get_or_create(user=obj)


def secret_for(name: str) -> str:
    """A realistic Kraken-style secret: 64 bytes, base64 (88 characters)."""
    return base64.b64encode((name.encode() * 64)[:64]).decode()


def make_connection(*, user, label: str = "Main", **overrides) -> KrakenConnection:
    fields = {
        "label": label,
        "api_key": f"KEY{label.upper().replace(' ', '')}{user.pk}abcdefghijklmnopqrstuvwxyz",
        "api_secret": secret_for(f"{label}-{user.pk}"),
        **overrides,
    }
    return connection_create(user=user, data=ConnectionInput(**fields))
