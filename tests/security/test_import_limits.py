"""The action-plan import cannot be made to hold a worker: a file past any limit (bytes, what a workbook
unpacks to, rows, cells) is refused with a message that names the limit, nothing is saved, and a workbook is
read in streaming mode."""
import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from actionplan import transfer
from actionplan.models import Action
from partnerships.models import AuditEvent


def plan_csv(side, rows, width=None):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(transfer.COLUMNS + [f"Extra {i}" for i in range((width or 0))])
    for i in range(rows):
        row = ["", "", "", side.lead_agency.name, "", f"Action {i}", "Year 1", side.outcome.reference,
               "", "", "", "", ""]
        writer.writerow(row + ["x"] * (width or 0))
    return out.getvalue().encode("utf-8")


def zip_bomb(rows):
    """A workbook of `rows` identical rows: a few hundred kilobytes that unpack to tens of megabytes."""
    workbook = Workbook()
    workbook.active.append(transfer.COLUMNS)
    small = io.BytesIO()
    workbook.save(small)
    # Rows and cells may leave out their position, so every row is the same bytes and compresses to almost nothing.
    cells = "".join('<c t="inlineStr"><is><t>Same text in every cell</t></is></c>' for _ in transfer.COLUMNS)
    header = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in transfer.COLUMNS)
    out = io.BytesIO()
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info, source.read(info.filename))
                continue
            with bomb.open(info.filename, "w") as sheet:
                sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
                            b'org/spreadsheetml/2006/main"><sheetData>')
                sheet.write(f"<row>{header}</row>".encode())
                row = f"<row>{cells}</row>".encode()
                for _ in range(rows):
                    sheet.write(row)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def post(client, side, content, name):
    client.force_login(side.users["manager"])
    url = reverse("plan_import", kwargs={"slug": side.slug, "pk": side.strategy.pk})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def refused(response, words):
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(words in error for error in errors), errors
    assert response.context["report"] is None
    assert len(response.content) < 100_000  # the page does not echo the file back
    return errors


@pytest.mark.django_db
class TestImportLimits:
    def test_ten_thousand_rows_are_refused_before_any_is_checked(self, client, world):
        side = world.own
        before = Action.objects.count()
        response = post(client, side, plan_csv(side, 10_000), "plan.csv")
        refused(response, "more than 5,000 rows")
        assert Action.objects.count() == before
        assert "actionplan_import" not in client.session
        assert not AuditEvent.objects.filter(verb="action.imported").exists()

    def test_a_zip_bomb_is_refused_before_it_is_unpacked(self, client, world, monkeypatch):
        bomb = zip_bomb(100_000)
        assert len(bomb) < 1024 * 1024  # small enough to pass the bytes limit
        opened = []
        monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: opened.append(k))
        errors = refused(post(client, world.own, bomb, "plan.xlsx"), "The workbook unpacks to")
        assert "more than the 20 MB accepted" in errors[0]
        assert opened == []

    @override_settings(IMPORT_MAX_ROWS=50)
    def test_a_workbook_is_streamed_and_stops_at_the_row_limit(self, client, world, monkeypatch):
        import openpyxl

        real = openpyxl.load_workbook
        opened = []

        def spy(*args, **kwargs):
            opened.append(kwargs)
            return real(*args, **kwargs)

        monkeypatch.setattr(openpyxl, "load_workbook", spy)
        refused(post(client, world.own, zip_bomb(200), "plan.xlsx"), "more than 50 rows; import at most 50 actions")
        assert opened[0]["read_only"] is True

    @override_settings(IMPORT_MAX_BYTES=1024 * 1024)
    def test_a_file_over_the_byte_limit_is_refused(self, client, world):
        content = plan_csv(world.own, 30_000)
        assert len(content) > 1024 * 1024
        refused(post(client, world.own, content, "plan.csv"), "The file must be smaller than 1 MB.")

    def test_the_byte_limit_is_checked_when_reading_too(self, world):
        with override_settings(IMPORT_MAX_BYTES=100):
            with pytest.raises(transfer.UnreadableFile, match="larger than"):
                transfer.read_upload(io.BytesIO(b"x" * 101))

    def test_too_many_cells_are_refused(self, client, world):
        refused(post(client, world.own, plan_csv(world.own, 5, width=25_000), "plan.csv"), "more than 100,000 cells")

    def test_a_cell_past_the_csv_field_limit_is_a_message_not_an_error_page(self, client, world):
        content = ",".join(transfer.COLUMNS).encode() + b'\n"' + b"x" * 200_000 + b'"\n'
        refused(post(client, world.own, content, "plan.csv"), "could not be read as CSV")

    def test_a_plan_within_the_limits_still_imports_all_rows_or_none(self, client, world):
        side = world.own
        before = Action.objects.count()
        response = post(client, side, plan_csv(side, 30), "plan.csv")
        assert response.status_code == 200
        report = response.context["report"]
        assert [r["kind"] for r in report["rows"]] == ["create"] * 30 and report["errors"] == []
        assert Action.objects.count() == before
        response = client.post(reverse("plan_import", kwargs={"slug": side.slug, "pk": side.strategy.pk}), {"apply": "1"})
        assert response.status_code == 302
        assert Action.objects.count() == before + 30
