"""Two-step verification: setting up an authenticator app, entering a code after the password, recovery
codes, throttling, turning it off, a partnership requiring it, and API tokens."""
import re

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from partnerships import two_factor
from partnerships.api_tokens import issue
from partnerships.models import ApiToken, AuditEvent, RecoveryCode, RecoveryCodeDevice, Role
from partnerships.secret_links import token_hash
from partnerships.tests.factories import TEST_PASSWORD, MembershipFactory, PartnershipFactory, UserFactory, totp_code

pytestmark = pytest.mark.django_db


def fresh_code(device):
    """A code not used before: forget the last step used, as if the next 30 seconds had passed."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return totp_code(device)


def sign_in(client, user, next_url=""):
    data = {"username": user.email, "password": TEST_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def enable_for(user):
    """Set up an app and recovery codes for `user` through the pages; returns (device, recovery codes)."""
    client = Client()
    client.force_login(user)
    assert client.get("/accounts/two-step/set-up/").status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/two-step/set-up/", {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == "/accounts/two-step/recovery-codes/"
    page = client.get("/accounts/two-step/recovery-codes/").content.decode()
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page)
    device.refresh_from_db()
    return device, codes


@pytest.fixture
def manager():
    return MembershipFactory(role=Role.BUSINESS_MANAGER, user=UserFactory(email="bm@example.org")).user


def test_setting_up_shows_a_qr_code_and_key_and_refuses_a_wrong_code(client, manager):
    client.force_login(manager)
    page = client.get("/accounts/two-step/set-up/").content.decode()
    device = TOTPDevice.objects.get(user=manager)
    assert not device.confirmed
    assert '<svg role="img" aria-label="QR code to scan with your authenticator app"' in page
    assert two_factor.secret_for_display(device) in page
    # Visiting again shows the same key rather than starting another device.
    client.get("/accounts/two-step/set-up/")
    assert TOTPDevice.objects.filter(user=manager).count() == 1

    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/two-step/set-up/", {"code": wrong})
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert 'class="govuk-error-summary' in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed and device.throttling_failure_count == 1
    assert not AuditEvent.objects.filter(verb="two_factor.enabled").exists()


def test_setting_up_with_the_right_code_turns_it_on_and_shows_recovery_codes_once(client, manager):
    device, codes = enable_for(manager)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = set(RecoveryCode.objects.filter(device__user=manager).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not any(c.replace("-", "") in h for c in codes for h in stored)  # kept only as hashes
    assert stored == {RecoveryCodeDevice.hash_code(c) for c in codes}
    event = AuditEvent.objects.get(verb="two_factor.enabled")
    assert event.actor == manager and event.partnership == manager.memberships.get().partnership


def test_the_recovery_codes_page_shows_codes_only_once(client, manager):
    client.force_login(manager)
    client.get("/accounts/two-step/set-up/")
    device = TOTPDevice.objects.get(user=manager)
    client.post("/accounts/two-step/set-up/", {"code": totp_code(device)})
    assert client.get("/accounts/two-step/recovery-codes/").status_code == 200
    assert client.get("/accounts/two-step/recovery-codes/")["Location"] == "/accounts/two-step/"


def test_signing_in_asks_for_a_code_before_any_page(manager):
    device, _ = enable_for(manager)
    client = Client()
    slug = manager.memberships.get().partnership.slug
    response = sign_in(client, manager, next_url=f"/p/{slug}/")
    assert response.status_code == 302
    response = client.get(f"/p/{slug}/")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/two-step/verify/?next=%2Fp%2F{slug}%2F"
    # Every page, the API through the session, and a form post are held back.
    assert client.get(f"/p/{slug}/strategies/")["Location"].startswith("/accounts/two-step/verify/")
    assert client.get("/api/v1/partnerships/").status_code == 403
    assert client.get("/accounts/two-step/").status_code == 302

    response = client.post("/accounts/two-step/verify/", {"code": "000000" if totp_code(device) != "000000" else "111111",
                                                          "next": f"/p/{slug}/"})
    assert response.status_code == 200 and "The code is not right" in response.content.decode()
    assert AuditEvent.objects.filter(verb="two_factor.failed", kind=AuditEvent.Kind.DENIED, actor=manager).exists()

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    session_before = client.session.session_key
    response = client.post("/accounts/two-step/verify/", {"code": fresh_code(device), "next": f"/p/{slug}/"})
    assert response.status_code == 302 and response["Location"] == f"/p/{slug}/"
    assert client.session.session_key != session_before  # a new session key once verified
    assert client.get(f"/p/{slug}/").status_code == 200
    assert AuditEvent.objects.filter(verb="two_factor.verified", actor=manager).exists()


def test_a_code_cannot_be_used_twice(manager):
    device, _ = enable_for(manager)
    code = fresh_code(device)
    first, second = Client(), Client()
    sign_in(first, manager)
    sign_in(second, manager)
    assert first.post("/accounts/two-step/verify/", {"code": code}).status_code == 302
    response = second.post("/accounts/two-step/verify/", {"code": code})
    assert response.status_code == 200 and "The code is not right" in response.content.decode()


def test_wrong_codes_are_throttled_even_before_the_right_one(manager, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device, _ = enable_for(manager)
    client = Client()
    sign_in(client, manager)
    client.post("/accounts/two-step/verify/", {"code": "12345x"})  # not 6 digits: tried as a recovery code
    client.post("/accounts/two-step/verify/", {"code": f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"})
    response = client.post("/accounts/two-step/verify/", {"code": fresh_code(device)})
    assert response.status_code == 200
    assert re.search(r"Too many wrong codes\. Wait \d+ seconds", response.content.decode())
    assert client.get("/accounts/two-step/")["Location"].startswith("/accounts/two-step/verify/")


def test_a_recovery_code_signs_in_once(manager):
    _, codes = enable_for(manager)
    client = Client()
    sign_in(client, manager)
    response = client.post("/accounts/two-step/verify/", {"code": codes[0].upper().replace("-", " ")}, follow=True)
    assert response.status_code == 200
    assert "You have 9 left" in response.content.decode()
    assert RecoveryCode.objects.filter(device__user=manager, used_at__isnull=False).count() == 1
    other = Client()
    sign_in(other, manager)
    response = other.post("/accounts/two-step/verify/", {"code": codes[0]})
    assert response.status_code == 200 and "has been used" in response.content.decode()


def test_new_recovery_codes_replace_the_old(manager):
    device, old_codes = enable_for(manager)
    client = Client()
    sign_in(client, manager)
    client.post("/accounts/two-step/verify/", {"code": fresh_code(device)})
    response = client.post("/accounts/two-step/recovery-codes/")
    assert response["Location"] == "/accounts/two-step/recovery-codes/"
    new_codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", client.get(response["Location"]).content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert set(RecoveryCode.objects.filter(device__user=manager).values_list("code_hash", flat=True)) == {
        RecoveryCodeDevice.hash_code(c) for c in new_codes
    }


def test_turning_it_on_signs_the_person_out_elsewhere(manager):
    elsewhere = Client()
    sign_in(elsewhere, manager)
    enable_for(manager)
    response = elsewhere.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_turning_it_off_needs_a_current_code(manager):
    device, _ = enable_for(manager)
    client = Client()
    sign_in(client, manager)
    client.post("/accounts/two-step/verify/", {"code": fresh_code(device)})
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post("/accounts/two-step/turn-off/", {"code": ""})
    assert response.status_code == 200 and "Enter the code" in response.content.decode()
    response = client.post("/accounts/two-step/turn-off/", {"code": fresh_code(device)})
    assert response["Location"] == "/accounts/two-step/"
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert not RecoveryCodeDevice.objects.filter(user=manager).exists()
    assert AuditEvent.objects.filter(verb="two_factor.disabled", actor=manager).exists()
    # The next sign-in asks for no code.
    fresh = Client()
    sign_in(fresh, manager)
    assert fresh.get("/").status_code == 302 and not fresh.get("/")["Location"].startswith("/accounts/two-step/")


def test_a_manager_must_have_it_before_requiring_it(client, manager):
    slug = manager.memberships.get().partnership.slug
    client.force_login(manager)
    response = client.post(f"/p/{slug}/security/", {"require_two_factor": "on"})
    assert response.status_code == 200
    assert "Turn on two-step verification for yourself before requiring it of others" in response.content.decode()
    assert not manager.memberships.get().partnership.require_two_factor


def test_requiring_it_signs_out_those_without_it_and_they_must_set_it_up(manager):
    partnership = manager.memberships.get().partnership
    scrutineer = MembershipFactory(partnership=partnership, role=Role.SCRUTINEER).user
    member = MembershipFactory(partnership=partnership, role=Role.STEERING_MEMBER).user
    issue(scrutineer)
    scrutineer_client, member_client = Client(), Client()
    sign_in(scrutineer_client, scrutineer)
    sign_in(member_client, member)
    device, _ = enable_for(manager)
    manager_client = Client()
    sign_in(manager_client, manager)
    manager_client.post("/accounts/two-step/verify/", {"code": fresh_code(device)})
    page = manager_client.get(f"/p/{partnership.slug}/security/").content.decode()
    assert "Not set up" in page and scrutineer.email in page or scrutineer.full_name in page

    response = manager_client.post(f"/p/{partnership.slug}/security/", {"require_two_factor": "on"}, follow=True)
    assert "1 people without it were signed out" in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.require_two_factor
    assert AuditEvent.objects.filter(verb="partnership.two_factor_required", partnership=partnership, actor=manager).exists()
    # The scrutineer is signed out and their token revoked; the steering member is not affected.
    assert scrutineer_client.get("/")["Location"].startswith("/accounts/login/")
    assert not ApiToken.objects.filter(user=scrutineer).exists()
    assert member_client.get(f"/p/{partnership.slug}/").status_code == 200

    sign_in(scrutineer_client, scrutineer)
    response = scrutineer_client.get(f"/p/{partnership.slug}/")
    assert response["Location"].startswith("/accounts/two-step/set-up/")
    page = scrutineer_client.get(response["Location"]).content.decode()
    assert f"{partnership.name} requires two-step verification of your role" in page
    new_device = TOTPDevice.objects.get(user=scrutineer, confirmed=False)
    response = scrutineer_client.post("/accounts/two-step/set-up/", {"code": totp_code(new_device), "next": f"/p/{partnership.slug}/"})
    assert response["Location"] == "/accounts/two-step/recovery-codes/"
    codes_page = scrutineer_client.get(response["Location"]).content.decode()
    assert f'href="/p/{partnership.slug}/"' in codes_page
    assert scrutineer_client.get(f"/p/{partnership.slug}/").status_code == 200
    # Where it is required, it cannot be turned off.
    response = scrutineer_client.post("/accounts/two-step/turn-off/", {"code": fresh_code(new_device)})
    assert response.status_code == 200 and "cannot be turned off" in response.content.decode()
    assert TOTPDevice.objects.filter(user=scrutineer, confirmed=True).exists()


def test_only_the_partnerships_business_manager_sets_the_requirement(manager):
    partnership = manager.memberships.get().partnership
    for role in (Role.SCRUTINEER, Role.VIEWER):
        client = Client()
        client.force_login(MembershipFactory(partnership=partnership, role=role).user)
        assert client.post(f"/p/{partnership.slug}/security/", {"require_two_factor": "on"}).status_code == 403
    other = Client()
    other.force_login(MembershipFactory(role=Role.BUSINESS_MANAGER).user)
    assert other.get(f"/p/{partnership.slug}/security/").status_code == 404
    partnership.refresh_from_db()
    assert not partnership.require_two_factor


def test_an_api_token_needs_the_code_too(manager):
    device, _ = enable_for(manager)
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"email": manager.email, "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 400 and "code" in response.json()
    response = api.post("/api/v1/auth/token/", {"email": manager.email, "password": TEST_PASSWORD, "code": "abc"},
                        format="json")
    assert response.status_code == 400 and "code" in response.json()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = api.post("/api/v1/auth/token/", {"email": manager.email, "password": TEST_PASSWORD,
                                                "code": fresh_code(device)}, format="json")
    assert response.status_code == 200 and ApiToken.objects.get(user=manager).key_hash == token_hash(response.json()["token"])


def test_no_api_token_where_required_and_not_set_up():
    partnership = PartnershipFactory(require_two_factor=True)
    scrutineer = MembershipFactory(partnership=partnership, role=Role.SCRUTINEER).user
    response = APIClient().post("/api/v1/auth/token/", {"email": scrutineer.email, "password": TEST_PASSWORD},
                                format="json")
    assert response.status_code == 400 and "set it up in the portal" in response.json()["code"][0]
    assert not ApiToken.objects.filter(user=scrutineer).exists()


def test_the_requirement_is_for_managers_and_scrutineers_only():
    partnership = PartnershipFactory(require_two_factor=True)
    member = MembershipFactory(partnership=partnership, role=Role.STEERING_MEMBER).user
    viewer = MembershipFactory(partnership=partnership, role=Role.VIEWER).user
    for user in (member, viewer):
        client = Client()
        sign_in(client, user)
        assert client.get(f"/p/{partnership.slug}/").status_code == 200


def test_a_session_from_before_is_checked_once(manager):
    device, _ = enable_for(manager)
    client = Client()
    sign_in(client, manager)
    session = client.session
    del session[two_factor.SESSION_KEY]
    session.save()
    assert client.get("/")["Location"].startswith("/accounts/two-step/verify/")


def test_the_next_address_must_be_on_this_site(manager):
    device, _ = enable_for(manager)
    client = Client()
    sign_in(client, manager)
    response = client.post("/accounts/two-step/verify/", {"code": fresh_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_reset_removes_the_app_and_signs_out_everywhere(manager):
    enable_for(manager)
    client = Client()
    sign_in(client, manager)
    call_command("reset_two_factor", manager.email)
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert not RecoveryCode.objects.filter(device__user=manager).exists()
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(manager.pk)]
    assert AuditEvent.objects.filter(verb="two_factor.reset").exists()


def test_signing_in_without_two_step_verification_costs_no_extra_query_per_page(client, manager,
                                                                                django_assert_max_num_queries):
    slug = manager.memberships.get().partnership.slug
    sign_in(client, manager)
    client.get(f"/p/{slug}/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(f"/p/{slug}/")
    assert not [q for q in queries.captured_queries if "otp_" in q["sql"] or "recoverycode" in q["sql"]]


def test_clearing_the_box_makes_it_optional_again(manager):
    partnership = manager.memberships.get().partnership
    device, _ = enable_for(manager)
    client = Client()
    sign_in(client, manager)
    client.post("/accounts/two-step/verify/", {"code": fresh_code(device)})
    client.post(f"/p/{partnership.slug}/security/", {"require_two_factor": "on"})
    partnership.refresh_from_db()
    assert partnership.require_two_factor
    response = client.post(f"/p/{partnership.slug}/security/", {}, follow=True)
    assert "Two-step verification is now optional" in response.content.decode()
    partnership.refresh_from_db()
    assert not partnership.require_two_factor
    assert AuditEvent.objects.filter(verb="partnership.two_factor_optional", partnership=partnership).exists()
