"""The pages of measuring impact: what each role sees, forms that keep what was typed, the import's two
steps, the dashboard in a fixed number of queries, and the annual progress report and its PDF."""
import io
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from actionplan.models import ActionUpdate, ProgressSnapshot
from actionplan.tests.factories import ActionFactory, ActionUpdateFactory
from audits.tests.factories import AuditFactory
from impact.models import IdentificationFigure, LocalDataPeriod
from partnerships.models import RenderedDocument
from strategy.tests.factories import (
    IdentificationBreakdownFactory,
    IdentificationFigureFactory,
    IntendedOutcomeFactory,
    LocalDataPeriodFactory,
    MeasureFactory,
    StrategicAimFactory,
)
from workforce.tests.factories import TrainingNeedFactory

pytestmark = pytest.mark.django_db


def url(name, side, **kwargs):
    return reverse(name, kwargs={"slug": side.slug, **kwargs})


def page(client, user, address, status=200):
    client.force_login(user)
    response = client.get(address)
    assert response.status_code == status
    return response.content.decode()


@pytest.fixture
def side(world):
    """Our partnership with 2025–26 data: 61,400 children under 16, 154 on plans, 412 contacts."""
    side = world.own
    LocalDataPeriod.objects.filter(pk=side.local_period.pk).update(
        label="2025–26", start_date=date(2025, 4, 1), end_date=date(2026, 3, 31),
        child_population_under_16=61400, child_population_under_18=70000,
    )
    IdentificationFigure.objects.filter(pk=side.figure.pk).update(count=154)
    side.contacts = IdentificationFigureFactory(period_id=side.local_period.pk, measure="contacts", count=412,
                                                total=12000, source_agency=side.other_agency)
    return side


def test_the_dashboard_shows_the_gap_progress_and_recommendations(side, client):
    html = page(client, side.users["scrutineer"], url("dashboard", side))
    # 61,400 × 0.10 = 6,140; (6,140 − 154) ÷ 154 = 38.9 → 39.
    assert "Of 61,400 children under 16, an estimated <strong>6,140</strong>" in html
    assert ("For every child identified on a child protection plan under the category of sexual abuse, "
            "an estimated 39 more are not identified.") in html
    assert "data:image/svg+xml;base64," in html
    assert "Source of the estimate: At least one in ten children" in html
    assert url("local_data_period_detail", side, pk=side.local_period.pk) in html
    assert url("action_plan", side, pk=side.strategy.pk) in html
    # The one action answers no recommendation, so every recommendation shows "None".
    assert html.count('<strong class="govuk-tag govuk-tag--red">None</strong>') == 6
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_viewers_see_no_draft_content_on_the_dashboard(side, client):
    side.action.text = "A draft action nobody outside should read"
    side.action.save()
    html = page(client, side.users["viewer"], url("dashboard", side))
    assert "There is no strategy you can see yet." in html
    assert side.strategy.title not in html.split("<main", 1)[1]
    assert "prevalence gap" not in html and "Latest audits" not in html


def test_viewers_see_the_published_plan_on_the_dashboard(side, client):
    side.strategy.status = "published"
    side.strategy.save()
    html = page(client, side.users["viewer"], url("dashboard", side))
    assert "Plan progress: Child Sexual Abuse Strategy 2026–2029" in html
    assert "Actions by status, per aim" in html
    assert "prevalence gap" not in html


def test_the_period_page_shows_breakdowns_like_a_published_table(side, client):
    IdentificationBreakdownFactory(figure=side.contacts, category="Female", count=56, total=1334)
    html = page(client, side.users["member_other"], url("local_data_period_detail", side, pk=side.local_period.pk))
    # 1,334 of 12,000 contacts = 11.1% → 11%; 56 of 412 = 13.6% → 14%; 56 of 1,334 = 4.2% → 4%.
    row = html.split('<th scope="row" class="govuk-table__header">Female</th>', 1)[1].split("</tr>", 1)[0]
    assert [cell.split("<", 1)[0] for cell in row.split('govuk-table__cell--numeric">')[1:]] == [
        "1,334", "11%", "56", "14%", "4%",
    ]


def test_another_partnerships_period_is_not_found(side, world, client):
    page(client, side.users["manager"], url("local_data_period_detail", side, pk=world.other.local_period.pk), 404)
    page(client, side.users["manager"], url("local_data_breakdown_record", side, pk=world.other.figure.pk), 404)


def test_recording_a_figure(side, client):
    client.force_login(side.users["manager"])
    response = client.post(url("local_data_figure_record", side, pk=side.local_period.pk), {
        "measure": "offences", "count": "301", "total": "", "source_agency": side.lead_agency.pk, "note": "",
    })
    assert response.status_code == 302
    assert IdentificationFigure.objects.get(period=side.local_period, measure="offences").count == 301


