"""The portal's main journeys in a real browser, each page checked by axe-core (see conftest.py)."""
import re

from pypdf import PdfReader

from actionplan.models import Action, ActionStatus
from actionplan.tests.factories import ActionFactory
from strategy.models import IntendedOutcome, StrategicAim

# Controls that change the strategy or the plan. Commenting on an action is open to whoever can read it,
# scrutineers included, so its form is not one of them.
EDIT_CONTROLS = (
    "main form[method=post]:not([action$='/comments/']), main a[href*='/edit/'], main a[href*='/new/'], "
    "main a[href*='/update/']"
)


def test_business_manager_drafts_the_strategy_and_exports_it(portal, world):
    """Edit a section with its prompts beside it, add an aim, an outcome and an action, export the PDF."""
    own, page = world.own, portal.page
    portal.sign_in(own.users["manager"])
    portal.follow("Strategies", exact=True)
    portal.follow(own.strategy.title)
    assert page.url.endswith(f"/strategies/{own.strategy.pk}/")
    assert page.locator(EDIT_CONTROLS).count() > 0, "a manager sees the controls a scrutineer must not"

    section = own.strategy.sections.order_by("position").first()
    portal.follow(section.title, exact=True)
    prompts = page.locator("aside.portal-prompts")
    assert prompts.get_by_role("heading", name="What to cover").is_visible()
    assert prompts.locator("li").count() == len(section.template.prompts) > 0
    form_box, prompts_box = page.locator("main form").bounding_box(), prompts.bounding_box()
    assert prompts_box["x"] >= form_box["x"] + form_box["width"], "the prompts sit beside the text, not below it"
    page.get_by_label("Text", exact=True).fill("Our partnership will prevent child sexual abuse and respond well when children tell.")
    portal.submit("Save section")
    assert page.get_by_text(f"“{section.title}” saved.").is_visible()
    section.refresh_from_db()
    assert section.body == "Our partnership will prevent child sexual abuse and respond well when children tell."

    portal.goto(f"/p/{own.slug}/strategies/{own.strategy.pk}/")
    portal.follow("Add a strategic aim")
    page.get_by_label("Aim", exact=True).fill("Children and young people are protected from child sexual abuse")
    portal.submit("Add aim")
    aim = StrategicAim.objects.get(strategy=own.strategy, title="Children and young people are protected from child sexual abuse")

    portal.follow(f"Add an intended outcome to aim {aim.number}")
    page.get_by_label("Intended outcome").fill("Professionals recognise the signs of child sexual abuse")
    portal.submit("Add outcome")
    outcome = IntendedOutcome.objects.get(aim=aim)
    assert outcome.text == "Professionals recognise the signs of child sexual abuse"

    portal.follow("Action plan", exact=True)
    portal.follow("Add an action")
    page.get_by_label("Intended outcome it serves").select_option(label=f"{aim.number}.{outcome.number} {outcome.text}")
    page.get_by_label("Action", exact=True).fill("Train designated safeguarding leads in every school")
    page.get_by_label("Lead agency").select_option(label=own.other_agency.name)
    portal.submit("Add action")
    action = Action.objects.get(outcome=outcome)
    assert (action.text, action.lead_agency) == ("Train designated safeguarding leads in every school", own.other_agency)
    assert page.url.endswith(f"/actions/{action.pk}/")

    portal.goto(f"/p/{own.slug}/strategies/{own.strategy.pk}/")
    portal.submit("Export as PDF")
    assert page.get_by_text("Done", exact=True).is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    text = "".join(p.extract_text() for p in PdfReader(download.path()).pages)
    assert "Train designated safeguarding leads in every school" in text
    assert "Children and young people are protected from child sexual abuse" in text


def test_steering_member_updates_their_agencys_action_only(portal, world):
    own, page = world.own, portal.page
    theirs = ActionFactory(outcome=own.outcome, lead_agency=own.other_agency, reference="1.2")
    portal.sign_in(own.users["member_lead"])
    portal.follow("My agency's actions")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1 and own.action.reference in rows.first.inner_text()

    # The quick update form sits in the row of each open action.
    page.get_by_label(f"Status of action {own.action.reference}").select_option(label="On track")
    page.get_by_label("Progress (per cent)").fill("40")
    page.get_by_label("What has happened").fill("Two of five sessions delivered.")
    portal.submit(f"Save update to action {own.action.reference}")
    assert page.url.endswith(f"/p/{own.slug}/my-actions/")
    assert page.get_by_text(f"Update to action {own.action.reference} saved.").is_visible()
    own.action.refresh_from_db()
    assert (own.action.status, own.action.progress) == (ActionStatus.ON_TRACK, 40)
    assert own.action.updates.get().narrative == "Two of five sessions delivered."

    portal.goto(f"/p/{own.slug}/actions/{theirs.pk}/update/", expect_status=403)
    assert page.get_by_role("heading", level=1).inner_text() == "You do not have permission to do that"
    theirs.refresh_from_db()
    assert theirs.updates.count() == 0


def test_scrutineer_downloads_an_export_and_sees_no_edit_controls(portal, world):
    own, page = world.own, portal.page
    portal.sign_in(own.users["scrutineer"])
    portal.goto(f"/p/{own.slug}/strategies/{own.strategy.pk}/")
    assert page.locator(EDIT_CONTROLS).count() == 0
    portal.follow("Exports", exact=True)
    assert page.locator(EDIT_CONTROLS).count() == 0
    portal.follow(re.compile(r"\d{4}"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read() == b"%PDF-1.7 test document"

    portal.goto(f"/p/{own.slug}/strategies/{own.strategy.pk}/actions/")
    assert page.locator(EDIT_CONTROLS).count() == 0
    portal.follow(own.action.reference, exact=True)
    assert page.get_by_role("heading", level=1).inner_text() == f"Action {own.action.reference}"
    assert page.locator(EDIT_CONTROLS).count() == 0
