"""Two-step verification in a real browser: a business manager sets up an authenticator app (QR code
and typed key), saves recovery codes, requires it of the partnership, and signs in again with a code."""
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerships.tests.factories import totp_code as code_for


def test_a_manager_sets_up_two_step_verification_and_signs_in_with_a_code(portal, world):
    own, page = world.own, portal.page
    manager = own.users["manager"]
    portal.sign_in(manager)
    portal.follow("Two-step verification", exact=True)
    assert page.get_by_text("Off", exact=True).is_visible()
    portal.follow("Set up two-step verification")

    qr = page.get_by_role("img", name="QR code to scan with your authenticator app")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 150
    page.get_by_text("I cannot scan the QR code").click()
    typed_key = page.locator("#secret-key").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert len(typed_key) == 32 and typed_key == __import__("base64").b32encode(device.bin_key).decode()

    # A wrong code: the error beside the field and in the focused summary.
    page.get_by_label("Code", exact=True).fill("000000" if code_for(device) != "000000" else "111111")
    portal.submit("Turn on two-step verification")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)

    page.get_by_label("Code", exact=True).fill(code_for(device))
    portal.submit("Turn on two-step verification")
    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    assert page.locator(".portal-recovery-codes li").count() == 10
    portal.follow("I have saved my recovery codes")

    portal.goto(f"/p/{own.slug}/")
    portal.follow("Sign-in security: two-step verification")
    page.get_by_label("Require two-step verification of business managers and independent scrutineers").check()
    portal.submit("Save", exact=True)
    assert page.get_by_text("Two-step verification is now required.").is_visible()
    own.partnership.refresh_from_db()
    assert own.partnership.require_two_factor

    portal.submit("Sign out", exact=True)
    portal.sign_in(manager)
    assert "/accounts/two-step/verify/" in page.url
    page.get_by_label("Code", exact=True).fill(code_for(device, steps_ahead=1))
    portal.submit("Continue", exact=True)
    assert page.url == portal.url(f"/p/{own.slug}/")
    portal.goto(f"/p/{own.slug}/security/")
    assert page.get_by_role("heading", name="Sign-in security").is_visible()
