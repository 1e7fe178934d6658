from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from partnerships import two_factor


class Command(BaseCommand):
    help = (
        "Remove a person's authenticator app and recovery codes (a lost phone) and end their sessions and API "
        "tokens. Where a partnership requires two-step verification, they set up a new app at their next sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        try:
            user = get_user_model().objects.get(email=email.lower())
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user with the email address {email}.") from None
        removed = two_factor.reset(user)
        self.stdout.write(f"Two-step verification reset for {user.email}: {removed} device(s) removed, signed out everywhere.")
