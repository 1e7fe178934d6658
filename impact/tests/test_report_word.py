"""The annual progress report's narrative, written by the business manager, and the report as Word."""
import io
import re
import zipfile
from datetime import date

import docx
import pytest
from django.urls import reverse
from pypdf import PdfReader

from impact.models import AnnualReportNarrative
from partnerships.models import AuditEvent, RenderedDocument

pytestmark = pytest.mark.django_db

QUERY = "?start_0=1&start_1=4&start_2=2025&end_0=31&end_1=3&end_2=2026"
NARRATIVE = (
    "## Highlights\n\nThe year the partnership **listened** to children.[^1]\n\n"
    "- Parent workshops in both towns\n- A new front-door prompt\n\n"
    "[^1]: Youth council minutes, March 2026."
)


def test_the_business_manager_writes_the_narrative_and_the_report_carries_it_in_pdf_and_word(
    world, client, django_capture_on_commit_callbacks
):
    side = world.own
    address = reverse("annual_report_narrative", kwargs={"slug": side.slug, "pk": side.strategy.pk}) + QUERY
    client.force_login(side.users["scrutineer"])
    assert client.get(address).status_code == 403
    assert client.post(address, {"text": "Not mine to write"}).status_code == 403

    client.force_login(side.users["manager"])
    assert "Narrative of the progress report, 1 April 2025 to 31 March 2026" in client.get(address).content.decode()
    saved = client.post(address, {"text": NARRATIVE})
    assert saved.status_code == 302 and saved["Location"].endswith(QUERY)
    narrative = AnnualReportNarrative.objects.get(strategy=side.strategy)
    assert (narrative.period_start, narrative.period_end, narrative.text) == (date(2025, 4, 1), date(2026, 3, 31),
                                                                                NARRATIVE)
    assert narrative.updated_by == side.users["manager"]
    assert AuditEvent.objects.filter(verb="report_narrative.saved", actor=side.users["manager"],
                                     object_id=str(narrative.pk)).count() == 1

    report = reverse("annual_report", kwargs={"slug": side.slug, "pk": side.strategy.pk})
    html = client.get(report + QUERY).content.decode()
    assert "The year in brief" in html and "<strong>listened</strong>" in html
    # Another period has no narrative.
    assert "The year in brief" not in client.get(report + QUERY.replace("2026", "2027")).content.decode()

    pdf_url = reverse("annual_report_pdf", kwargs={"slug": side.slug, "pk": side.strategy.pk}) + QUERY
    with django_capture_on_commit_callbacks(execute=True):
        client.get(pdf_url + "&format=docx")  # queued, then rendered by the worker (eagerly here)
    document = RenderedDocument.objects.get(kind="annual_report", partnership=side.partnership)
    assert document.status == "done" and document.docx_file.name.endswith(f"-{document.pk}.docx")

    response = client.get(pdf_url + "&format=docx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "progress-report-2025-04-01-to-2026-03-31.docx" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    word = docx.Document(io.BytesIO(data))
    styles = [(p.style.name, p.text) for p in word.paragraphs]
    assert ("Heading 1", "The year in brief") in styles and ("Heading 3", "Highlights") in styles
    assert ("List Bullet", "Parent workshops in both towns") in styles
    assert ("Normal", "The year the partnership listened to children.") in styles
    assert ("Heading 1", "What was done") in styles
    assert word.core_properties.author == side.partnership.name and word.core_properties.language == "en-GB"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert "Youth council minutes, March 2026." in package.read("word/footnotes.xml").decode()

    pdf = client.get(pdf_url)
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages)
    assert "The year in brief" in text and "The year the partnership listened to children." in text

    # Another partnership's manager cannot reach the report's narrative or its Word version.
    client.force_login(world.other.users["manager"])
    assert client.get(address.replace(side.slug, world.other.slug, 1)).status_code == 404
    other_report = reverse("annual_report_pdf", kwargs={"slug": world.other.slug, "pk": side.strategy.pk})
    assert client.get(other_report + QUERY + "&format=docx").status_code == 404


def test_a_report_whose_word_version_cannot_be_made_offers_the_pdf_and_a_new_try(
    world, client, django_capture_on_commit_callbacks, monkeypatch
):
    from partnerships import word

    def broken(html):
        raise ValueError("a table Word cannot hold")

    monkeypatch.setattr(word, "render_docx", broken)
    side = world.own
    client.force_login(side.users["manager"])
    pdf_url = reverse("annual_report_pdf", kwargs={"slug": side.slug, "pk": side.strategy.pk}) + QUERY
    with django_capture_on_commit_callbacks(execute=True):
        client.get(pdf_url + "&format=docx")
    document = RenderedDocument.objects.get(kind="annual_report", partnership=side.partnership)
    assert document.status == "done" and document.file and not document.docx_file

    page = client.get(pdf_url + f"&format=docx&document={document.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Could not be made this time. The PDF is complete." in html
    pdf_link = re.search(r'<a class="govuk-button" href="([^"]+)">Download the PDF</a>', html).group(1)
    assert "format=" not in pdf_link and f"document={document.pk}" in pdf_link
    assert client.get(pdf_link.replace("&amp;", "&"))["Content-Type"] == "application/pdf"

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.get(pdf_url + "&format=docx")  # a new try, from the link "Try again" gives
    response = client.get(pdf_url + "&format=docx")
    assert response.status_code == 200 and response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
