"""Setting a partnership up and running its agencies and people: every change audited, every refusal
leaves the database as it was."""
import datetime
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from actionplan.models import Action
from actionplan.services import action_create
from actionplan.tests.factories import ActionFactory
from partnerships import services
from partnerships.api_tokens import issue
from partnerships.models import Agency, ApiToken, AuditEvent, Invitation, Membership, Partnership, Role, User
from partnerships.secret_links import token_hash
from partnerships.tests.factories import TEST_PASSWORD, MembershipFactory, PartnershipFactory

LINK = "https://portal.example.org/invitation/{}/".format


def link_for(token):
    return LINK(token)


def snapshot():
    """Everything the people services write."""
    return {
        "partnerships": sorted(Partnership.objects.values_list("pk", "slug")),
        "agencies": sorted(Agency.objects.values_list("pk", "name", "archived_at", "is_statutory_partner")),
        "users": sorted(User.objects.values_list("pk", "email", "is_active")),
        "memberships": sorted(Membership.objects.values_list("pk", "role", "agency_id", "is_active")),
        "invitations": sorted(Invitation.objects.values_list("pk", "token_hash", "accepted_at", "withdrawn_at")),
        "audit": AuditEvent.objects.filter(kind=AuditEvent.Kind.CHANGE).count(),
        "mail": len(mail.outbox),
        "flagged": sorted(Action.objects.filter(lead_contact_needed=True).values_list("pk", flat=True)),
    }


def refused(write, field=None):
    """Run `write`, which must be refused, and check it changed nothing. Returns the messages."""
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        write()
    assert snapshot() == before
    if field is not None:
        assert field in caught.value.message_dict, caught.value
    return caught.value.messages


def invite(side, email="new.person@example.org", role=Role.STEERING_MEMBER, agency="lead", actor="manager"):
    agency_obj = getattr(side, f"{agency}_agency") if isinstance(agency, str) else agency
    invitation, link = services.invitation_create(
        partnership=side.partnership, actor=side.users[actor] if actor else None, email=email, role=role,
        agency=agency_obj, link_for=link_for)
    return invitation, link.rsplit("/", 2)[-2]


def verbs():
    return list(AuditEvent.objects.order_by("id").values_list("verb", flat=True))


# --- The command --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_creates_the_partnership_and_invites_its_first_business_manager(settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    out = StringIO()
    call_command("create_partnership", name="Northmere Safeguarding Children Partnership", slug="northmere",
                 manager_email="Grace.Okonjo@Northmere.gov.uk", stdout=out)
    partnership = Partnership.objects.get(slug="northmere")
    invitation = Invitation.objects.get(partnership=partnership)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "grace.okonjo@northmere.gov.uk", Role.BUSINESS_MANAGER, None)
    link = out.getvalue().strip().splitlines()[-1]
    token = link.rsplit("/", 2)[-2]
    assert link.startswith("https://portal.example.org/invitation/")
    assert invitation.token_hash == token_hash(token) and token not in invitation.token_hash
    assert [m.to for m in mail.outbox] == [["grace.okonjo@northmere.gov.uk"]] and link in mail.outbox[0].body
    assert (invitation.expires_at - invitation.sent_at) == datetime.timedelta(days=14)
    assert verbs() == ["partnership.created", "invitation.created"]


@pytest.mark.django_db
def test_the_command_prints_the_link_without_sending_and_refuses_a_slug_in_use(settings):
    settings.INVITATION_EXPIRY_DAYS = 3
    out = StringIO()
    call_command("create_partnership", name="Eastmoor SCP", slug="eastmoor", manager_email="bm@eastmoor.example",
                 no_email=True, stdout=out)
    assert mail.outbox == [] and "/invitation/" in out.getvalue()
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=3)
    before = snapshot()
    with pytest.raises(CommandError, match="Nothing was created.*already exists"):
        call_command("create_partnership", name="Other", slug="eastmoor", manager_email="x@example.org",
                     stdout=StringIO())
    with pytest.raises(CommandError, match="Nothing was created.*email"):
        call_command("create_partnership", name="Other", slug="other", manager_email="not an address",
                     stdout=StringIO())
    assert snapshot() == before


# --- Invitations --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_invitation_is_sent_stored_as_a_hash_and_audited(world):
    invitation, token = invite(world.own, email=" New.Person@Example.org ")
    assert invitation.email == "new.person@example.org" and invitation.token_hash == token_hash(token)
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert mail.outbox[-1].to == ["new.person@example.org"] and LINK(token) in mail.outbox[-1].body
    event = AuditEvent.objects.get(verb="invitation.created")
    assert (event.actor, event.partnership, event.object_id) == (
        world.own.users["manager"], world.own.partnership, str(invitation.pk))
    assert token not in str(event.changes) + event.summary


@pytest.mark.django_db
def test_bad_invitations_are_refused_and_change_nothing(world):
    own = world.own
    assert refused(lambda: invite(own, email="not-an-address"), "email") == [
        "Enter an email address in the correct format, like name@example.org"]
    assert "already a member" in refused(lambda: invite(own, email=own.users["viewer"].email), "email")[0]
    assert refused(lambda: invite(own, actor="member_lead"), "role") == ["Select a role you may give"]
    assert refused(lambda: invite(own, role="superuser"), "role") == ["Select a role"]
    assert "agency" in refused(lambda: invite(own, agency=None), "agency")[0]
    refused(lambda: invite(own, agency=world.other.lead_agency), "agency")
    services.agency_archive(agency=own.other_agency, actor=own.users["manager"])
    assert "archived" in refused(lambda: invite(own, agency="other"), "agency")[0]
    invite(own)
    assert "already been invited" in refused(lambda: invite(own), "email")[0]


@pytest.mark.django_db
def test_a_new_person_accepts_once_with_a_password(world):
    own = world.own
    invitation, token = invite(own)
    membership = services.invitation_accept_new(token=token, full_name="Priya Shah", password="a long pass phrase")
    user = membership.user
    assert (user.email, user.full_name, membership.role, membership.agency) == (
        "new.person@example.org", "Priya Shah", Role.STEERING_MEMBER, own.lead_agency)
    assert user.check_password("a long pass phrase") and user.email_verified_at is not None
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    assert verbs()[-3:] == ["user.created", "invitation.accepted", "membership.created"]
    assert "already been used" in refused(
        lambda: services.invitation_accept_new(token=token, full_name="Again", password="a long pass phrase"))[0]


@pytest.mark.django_db
def test_unknown_expired_and_withdrawn_links_and_weak_passwords_change_nothing(world):
    own = world.own
    assert refused(lambda: services.invitation_accept_new(token="made-up", full_name="X", password="a long pass phrase")) \
        == [services.UNKNOWN_LINK]
    invitation, token = invite(own)
    assert set(refused(lambda: services.invitation_accept_new(token=token, full_name="", password="short"))) >= {
        "Enter your full name"}
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert "expired" in refused(
        lambda: services.invitation_accept_new(token=token, full_name="X", password="a long pass phrase"))[0]
    invitation2, token2 = invite(own, email="second@example.org", role=Role.VIEWER, agency=None)
    services.invitation_withdraw(invitation=invitation2, actor=own.users["manager"])
    assert "withdrawn" in refused(
        lambda: services.invitation_accept_new(token=token2, full_name="X", password="a long pass phrase"))[0]


@pytest.mark.django_db
def test_an_existing_account_joins_after_signing_in_and_never_gets_a_second_one(world):
    own, other = world.own, world.other
    police_lead = other.users["member_lead"]  # already in the other partnership
    invitation, token = invite(own, email=police_lead.email.upper())
    assert "already an account" in refused(
        lambda: services.invitation_accept_new(token=token, full_name="X", password="a long pass phrase"))[0]
    assert "signed in as" in refused(
        lambda: services.invitation_accept_existing(token=token, user=own.users["viewer"]))[0]
    users = User.objects.count()
    membership = services.invitation_accept_existing(token=token, user=police_lead)
    assert membership.user == police_lead and User.objects.count() == users
    assert set(Membership.objects.filter(user=police_lead, is_active=True).values_list("partnership__slug", flat=True)) \
        == {own.slug, other.slug}


@pytest.mark.django_db
def test_resending_makes_a_new_link_and_the_old_one_stops_working(world):
    own = world.own
    invitation, old = invite(own)
    _, link = services.invitation_resend(invitation=invitation, actor=own.users["manager"], link_for=link_for)
    new = link.rsplit("/", 2)[-2]
    assert new != old and len(mail.outbox) == 2 and LINK(new) in mail.outbox[-1].body
    assert services.invitation_for_token(old) is None
    assert verbs()[-1] == "invitation.resent"
    services.invitation_withdraw(invitation=invitation, actor=own.users["manager"])
    assert verbs()[-1] == "invitation.withdrawn"
    refused(lambda: services.invitation_resend(invitation=invitation, actor=own.users["manager"], link_for=link_for))


