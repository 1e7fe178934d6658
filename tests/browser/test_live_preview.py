"""The live preview beside a section's text: typed Markdown is shown as the document will print it, with a
polite status, and nothing is saved until the person presses Save."""
from strategy.models import Section


def test_typing_updates_the_preview_and_saves_nothing(portal, world):
    own, page = world.own, portal.page
    portal.sign_in(own.users["manager"])
    section = own.section
    portal.goto(f"/p/{own.slug}/strategies/{own.strategy.pk}/sections/{section.pk}/edit/")

    preview = page.get_by_role("region", name="Preview: Text")
    assert preview.is_visible()
    # The preview follows its box.
    assert page.evaluate("document.querySelector('#id_body').closest('.govuk-form-group').nextElementSibling"
                         ".matches('[data-markdown-preview]')")
    page.locator("#id_body").fill("# Why it matters\n\n- children **tell** us\n- adults notice")
    page.locator("[data-preview-status]").filter(has_text="Preview updated.").wait_for()
    assert preview.locator("h3").inner_text() == "Why it matters"
    assert preview.locator("li strong").inner_text() == "tell"
    assert page.locator("[data-preview-status]").get_attribute("aria-live") == "polite"
    portal.audit()

    # Over the limits: the message saving would give, in the status.
    page.locator("#id_body").fill("\n".join("  " * level + "- deeper" for level in range(13)))
    page.locator("[data-preview-status]").filter(has_text="nested more than").wait_for()

    section.refresh_from_db()
    assert section.body == "" and section.revision == 1
    assert Section.objects.get(pk=section.pk).body == ""
