import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from partnerships.models import ApiToken
from partnerships.secret_links import token_hash
from partnerships.tests.factories import TEST_PASSWORD, UserFactory


@pytest.mark.django_db
def test_it_gives_a_token_for_the_right_password():
    user = UserFactory(email="lead@example.org")
    response = APIClient().post("/api/v1/auth/token/", {"email": "Lead@Example.org", "password": TEST_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    assert ApiToken.objects.get(user=user).key_hash == token_hash(body["token"])


@pytest.mark.django_db
def test_it_answers_400_with_field_errors_for_bad_input():
    UserFactory(email="lead@example.org")
    response = APIClient().post("/api/v1/auth/token/", {"email": "not-an-email"})
    assert response.status_code == 400
    assert set(response.json()) == {"email", "password"}
    wrong = APIClient().post("/api/v1/auth/token/", {"email": "lead@example.org", "password": "nope"})
    assert wrong.status_code == 400
    assert wrong.json() == {"non_field_errors": ["Those sign-in details are not right."]}


@pytest.mark.django_db
def test_the_command_prints_the_users_token(capsys):
    user = UserFactory(email="api@example.org")
    call_command("create_api_token", "api@example.org")
    assert ApiToken.objects.get(user=user).key_hash == token_hash(capsys.readouterr().out.strip())