@pytest.mark.django_db
def test_a_failed_email_invites_nobody(world, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(services, "send_mail", broken)
    assert "could not be sent" in refused(lambda: invite(world.own))[0]


# --- People -------------------------------------------------------------------------------------


def membership_of(side, role):
    return Membership.objects.get(user=side.users[role], partnership=side.partnership)


@pytest.mark.django_db
def test_changing_a_role_or_agency_is_audited(world):
    own = world.own
    member = membership_of(own, "member_other")
    services.membership_change(membership=member, actor=own.users["manager"], role=Role.STEERING_MEMBER,
                               agency=own.lead_agency)
    member.refresh_from_db()
    assert member.agency == own.lead_agency
    event = AuditEvent.objects.get(verb="membership.changed")
    assert event.changes == {"agency": [str(own.other_agency), str(own.lead_agency)]}
    refused(lambda: services.membership_change(membership=member, actor=own.users["manager"],
                                               role=Role.STEERING_MEMBER, agency=None), "agency")
    refused(lambda: services.membership_change(membership=member, actor=own.users["member_lead"],
                                               role=Role.VIEWER, agency=None), "role")


@pytest.mark.django_db
def test_the_last_business_manager_cannot_be_demoted_or_deactivated(world):
    own = world.own
    manager = membership_of(own, "manager")
    assert "only business manager" in refused(lambda: services.membership_change(
        membership=manager, actor=own.users["manager"], role=Role.VIEWER), "role")[0]
    assert "only business manager" in refused(lambda: services.membership_deactivate(
        membership=manager, actor=own.users["manager"]))[0]
    second = MembershipFactory(partnership=own.partnership, role=Role.BUSINESS_MANAGER)
    services.membership_deactivate(membership=manager, actor=second.user)
    assert not Membership.objects.get(pk=manager.pk).is_active


@pytest.mark.django_db
def test_deactivating_ends_sessions_revokes_tokens_and_flags_the_actions_they_led(world, client):
    own = world.own
    lead = own.users["member_lead"]
    lead.full_name = "Tom Hallworth"
    lead.save()
    named = ActionFactory(outcome=own.outcome, lead_agency=own.lead_agency, reference="1.2",
                          lead_name="DI Tom Hallworth, Public Protection")
    done = ActionFactory(outcome=own.outcome, lead_agency=own.lead_agency, reference="1.3", status="completed",
                         completion_note="Done.", lead_name="Tom Hallworth")
    elsewhere = ActionFactory(outcome=world.other.outcome, lead_agency=world.other.lead_agency, reference="1.2",
                              lead_name="Tom Hallworth")
    client.force_login(lead)
    issue(lead, name="Spreadsheet")
    membership, flagged = services.membership_deactivate(membership=membership_of(own, "member_lead"),
                                                         actor=own.users["manager"])
    assert flagged == 1 and not membership.is_active
    assert list(Action.objects.filter(lead_contact_needed=True)) == [named]
    assert not done.__class__.objects.get(pk=done.pk).lead_contact_needed
    assert not Action.objects.get(pk=elsewhere.pk).lead_contact_needed
    assert not ApiToken.objects.filter(user=lead).exists()
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(lead.pk)]
    assert verbs()[-3:] == ["membership.deactivated", "action.lead_contact_needed", "membership.access_ended"]
    assert AuditEvent.objects.get(verb="membership.access_ended").changes == {
        "sessions_ended": 1, "tokens_revoked": 1, "actions_flagged": 1}
    # Naming a new lead clears the flag.
    from actionplan.services import action_edit

    action_edit(action=named, actor=own.users["manager"], lead_name="DS Amy Clarke")
    assert not Action.objects.get(pk=named.pk).lead_contact_needed


