"""The client's address behind reverse proxies: X-Forwarded-For counts only when TRUSTED_PROXY_COUNT says so."""
import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from rest_framework.test import APIClient

from partnerships.models import ApiToken
from partnerships.network import client_ip
from partnerships.tests.factories import TEST_PASSWORD, UserFactory

PROXY = "192.0.2.1"


@pytest.mark.parametrize("trusted_proxies, forwarded_for, expected", [
    (0, "", PROXY),
    (0, "198.51.100.7", PROXY),                       # nothing trusted: the header is ignored
    (1, "", PROXY),                                   # reached directly, not through the proxy
    (1, "198.51.100.7", "198.51.100.7"),
    (1, "203.0.113.50, 198.51.100.7", "198.51.100.7"),  # the client's own entry is never trusted
    (2, "203.0.113.50, 198.51.100.7, 10.1.2.3", "198.51.100.7"),
    (2, "198.51.100.7", "198.51.100.7"),              # fewer entries than proxies: the first
    (1, "2001:db8::7", "2001:db8::7"),
    (1, "not-an-address", PROXY),
])
def test_client_ip(settings, trusted_proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = trusted_proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR=PROXY, **headers)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("trusted_proxies", [0, 1])
def test_sign_in_locks_each_forwarded_client_apart_only_behind_a_trusted_proxy(client, settings, trusted_proxies):
    """Every attempt reaches the portal from the proxy's address. Trusting one proxy, a person guessing from
    one address does not lock out a colleague signing in from another; trusting none, the header is
    ignored and the lock holds for everyone behind the proxy."""
    settings.TRUSTED_PROXY_COUNT = trusted_proxies
    user = UserFactory(email="lead@example.org")

    def sign_in(address, password="wrong"):
        return client.post("/accounts/login/", {"username": user.email, "password": password},
                           REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in("198.51.100.7").status_code == 200
    assert sign_in("198.51.100.7").status_code == 429
    colleague = sign_in("203.0.113.9", TEST_PASSWORD)
    if trusted_proxies:
        assert colleague.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    else:
        assert colleague.status_code == 429 and "_auth_user_id" not in client.session
    recorded = "198.51.100.7" if trusted_proxies else PROXY
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [recorded]


@pytest.mark.django_db
def test_the_token_exchange_throttle_cannot_be_dodged_by_writing_the_header(settings):
    """With no trusted proxy, Django REST framework's throttles also ignore X-Forwarded-For (by default they
    would count each value a client writes there as a new address)."""
    from django.core.cache import cache

    cache.clear()
    assert settings.TRUSTED_PROXY_COUNT == 0 and settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    UserFactory(email="lead@example.org")
    api = APIClient()
    answers = [
        api.post("/api/v1/auth/token/", {"email": f"nobody{n}@example.org", "password": "wrong"},
                 REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(21)
    ]
    assert answers == [400] * 20 + [429]
    response = api.post("/api/v1/auth/token/", {"email": "lead@example.org", "password": TEST_PASSWORD},
                        REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429 and not ApiToken.objects.exists()
