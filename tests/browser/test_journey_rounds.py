"""An update round in a real browser, each page checked by axe-core: the business manager records the
steering group meeting, the round opens, an update is requested by email, the member updates, the round page
shows it and the board pack is produced."""
import datetime
import re
import time

from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from actionplan.models import BoardPack, SteeringGroupMeeting


def test_an_update_round_from_its_meeting_date_to_its_board_pack(portal, world, settings):
    own, page = world.own, portal.page
    settings.PORTAL_BASE_URL = portal.base_url
    meeting_date = timezone.localdate() + datetime.timedelta(days=10)
    clicks = 0
    started = time.perf_counter()

    # The business manager records the meeting date: its round opens at once.
    portal.sign_in(own.users["manager"])
    portal.follow("Steering group meetings and update rounds")
    page.get_by_label("Day").fill(str(meeting_date.day))
    page.get_by_label("Month").fill(str(meeting_date.month))
    page.get_by_label("Year").fill(str(meeting_date.year))
    portal.submit("Record the meeting")
    clicks += 2
    meeting = SteeringGroupMeeting.objects.get(partnership=own.partnership)
    assert page.get_by_text("Open", exact=True).is_visible()

    # The round page: nobody has updated yet. The manager asks the police for an update.
    portal.follow(f"{meeting_date.day} {meeting_date:%B %Y}")
    assert page.locator("#round-counts").inner_text() == "0 updated, 1 not updated (of 1)"
    portal.follow("Request an update", exact=True)
    page.get_by_role("checkbox", name=own.lead_agency.name, exact=True).check()
    portal.submit("Send the request")
    clicks += 4
    assert page.get_by_text("Update requested for 1 action: 1 of 1 people emailed").is_visible()
    assert [m.to for m in mail.outbox] == [[own.users["member_lead"].email]]
    link = re.search(r"Update it: (\S+)", mail.outbox[0].body).group(1)
    manager_seconds = time.perf_counter() - started

    # The member follows the email's link, signs in and updates.
    member_started = time.perf_counter()
    page.context.clear_cookies()
    portal.sign_in(own.users["member_lead"])
    portal.goto(link.removeprefix(portal.base_url))
    page.get_by_label("On track").check()
    page.get_by_label("Progress (per cent)").fill("40")
    page.get_by_label("What has happened since the last update").fill("Joint training with schools booked.")
    portal.submit("Save update")
    clicks += 3
    member_seconds = time.perf_counter() - member_started

    # The manager sees it on the round page and prepares the board pack.
    page.context.clear_cookies()
    portal.sign_in(own.users["manager"])
    portal.goto(f"/p/{own.slug}/rounds/{meeting.pk}/")
    assert page.locator("#round-counts").inner_text() == "1 updated, 0 not updated (of 1)"
    portal.submit("Prepare the board pack")
    clicks += 2
    assert page.get_by_role("link", name=re.compile("Download the board pack")).is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the board pack")).click()
    clicks += 1
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(download_info.value.path()).pages).split())
    assert f"Board pack: steering group meeting on {meeting_date.day} {meeting_date:%B %Y}" in text
    assert "Joint training with schools booked." in text
    assert BoardPack.objects.get(meeting=meeting).status == "done"
    seconds = time.perf_counter() - started
    print(f"\nupdate round journey: {clicks} clicks (sign-ins excluded) in {seconds:.1f} s; manager to request "
          f"{manager_seconds:.1f} s, member's update {member_seconds:.1f} s; {len(portal.audited)} pages audited")
