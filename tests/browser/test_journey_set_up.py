"""A partnership sets itself up: from the operator's command to the first action update, then a member
leaves and their agency shows as having nobody to remind. Every page is checked by axe (see conftest.py)."""
import re
from io import StringIO
from urllib.parse import urlsplit

from django.core import mail
from django.core.management import call_command

from actionplan.models import Action, ActionStatus
from actionplan.tests.factories import ActionFactory
from partnerships.models import Agency, Membership, Role
from strategy.tests.factories import IntendedOutcomeFactory, StrategicAimFactory, StrategyFactory

PASSWORD = "eastmoor pass phrase 2026"


class Counter:
    """Clicks (links and buttons pressed, boxes ticked) and pages, for the closing note."""

    def __init__(self, portal):
        self.portal, self.clicks = portal, 0

    def follow(self, name, **kwargs):
        self.clicks += 1
        self.portal.follow(name, **kwargs)

    def submit(self, name, **kwargs):
        self.clicks += 1
        self.portal.submit(name, **kwargs)

    def tick(self, label):
        self.clicks += 1
        self.portal.page.get_by_label(label).check()

    @property
    def pages(self):
        return len(self.portal.audited)


def path_of(link):
    return urlsplit(link).path


def test_a_partnership_sets_itself_up_and_sees_who_cannot_be_reminded(portal, live_server, capsys):
    page = portal.page
    count = Counter(portal)

    # The operator creates the partnership; the link is printed as well as emailed.
    out = StringIO()
    call_command("create_partnership", name="Eastmoor Safeguarding Children Partnership", slug="eastmoor",
                 manager_email="bm@eastmoor.example", stdout=out)
    link = out.getvalue().strip().splitlines()[-1]
    assert link in mail.outbox[-1].body

    # The business manager accepts: a name and a password, then the partnership's home page.
    portal.goto(path_of(link))
    page.get_by_label("Full name").fill("Grace Okonjo")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Enter the password again").fill(PASSWORD)
    count.submit("Accept and set up account")
    assert page.url.endswith("/p/eastmoor/")
    assert page.get_by_text("Welcome to Eastmoor Safeguarding Children Partnership").is_visible()

    # Two agencies, both statutory partners.
    count.follow("Agencies", exact=True)
    for name, sector in (("Eastmoor Council", "Local authority"), ("Eastmoor Police", "Police")):
        count.follow("Add an agency")
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("Sector").select_option(label=sector)
        count.tick("This agency is a statutory safeguarding partner")
        count.submit("Add agency")
        assert page.get_by_text(f"{name} added.").is_visible()
    police = Agency.objects.get(partnership__slug="eastmoor", name="Eastmoor Police", is_statutory_partner=True)

    # The plan itself is drafted as in the drafting journey; here it has one action the police lead.
    strategy = StrategyFactory(partnership=police.partnership)
    outcome = IntendedOutcomeFactory(aim=StrategicAimFactory(strategy=strategy, number=1), number=1)
    action = ActionFactory(outcome=outcome, lead_agency=police, reference="1.1", lead_name="DS Sam Patel")

    # The manager invites the police's steering group member.
    count.follow("People", exact=True)
    count.follow("Invite someone")
    page.get_by_label("Email address").fill("sam.patel@eastmoor-police.example")
    page.get_by_label("Role").select_option(label="Steering group member")
    page.get_by_label("Agency").select_option(label="Eastmoor Police")
    count.submit("Send invitation")
    assert page.get_by_text("Invitation sent to sam.patel@eastmoor-police.example").is_visible()
    member_link = re.search(r"http\S+/invitation/\S+/", mail.outbox[-1].body).group(0)
    count.submit("Sign out", exact=True)

    # The member accepts and updates their agency's action.
    portal.goto(path_of(member_link))
    page.get_by_label("Full name").fill("Sam Patel")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Enter the password again").fill(PASSWORD)
    count.submit("Accept and set up account")
    assert page.url.endswith("/p/eastmoor/")
    count.follow("My agency's actions")
    page.get_by_label("Status of action 1.1").select_option(label="On track")
    page.get_by_label("Progress (per cent)").fill("20")
    page.get_by_label("What has happened").fill("Training dates agreed with the council.")
    count.submit("Save update to action 1.1")
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.ON_TRACK, 20)
    to_first_update = (count.clicks, count.pages)
    count.submit("Sign out", exact=True)

    # The member leaves: the manager deactivates them, and the police now have nobody to remind.
    portal.goto("/accounts/login/")
    page.get_by_label("Email address").fill("bm@eastmoor.example")
    page.get_by_label("Password").fill(PASSWORD)
    count.submit("Sign in", exact=True)
    count.follow("People", exact=True)
    count.follow("Change Sam Patel")
    count.follow("Deactivate Sam Patel")
    count.submit("Deactivate", exact=True)
    assert page.get_by_text("Sam Patel deactivated").is_visible()
    member = Membership.objects.get(user__email="sam.patel@eastmoor-police.example")
    assert not member.is_active and member.role == Role.STEERING_MEMBER
    assert Action.objects.get(pk=action.pk).lead_contact_needed

    count.follow("Eastmoor Safeguarding Children Partnership", exact=True)
    table = page.locator("#nobody-to-remind")
    assert table.is_visible()
    assert "Eastmoor Police" in table.inner_text() and "1.1" in table.inner_text()
    assert "Eastmoor Council" not in table.inner_text()  # it leads nothing

    with capsys.disabled():
        print(f"\nset-up journey: command to first action update {to_first_update[0]} clicks, "
              f"{to_first_update[1]} pages; whole journey {count.clicks} clicks, {count.pages} pages")
