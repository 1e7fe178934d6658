"""Items 4 to 6: API tokens are hashes that expire, and every change to how a person proves who they are, or
to what they may do, ends them."""
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from partnerships import api_tokens, two_factor
from partnerships.models import ApiToken, Membership, Role
from partnerships.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def works(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/partnerships/").status_code == 200


def test_the_database_holds_no_usable_key(world):
    token, key = api_tokens.issue(world.own.users["manager"], name="Reporting script")
    assert works(key)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in {str(v) for v in stored.values()}
    assert not works(stored["key_hash"]), "a value copied from the database opens the API"


def test_a_token_expires(world, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 7
    token, key = api_tokens.issue(world.own.users["manager"])
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not works(key)


def test_a_password_reset_revokes_tokens(client, world):
    user = world.own.users["member_lead"]
    _, key = api_tokens.issue(user)
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})
    form_url = client.get(url)["Location"]
    response = client.post(form_url, {"new_password1": "A long new passphrase 42", "new_password2": "A long new passphrase 42"})
    assert response.status_code == 302
    assert not works(key)


def test_a_password_change_revokes_tokens(world):
    user = world.own.users["member_lead"]
    _, key = api_tokens.issue(user)
    user.set_password("Another long passphrase 7")
    user.save()
    assert not works(key)


def test_turning_two_step_verification_on_or_off_revokes_tokens(world, rf):
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.oath import totp

    user = world.own.users["scrutineer"]
    _, key = api_tokens.issue(user)
    request = rf.post("/")
    request.user, request.session = user, SessionStore()
    request.session.create()
    device = two_factor.start_set_up(user)
    two_factor.confirm_set_up(request, device=device, code=str(totp(device.bin_key)).zfill(6))
    assert not works(key), "a token issued on the password alone outlived two-step verification"

    _, key = api_tokens.issue(user)
    device.refresh_from_db()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    two_factor.turn_off(request, code=str(totp(device.bin_key)).zfill(6))
    assert not works(key)


def test_a_change_of_role_revokes_tokens_and_a_move_into_a_role_that_needs_two_step_ends_sessions(client, world):
    """A viewer (no second factor asked of them) is made business manager of a partnership that requires two-step
    verification of managers: the password-only session and token must not carry the new role's rights."""
    from partnerships.models import Partnership

    Partnership.objects.filter(pk=world.own.partnership.pk).update(require_two_factor=True)
    user = world.own.users["viewer"]
    _, key = api_tokens.issue(user)
    client.force_login(user)
    membership = Membership.objects.get(user=user, partnership=world.own.partnership)
    membership.role = Role.BUSINESS_MANAGER
    membership.save()
    assert not works(key), "the token kept working with the new role's rights"
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    assert client.get(reverse("home")).status_code == 302


def test_deactivation_revokes_tokens(world):
    user = world.own.users["viewer"]
    _, key = api_tokens.issue(user)
    user.is_active = False
    user.save()
    assert not works(key)


def test_the_account_page_names_each_token_with_its_last_use(client, world):
    user = world.own.users["manager"]
    _, key = api_tokens.issue(user, name="Quarterly return script")
    works(key)
    client.force_login(user)
    page = client.get(reverse("two_factor")).content.decode()
    assert "Quarterly return script" in page and "Never" not in page.split("API tokens", 1)[1]


def test_the_token_exchange_gives_an_expiring_named_token(world):
    response = APIClient().post("/api/v1/auth/token/", {"email": world.own.users["viewer"].email,
                                                       "password": TEST_PASSWORD, "name": "Dashboard"}, format="json")
    assert response.status_code == 200, response.content
    token = ApiToken.objects.get(user=world.own.users["viewer"])
    assert token.name == "Dashboard" and response.json()["expires_at"]
    assert works(response.json()["token"])
