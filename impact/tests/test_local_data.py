"""The data rules of local data, enforced by the services (and the database where it can), and the
all-or-nothing CSV import."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from impact import services as local_data
from impact.models import IdentificationBreakdown, IdentificationFigure, LocalDataPeriod
from partnerships.models import AuditEvent
from partnerships.tests.factories import AgencyFactory, UserFactory
from strategy.tests.factories import (
    IdentificationBreakdownFactory,
    IdentificationFigureFactory,
    LocalDataPeriodFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return UserFactory()


@pytest.fixture
def period():
    return LocalDataPeriodFactory(label="2025–26", start_date=date(2025, 4, 1), end_date=date(2026, 3, 31))


def make_period(partnership, actor, label, start, end, kind="year", **extra):
    return local_data.period_create(partnership=partnership, actor=actor, label=label, kind=kind, start_date=start,
                                    end_date=end, **extra)


def errors_of(excinfo):
    return excinfo.value.message_dict


# Periods


def test_it_creates_a_period_and_records_who_did_it(period, actor):
    new = make_period(period.partnership, actor, "2026–27", date(2026, 4, 1), date(2027, 3, 31),
                      child_population_under_16=51000, child_population_under_18=59000)
    assert LocalDataPeriod.objects.get(pk=new.pk).child_population_under_16 == 51000
    event = AuditEvent.objects.get(verb="local_data.period_created")
    assert event.actor == actor and event.object_id == str(new.pk) and event.partnership == period.partnership


def test_periods_of_the_same_kind_cannot_overlap(period, actor):
    with pytest.raises(ValidationError) as excinfo:
        make_period(period.partnership, actor, "Overlapping", date(2026, 1, 1), date(2026, 12, 31))
    assert "overlaps 2025–26" in errors_of(excinfo)["start_date"][0]
    assert LocalDataPeriod.objects.count() == 1


def test_a_period_touching_the_end_of_another_overlaps_by_a_day(period, actor):
    with pytest.raises(ValidationError):
        make_period(period.partnership, actor, "Late", date(2026, 3, 31), date(2027, 3, 30))


def test_a_quarter_inside_a_year_is_allowed(period, actor):
    quarter = make_period(period.partnership, actor, "April to June 2025", date(2025, 4, 1), date(2025, 6, 30),
                          kind="quarter")
    assert quarter.kind == "quarter"


def test_another_partnership_may_use_the_same_dates(period, actor):
    other = LocalDataPeriodFactory(label="2025–26", start_date=date(2025, 4, 1), end_date=date(2026, 3, 31))
    assert other.partnership != period.partnership


def test_a_period_ends_after_it_starts(period, actor):
    with pytest.raises(ValidationError) as excinfo:
        make_period(period.partnership, actor, "Backwards", date(2030, 3, 1), date(2030, 1, 1))
    assert "end_date" in errors_of(excinfo)


def test_the_database_refuses_a_period_that_ends_before_it_starts(period):
    with pytest.raises(IntegrityError), transaction.atomic():
        LocalDataPeriod.objects.filter(pk=period.pk).update(end_date=date(2020, 1, 1))


def test_children_under_16_are_part_of_children_under_18(period, actor):
    with pytest.raises(ValidationError) as excinfo:
        make_period(period.partnership, actor, "2030", date(2030, 4, 1), date(2031, 3, 31),
                    child_population_under_16=60000, child_population_under_18=50000)
    assert "child_population_under_16" in errors_of(excinfo)


def test_a_population_cannot_be_negative(period, actor):
    with pytest.raises(ValidationError) as excinfo:
        make_period(period.partnership, actor, "2030", date(2030, 4, 1), date(2031, 3, 31),
                    child_population_under_16=-5)
    assert "child_population_under_16" in errors_of(excinfo)


# Figures


def record_figure(period, actor, **kwargs):
    kwargs.setdefault("measure", "contacts")
    kwargs.setdefault("count", 103)
    kwargs.setdefault("source_agency", AgencyFactory(partnership=period.partnership))
    return local_data.figure_record(period=period, actor=actor, **kwargs)


def test_it_records_a_figure_and_corrects_it_in_place(period, actor):
    figure = record_figure(period, actor, count=103, total=3017)
    again = record_figure(period, actor, count=105, total=3017, source_agency=figure.source_agency)
    assert again.pk == figure.pk
    assert IdentificationFigure.objects.get(pk=figure.pk).count == 105
    assert AuditEvent.objects.filter(verb="local_data.figure_recorded").count() == 2


def test_a_figure_cannot_be_negative(period, actor):
    with pytest.raises(ValidationError) as excinfo:
        record_figure(period, actor, count=-1)
    assert "count" in errors_of(excinfo)
    assert not IdentificationFigure.objects.exists()


def test_a_figure_cannot_be_more_than_its_total(period, actor):
    with pytest.raises(ValidationError) as excinfo:
        record_figure(period, actor, count=200, total=150)
    assert errors_of(excinfo)["count"] == ["The number identified (200) cannot be more than the total (150)."]


def test_the_database_refuses_a_figure_larger_than_its_total(period):
    figure = IdentificationFigureFactory(period=period, count=10, total=20)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdentificationFigure.objects.filter(pk=figure.pk).update(count=30)


def test_the_source_agency_belongs_to_the_partnership(period, actor):
    with pytest.raises(ValidationError) as excinfo:
        record_figure(period, actor, source_agency=AgencyFactory())
    assert "source_agency" in errors_of(excinfo)


def test_a_figure_cannot_be_lowered_below_its_breakdown(period, actor):
    figure = record_figure(period, actor, count=100, total=1000)
    local_data.breakdown_record(figure=figure, actor=actor, dimension="gender", category="Female", count=60)
    local_data.breakdown_record(figure=figure, actor=actor, dimension="gender", category="Male", count=30)
    with pytest.raises(ValidationError) as excinfo:
        record_figure(period, actor, count=80, total=1000, source_agency=figure.source_agency)
    assert "already adds up to 90" in errors_of(excinfo)["count"][0]
    assert IdentificationFigure.objects.get(pk=figure.pk).count == 100


# Breakdowns


@pytest.fixture
def figure(period, actor):
    return record_figure(period, actor, count=103, total=3017)


def breakdown(figure, actor, **kwargs):
    kwargs.setdefault("dimension", "gender")
    kwargs.setdefault("category", "Female")
    kwargs.setdefault("count", 56)
    return local_data.breakdown_record(figure=figure, actor=actor, **kwargs)


def test_a_breakdown_cannot_be_negative(figure, actor):
    with pytest.raises(ValidationError) as excinfo:
        breakdown(figure, actor, count=-3)
    assert "count" in errors_of(excinfo)


def test_a_category_cannot_be_larger_than_the_figure(figure, actor):
    with pytest.raises(ValidationError) as excinfo:
        breakdown(figure, actor, count=104)
    assert "more than the figure it breaks down (103)" in errors_of(excinfo)["count"][0]


def test_the_categories_of_a_dimension_cannot_add_up_to_more_than_the_figure(figure, actor):
    breakdown(figure, actor, category="Female", count=56)
    breakdown(figure, actor, category="Male", count=46)
    with pytest.raises(ValidationError) as excinfo:
        breakdown(figure, actor, category="Indeterminate", count=2)  # 56 + 46 + 2 = 104 > 103
    assert "adds up to 104" in errors_of(excinfo)["count"][0]
    # Another dimension is counted on its own: 103 children by age band is fine.
    breakdown(figure, actor, dimension="age_band", category="10–15", count=103)


def test_correcting_a_category_does_not_count_it_twice(figure, actor):
    breakdown(figure, actor, category="Female", count=90)
    corrected = breakdown(figure, actor, category="Female", count=100)
    assert corrected.count == 100 and IdentificationBreakdown.objects.count() == 1


def test_a_category_cannot_be_more_than_its_own_total(figure, actor):
    with pytest.raises(ValidationError) as excinfo:
        breakdown(figure, actor, count=50, total=40)
    assert "category's total" in errors_of(excinfo)["count"][0]


def test_the_totals_of_a_dimension_cannot_add_up_to_more_than_all(figure, actor):
    breakdown(figure, actor, category="Male", count=46, total=1579)
    with pytest.raises(ValidationError) as excinfo:
        breakdown(figure, actor, category="Female", count=56, total=1500)  # 1,579 + 1,500 > 3,017
    assert "3,079" in errors_of(excinfo)["total"][0]


def test_a_category_total_needs_the_figures_total(period, actor):
    figure = record_figure(period, actor, measure="plans", count=20)
    with pytest.raises(ValidationError) as excinfo:
        breakdown(figure, actor, count=5, total=50)
    assert "total" in errors_of(excinfo)


def test_the_database_refuses_a_category_larger_than_its_total(figure):
    item = IdentificationBreakdownFactory(figure=figure, count=5, total=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdentificationBreakdown.objects.filter(pk=item.pk).update(count=11)


# The CSV import

HEADER = "period,period_kind,start_date,end_date,children_under_16,children_under_18,measure,dimension,category,count,total,source_agency,note\n"


@pytest.fixture
def council(period):
    return AgencyFactory(partnership=period.partnership, name="Ashvale Council", short_name="Council")


def good_csv():
    return HEADER + (
        "2024–25,year,2024-04-01,2025-03-31,50000,58000,contacts,,,95,2900,Council,\n"
        "2024–25,,,,,,contacts,gender,Female,50,1300,Council,\n"
        "2024–25,,,,,,plans,,,40,,ashvale council,From the child protection register\n"
        "2025–26,,,,,,plans,,,44,,Council,\n"
    )


def test_a_preview_checks_every_row_and_saves_nothing(period, council, actor):
    result = local_data.local_data_import(partnership=period.partnership, actor=actor, text=good_csv())
    assert result.ok and not result.applied and len(result.rows) == 4
    assert LocalDataPeriod.objects.count() == 1 and not IdentificationFigure.objects.exists()
    assert not AuditEvent.objects.exists()


def test_applying_saves_every_row(period, council, actor):
    result = local_data.local_data_import(partnership=period.partnership, actor=actor, text=good_csv(), apply=True)
    assert result.applied
    new = LocalDataPeriod.objects.get(label="2024–25")
    assert (new.start_date, new.child_population_under_16) == (date(2024, 4, 1), 50000)
    assert {(f.period.label, f.measure, f.count, f.source_agency_id) for f in IdentificationFigure.objects.all()} == {
        ("2024–25", "contacts", 95, council.pk), ("2024–25", "plans", 40, council.pk), ("2025–26", "plans", 44, council.pk),
    }
    assert list(IdentificationBreakdown.objects.values_list("category", "count", "total")) == [("Female", 50, 1300)]
    assert AuditEvent.objects.filter(verb="local_data.imported", actor=actor).count() == 1


def test_one_bad_row_saves_nothing_and_every_bad_row_is_named(period, council, actor):
    text = HEADER + (
        "2024–25,year,2024-04-01,2025-03-31,50000,,contacts,,,95,2900,Council,\n"  # row 2: fine
        "2024–25,,,,,,plans,,,-4,,Council,\n"  # row 3: negative
        "2024–25,,,,,,contacts,gender,Female,96,,Council,\n"  # row 4: part larger than its whole (95)
        "2023–24,year,2024-01-01,2024-12-31,,,plans,,,10,,Council,\n"  # row 5: overlaps 2024–25 of row 2
        "2025–26,,,,,,referrals,,,12,,Nobody,\n"  # row 6: unknown agency
        "2025–26,,,,,,arrests,,,12,,Council,\n"  # row 7: unknown measure
    )
    result = local_data.local_data_import(partnership=period.partnership, actor=actor, text=text, apply=True)
    assert not result.applied
    numbers = [number for number, _ in result.errors]
    assert numbers == [3, 4, 5, 6, 7]
    messages = dict(result.errors)
    assert "count cannot be negative" in messages[3]
    assert "more than the figure it breaks down (95)" in messages[4]
    assert "overlaps" in messages[5]
    assert "no agency of this partnership is called 'Nobody'" in messages[6]
    assert "measure must be one of" in messages[7]
    assert LocalDataPeriod.objects.count() == 1
    assert not IdentificationFigure.objects.exists() and not IdentificationBreakdown.objects.exists()


def test_a_new_period_needs_its_dates(period, council, actor):
    text = HEADER + "2030–31,,,,,,plans,,,10,,Council,\n"
    result = local_data.local_data_import(partnership=period.partnership, actor=actor, text=text, apply=True)
    assert result.errors == [(2, "period '2030–31' is new: give its period_kind, start_date and end_date")]


def test_a_breakdown_needs_its_figure(period, council, actor):
    text = HEADER + "2025–26,,,,,,plans,gender,Female,10,,Council,\n"
    result = local_data.local_data_import(partnership=period.partnership, actor=actor, text=text)
    assert result.errors == [(2, "there is no plans figure for 2025–26 to break down: add its row first")]


def test_a_file_without_the_needed_columns_is_refused(period, actor):
    result = local_data.local_data_import(partnership=period.partnership, actor=actor, text="period,count\nx,1\n")
    assert result.errors == [(1, "The header row lacks the column(s): measure, source_agency.")]


def test_an_empty_file_is_refused(period, actor):
    result = local_data.local_data_import(partnership=period.partnership, actor=actor, text=HEADER)
    assert result.errors == [(1, "The file has no rows of data.")]
