"""The business manager's people and agency pages and the invitation page: GOV.UK errors beside the fields,
and the database as it was after a refused form."""
import re

import pytest
from django.core import mail
from django.utils.html import escape

from partnerships.models import Agency, AuditEvent, Invitation, Membership, Role, User


def error_beside(html, field, message):
    """The message is in the error summary (linking to the field) and beside the field itself."""
    assert f'href="#id_{field}"' in html, f"no error summary link to {field}"
    pattern = (rf'id="id_{field}_\d+_error" class="govuk-error-message">\s*'
               rf'<span class="govuk-visually-hidden">Error:</span>\s*{re.escape(escape(message))}')
    assert re.search(pattern, html), f"{message!r} not beside {field}"


@pytest.fixture
def manager(world, client):
    client.force_login(world.own.users["manager"])
    return client


@pytest.mark.django_db
def test_it_invites_from_the_people_page(world, manager):
    own = world.own
    response = manager.post(f"/p/{own.slug}/people/invite/", {
        "email": "new.lead@example.org", "role": Role.STEERING_MEMBER, "agency": own.lead_agency.pk})
    assert response.status_code == 302 and response["Location"] == f"/p/{own.slug}/people/"
    invitation = Invitation.objects.get(email="new.lead@example.org")
    link = re.search(r"http\S+/invitation/\S+/", mail.outbox[-1].body).group(0)
    assert link.startswith("http://testserver/invitation/")
    page = manager.get(f"/p/{own.slug}/people/").content.decode()
    assert "new.lead@example.org" in page and f"/invitations/{invitation.pk}/resend/" in page


@pytest.mark.django_db
def test_bad_invitations_show_errors_beside_the_fields_and_save_nothing(world, manager):
    own = world.own
    url = f"/p/{own.slug}/people/invite/"
    before = (Invitation.objects.count(), AuditEvent.objects.count(), len(mail.outbox))
    html = manager.post(url, {"email": "nobody at example", "role": Role.VIEWER}).content.decode()
    error_beside(html, "email", "Enter an email address in the correct format, like name@example.org")
    assert 'value="nobody at example"' in html  # nothing typed is lost
    html = manager.post(url, {"email": own.users["viewer"].email, "role": Role.VIEWER}).content.decode()
    error_beside(html, "email", f"{own.users['viewer'].email} is already a member of {own.partnership.name}")
    html = manager.post(url, {"email": "x@example.org", "role": Role.STEERING_MEMBER}).content.decode()
    error_beside(html, "agency", "Select the agency a steering group member represents")
    html = manager.post(url, {"email": "x@example.org"}).content.decode()
    error_beside(html, "role", "Select a role")
    assert (Invitation.objects.count(), AuditEvent.objects.count(), len(mail.outbox)) == before


@pytest.mark.django_db
def test_a_new_person_sets_a_password_and_lands_on_the_home_page(world, client):
    from partnerships import services

    own = world.own
    _, link = services.invitation_create(partnership=own.partnership, actor=own.users["manager"],
                                         email="new@example.org", role=Role.VIEWER, link_for=lambda t: f"/invitation/{t}/")
    page = client.get(link)
    assert page.status_code == 200 and "Join Ashvale Safeguarding Children Partnership" in page.content.decode()
    html = client.post(link, {"full_name": "New Person", "password": "a long pass phrase",
                              "password_again": "another phrase"}).content.decode()
    error_beside(html, "password_again", "The passwords do not match. Enter the same password twice")
    html = client.post(link, {"full_name": "New Person", "password": "password", "password_again": "password"}
                       ).content.decode()
    assert 'href="#id_password"' in html and not User.objects.filter(email="new@example.org").exists()
    response = client.post(link, {"full_name": "New Person", "password": "a long pass phrase",
                                  "password_again": "a long pass phrase"})
    assert response.status_code == 302 and response["Location"] == f"/p/{own.slug}/"
    home = client.get(f"/p/{own.slug}/")
    assert home.status_code == 200 and "Welcome to" in home.content.decode()
    assert client.get(link).status_code == 410  # single use


