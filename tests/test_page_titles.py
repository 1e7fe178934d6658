"""Every HTML page has one h1 and a title of its own that names the page and the portal."""
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from partnerships.models import Role
from partnerships.tests.factories import MembershipFactory
from tests.test_access_matrix import MATRIX

PORTAL = "Partnership strategy portal"
# The strategy as a web page is the partnership's own publication: its title is the document's and the
# partnership's, not the portal's.
OWN_TITLE = {"strategy_document": lambda side: f"{side.strategy.title} {side.strategy.period_label} – {side.partnership.name}"}


class Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.title, self.h1s, self.in_title = "", 0, False
        self.landmarks = set()

    def handle_starttag(self, tag, attrs):
        self.in_title = tag == "title"
        self.h1s += tag == "h1"
        if tag in ("main", "header", "footer", "nav"):
            self.landmarks.add(tag)

    def handle_endtag(self, tag):
        self.in_title = self.in_title and tag != "title"

    def handle_data(self, data):
        if self.in_title:
            self.title += data


def portal_pages():
    """(name, url-for-side) of every GET page in the access matrix that is not the API or a file."""
    for name, (kwargs_for, own, _other) in MATRIX.items():
        if name.startswith("api-") or name in ("healthz", "export_download") or "GET" not in own:
            continue
        yield name, kwargs_for


@pytest.mark.django_db
def test_every_page_has_one_h1_and_a_unique_meaningful_title(world, client):
    side = world.own
    # With two partnerships the home page lists them instead of going straight to the only one.
    MembershipFactory(user=side.users["manager"], partnership=world.other.partnership, role=Role.VIEWER)
    titles = {}
    for name, kwargs_for in portal_pages():
        client.logout()
        if name != "login":
            client.force_login(side.users["manager"])
        response = client.get(reverse(name, kwargs=kwargs_for(side)), follow=True)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        if response.redirect_chain:
            continue  # a page the manager is sent away from is checked under its own name
        outline = Outline()
        outline.feed(response.content.decode())
        title = re.sub(r"\s+", " ", outline.title).strip()
        assert outline.h1s == 1, f"{name}: {outline.h1s} h1 elements"
        assert {"main", "header", "footer"} <= outline.landmarks, f"{name}: landmarks {outline.landmarks}"
        if name in OWN_TITLE:
            assert title == OWN_TITLE[name](side), f"{name}: title {title!r}"
        else:
            page_part, _, portal_part = title.rpartition(" – ")
            assert portal_part == PORTAL and len(page_part) >= 4, f"{name}: title {title!r}"
        titles.setdefault(title, []).append(name)
    checked = {n for names in titles.values() for n in names}
    assert {"home", "login", "partnership", "strategy_detail", "action_plan", "section_edit"} <= checked
    shared = {t: names for t, names in titles.items() if len(names) > 1}
    assert not shared, f"pages sharing a title: {shared}"
