"""A section has the same number on the sections page, its edit page, the reviewer's page and in the
published document, however the sections have been moved."""
import re

import pytest
from django.urls import reverse

from exports.document import document_context
from strategy import services
from strategy.models import SectionKind

pytestmark = pytest.mark.django_db


def test_numbers_agree_between_the_portal_and_the_document(world, client):
    own = world.own
    manager = own.users["manager"]
    services.section_create(strategy=own.strategy, actor=manager, kind=SectionKind.FOREWORD, title="Foreword")
    extra = own.extra_section
    services.section_move(section=extra, actor=manager, direction="to", position=3)
    # Every section is written, so every one prints (an empty section never does, and is not numbered).
    own.strategy.sections.filter(body="").update(body="Written by the partnership.")

    document = {s.pk: s.doc_number for s in document_context(own.strategy)["sections"]}
    client.force_login(manager)
    page = client.get(reverse("strategy_sections", kwargs={"slug": own.slug, "pk": own.strategy.pk})).content.decode()
    shown = {int(pk): int(n) for pk, n in re.findall(r'id="section-(\d+)-title">(\d+)\. ', page)}
    assert shown == {pk: n for pk, n in document.items() if isinstance(pk, int)}
    assert shown[extra.pk] == 2  # the foreword, first, is not numbered
    edit = client.get(reverse("section_edit", kwargs={"slug": own.slug, "pk": own.strategy.pk, "section_pk": extra.pk}))
    assert f"<h1 class=\"govuk-heading-l\">2. {extra.title}</h1>" in edit.content.decode()