def test_a_refused_figure_keeps_what_was_typed(side, client):
    client.force_login(side.users["manager"])
    response = client.post(url("local_data_figure_record", side, pk=side.local_period.pk), {
        "measure": "assessments", "count": "500", "total": "400", "source_agency": side.lead_agency.pk,
        "note": "Typed note",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "cannot be more than the total (400)" in html
    assert 'value="500"' in html and "Typed note" in html
    assert not IdentificationFigure.objects.filter(measure="assessments").exists()


def test_an_overlapping_period_is_refused_beside_the_field(side, client):
    client.force_login(side.users["manager"])
    response = client.post(url("local_data_period_create", side), {
        "label": "Overlap", "kind": "year",
        "start_date_0": "1", "start_date_1": "1", "start_date_2": "2026",
        "end_date_0": "31", "end_date_1": "12", "end_date_2": "2026",
    })
    html = response.content.decode()
    assert response.status_code == 200 and "overlaps 2025–26" in html and 'value="Overlap"' in html
    assert not LocalDataPeriod.objects.filter(label="Overlap").exists()


CSV = (
    "period,period_kind,start_date,end_date,children_under_16,measure,count,source_agency\n"
    "2024–25,year,2024-04-01,2025-03-31,60900,plans,131,Ashvale Council\n"
)


def test_the_import_previews_then_applies(side, client):
    client.force_login(side.users["manager"])
    address = url("local_data_import", side)
    preview = client.post(address, {"file": SimpleUploadedFile("data.csv", CSV.encode())})
    assert preview.status_code == 200 and "Apply all 1 rows" in preview.content.decode()
    assert not LocalDataPeriod.objects.filter(label="2024–25").exists()
    applied = client.post(address, {"content": CSV, "apply": "1"})
    assert applied.status_code == 302
    assert IdentificationFigure.objects.get(period__label="2024–25").count == 131


def test_a_refused_import_names_the_rows_and_saves_nothing(side, client):
    client.force_login(side.users["manager"])
    bad = CSV + "2024–25,,,,,plans,-3,Ashvale Council\n"
    response = client.post(url("local_data_import", side), {"file": SimpleUploadedFile("data.csv", bad.encode())})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Row 3: count cannot be negative" in html and "No row was saved" in html
    assert not LocalDataPeriod.objects.filter(label="2024–25").exists()


def grow(side, actions, periods, first=0):
    """Add actions across three aims and yearly periods of data (with an audit and a progress snapshot each)
    from year 2000 + first, and a measure and an unmet training need per four actions."""
    aims = [side.aim] + [StrategicAimFactory(strategy=side.strategy, number=2 + 2 * first + n) for n in range(2)]
    outcomes = [side.outcome] + [IntendedOutcomeFactory(aim=aim, number=9) for aim in aims[1:]]
    for i in range(first * 1000, first * 1000 + actions):
        ActionFactory(outcome=outcomes[i % 3], reference=f"{i % 3 + 1}.{i + 10}",
                      lead_agency=side.lead_agency if i % 2 else side.other_agency,
                      status=["on_track", "at_risk", "completed", "off_track"][i % 4])
    for year in range(first, first + periods):
        period = LocalDataPeriodFactory(partnership=side.partnership, label=f"{2000 + year}",
                                        start_date=date(2000 + year, 4, 1), end_date=date(2001 + year, 3, 31))
        for measure in ("contacts", "plans", "offences"):
            IdentificationFigureFactory(period=period, measure=measure, count=10 + year, source_agency=side.lead_agency)
        AuditFactory(partnership=side.partnership, audit_date=date(2000 + year, 5, 1))
        ProgressSnapshot.objects.create(strategy=side.strategy, date=date(2026, 1, 1) + timedelta(days=year),
                                        total=actions, by_status={"on_track": actions}, completed_percent=0,
                                        overdue=0, stale=0)
    for n in range(first * 1000, first * 1000 + actions // 4):
        MeasureFactory(outcome=outcomes[n % 3], baseline=str(n), target=str(n + 5))
        TrainingNeedFactory(assessment=side.assessment, agency=side.lead_agency)


def count_queries(client, address):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["dashboard", "local_data"])
def test_query_count_does_not_grow(side, client, name):
    client.force_login(side.users["scrutineer"])
    address = url(name, side)
    grow(side, 6, 1)
    small = count_queries(client, address)
    grow(side, 120, 8, first=1)
    large = count_queries(client, address)
    assert small == large, f"{name}: {small} queries small, {large} large"
    assert small <= 16  # the dashboard: measures, progress snapshots and training needs take one query each


def test_the_period_page_query_count_does_not_grow_with_breakdowns(side, client):
    client.force_login(side.users["scrutineer"])
    address = url("local_data_period_detail", side, pk=side.local_period.pk)
    IdentificationBreakdownFactory(figure=side.contacts, count=1)
    small = count_queries(client, address)
    for n in range(20):
        IdentificationBreakdownFactory(figure=side.contacts, dimension=["gender", "age_band", "ethnicity"][n % 3], count=1)
    assert count_queries(client, address) == small


def completed_on(action, user, when):
    update = ActionUpdateFactory(action=action, author=user, status_from="on_track", status_to="completed",
                                 progress_to=100, narrative=f"Finished {action.reference}")
    ActionUpdate.objects.filter(pk=update.pk).update(created_at=when)


def test_the_annual_report(side, client, django_capture_on_commit_callbacks):
    manager = side.users["manager"]
    done = ActionFactory(outcome=side.outcome, reference="1.2", lead_agency=side.lead_agency, status="completed")
    completed_on(done, manager, datetime(2025, 10, 1, 12, tzinfo=dt_timezone.utc))
    before = ActionFactory(outcome=side.outcome, reference="1.3", lead_agency=side.lead_agency, status="completed")
    completed_on(before, manager, datetime(2024, 10, 1, 12, tzinfo=dt_timezone.utc))
    ActionFactory(outcome=side.outcome, reference="1.4", lead_agency=side.lead_agency, text="Due next year",
                  completion_date=date(2026, 9, 30))
    ActionFactory(outcome=side.outcome, reference="1.5", lead_agency=side.lead_agency, text="Due much later",
                  completion_date=date(2028, 9, 30))
    AuditFactory(partnership=side.partnership, title="Audit of sibling harmful sexual behaviour",
                 audit_date=date(2025, 11, 1))
    AuditFactory(partnership=side.partnership, title="An older audit", audit_date=date(2024, 11, 1))
    previous = LocalDataPeriodFactory(partnership=side.partnership, label="2024–25", start_date=date(2024, 4, 1),
                                      end_date=date(2025, 3, 31))
    IdentificationFigureFactory(period=previous, measure="plans", count=140, source_agency=side.lead_agency)
    query = "?start_0=1&start_1=4&start_2=2025&end_0=31&end_1=3&end_2=2026"
    html = page(client, side.users["scrutineer"], url("annual_report", side, pk=side.strategy.pk) + query)
    assert "Progress report, 1 April 2025 to 31 March 2026" in html
    assert "Finished 1.2" in html and "Finished 1.3" not in html
    assert "Due next year" in html and "Due much later" not in html
    assert "Audit of sibling harmful sexual behaviour" in html and "An older audit" not in html
    # Plans went from 140 (2024–25) to 154 (2025–26): +14, and 14 ÷ 140 = +10%.
    assert "+14 (+10%)" in html

    client.force_login(side.users["scrutineer"])
    pdf_url = url("annual_report_pdf", side, pk=side.strategy.pk) + query
    # Nothing is rendered in the request: it queues the report and shows it being prepared.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        waiting = client.get(pdf_url)
    assert waiting.status_code == 200 and "waiting for the document service" in waiting.content.decode()
    document = RenderedDocument.objects.get(kind="annual_report", partnership=side.partnership)
    assert document.status == "queued" and len(callbacks) == 1 and f"document={document.pk}" in waiting.content.decode()
    callbacks[0]()  # the worker renders it (eagerly in tests)
    response = client.get(f"{pdf_url}&document={document.pk}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "progress-report-2025-04-01-to-2026-03-31.pdf" in response["Content-Disposition"]
    # Asked for again with nothing changed: the stored file at once, nothing queued or rendered.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = client.get(pdf_url)
    assert again["Content-Type"] == "application/pdf" and callbacks == []
    assert RenderedDocument.objects.filter(kind="annual_report").count() == 1
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    assert "Progress report, 1 April 2025 to 31 March 2026" in text
    assert "Finished 1.2" in text and "Due next year" in text


def test_the_strategy_document_carries_the_prevalence_gap(side):
    from exports.document import build_document_html, render_pdf

    html = build_document_html(side.strategy)
    local_context = html.split("Local and regional context", 2)[-1].split("</section>", 1)[0]
    assert "The prevalence gap, 2025–26" in local_context
    assert "an estimated 39 more are not identified" in local_context
    assert 'src="data:image/svg+xml;base64,' in local_context
    pdf, _pages = render_pdf(html)
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Of 61,400 children under 16, an estimated 6,140 are sexually abused before they are 16." in text
    # The same data give the same document, so the export's fingerprint is stable.
    assert build_document_html(side.strategy) == html


def test_recording_a_breakdown_and_refusing_a_part_larger_than_its_whole(side, client):
    client.force_login(side.users["manager"])
    address = url("local_data_breakdown_record", side, pk=side.contacts.pk)
    ok = client.post(address, {"dimension": "age_band", "category": "10–15", "count": "236", "total": "4620"})
    assert ok.status_code == 302
    refused = client.post(address, {"dimension": "age_band", "category": "16–17", "count": "200", "total": ""})
    html = refused.content.decode()
    # 236 + 200 = 436 children, more than the 412 contacts broken down.
    assert refused.status_code == 200 and "adds up to 436" in html and 'value="16–17"' in html
    assert list(side.contacts.breakdowns.values_list("category", "count")) == [("10–15", 236)]


def test_breakdowns_show_in_the_order_gender_age_band_ethnicity(side, client):
    for dimension in ("ethnicity", "age_band", "gender"):
        IdentificationBreakdownFactory(figure=side.contacts, dimension=dimension, count=1)
    html = page(client, side.users["scrutineer"], url("local_data_period_detail", side, pk=side.local_period.pk))
    positions = [html.index(f"Contacts with sexual abuse as a factor by {name}") for name in
                 ("gender", "age band", "ethnicity group")]
    assert positions == sorted(positions)


def test_the_rate_and_its_source_are_settings(side, client, settings):
    settings.PREVALENCE_RATE = Decimal("0.15")
    settings.PREVALENCE_SOURCE = "A local estimate of one in seven."
    html = page(client, side.users["manager"], url("local_data_period_detail", side, pk=side.local_period.pk))
    # 61,400 × 0.15 = 9,210; (9,210 − 154) ÷ 154 = 58.8 → 59.
    assert "an estimated <strong>9,210</strong>" in html and "an estimated 59 more are not identified" in html
    assert "Source of the estimate: A local estimate of one in seven." in html


def test_the_report_covers_the_latest_year_of_local_data_by_default(side, client):
    html = page(client, side.users["manager"], url("annual_report", side, pk=side.strategy.pk))
    assert "Progress report, 1 April 2025 to 31 March 2026" in html
    assert "What agencies identified, 2025–26" in html


def test_the_dashboard_shows_measures_progress_coverage_and_unmet_training_needs(side, client):
    from partnerships.models import AffectedGroup, FormOfAbuse

    MeasureFactory(outcome=side.outcome, indicator="Children referred to the specialist service",
                   baseline="40 (2025)", target="80 by 2029")
    for day, on_track in ((1, 3), (2, 5)):
        ProgressSnapshot.objects.create(strategy=side.strategy, date=date(2026, 11, day), total=on_track,
                                        by_status={"on_track": on_track}, completed_percent=0, overdue=0, stale=0)
    side.strategy.forms_of_abuse.set(FormOfAbuse.objects.order_by("number")[:1])
    unmet = TrainingNeedFactory(assessment=side.assessment, topic="Hearing children when they tell", priority="high")
    met = TrainingNeedFactory(assessment=side.assessment, topic="Recognising harmful sexual behaviour")
    met.actions.set([side.action])
    html = page(client, side.users["scrutineer"], url("dashboard", side))
    assert ('<th scope="row" class="govuk-table__header">Children referred to the specialist service</th>\n'
            '  <td class="govuk-table__cell">40 (2025)</td><td class="govuk-table__cell">80 by 2029</td>') in html
    assert "Plan progress over time" in html and "01 Nov 2026: 0 not started, 3 on track" in html
    assert f"{FormOfAbuse.objects.order_by('number')[0].name}: addressed" in html
    assert f"{AffectedGroup.objects.order_by('number')[0].name}: <strong>not addressed</strong>" in html
    needs = html.split("Training needs without actions</h2>", 1)[1].split("</ul>", 1)[0]
    assert unmet.topic in needs and "(high priority)" in needs and met.topic not in needs
    assert url("assessment_detail", side, pk=side.assessment.pk) in needs


def test_the_dashboard_says_when_no_coverage_is_recorded_and_hides_training_needs_from_viewers(side, client):
    side.strategy.status = "published"
    side.strategy.save()
    TrainingNeedFactory(assessment=side.assessment, topic="Hearing children when they tell")
    html = page(client, side.users["viewer"], url("dashboard", side))
    assert "The strategy does not yet record which forms of child sexual abuse" in html
    assert "Training needs without actions" not in html and "Hearing children when they tell" not in html
