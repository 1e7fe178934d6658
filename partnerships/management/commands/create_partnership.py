from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from partnerships import services
from partnerships.models import Nation, Role


class Command(BaseCommand):
    help = (
        "Create a partnership and invite its first business manager by email. The invitation link is printed "
        "too, for installations that do not send mail. Everything else (agencies, people, the strategy) the "
        "business manager then does in the browser."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="For example: Northmere Safeguarding Children Partnership")
        parser.add_argument("--slug", required=True, help="Short name used in addresses, for example: northmere")
        parser.add_argument("--manager-email", required=True, help="Work email address of the first business manager")
        parser.add_argument("--area", default="", help="The local authority area or areas covered (default: the name)")
        parser.add_argument("--nation", default=Nation.ENGLAND, choices=Nation.values)
        parser.add_argument("--no-email", action="store_true",
                            help="Do not send the invitation; only print its link (for installations without mail).")

    def handle(self, *args, name, slug, manager_email, area, nation, no_email, **options):
        base = settings.PORTAL_BASE_URL.rstrip("/")

        def link_for(token):
            return base + reverse("invitation_accept", kwargs={"token": token})

        try:
            with transaction.atomic():
                partnership = services.partnership_create(name=name.strip(), slug=slug.strip(), area=area.strip(),
                                                          nation=nation)
                invitation, link = services.invitation_create(
                    partnership=partnership, actor=None, email=manager_email, role=Role.BUSINESS_MANAGER,
                    link_for=link_for, send=not no_email)
        except ValidationError as error:
            messages = [f"{field}: {' '.join(msgs)}" if field != "__all__" else " ".join(msgs)
                        for field, msgs in getattr(error, "message_dict", {"__all__": error.messages}).items()]
            hint = "" if no_email else " (Without a mail server, run again with --no-email and pass the link on.)"
            raise CommandError("Nothing was created. " + " ".join(messages) + hint) from None
        sent = "not emailed (--no-email)" if no_email else f"emailed to {invitation.email}"
        self.stdout.write(self.style.SUCCESS(f"Created {partnership.name} ({partnership.slug})."))
        self.stdout.write(f"Invitation for the business manager {invitation.email}, {sent}. It works once, "
                          f"until {invitation.expires_at:%d %B %Y}:")
        self.stdout.write(link)
