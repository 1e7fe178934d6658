"""Filters of the action plan, shared by the plan page and the API list."""
from datetime import timedelta

import django_filters
from django import forms
from django.utils import timezone

from partnerships import access
from partnerships.models import Agency, CoreComponent, Recommendation
from strategy.models import IntendedOutcome, StrategicAim
from strategy.selectors import strategies_visible_to_user

from .models import CLOSED_STATUSES, ActionStatus
from .selectors import overdue_q, stale_q

SORTS = {
    "plan": "Plan order",
    "completion_date": "Completion date",
    "status": "Status",
    "lead_agency": "Lead agency",
    "progress": "Progress",
    "last_update": "Last update",
}


class _StatusField(django_filters.fields.MultipleChoiceField):
    """The statuses chosen; an empty value (`?status=`) chooses none, so filters nothing, as an empty value does
    for every other filter. Any other value must be one of the choices."""

    def to_python(self, value):
        return [item for item in super().to_python(value) if item != ""]


class _StatusFilter(django_filters.MultipleChoiceFilter):
    field_class = _StatusField


class _YesNoField(forms.NullBooleanField):
    """`true` or `false` (as the schema says), or empty for no filter. Django's own field reads any other value
    as "no filter", which would hide a client's mistake behind the full list; here it is bad input."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in (True, "true"):
            return True
        if value in (False, "false"):
            return False
        raise forms.ValidationError("Enter true or false.", code="invalid")


class _YesNoFilter(django_filters.BooleanFilter):
    field_class = _YesNoField


def _yes_no():
    return forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")], attrs={"class": "govuk-select"})


class ActionFilter(django_filters.FilterSet):
    """Filter actions by aim, lead agency, status, core component, recommendation, overdue, stale and due date.

    Built with a strategy (the plan page) the choices are that strategy's; without one (the API) they are
    everything the requesting user may read.
    """

    strategy = django_filters.NumberFilter(field_name="strategy_id", label="Strategy id")
    aim = django_filters.ModelChoiceFilter(field_name="outcome__aim", queryset=StrategicAim.objects.none(),
                                           label="Strategic aim")
    outcome = django_filters.ModelChoiceFilter(queryset=IntendedOutcome.objects.none(), label="Intended outcome")
    lead_agency = django_filters.ModelChoiceFilter(queryset=Agency.objects.none(), label="Lead agency")
    status = _StatusFilter(choices=ActionStatus.choices, widget=forms.CheckboxSelectMultiple)
    core_component = django_filters.ModelChoiceFilter(
        queryset=CoreComponent.objects.all(), to_field_name="code", label="Core component"
    )
    recommendation = django_filters.ModelChoiceFilter(
        field_name="recommendations", queryset=Recommendation.objects.all(), to_field_name="number",
        label="National-review recommendation",
    )
    overdue = _YesNoFilter(method="filter_overdue", label="Overdue", widget=_yes_no())
    stale = _YesNoFilter(method="filter_stale", label="No recent update", widget=_yes_no())
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label="Changed since",
        help_text="Only actions changed at or after this time (ISO 8601, for example 2026-05-01T09:00:00Z).",
    )
    due_within = django_filters.NumberFilter(
        method="filter_due_within", label="Due within (days)", min_value=0, max_value=3660,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}),
    )

    def __init__(self, data=None, queryset=None, *, request=None, strategy=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        if strategy is not None:
            self.filters.pop("strategy")
            self.filters.pop("updated_since")
            self.filters.pop("outcome")  # the plan page groups by outcome already
            self.filters["aim"].queryset = strategy.aims.all()
            self.filters["lead_agency"].queryset = Agency.objects.filter(partnership_id=strategy.partnership_id)
        elif request is not None:
            partnership_ids = list(access.memberships_of(request.user))
            self.filters["aim"].queryset = StrategicAim.objects.filter(
                strategy__in=strategies_visible_to_user(request.user)
            )
            self.filters["outcome"].queryset = IntendedOutcome.objects.filter(
                aim__strategy__in=strategies_visible_to_user(request.user)
            )
            self.filters["lead_agency"].queryset = Agency.objects.filter(partnership_id__in=partnership_ids)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_stale(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(stale_q()) if value else queryset.exclude(stale_q())

    def filter_due_within(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.filter(
            completion_date__gte=today, completion_date__lte=today + timedelta(days=int(value))
        ).exclude(status__in=CLOSED_STATUSES)


class ActionUpdateFilter(django_filters.FilterSet):
    """Filter updates by strategy, action and time: the records a polling client has not yet read."""

    strategy = django_filters.NumberFilter(field_name="action__strategy_id", label="Strategy id")
    action = django_filters.NumberFilter(field_name="action_id", label="Action id")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label="Recorded since",
        help_text="Only updates recorded at or after this time (ISO 8601, for example 2026-05-01T09:00:00Z).",
    )


class ProgressSnapshotFilter(django_filters.FilterSet):
    strategy = django_filters.NumberFilter(field_name="strategy_id", label="Strategy id")
    since = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="From this day (YYYY-MM-DD)")
