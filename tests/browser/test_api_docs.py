"""The API docs page works under the portal's own Content-Security-Policy: Swagger UI is served from our
static files and starts from a script file, so the browser lists the operations with the policy enforced."""
import pytest

from partnerships.models import Role
from partnerships.tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_lists_the_operations_with_the_policy_enforced(browser, live_server):
    # A context of our own: the shared one bypasses the policy to inject the accessibility checker.
    context = browser.new_context(bypass_csp=False)
    page = context.new_page()
    refused = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    user = MembershipFactory(role=Role.BUSINESS_MANAGER).user
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state("load")
    response = page.goto(f"{live_server.url}/api/docs/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock-summary-path", timeout=30000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/strategies/{id}/progress/" in p for p in paths)
    assert any("/api/v1/feeds/{feed}.{fmt}" in p for p in paths)
    assert refused == []
    context.close()
