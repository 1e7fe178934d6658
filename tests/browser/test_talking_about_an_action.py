"""Talking about an action in a real browser, each page checked by axe-core (see conftest.py): a comment that
mentions two members, the mentioned member's notifications, and an evidence file attached and downloaded.

Each journey counts the clicks (and key presses that submit) of the person it follows and the seconds the
browser took, and prints them for the closing note."""
import time
from pathlib import Path

from actionplan.models import ActionComment, ActionUpdateFile
from partnerships.models import Notification

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Stopwatch:
    def __init__(self):
        self.clicks, self.started = 0, time.perf_counter()

    def click(self, n=1):
        self.clicks += n

    @property
    def seconds(self):
        return round(time.perf_counter() - self.started, 1)


def test_a_comment_mentions_members_who_find_it_in_their_notifications(portal, world):
    own, page = world.own, portal.page
    lead, other = own.users["member_lead"], own.users["member_other"]
    lead.full_name, other.full_name = "Sam Okafor", "Priya Shah"
    lead.save(update_fields=["full_name"])
    other.save(update_fields=["full_name"])
    portal.sign_in(own.users["manager"])

    portal.goto(f"/p/{own.slug}/actions/{own.action.pk}/")
    writing = Stopwatch()
    page.get_by_label("Comment", exact=True).fill("@Sam Okafor can you add **the training dates**?")
    writing.click()
    page.get_by_label("Priya Shah", exact=False).check()
    writing.click()
    portal.submit("Add comment")
    writing.click()
    assert page.get_by_text("Comment added. 2 people notified.").is_visible()
    comment = ActionComment.objects.get()
    assert set(comment.mentioned.all()) == {lead, other}
    assert page.locator(f"#comment-{comment.pk} strong", has_text="the training dates").is_visible()
    print(f"\nComment with two mentions: {writing.clicks} clicks, {writing.seconds} s")

    portal.submit("Sign out", exact=True)
    portal.sign_in(lead)
    reading = Stopwatch()
    notifications_link = page.get_by_role("link", name="Notifications 1 unread")
    assert notifications_link.is_visible()
    with page.expect_navigation():
        notifications_link.click()
    reading.click()
    portal.audit()
    item = page.get_by_role("link", name=f"{own.users['manager']} mentioned you on action {own.action.reference}")
    assert item.is_visible() and page.get_by_text("Unread", exact=True).is_visible()
    with page.expect_navigation():
        item.click()
    reading.click()
    portal.audit()
    assert page.url.endswith(f"/actions/{own.action.pk}/#comment-{comment.pk}")
    assert page.locator(f"#comment-{comment.pk}").is_visible()
    print(f"Mentioned member from the header to the comment: {reading.clicks} clicks, {reading.seconds} s")

    portal.follow("Notifications 1 unread")
    portal.submit("Mark as read")
    assert Notification.objects.get(user=lead).read_at is not None
    assert page.get_by_role("link", name="Notifications", exact=True).is_visible()  # no count left


def test_an_evidence_file_attached_to_a_quick_update_is_downloaded_from_the_timeline(portal, world, tmp_path):
    own, page = world.own, portal.page
    portal.sign_in(own.users["member_lead"])
    portal.follow("My agency's actions")
    attaching = Stopwatch()
    page.get_by_label(f"Status of action {own.action.reference}").select_option(label="On track")
    attaching.click()
    page.locator(f"#narrative-{own.action.pk}").fill("Training dates agreed; minutes attached.")
    attaching.click()
    page.locator(f"#files-{own.action.pk}").set_input_files(
        {"name": "Steering group minutes.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    attaching.click()
    portal.submit(f"Save update to action {own.action.reference}")
    attaching.click()
    assert page.get_by_text(f"Update to action {own.action.reference} saved.").is_visible()
    evidence = ActionUpdateFile.objects.get()
    assert evidence.original_name == "Steering group minutes.pdf"
    print(f"\nQuick update with an evidence file: {attaching.clicks} clicks, {attaching.seconds} s")

    portal.follow(own.action.reference, exact=True)
    fetching = Stopwatch()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Steering group minutes.pdf").click()
    fetching.click()
    download = download_info.value
    assert download.suggested_filename == "Steering group minutes.pdf"
    assert Path(download.path()).read_bytes() == PDF
    print(f"Download from the timeline: {fetching.clicks} click, {fetching.seconds} s")
