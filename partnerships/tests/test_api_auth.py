"""API credentials: the token, its person and their memberships in one query, or none from a shared cache
that forgets them as soon as the token, the person or a membership changes."""
import pytest
from django.core.cache import caches

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(settings, tmp_path):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                                   "LOCATION": str(tmp_path)}}
    caches["default"].clear()
    yield
    caches["default"].clear()


def _strategies(api):
    return api.get("/api/v1/strategies/")


def test_it_reads_the_token_and_memberships_in_one_query(world, api_client_for, django_assert_num_queries):
    api = api_client_for(world.own.users["manager"])
    _strategies(api)
    with django_assert_num_queries(3):  # credentials with memberships; the strategies (count, page)
        assert _strategies(api).status_code == 200


def test_a_shared_cache_answers_for_the_credentials_and_forgets_them_on_every_change(
        shared_cache, world, api_client_for, django_assert_num_queries):
    side = world.own
    manager = side.users["manager"]
    api = api_client_for(manager)
    assert _strategies(api).json()["count"] == 1
    with django_assert_num_queries(2):  # the strategies only (count, page)
        assert _strategies(api).status_code == 200
    membership = manager.memberships.get(partnership=side.partnership)
    membership.is_active = False
    membership.save()
    assert _strategies(api).json()["count"] == 0
    membership.is_active = True
    membership.save()
    assert _strategies(api).json()["count"] == 1
    manager.is_active = False
    manager.save()
    assert _strategies(api).status_code == 401


def test_a_person_with_a_token_and_no_membership_sees_nothing(world, api_client_for):
    from partnerships.tests.factories import UserFactory

    body = api_client_for(UserFactory()).get("/api/v1/strategies/").json()
    assert body["count"] == 0
