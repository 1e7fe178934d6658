from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from partnerships import api_tokens


class Command(BaseCommand):
    help = ("Issue a new API token to the user with this email address and print it (shown once: only its hash "
            "is kept; it expires after API_TOKEN_LIFETIME_DAYS).")

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Issued by an operator", help="What the token is for.")
        parser.add_argument("--rotate", action="store_true", help="Revoke the user's other tokens first.")

    def handle(self, *args, email, name, rotate, **options):
        try:
            user = get_user_model().objects.get(email=email.lower())
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user with the email address {email}.") from None
        if rotate:
            api_tokens.revoke_all(user)
        _, key = api_tokens.issue(user, name=name)
        self.stdout.write(key)
