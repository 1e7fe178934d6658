"""The preview beside each Markdown box: live (a POST endpoint) and without JavaScript (a Preview button)."""
import pytest
from django.urls import reverse

from partnerships.markdown import MAX_CHARS, MAX_DEPTH
from strategy.models import Priority

pytestmark = pytest.mark.django_db


def url(side, name, **kwargs):
    return reverse(name, kwargs={"slug": side.slug, "pk": side.strategy.pk, **kwargs})


@pytest.fixture
def own(world):
    return world.own


@pytest.fixture
def manager(client, own):
    client.force_login(own.users["manager"])
    return client


def test_it_renders_the_text_as_the_document_does(manager, own):
    """Headings shift down, tables render and raw HTML stays text, exactly as in the document."""
    response = manager.post(url(own, "markdown_preview"), {
        "field": "body", "text": "# Why\n\n| Year | Children |\n|---|---|\n| 2025 | 318 |\n\n<script>x</script>"})
    assert response.status_code == 200
    answer = response.json()
    assert answer["problem"] is None
    assert "<h3>Why</h3>" in answer["html"] and "<td>318</td>" in answer["html"]
    assert "<script>" not in answer["html"] and "&lt;script&gt;" in answer["html"]


def test_it_gives_the_same_message_as_saving_when_over_the_limits(manager, own):
    too_long = manager.post(url(own, "markdown_preview"), {"text": "a" * (MAX_CHARS + 1)}).json()
    assert too_long["problem"].startswith(f"This text is {MAX_CHARS + 1:,} characters long.")
    too_deep = "\n".join("  " * level + "- item" for level in range(MAX_DEPTH + 2))
    answer = manager.post(url(own, "markdown_preview"), {"text": too_deep}).json()
    assert "nested more than" in answer["problem"]
    # The same words refuse the text when it is saved.
    saved = manager.post(url(own, "section_edit", section_pk=own.section.pk),
                         {"title": "Introduction", "body": too_deep, "revision": 1})
    assert answer["problem"] in saved.content.decode()


@pytest.mark.parametrize("role, status", [("member_lead", 403), ("scrutineer", 403), ("viewer", 404)])
def test_only_people_who_may_edit_the_strategy_preview(client, own, role, status):
    client.force_login(own.users[role])
    assert client.post(url(own, "markdown_preview"), {"text": "Hello"}).status_code == status


def test_another_partnerships_strategy_is_not_found(manager, world):
    assert manager.post(url(world.other, "markdown_preview"), {"text": "Hello"}).status_code == 404


def test_it_needs_the_csrf_token(own):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(own.users["manager"])
    assert client.post(url(own, "markdown_preview"), {"text": "Hello"}).status_code == 403


def test_it_refuses_a_flood_of_previews(manager, own, monkeypatch):
    from strategy import views

    monkeypatch.setattr(views, "PREVIEWS_PER_MINUTE", 3)
    statuses = [manager.post(url(own, "markdown_preview"), {"text": "Hello"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_editor_page_has_a_labelled_preview_with_a_polite_status(manager, own):
    own.section.body = "Some **bold** text."
    own.section.save()
    page = manager.get(url(own, "section_edit", section_pk=own.section.pk)).content.decode()
    assert 'data-markdown-preview' in page and 'data-for="id_body"' in page
    assert 'role="region" aria-labelledby="preview-heading-body"' in page
    assert 'id="preview-heading-body">Preview: Text</h2>' in page
    assert 'aria-live="polite"' in page
    assert "<strong>bold</strong>" in page
    assert 'name="preview"' in page


def test_the_preview_button_shows_the_text_and_saves_nothing(manager, own):
    response = manager.post(url(own, "section_edit", section_pk=own.section.pk), {
        "title": "Introduction", "body": "- first\n- second", "revision": 1, "preview": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<li>first</li>" in page and "Your text is not saved yet" in page
    # The text stays in the box.
    assert "- first\n- second</textarea>" in page
    own.section.refresh_from_db()
    assert own.section.body == "" and own.section.revision == 1


def test_the_preview_button_on_a_priority_saves_nothing(manager, own):
    before = Priority.objects.count()
    response = manager.post(url(own, "priority_create"), {
        "title": "Notice and name", "what_this_means": "We **know**.", "preview": "1"})
    assert response.status_code == 200
    assert "<strong>know</strong>" in response.content.decode()
    assert Priority.objects.count() == before


def test_an_aim_previews_both_its_boxes(manager, own):
    page = manager.get(url(own, "aim_edit", aim_pk=own.aim.pk)).content.decode()
    assert 'data-for="id_what_this_means"' in page and 'data-for="id_what_we_want_to_see"' in page


def test_a_form_with_no_markdown_box_has_no_preview(manager, own):
    page = manager.get(url(own, "measure_edit", measure_pk=own.measure.pk)).content.decode()
    assert "data-markdown-preview" not in page and 'name="preview"' not in page
