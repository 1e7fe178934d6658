"""Comments on an action: a thread on its page, mentions that notify, written only by people who see it."""
import pytest
from django.core import mail
from django.urls import reverse

from actionplan.models import ActionComment
from partnerships.models import AuditEvent, Notification, NotificationKind

pytestmark = pytest.mark.django_db


def _post(client, side, **data):
    return client.post(reverse("action_comment_add", kwargs={"slug": side.slug, "pk": side.action.pk}), data)


def test_a_comment_joins_the_thread_and_tells_the_members_it_mentions(world, client,
                                                                      django_capture_on_commit_callbacks):
    side = world.own
    lead, other = side.users["member_lead"], side.users["member_other"]
    lead.full_name, other.full_name = "Sam Okafor", "Priya Shah"
    lead.save(update_fields=["full_name"])
    other.save(update_fields=["full_name"])
    client.force_login(side.users["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, side, text="@Sam Okafor can you add the training dates?", mention=[other.pk])
    comment = ActionComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/p/{side.slug}/actions/{side.action.pk}/#comment-{comment.pk}"
    assert set(comment.mentioned.all()) == {lead, other}
    told = Notification.objects.filter(kind=NotificationKind.MENTIONED)
    assert {n.user for n in told} == {lead, other}
    assert {n.url for n in told} == {f"/p/{side.slug}/actions/{side.action.pk}/#comment-{comment.pk}"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.email, other.email])
    assert AuditEvent.objects.filter(verb="action.comment_added", object_id=str(comment.pk)).exists()

    page = client.get(reverse("action_detail", kwargs={"slug": side.slug, "pk": side.action.pk})).content.decode()
    assert "can you add the training dates?" in page and "Told: Sam Okafor, Priya Shah" in page


def test_someone_who_cannot_see_the_action_is_neither_listed_nor_told(world, client):
    """The strategy is a draft: viewers cannot see its actions, so a mention of one is ignored."""
    side = world.own
    viewer = side.users["viewer"]
    viewer.full_name = "Val Viewer"
    viewer.save(update_fields=["full_name"])
    client.force_login(side.users["manager"])
    page = client.get(reverse("action_detail", kwargs={"slug": side.slug, "pk": side.action.pk})).content.decode()
    assert "Val Viewer" not in page
    _post(client, side, text="@Val Viewer look", mention=[viewer.pk, world.other.users["manager"].pk])
    assert not Notification.objects.exists()
    assert not ActionComment.objects.exists()  # a choice not offered is refused beside the field


def test_the_text_is_sanitised_markdown(world, client):
    side = world.own
    client.force_login(side.users["member_other"])
    _post(client, side, text="**Done** <script>alert(1)</script> [link](javascript:alert(2))")
    page = client.get(reverse("action_detail", kwargs={"slug": side.slug, "pk": side.action.pk})).content.decode()
    assert "<strong>Done</strong>" in page
    # Raw HTML shows as text, and a javascript: link is not made a link.
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page


def test_an_empty_comment_is_shown_with_its_error(world, client):
    side = world.own
    client.force_login(side.users["scrutineer"])
    response = _post(client, side, text="   ")
    assert response.status_code == 200
    assert "Enter comment" in response.content.decode()
    assert not ActionComment.objects.exists()


def test_a_superseded_strategys_thread_is_read_only(world, client):
    side = world.own
    side.strategy.status = "superseded"
    side.strategy.save(update_fields=["status"])
    client.force_login(side.users["manager"])
    assert _post(client, side, text="Too late").status_code == 403
    page = client.get(reverse("action_detail", kwargs={"slug": side.slug, "pk": side.action.pk})).content.decode()
    assert "Add comment" not in page


def _grow_thread(side, n):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from actionplan.services import action_comment_add, action_update_progress

    for i in range(n):
        action_comment_add(action=side.action, actor=side.users["manager"], text=f"Comment {i}",
                           mention_ids=[side.users["member_lead"].pk, side.users["scrutineer"].pk])
        side.action.refresh_from_db()
        action_update_progress(action=side.action, actor=side.users["member_lead"], status="on_track", progress=i,
                               files=[SimpleUploadedFile(f"e{i}.pdf", b"%PDF-1.4\n%%EOF\n")])


def test_the_action_page_makes_as_many_queries_for_a_long_thread_as_a_short_one(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    side = world.own
    url = reverse("action_detail", kwargs={"slug": side.slug, "pk": side.action.pk})
    client.force_login(side.users["member_other"])
    _grow_thread(side, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    _grow_thread(side, 8)
    with CaptureQueriesContext(connection) as long:
        response = client.get(url)
    assert response.content.decode().count('class="govuk-inset-text portal-comment"') == 9
    assert len(long) == len(short)
