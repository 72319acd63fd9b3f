"""python manage.py adduser NAME [--email E] --password-stdin"""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import user_create


class Command(BaseCommand):
    help = "Create a user. The password is read from standard input, never from the command line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            required=True,
            help="read the password from the first line of standard input",
        )

    def handle(self, *args, username: str, email: str, password_stdin: bool, **options):
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("no password on standard input")
        try:
            user = user_create(username=username, email=email, password=password)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"created user {user.get_username()} (id {user.pk})")
