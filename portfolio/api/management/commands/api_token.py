"""Make a personal API token for a user; the token is printed on the last line, once."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portfolio.api.tokens import api_token_create


class Command(BaseCommand):
    help = "Create a named personal API token (read-write unless --read-only) and print it."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--name", required=True, help="a label for the token")
        parser.add_argument("--read-only", action="store_true", help="GET requests only")

    def handle(self, *args, user: str, name: str, read_only: bool, **options):
        found = get_user_model().objects.filter(username=user).first()
        if found is None:
            raise CommandError(f"No user named {user!r}.")
        try:
            token, raw = api_token_create(user=found, name=name, read_only=read_only)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        scope = "read-only" if token.read_only else "read-write"
        self.stderr.write(f"Token {token.name!r} ({scope}) for {user}; it is shown only now:")
        self.stdout.write(raw)
