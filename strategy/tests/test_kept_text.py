"""Text typed into a drafting form survives a session that ended before it was posted: kept aside, given back
to the same person on the same form after they sign in again (two-step verification included), never saved
by itself, and never shown to anyone else."""
import time

import pytest
from django.test import Client
from django.urls import reverse

from partnerships import kept_text
from partnerships.middleware import SessionLifetimeMiddleware
from partnerships.models import Membership, Role
from partnerships.tests.factories import TEST_PASSWORD, MembershipFactory
from partnerships.tests.test_two_factor import enable_for, fresh_code
from strategy.models import Priority

pytestmark = pytest.mark.django_db

TEXT = "Children told us they want adults to notice.\n\n- ask\n- listen"


@pytest.fixture
def own(world):
    return world.own


def url(side, name, **kwargs):
    return reverse(name, kwargs={"slug": side.slug, "pk": side.strategy.pk, **kwargs})


def sign_in(client, user, next_url=""):
    return client.post("/accounts/login/", {"username": user.email, "password": TEST_PASSWORD, "next": next_url})


def signed_in_then_idle(user):
    """A browser signed in as `user` whose session has been idle past the timeout."""
    client = Client()
    assert sign_in(client, user).status_code == 302
    session = client.session
    session[SessionLifetimeMiddleware.SEEN] = int(time.time()) - 31 * 60
    session.save()
    return client


def post_section_after_timeout(client, own):
    edit = url(own, "section_edit", section_pk=own.section.pk)
    response = client.post(edit, {"title": "Introduction", "body": TEXT, "revision": 1})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    return edit, response["Location"]


def test_it_gives_the_text_back_after_signing_in_again_and_saves_nothing(own):
    manager = own.users["manager"]
    client = signed_in_then_idle(manager)
    edit, login = post_section_after_timeout(client, own)
    assert "next=" in login
    answer = sign_in(client, manager, edit)
    assert answer["Location"] == edit
    page = client.get(edit).content.decode()
    assert kept_text.BANNER in page
    assert TEXT.replace("\n", "\n") in page.replace("\r\n", "\n")
    own.section.refresh_from_db()
    assert own.section.body == "" and own.section.revision == 1
    # Given back once: the next visit shows what is saved.
    again = client.get(edit).content.decode()
    assert kept_text.BANNER not in again and "Children told us" not in again
    # Pressing Save is what saves it.
    assert client.post(edit, {"title": "Introduction", "body": TEXT, "revision": 1}).status_code == 302
    own.section.refresh_from_db()
    assert own.section.body == TEXT.replace("\n", "\n") and own.section.revision == 2


def test_another_person_signing_in_on_that_browser_does_not_see_it(own):
    client = signed_in_then_idle(own.users["manager"])
    edit, _ = post_section_after_timeout(client, own)
    other_manager = MembershipFactory(partnership=own.partnership, role=Role.BUSINESS_MANAGER).user
    sign_in(client, other_manager, edit)
    assert kept_text.SESSION_KEY not in client.session
    page = client.get(edit).content.decode()
    assert "Children told us" not in page and kept_text.BANNER not in page


def test_it_is_dropped_when_the_person_may_no_longer_edit(own):
    manager = own.users["manager"]
    client = signed_in_then_idle(manager)
    edit, _ = post_section_after_timeout(client, own)
    Membership.objects.filter(user=manager, partnership=own.partnership).update(role=Role.SCRUTINEER)
    sign_in(client, manager, edit)
    assert client.get(edit).status_code == 403
    assert kept_text.SESSION_KEY not in client.session
    Membership.objects.filter(user=manager, partnership=own.partnership).update(role=Role.BUSINESS_MANAGER)
    assert "Children told us" not in client.get(edit).content.decode()


def test_it_expires(own, settings):
    manager = own.users["manager"]
    client = signed_in_then_idle(manager)
    edit, _ = post_section_after_timeout(client, own)
    session = client.session
    session[kept_text.SESSION_KEY]["at"] -= settings.KEPT_TEXT_LIFETIME + 1
    session.save()
    sign_in(client, manager, edit)
    assert "Children told us" not in client.get(edit).content.decode()


def test_it_comes_back_after_two_step_verification(own):
    manager = own.users["manager"]
    device, _ = enable_for(manager)
    client = Client()
    sign_in(client, manager)
    client.post("/accounts/two-step/verify/", {"code": fresh_code(device)})
    session = client.session
    session[SessionLifetimeMiddleware.SEEN] = int(time.time()) - 31 * 60
    session.save()
    edit, _ = post_section_after_timeout(client, own)
    # Password, then the code page, then the form.
    verify = sign_in(client, manager, edit)["Location"]
    assert client.get(verify)["Location"].startswith("/accounts/two-step/verify/")
    answer = client.post("/accounts/two-step/verify/", {"code": fresh_code(device), "next": edit})
    assert answer["Location"] == edit
    page = client.get(edit).content.decode()
    assert kept_text.BANNER in page and "Children told us" in page
    own.section.refresh_from_db()
    assert own.section.body == ""


def test_a_new_record_form_keeps_its_text_too(own):
    manager = own.users["manager"]
    client = signed_in_then_idle(manager)
    create = url(own, "priority_create")
    before = Priority.objects.count()
    client.post(create, {"title": "Notice and name", "what_this_means": "We know how common abuse is."})
    sign_in(client, manager, create)
    page = client.get(create).content.decode()
    assert kept_text.BANNER in page and "We know how common abuse is." in page and "Notice and name" in page
    assert Priority.objects.count() == before


def test_only_the_forms_fields_are_kept_and_only_within_the_size_limit(own):
    manager = own.users["manager"]
    client = signed_in_then_idle(manager)
    edit = url(own, "section_edit", section_pk=own.section.pk)
    client.post(edit, {"title": "Introduction", "body": TEXT, "revision": 1, "password": "secret", "other": "x"})
    kept = client.session[kept_text.SESSION_KEY]
    assert set(kept["data"]) == {"title", "body", "revision"} and kept["user"] == manager.pk
    client = signed_in_then_idle(manager)
    client.post(edit, {"title": "Introduction", "body": "x" * (kept_text.MAX_CHARS + 1), "revision": 1})
    assert kept_text.SESSION_KEY not in client.session


def test_a_post_from_someone_never_signed_in_keeps_nothing(own):
    client = Client()
    client.post(url(own, "section_edit", section_pk=own.section.pk), {"title": "x", "body": TEXT, "revision": 1})
    assert kept_text.SESSION_KEY not in client.session


def test_password_fields_are_never_kept():
    from django import forms

    class WithPassword(forms.Form):
        body = forms.CharField()
        password = forms.CharField(widget=forms.PasswordInput)

    assert kept_text._field_names([WithPassword]) == ("body",)
