"""Export to CSV and XLSX, and the all-or-nothing import with its preview."""
import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from actionplan import services, transfer
from actionplan.models import Action
from actionplan.tests.factories import ActionFactory
from strategy.tests.factories import IntendedOutcomeFactory, StrategicAimFactory


@pytest.fixture
def side(world):
    side = world.own
    aim2 = StrategicAimFactory(strategy=side.strategy, number=2, title="Identify abuse earlier")
    side.outcome2 = IntendedOutcomeFactory(aim=aim2, number=1, text="More children are helped to tell.")
    ActionFactory(outcome=side.outcome2, lead_agency=side.other_agency, reference="2.1", start_year=2, end_year=3,
                  status="on_track", progress=30, measures_text="=SUM(A1) is text, not a formula",
                  commencement_date=datetime.date(2027, 4, 1), completion_date=datetime.date(2029, 3, 31))
    ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.2", start_year=1, end_year=1)
    return side


def export(client, side, fmt):
    client.force_login(side.users["manager"])
    response = client.get(reverse("plan_export", kwargs={"slug": side.slug, "pk": side.strategy.pk, "fmt": fmt}))
    assert response.status_code == 200
    return response.content


def upload(rows, name="plan.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(transfer.COLUMNS)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


@pytest.mark.django_db
class TestExport:
    def test_csv_has_the_plan_columns_in_plan_order(self, client, side):
        rows = list(csv.reader(io.StringIO(export(client, side, "csv").decode("utf-8-sig"))))
        assert rows[0] == transfer.COLUMNS
        assert [r[1] for r in rows[1:]] == ["1.1", "1.2", "2.1"]
        row = rows[3]
        assert row[2:4] == ["2. Identify abuse earlier", "Brookfield Council".replace("Brookfield", "Ashvale")]
        assert row[6:8] == ["Years 2–3", "2.1 More children are helped to tell."]
        assert row[8] == "'=SUM(A1) is text, not a formula"
        assert row[9:] == ["On track", "30", "2027-04-01", "2029-03-31", "No", "", ""]

    def test_xlsx_holds_the_same_rows_with_real_dates(self, client, side):
        sheet = load_workbook(io.BytesIO(export(client, side, "xlsx"))).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == transfer.COLUMNS
        assert rows[3][11] == datetime.datetime(2027, 4, 1)
        assert rows[2][6] == "Year 1"

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_round_trip_changes_nothing(self, client, side, fmt):
        content = export(client, side, fmt)
        rows = transfer.read_upload(SimpleUploadedFile(f"plan.{fmt}", content))
        before = list(Action.objects.order_by("pk").values())
        report = services.plan_import(strategy=side.strategy, rows=rows, actor=side.users["manager"], apply=True)
        assert report["errors"] == []
        assert [r["kind"] for r in report["rows"]] == ["unchanged"] * 3
        assert list(Action.objects.order_by("pk").values()) == before


@pytest.mark.django_db
class TestImport:
    def test_good_file_previews_then_applies_new_and_changed_actions(self, client, side):
        client.force_login(side.users["manager"])
        url = reverse("plan_import", kwargs={"slug": side.slug, "pk": side.strategy.pk})
        file = upload([
            ["", "1.2", "1. aim", "Ashvale Police", "", "Changed text.", "Year 1", "1.1 x", "", "At risk", "20", "", ""],
            ["", "", "", "ashvale council", "J. Smith", "A new action.", "Years 2-3", "2.1", "", "", "", "", ""],
        ])
        response = client.post(url, {"file": file})
        assert response.status_code == 200
        report = response.context["report"]
        assert report["errors"] == []
        assert [(r["kind"], r["reference"]) for r in report["rows"]] == [("update", "1.2"), ("create", "2.2")]
        assert not Action.objects.filter(reference="2.2").exists()  # preview only
        response = client.post(url, {"apply": "1"})
        assert response.status_code == 302
        assert Action.objects.get(strategy=side.strategy, reference="1.2").status == "at_risk"
        new = Action.objects.get(strategy=side.strategy, reference="2.2")
        assert (new.lead_agency, new.lead_name, new.start_year, new.end_year) == (side.other_agency, "J. Smith", 2, 3)

    def test_bad_rows_are_reported_by_row_number_and_nothing_is_applied(self, side):
        rows = transfer.read_upload(upload([
            ["", "", "", "Ashvale Police", "", "Fine action.", "", "1.1", "", "", "", "", ""],
            ["", "", "", "Ministry of Nowhere", "", "Unknown agency.", "", "1.1", "", "", "", "", ""],
            ["", "", "", "Ashvale Police", "", "Unknown outcome.", "", "7.4", "", "", "", "", ""],
            ["", "", "", "Ashvale Police", "", "Bad dates.", "", "1.1", "", "", "", "2027-05-01", "2027-04-01"],
            ["", "", "", "Ashvale Police", "", "Done, no note.", "", "1.1", "", "Completed", "100", "", ""],
            ["", "", "2. Wrong aim", "Ashvale Police", "", "Aim mismatch.", "Year 9 and a bit", "1.1", "", "", "", "", ""],
        ]))
        count = Action.objects.count()
        report = services.plan_import(strategy=side.strategy, rows=rows, actor=side.users["manager"], apply=True)
        assert report["applied"] is False
        messages = {e["row"]: e["message"] for e in report["errors"]}
        assert sorted(messages) == [3, 4, 5, 6, 7]
        assert "No agency called 'Ministry of Nowhere'" in messages[3]
        assert "No intended outcome '7.4'" in messages[4]
        assert "completion date must be the same as or after" in messages[5]
        assert "Say what was achieved" in messages[6]
        assert "belongs to aim 1" in messages[7] and "not a year of the strategy" in messages[7]
        assert Action.objects.count() == count

    def test_an_unreadable_file_is_an_error_on_the_field(self, client, side):
        client.force_login(side.users["manager"])
        url = reverse("plan_import", kwargs={"slug": side.slug, "pk": side.strategy.pk})
        response = client.post(url, {"file": SimpleUploadedFile("plan.csv", b"Just,some,columns\n1,2,3\n")})
        assert "missing: Action, Intended outcome, Leadership" in response.content.decode()

    def test_a_reference_used_twice_in_the_file_is_refused(self, side):
        rows = transfer.read_upload(upload([
            ["", "1.5", "", "Ashvale Police", "", "One.", "", "1.1", "", "", "", "", ""],
            ["", "1.5", "", "Ashvale Police", "", "Two.", "", "1.1", "", "", "", "", ""],
        ]))
        report = services.plan_import(strategy=side.strategy, rows=rows, actor=side.users["manager"], apply=True)
        assert report["errors"] == [{"row": 3, "message": "Row 2 already changes this action."}]
        assert not Action.objects.filter(reference="1.5").exists()
