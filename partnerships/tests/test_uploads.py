"""The shared upload helper: size limit, type by content, server-chosen names, private storage."""
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from partnerships.uploads import UploadValidator, detect_kind, store_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png(size=(4, 4)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_it_stores_a_pdf_under_a_server_chosen_name_in_private_storage(settings):
    upload = SimpleUploadedFile("../../etc/passwd evidence.pdf", PDF, content_type="text/html")
    name, kind, content_type = store_upload(upload, folder="audits/evidence", kinds=("pdf",))
    assert (kind, content_type) == ("pdf", "application/pdf")
    assert name.startswith("audits/evidence/") and name.endswith(".pdf") and "passwd" not in name
    assert len(name.rsplit("/", 1)[1]) == len("0123456789abcdef0123456789abcdef.pdf")
    assert default_storage.open(name).read() == PDF
    assert str(default_storage.path(name)).startswith(settings.STORAGES["default"]["OPTIONS"]["location"])


def test_the_private_storage_root_is_outside_static_files():
    from django.conf import settings

    root = str(settings.PRIVATE_STORAGE_ROOT)
    assert not root.startswith(str(settings.STATIC_ROOT)) and not str(settings.STATIC_ROOT).startswith(root)
    assert all(not str(d).startswith(root) for d in settings.STATICFILES_DIRS)


@pytest.mark.parametrize("name,content", [
    ("report.pdf", b"<html><script>alert(1)</script></html>"),
    ("photo.png", b"GIF89a\x01\x00\x01\x00 a gif"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"not really an image"),
    ("report.pdf", b"MZ\x90\x00 an executable"),
])
def test_it_refuses_a_file_whose_content_is_not_an_allowed_type(name, content):
    with pytest.raises(ValidationError) as error:
        UploadValidator(kinds=("pdf", "png"))(SimpleUploadedFile(name, content))
    assert error.value.code == "file_type"
    assert error.value.messages == ["The selected file must be a PDF, PNG."]


def test_it_judges_by_content_not_by_name():
    assert detect_kind(SimpleUploadedFile("document.pdf", _png()), ("pdf", "png")) == "png"


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as error:
        UploadValidator(kinds=("pdf",))(big)
    assert error.value.code == "file_size" and error.value.messages == ["The selected file must be smaller than 1 MB."]


def test_it_refuses_an_empty_file():
    with pytest.raises(ValidationError) as error:
        UploadValidator()(SimpleUploadedFile("empty.pdf", b""))
    assert error.value.code == "file_empty"


def test_it_refuses_an_image_with_too_many_pixels(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 100
    with pytest.raises(ValidationError):
        UploadValidator(kinds=("png",))(SimpleUploadedFile("huge.png", _png((20, 20))))


def test_csv_must_be_text_and_xlsx_a_real_workbook():
    import openpyxl

    assert detect_kind(SimpleUploadedFile("a.csv", "Agency,Staff\nPolice,12\n".encode()), ("csv",)) == "csv"
    with pytest.raises(ValidationError):
        detect_kind(SimpleUploadedFile("a.csv", PDF), ("csv",))
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    assert detect_kind(SimpleUploadedFile("a.xlsx", buffer.getvalue()), ("xlsx",)) == "xlsx"
    with pytest.raises(ValidationError):
        detect_kind(SimpleUploadedFile("a.xlsx", b"PK\x03\x04 not a zip"), ("xlsx",))


def test_the_validator_works_on_a_form_field():
    from django import forms

    class EvidenceForm(forms.Form):
        file = forms.FileField(validators=[UploadValidator(kinds=("pdf",))])

    bad = EvidenceForm(files={"file": SimpleUploadedFile("x.pdf", b"not a pdf")})
    assert not bad.is_valid() and bad.errors["file"] == ["The selected file must be a PDF."]
    assert EvidenceForm(files={"file": SimpleUploadedFile("x.pdf", PDF)}).is_valid()
