"""Keyboard-only use of a main form, and the portal's scripts under its own Content-Security-Policy."""
import pytest

from partnerships.tests.factories import TEST_PASSWORD

# GOV.UK Frontend shows focus as a yellow (#ffdd00) outline, box shadow or background.
# A GOV.UK checkbox or radio draws its focus ring on the label's ::before box instead.
FOCUS_IS_VISIBLE = """() => {
  const el = document.activeElement;
  const choice = el.matches('.govuk-checkboxes__input, .govuk-radios__input') && el.labels && el.labels[0];
  const s = choice ? getComputedStyle(el.labels[0], '::before') : getComputedStyle(el);
  const yellow = v => v.includes('255, 221, 0');
  if (choice) return el.matches(':focus-visible') && (yellow(s.boxShadow) || yellow(s.outlineColor) || yellow(s.borderColor));
  return el.matches(':focus-visible') && (
    (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && yellow(s.outlineColor))
    || yellow(s.backgroundColor) || yellow(s.boxShadow) || (s.boxShadow !== 'none' && yellow(s.outlineColor)));
}"""


def focused(page):
    return page.evaluate(
        "() => { const el = document.activeElement; return {tag: el.tagName, id: el.id, cls: el.className,"
        " text: (el.innerText || el.value || '').trim().slice(0, 60)}; }"
    )


def test_a_main_form_works_with_the_keyboard_alone(portal, world):
    own, page = world.own, portal.page
    portal.sign_in(own.users["manager"])
    portal.goto(f"/p/{own.slug}/strategies/{own.strategy.pk}/aims/new/")

    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    assert page.evaluate(FOCUS_IS_VISIBLE)
    assert page.get_by_role("link", name="Skip to main content").is_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main-content")
    assert focused(page)["id"] == "main-content"

    # Tab through the form to its submit button, checking every stop shows its focus.
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        assert page.evaluate(FOCUS_IS_VISIBLE), f"focus not visible on {stops[-1]}"
        if stops[-1]["text"] == "Add aim":
            break
    assert [s["id"] for s in stops[:4]] == ["id_title", "id_sub_aims", "id_what_this_means", "id_what_we_want_to_see"]
    assert stops[-1]["text"] == "Add aim"

    with page.expect_navigation():
        page.keyboard.press("Enter")  # submit with every field empty
    portal.audit()
    assert page.title().startswith("Error: ")
    assert "govuk-error-summary" in focused(page)["cls"], "the error summary takes focus after a failed submit"
    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "A" and page.evaluate("document.activeElement.closest('.govuk-error-summary') !== null")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_title", "the summary's link moves focus to the field"
    page.keyboard.type("Keyboard users can add an aim")
    with page.expect_navigation():
        page.locator("#id_title").press("Enter")
    portal.audit()
    assert own.strategy.aims.filter(title="Keyboard users can add an aim").exists()


@pytest.fixture
def strict_page(browser, live_server, django_db_serialized_rollback, transactional_db):
    """A tab that enforces the portal's Content-Security-Policy (no bypass, no axe)."""
    context = browser.new_context(bypass_csp=False)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    yield page
    context.close()


def test_scripts_load_as_modules_under_the_content_security_policy(strict_page, live_server, world):
    """portal.js and GOV.UK Frontend run with the real CSP: after a failed sign-in the summary has focus."""
    page = strict_page
    response = page.goto(live_server.url + "/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')")
    page.get_by_label("Email address").fill(world.own.users["manager"].email)
    page.get_by_label("Password").fill(TEST_PASSWORD + "-wrong")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    assert page.problems == []
