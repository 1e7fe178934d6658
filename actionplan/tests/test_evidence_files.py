"""Evidence files on an update: checked by content, stored privately, listed in the timeline, downloaded as
attachments by whoever can see the action."""
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplan.models import ActionUpdate, ActionUpdateFile
from partnerships.models import AuditEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _update(client, side, files, **extra):
    data = {"status": "on_track", "progress": 30, "narrative": "Training booked.", "version": side.action.version,
            "files": files, **extra}
    return client.post(reverse("action_update", kwargs={"slug": side.slug, "pk": side.action.pk}), data)


def test_files_attached_to_an_update_are_listed_and_downloaded(world, client):
    side = world.own
    client.force_login(side.users["member_lead"])
    response = _update(client, side, [SimpleUploadedFile("../Minutes <May>.pdf", PDF, content_type="text/html"),
                                      SimpleUploadedFile("plan.docx", _docx())])
    assert response.status_code == 302
    files = list(ActionUpdateFile.objects.order_by("id"))
    assert [f.original_name for f in files] == ["Minutes May.pdf", "plan.docx"]
    assert [f.content_type for f in files] == [
        "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
    assert files[0].file.name.startswith(f"actions/{side.action.pk}/evidence/") and "Minutes" not in files[0].file.name
    assert AuditEvent.objects.filter(verb="action.evidence_attached").count() == 2

    client.force_login(side.users["scrutineer"])
    page = client.get(reverse("action_detail", kwargs={"slug": side.slug, "pk": side.action.pk})).content.decode()
    url = reverse("action_evidence_download", kwargs={"slug": side.slug, "pk": files[0].pk})
    assert url in page and "Minutes May.pdf" in page
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="Minutes May.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert AuditEvent.objects.filter(verb="action.evidence_downloaded", kind="read").count() == 1


def test_access_follows_the_action(world, client):
    side = world.own
    client.force_login(side.users["member_lead"])
    _update(client, side, [SimpleUploadedFile("minutes.pdf", PDF)])
    evidence = ActionUpdateFile.objects.get()
    url = reverse("action_evidence_download", kwargs={"slug": side.slug, "pk": evidence.pk})
    client.force_login(side.users["viewer"])  # cannot see a draft strategy's actions
    assert client.get(url).status_code == 404
    client.force_login(world.other.users["manager"])
    assert client.get(reverse("action_evidence_download",
                              kwargs={"slug": world.other.slug, "pk": evidence.pk})).status_code == 404


@pytest.mark.parametrize("name,content,message", [
    ("report.pdf", b"<html><script>alert(1)</script></html>", "must be a PDF, DOCX, XLSX, PPTX, PNG, JPEG"),
    ("macro.exe", b"MZ\x90\x00", "must be a PDF"),
    ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "must be smaller than 10 MB"),
])
def test_a_file_that_is_not_allowed_is_refused_beside_the_field_and_nothing_is_saved(world, client, name, content,
                                                                                     message):
    side = world.own
    client.force_login(side.users["member_lead"])
    response = _update(client, side, [SimpleUploadedFile(name, content)])
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Training booked." in response.content.decode()  # the rest of the update is kept in the form
    assert not ActionUpdate.objects.exists() and not ActionUpdateFile.objects.exists()
    assert not default_storage.exists(f"actions/{side.action.pk}/evidence") or not default_storage.listdir(
        f"actions/{side.action.pk}/evidence")[1]


def test_the_quick_update_on_my_agencys_actions_takes_a_file(world, client):
    side = world.own
    client.force_login(side.users["member_lead"])
    page = client.get(reverse("my_actions", kwargs={"slug": side.slug})).content.decode()
    assert 'enctype="multipart/form-data"' in page and f'id="files-{side.action.pk}"' in page
    response = client.post(
        reverse("action_update", kwargs={"slug": side.slug, "pk": side.action.pk}) + "?next=mine",
        {"status": "at_risk", "progress": 10, "narrative": "", "version": side.action.version,
         "files": SimpleUploadedFile("photo.pdf", PDF)},
    )
    assert response["Location"] == reverse("my_actions", kwargs={"slug": side.slug})
    assert ActionUpdateFile.objects.get().update.status_to == "at_risk"
