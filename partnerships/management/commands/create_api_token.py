from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Print the API token of the user with this email address, creating it if needed."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--rotate", action="store_true", help="Replace any existing token with a new one.")

    def handle(self, *args, email, rotate, **options):
        try:
            user = get_user_model().objects.get(email=email.lower())
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user with the email address {email}.") from None
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
