"""Measures' data points: recording and correcting them, the outcome page, its chart and its cost."""
import base64
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from actionplan.tests.factories import ActionFactory
from impact import services
from impact.models import MeasureDataPoint
from partnerships.models import AuditEvent
from strategy import selectors
from strategy.tests.factories import MeasureDataPointFactory, MeasureFactory


def outcome_url(side):
    return reverse("outcome_detail", kwargs={"slug": side.slug, "pk": side.strategy.pk, "outcome_pk": side.outcome.pk})


def record(side, **overrides):
    values = {"measure": side.measure, "actor": side.users["manager"], "period_label": "2025 to 2026",
              "period_end": date(2026, 3, 31), "value": Decimal("42"), "note": ""}
    return services.data_point_record(**{**values, **overrides})


class TestRecord:
    def test_it_records_a_value_with_who_entered_it_and_an_audit_event(self, world):
        point = record(world.own, note=" From the quarterly return. ")
        point.refresh_from_db()
        assert (point.measure, point.period_label, point.period_end, point.value, point.note) == (
            world.own.measure, "2025 to 2026", date(2026, 3, 31), Decimal("42.00"), "From the quarterly return.")
        assert point.entered_by == world.own.users["manager"]
        event = AuditEvent.objects.get(verb="measure_data.recorded")
        assert event.partnership == world.own.partnership and event.object_id == str(point.pk)
        assert point.history.count() == 1

    def test_the_same_period_end_corrects_instead_of_duplicating(self, world):
        first = record(world.own)
        second = record(world.own, value=Decimal("45.5"), period_label="Year to March 2026")
        assert second.pk == first.pk
        assert list(MeasureDataPoint.objects.values_list("period_label", "value")) == [
            ("Year to March 2026", Decimal("45.50"))]
        event = AuditEvent.objects.get(verb="measure_data.corrected")
        assert event.changes["value"] == ["42.00", "45.5"]

    def test_the_database_refuses_two_values_for_one_period_end(self, world):
        from django.db import IntegrityError, transaction

        record(world.own)
        with pytest.raises(IntegrityError), transaction.atomic():
            MeasureDataPoint.objects.create(measure=world.own.measure, period_label="again",
                                            period_end=date(2026, 3, 31), value=1, entered_at=timezone.now())

    def test_a_value_is_required(self, world):
        with pytest.raises(ValidationError) as error:
            record(world.own, value=None)
        assert "value" in error.value.message_dict
        assert not MeasureDataPoint.objects.exists()

    def test_a_period_label_is_required(self, world):
        with pytest.raises(ValidationError) as error:
            record(world.own, period_label="  ")
        assert "period_label" in error.value.message_dict

    @pytest.mark.parametrize("period_end", [date(1999, 12, 31), timezone.localdate() + timedelta(days=400)])
    def test_a_period_end_out_of_reason_is_refused(self, world, period_end):
        with pytest.raises(ValidationError) as error:
            record(world.own, period_end=period_end)
        assert "period_end" in error.value.message_dict
        assert not MeasureDataPoint.objects.exists()

    def test_a_published_strategy_still_gets_data(self, world):
        world.own.strategy.status = "published"
        world.own.strategy.save(update_fields=["status"])
        assert record(world.own).pk is not None

    def test_delete_records_an_audit_event(self, world):
        point = record(world.own)
        point_id = point.pk
        services.data_point_delete(point=point, actor=world.own.users["manager"])
        assert not MeasureDataPoint.objects.exists()
        assert AuditEvent.objects.filter(verb="measure_data.deleted", object_id=str(point_id)).exists()


def test_baseline_and_target_numbers_are_read_from_their_text():
    assert selectors.measure_number("42% of staff") == Decimal("42")
    assert selectors.measure_number("1,200 a year") == Decimal("1200")
    assert selectors.measure_number("To be set") is None
    assert selectors.measure_number("No baseline yet (first workshops 2026)") is None