# --- Agencies -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_agencies_are_added_renamed_and_archived_with_an_audit_trail(world):
    own = world.own
    manager = own.users["manager"]
    agency = services.agency_create(partnership=own.partnership, actor=manager, name="Eastmoor Police",
                                    sector="police", is_statutory_partner=True)
    services.agency_update(agency=agency, actor=manager, name="Eastmoor Constabulary")
    assert "already has an agency" in refused(lambda: services.agency_update(
        agency=agency, actor=manager, name=own.lead_agency.name.upper()), "name")[0]
    services.agency_archive(agency=agency, actor=manager)
    assert verbs()[-3:] == ["agency.created", "agency.updated", "agency.archived"]
    assert AuditEvent.objects.get(verb="agency.updated").changes == {
        "name": ["Eastmoor Police", "Eastmoor Constabulary"]}
    # The archived agency's existing action keeps its lead; it cannot lead a new one.
    services.agency_archive(agency=own.lead_agency, actor=manager)
    own.action.refresh_from_db()
    assert own.action.lead_agency == own.lead_agency
    with pytest.raises(ValidationError) as caught:
        action_create(outcome=own.outcome, actor=manager, text="New", lead_agency=own.lead_agency)
    assert "archived" in caught.value.message_dict["lead_agency"][0]
    from actionplan.forms import ActionForm

    offered = set(ActionForm(strategy=own.strategy).fields["lead_agency"].queryset)
    assert own.lead_agency not in offered and own.other_agency in offered
    editing = ActionForm(strategy=own.strategy, initial={"lead_agency": own.lead_agency.pk})
    assert own.lead_agency in set(editing.fields["lead_agency"].queryset)


# --- Who can be reached ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_agencies_leading_actions_with_nobody_to_remind(world, client):
    from actionplan.selectors import unreachable_lead_agencies

    own = world.own
    orphan = ActionFactory(outcome=own.outcome, lead_agency=own.other_agency, reference="1.2")
    ActionFactory(outcome=own.outcome, lead_agency=own.other_agency, reference="1.3", status="cancelled",
                  cancellation_reason="Merged.")
    assert unreachable_lead_agencies(Action.objects.filter(strategy=own.strategy)) == []  # member_other is active
    services.membership_deactivate(membership=membership_of(own, "member_other"), actor=own.users["manager"])
    rows = unreachable_lead_agencies(Action.objects.filter(strategy=own.strategy))
    assert [(r["agency"], r["actions"]) for r in rows] == [(own.other_agency, [orphan])]

    client.force_login(own.users["manager"])
    page = client.get(f"/p/{own.slug}/").content.decode()
    assert "Nobody to remind" in page and own.other_agency.name in page and f"/actions/{orphan.pk}/" in page


@pytest.mark.django_db
def test_the_weekly_summary_names_agencies_with_nobody_to_remind(world, settings):
    from actionplan.tasks import send_weekly_reminders

    settings.PORTAL_BASE_URL = "https://portal.example.org"
    own = world.own
    ActionFactory(outcome=own.outcome, lead_agency=own.other_agency, reference="1.2")
    Membership.objects.filter(user=own.users["member_other"]).update(is_active=False)
    send_weekly_reminders.delay(day="2026-11-23")
    summary = next(m for m in mail.outbox if m.to == [own.users["manager"].email])
    assert "Nobody to remind" in summary.body
    assert f"- {own.other_agency.name}: 1.2" in summary.body
    assert f"https://portal.example.org/p/{own.slug}/people/" in summary.body


# --- Several partnerships, one sign-in -----------------------------------------------------------


@pytest.mark.django_db
def test_a_person_in_two_partnerships_gets_a_switcher(world, client):
    own, other = world.own, world.other
    user = own.users["manager"]
    client.force_login(user)
    assert "Switch partnership" not in client.get(f"/p/{own.slug}/").content.decode()
    MembershipFactory(user=user, partnership=other.partnership, role=Role.VIEWER)
    page = client.get(f"/p/{own.slug}/").content.decode()
    assert "Switch partnership" in page and f'href="/p/{other.slug}/"' in page
    assert client.get(f"/p/{other.slug}/").status_code == 200


@pytest.mark.django_db
def test_partnership_create_refuses_a_name_in_use():
    PartnershipFactory(name="Westvale SCP", slug="westvale")
    refused(lambda: services.partnership_create(name="westvale scp", slug="westvale-2"), "name")


@pytest.mark.django_db
def test_users_are_found_by_a_verified_address_for_a_later_organisation_sign_in(world):
    """An identity provider's sign-in matches on a verified email; accepting an invitation verifies it."""
    own = world.own
    _, token = invite(own, email="oidc.person@example.org", role=Role.VIEWER, agency=None)
    services.invitation_accept_new(token=token, full_name="O Person", password=TEST_PASSWORD + "-long")
    assert User.objects.filter(email="oidc.person@example.org", email_verified_at__isnull=False).count() == 1
