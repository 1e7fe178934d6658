"""One way in for uploaded files: size limit, type decided by content, server-chosen name, private storage.

Any feature that accepts a file (audit evidence, survey attachments, logos…) calls `store_upload`
or puts `UploadValidator` on its form field, and serves the file back only through a view that
asks the access layer first. The storage root (PRIVATE_STORAGE_ROOT) is outside the web root and
has no public URL."""
import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.deconstruct import deconstructible

# Kind → (extension, content type, check of the first bytes).
KINDS = {
    "pdf": ("pdf", "application/pdf", lambda head: head.startswith(b"%PDF-")),
    "png": ("png", "image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpeg": ("jpg", "image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             lambda head: head.startswith(b"PK\x03\x04")),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             lambda head: head.startswith(b"PK\x03\x04")),
    "pptx": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             lambda head: head.startswith(b"PK\x03\x04")),
    "csv": ("csv", "text/csv", None),
}
IMAGE_KINDS = {"png": "PNG", "jpeg": "JPEG"}
# Office Open XML documents are zip archives; the part each must contain tells them apart.
OFFICE_PARTS = {"xlsx": "xl/", "docx": "word/", "pptx": "ppt/"}
# Evidence of what an action achieved: PDF, Office documents and photographs or scans.
EVIDENCE_KINDS = ("pdf", "docx", "xlsx", "pptx", "png", "jpeg")


def _read_all(upload):
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _looks_like_text(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text


def _is_office(data, kind):
    """Whether `data` is an Office Open XML archive of `kind` (a workbook, a document or a presentation)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names and any(n.startswith(OFFICE_PARTS[kind]) for n in names)


def detect_kind(upload, allowed):
    """The kind of file `upload` is, judged by its content (never its name or declared type),
    among `allowed`; raises ValidationError if it is none of them."""
    data = _read_all(upload)
    for kind in allowed:
        _ext, _type, check = KINDS[kind]
        if kind == "csv":
            if _looks_like_text(data) and not any(KINDS[k][2](data[:16]) for k in ("pdf", "png", "jpeg", "xlsx")):
                return kind
            continue
        if not check(data[:16]):
            continue
        if kind in IMAGE_KINDS and not _is_valid_image(data, IMAGE_KINDS[kind]):
            continue
        if kind in OFFICE_PARTS and not _is_office(data, kind):
            continue
        return kind
    names = ", ".join(k.upper() for k in allowed)
    raise ValidationError(f"The selected file must be a {names}.", code="file_type")


def _is_valid_image(data, expected_format):
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected_format:
                return False
            image.verify()
        # Refuse decompression bombs: very large pixel counts for a small file.
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        return width * height <= settings.UPLOAD_MAX_IMAGE_PIXELS
    except Exception:
        return False


@deconstructible
class UploadValidator:
    """Form or model field validator: size within `max_bytes` and content of one of `kinds`."""

    def __init__(self, kinds=("pdf",), max_bytes=None):
        self.kinds, self.max_bytes = tuple(kinds), max_bytes

    def __call__(self, upload):
        limit = self.max_bytes or settings.UPLOAD_MAX_BYTES
        if upload.size is None or upload.size > limit:
            raise ValidationError(f"The selected file must be smaller than {limit // (1024 * 1024) or 1} MB.",
                                  code="file_size")
        if upload.size == 0:
            raise ValidationError("The selected file is empty.", code="file_empty")
        return detect_kind(upload, self.kinds)

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and (self.kinds, self.max_bytes) == (other.kinds, other.max_bytes)


def store_upload(upload, *, folder, kinds=("pdf",), max_bytes=None):
    """Validate `upload` and save it in private storage under a name the server chooses.

    Returns (stored name, kind, content type). The person's file name is never used as a path;
    keep it, if needed, only as a display label."""
    kind = UploadValidator(kinds, max_bytes)(upload)
    extension, content_type, _check = KINDS[kind]
    name = default_storage.save(f"{folder.strip('/')}/{uuid.uuid4().hex}.{extension}", upload)
    return name, kind, content_type


def delete_files_with_rows(model, *field_names):
    """When a row of `model` is deleted (alone, by a cascade or by retention), its stored files go too, once
    the deletion is committed; a rolled-back deletion keeps them. Called from the owning app's `ready()`."""
    from django.db import transaction
    from django.db.models.signals import post_delete

    def remove(sender, instance, **kwargs):
        for name in field_names:
            stored = getattr(instance, name)
            if stored and stored.name:
                storage, path = stored.storage, stored.name
                transaction.on_commit(lambda storage=storage, path=path: storage.delete(path))

    post_delete.connect(remove, sender=model, weak=False, dispatch_uid=f"files-{model._meta.label}")