class TestOutcomePage:
    def _with_series(self, side):
        side.measure.baseline, side.measure.target = "40%", "70%"
        side.measure.save(update_fields=["baseline", "target"])
        MeasureDataPointFactory(measure=side.measure, period_label="2024 to 2025", period_end=date(2025, 3, 31), value=45)
        MeasureDataPointFactory(measure=side.measure, period_label="2025 to 2026", period_end=date(2026, 3, 31), value=52)

    def test_it_shows_measures_chart_trend_and_actions(self, world, client):
        self._with_series(world.own)
        world.own.action.status = "at_risk"
        world.own.action.save(update_fields=["status"])
        client.force_login(world.own.users["scrutineer"])
        response = client.get(outcome_url(world.own))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Moving toward the target" in html
        assert "2024 to 2025" in html and "2025 to 2026" in html
        assert world.own.action.text[:40] in html and "At risk" in html
        assert "Add a data point" not in html  # managers only
        chart = response.context["measures"][0].chart
        assert chart.rows == [["2024 to 2025", 45, 40, 70], ["2025 to 2026", 52, 40, 70]]
        assert "2024 to 2025: 45%, 2025 to 2026: 52%" in chart.description
        svg = base64.b64decode(chart.data_uri.split(",", 1)[1]).decode()
        assert "<title>" in svg and "<desc>" in svg and "<script" not in svg
        # The alternative text describes the chart; the caption beside it gives the title, said once.
        assert 'alt="' + escape(chart.description) + '"' in html and f'alt="{chart.title}' not in html
        assert "the data</caption>" in html

    def test_the_manager_adds_a_data_point(self, world, client):
        client.force_login(world.own.users["manager"])
        response = client.post(outcome_url(world.own), {
            "measure": world.own.measure.pk, "period_label": "Q1 2026", "period_end": "2026-06-30",
            "value": "17", "note": "First quarter",
        })
        assert response.status_code == 302 and response["Location"].endswith(f"#measure-{world.own.measure.pk}")
        point = MeasureDataPoint.objects.get()
        assert (point.period_label, point.value, point.note, point.entered_by) == (
            "Q1 2026", Decimal("17.00"), "First quarter", world.own.users["manager"])

    def test_errors_are_shown_and_what_was_typed_is_kept(self, world, client):
        client.force_login(world.own.users["manager"])
        response = client.post(outcome_url(world.own), {
            "measure": world.own.measure.pk, "period_label": "Q1 1990", "period_end": "1990-06-30",
            "value": "", "note": "Typed note kept",
        })
        html = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in html
        assert "Enter value" in html  # the required message names the field
        assert 'value="Q1 1990"' in html and "Typed note kept" in html
        assert not MeasureDataPoint.objects.exists()

    def test_a_period_end_out_of_reason_is_shown_beside_its_field(self, world, client):
        client.force_login(world.own.users["manager"])
        response = client.post(outcome_url(world.own), {
            "measure": world.own.measure.pk, "period_label": "Old", "period_end": "1990-06-30", "value": "3",
        })
        assert response.status_code == 200
        assert response.context["form"].errors["period_end"] == ["Enter a period end date on or after 01 January 2000."]

    def test_a_measure_of_another_outcome_cannot_be_chosen(self, world, client):
        client.force_login(world.own.users["manager"])
        response = client.post(outcome_url(world.own), {
            "measure": world.other.measure.pk, "period_label": "Q1", "period_end": "2026-06-30", "value": "3",
        })
        assert response.status_code == 200 and "measure" in response.context["form"].errors
        assert not MeasureDataPoint.objects.exists()

    def test_a_member_may_not_post_and_a_published_strategy_takes_data(self, world, client):
        client.force_login(world.own.users["member_lead"])
        body = {"measure": world.own.measure.pk, "period_label": "Q1", "period_end": "2026-06-30", "value": "3"}
        assert client.post(outcome_url(world.own), body).status_code == 403
        world.own.strategy.status = "published"
        world.own.strategy.save(update_fields=["status"])
        client.force_login(world.own.users["manager"])
        assert client.post(outcome_url(world.own), body).status_code == 302
        assert MeasureDataPoint.objects.count() == 1

    def test_the_manager_deletes_a_data_point(self, world, client):
        point = MeasureDataPointFactory(measure=world.own.measure)
        client.force_login(world.own.users["manager"])
        url = reverse("data_point_delete", kwargs={"slug": world.own.slug, "pk": world.own.strategy.pk,
                                                   "point_pk": point.pk})
        assert client.post(url).status_code == 302
        assert not MeasureDataPoint.objects.exists()

    def test_linked_from_the_measures_and_aims_pages(self, world, client):
        client.force_login(world.own.users["scrutineer"])
        kwargs = {"slug": world.own.slug, "pk": world.own.strategy.pk}
        for name in ("measure_list", "strategy_aims"):
            assert outcome_url(world.own) in client.get(reverse(name, kwargs=kwargs)).content.decode()

    def test_the_page_takes_the_same_number_of_queries_at_any_size(self, world, client):
        side = world.own
        client.force_login(side.users["manager"])

        def grow(n):
            for _ in range(n):
                measure = MeasureFactory(outcome=side.outcome, baseline="10", target="20")
                MeasureDataPointFactory.create_batch(3, measure=measure, entered_by=side.users["manager"])
                ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency)

        grow(2)
        with CaptureQueriesContext(connection) as small:
            assert client.get(outcome_url(side)).status_code == 200
        grow(20)
        with CaptureQueriesContext(connection) as large:
            response = client.get(outcome_url(side))
        assert response.status_code == 200 and len(response.context["measures"]) == 23
        assert len(large.captured_queries) == len(small.captured_queries)