@pytest.mark.django_db
def test_a_business_manager_where_two_step_is_required_sets_it_up_first(world, client):
    from partnerships import services

    own = world.own
    own.partnership.require_two_factor = True
    own.partnership.save()
    _, link = services.invitation_create(partnership=own.partnership, actor=own.users["manager"],
                                         email="bm2@example.org", role=Role.BUSINESS_MANAGER,
                                         link_for=lambda t: f"/invitation/{t}/")
    client.post(link, {"full_name": "Second Manager", "password": "a long pass phrase",
                       "password_again": "a long pass phrase"})
    response = client.get(f"/p/{own.slug}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-step/set-up/")


@pytest.mark.django_db
def test_an_unknown_link_says_so(client):
    response = client.get("/invitation/not-a-real-token/")
    assert response.status_code == 404 and "not recognised" in response.content.decode()


@pytest.mark.django_db
def test_an_existing_account_is_asked_to_sign_in_then_accepts(world, client):
    from partnerships import services

    own, other = world.own, world.other
    person = other.users["scrutineer"]
    _, link = services.invitation_create(partnership=own.partnership, actor=own.users["manager"],
                                         email=person.email, role=Role.SCRUTINEER, link_for=lambda t: f"/invitation/{t}/")
    html = client.get(link).content.decode()
    assert "Sign in to accept" in html and "Create a password" not in html
    client.force_login(own.users["viewer"])
    assert "Sign out, then open the link" in client.get(link).content.decode()
    client.force_login(person)
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == f"/p/{own.slug}/"
    assert Membership.objects.filter(user=person, is_active=True).count() == 2


@pytest.mark.django_db
def test_the_last_business_manager_is_told_why_they_cannot_leave(world, manager):
    own = world.own
    membership = Membership.objects.get(user=own.users["manager"], partnership=own.partnership)
    response = manager.post(f"/p/{own.slug}/people/{membership.pk}/deactivate/")
    assert response.status_code == 409 and "only business manager" in response.content.decode()
    html = manager.post(f"/p/{own.slug}/people/{membership.pk}/", {"role": Role.VIEWER}).content.decode()
    error_beside(html, "role", "This is the partnership's only business manager. Invite or appoint another "
                               "business manager first")
    assert Membership.objects.get(pk=membership.pk).role == Role.BUSINESS_MANAGER


@pytest.mark.django_db
def test_agencies_are_added_and_archived_in_the_browser(world, manager):
    own = world.own
    html = manager.post(f"/p/{own.slug}/agencies/new/", {"name": own.lead_agency.name, "sector": "police"}
                        ).content.decode()
    error_beside(html, "name", f"The partnership already has an agency called “{own.lead_agency.name}”.")
    response = manager.post(f"/p/{own.slug}/agencies/new/", {"name": "Ashvale ICB", "sector": "health",
                                                             "is_statutory_partner": "on"})
    assert response.status_code == 302
    agency = Agency.objects.get(name="Ashvale ICB")
    assert agency.is_statutory_partner
    manager.post(f"/p/{own.slug}/agencies/{agency.pk}/archive/")
    agency.refresh_from_db()
    assert agency.is_archived
    page = manager.get(f"/p/{own.slug}/agencies/").content.decode()
    assert "Archived" in page and "Restore" in page


@pytest.mark.django_db
def test_agency_and_people_pages_have_a_fixed_number_of_queries(world, manager, django_assert_max_num_queries):
    from partnerships.tests.factories import AgencyFactory, MembershipFactory

    own = world.own
    for n in range(5):
        agency = AgencyFactory(partnership=own.partnership, name=f"Extra {n}")
        MembershipFactory(partnership=own.partnership, role=Role.STEERING_MEMBER, agency=agency)
    with django_assert_max_num_queries(12):
        assert manager.get(f"/p/{own.slug}/people/").status_code == 200
    with django_assert_max_num_queries(12):
        assert manager.get(f"/p/{own.slug}/agencies/").status_code == 200
