"""Sessions end when idle or old; sign-out and deactivation end every way in; sign-in is throttled."""
import time

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from rest_framework.test import APIClient

from partnerships.api_tokens import issue
from partnerships.middleware import SessionLifetimeMiddleware
from partnerships.models import ApiToken
from partnerships.tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _signed_in_client(client, email="bm@example.org"):
    user = MembershipFactory(user=UserFactory(email=email)).user
    assert client.post("/accounts/login/", {"username": email, "password": TEST_PASSWORD}).status_code == 302
    return user


def _shift_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[getattr(SessionLifetimeMiddleware, key)] = now - ago
    session.save()


def test_it_keeps_an_active_session(client):
    _signed_in_client(client)
    _shift_session(client, SEEN=29 * 60)
    assert client.get("/").status_code == 302
    assert "_auth_user_id" in client.session


def test_it_ends_a_session_idle_for_longer_than_the_timeout(client):
    _signed_in_client(client)
    _shift_session(client, SEEN=31 * 60)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_the_idle_timeout_is_a_setting(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    _signed_in_client(client)
    _shift_session(client, SEEN=6 * 60)
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_it_ends_a_session_older_than_the_absolute_lifetime_however_active(client):
    _signed_in_client(client)
    _shift_session(client, STARTED=12 * 3600 + 60, SEEN=10)
    assert client.get("/")["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session_and_revokes_api_tokens(client):
    user = _signed_in_client(client)
    issue(user)
    client.post("/accounts/logout/")
    assert not ApiToken.objects.filter(user=user).exists()
    assert client.get("/").status_code == 302


def test_deactivation_ends_sessions_and_revokes_tokens(client):
    user = _signed_in_client(client)
    other = UserFactory()
    (token, key), (other_token, _) = issue(user), issue(other)
    user.is_active = False
    user.save()
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert ApiToken.objects.filter(pk=other_token.pk).exists()
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/actions/").status_code == 401


def test_sign_in_locks_after_repeated_failures_with_a_clear_message(client, settings):
    user = UserFactory(email="lead@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/accounts/login/", {"username": user.email, "password": "wrong"}).status_code == 200
    locked = client.post("/accounts/login/", {"username": user.email, "password": "wrong"})
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()
    # Even the right password is refused while locked.
    again = client.post("/accounts/login/", {"username": user.email, "password": TEST_PASSWORD})
    assert again.status_code == 429 and "_auth_user_id" not in client.session


def test_the_api_token_exchange_is_throttled_too(settings):
    from django.core.cache import cache

    cache.clear()  # the per-address request throttle must not be what answers here
    UserFactory(email="lead@example.org")
    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api.post("/api/v1/auth/token/", {"email": "lead@example.org", "password": "wrong"})
    response = api.post("/api/v1/auth/token/", {"email": "lead@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 429 and "Too many attempts" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_password_validators_refuse_a_short_common_password():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        validate_password("password")
    assert len(error.value.messages) >= 2


def test_password_reset_sends_a_link_that_sets_a_new_password(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="lead@example.org")
    with django_capture_on_commit_callbacks(execute=True):  # the mail is sent by a task queued on commit
        response = client.post("/accounts/password-reset/", {"email": "lead@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lead@example.org"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password-reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "a-long-new-passphrase-42", "new_password2": "a-long-new-passphrase-42",
    })
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-long-new-passphrase-42")


def test_password_reset_does_not_say_whether_an_address_has_an_account(client):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []
