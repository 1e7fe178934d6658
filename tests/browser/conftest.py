"""Real-browser tests: Debian's Chromium driven by Playwright against Django's live server.

Every page a journey reaches is checked with axe-core (WCAG 2.2 A and AA rules), for one h1
and a meaningful title, and for reflow at 320 CSS px (WCAG 1.4.10: no horizontal scrolling of the page), so a new journey gets the accessibility checks for free: use the
``portal`` fixture and call ``portal.goto(...)`` or ``portal.submit(...)``.

Chromium comes from the system (``apt-get install chromium``); nothing is downloaded. Without it
these tests are skipped, except when REQUIRE_BROWSER_TESTS=1 (CI), where its absence fails them.
"""
import os
import re
from pathlib import Path

import pytest

from partnerships.tests.factories import TEST_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
REFLOW_WIDTH = 320
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def waived_rules():
    """Rule ids listed in AXE_WAIVERS.md as `- rule-id: reason`."""
    text = (Path(__file__).parent / "AXE_WAIVERS.md").read_text()
    return {m.group(1) for m in re.finditer(r"^- `([a-z0-9-]+)`:", text, re.MULTILINE)}


# Playwright's synchronous API keeps an event loop in this thread; Django's guard against ORM
# calls from async code would then refuse the test's own database set-up. The live server runs
# in its own thread and is unaffected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail(f"{reason}, and REQUIRE_BROWSER_TESTS=1 says browser tests must run.", pytrace=False)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as a script, which the portal's Content-Security-Policy would refuse.
    return {**browser_context_args, "bypass_csp": True, "viewport": {"width": 1280, "height": 900},
            "accept_downloads": True}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class Portal:
    """One person's browser tab on the live portal. Every page it lands on is audited."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.audited = []
        self.seen = []
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.seen.append(frame.url))

    def url(self, path):
        return self.base_url + path

    def goto(self, path, expect_status=200):
        response = self.page.goto(self.url(path))
        assert response.status == expect_status, f"GET {path}: {response.status}, expected {expect_status}"
        self.audit()
        return response

    def submit(self, button_name="Save", *, exact=False):
        """Press a form's submit button, wait for the next page and audit it."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button_name, exact=exact).click()
        self.audit()

    def follow(self, link_name, *, exact=False):
        with self.page.expect_navigation():
            self.page.get_by_role("link", name=link_name, exact=exact).first.click()
        self.audit()

    def sign_in(self, user, password=TEST_PASSWORD):
        self.goto("/accounts/login/")
        self.page.get_by_label("Email address").fill(user.email)
        self.page.get_by_label("Password").fill(password)
        self.submit("Sign in", exact=True)

    def check_reflow(self, width=REFLOW_WIDTH):
        """WCAG 1.4.10: at a `width` CSS px viewport the page itself never scrolls sideways. Only a data
        table may be wider, inside its own scrolling region. The viewport is put back afterwards."""
        page = self.page
        size = page.viewport_size
        page.set_viewport_size({"width": width, "height": size["height"]})
        try:
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                widest = page.evaluate(
                    """w => [...document.querySelectorAll('body *')]
                      .filter(e => e.getBoundingClientRect().right > w && !e.closest('.portal-table-region'))
                      .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                        + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '')
                        + ' (' + Math.round(e.getBoundingClientRect().right) + ' px)')""",
                    width,
                )
                raise AssertionError(
                    f"{page.url}: the page is {scroll_width} px wide at a {width} px viewport (WCAG 1.4.10 reflow); "
                    f"too wide: {widest}"
                )
        finally:
            page.set_viewport_size(size)

    def audit(self):
        """axe-core at WCAG 2.2 A/AA, one h1, a page-specific title and reflow at 320 px on the current page."""
        page = self.page
        page.wait_for_load_state("load")
        self.check_reflow()
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE_SCRIPT))
        # Some axe rules move focus while they probe; put it back so keyboard tests see the page as left.
        result = page.evaluate(
            """async tags => {
              const focused = document.activeElement;
              const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
              if (focused && document.activeElement !== focused) focused.focus({preventScroll: true});
              return result;
            }""",
            AXE_TAGS,
        )
        waived = waived_rules()
        violations = [v for v in result["violations"] if v["id"] not in waived]
        assert not violations, f"{page.url}: accessibility violations:\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(" ".join(n["target"]) if isinstance(n["target"][0], str) else str(n["target"])
                        for n in v["nodes"][:5])
            for v in violations
        )
        assert page.locator("h1").count() == 1, f"{page.url}: expected exactly one h1"
        title = page.title()
        assert " – " in title and title.split(" – ")[0].strip(), f"{page.url}: title {title!r} names no page"
        self.audited.append(page.url)

    def unaudited(self):
        audited = {u.split("#")[0] for u in self.audited}
        return [u for u in self.seen if u.split("#")[0] not in audited and not u.startswith("about:")]


@pytest.fixture
def portal(request, django_db_serialized_rollback, transactional_db, live_server, page):
    """A browser tab on the live server; fails the test if any page it reached went unaudited,
    and saves a screenshot and the HTML of the last page under test-artifacts/ when a test fails.

    The live server needs committed data, so these tests run in transactional mode; the reference
    data loaded by migrations is restored for each of them and for the tests that follow."""
    tab = Portal(page, live_server.url)
    yield tab
    failed = any(getattr(getattr(request.node, f"report_{when}", None), "failed", False) for when in ("setup", "call"))
    if failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
        (ARTIFACTS / f"{stem}.html").write_text(page.content())
    else:
        assert not tab.unaudited(), f"pages reached without an accessibility check: {tab.unaudited()}"
