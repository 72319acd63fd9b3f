"""Personal API tokens: django-rest-knox's hashed token with a name, a scope and a last use."""

from django.db import models
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

TOKEN_NAME_LENGTH = 80


class ApiToken(AbstractAuthToken):
    """A named token of one user. Only its SHA-512 digest and first characters are stored; the
    token itself is shown once, when it is made. Revoking deletes the row."""

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(max_length=TOKEN_NAME_LENGTH)
    read_only = models.BooleanField(default=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="unique_api_token_name"),
        ]

    def __str__(self) -> str:
        scope = "read-only" if self.read_only else "read-write"
        return f"{self.name} ({scope}) of {self.user_id}"
