import re

import django_filters
from django import forms
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from partnership_portal import access

from . import selectors, services
from .models import Action, ActionStatus


# An If-Match header names one version of the action, as its ETag does: "3" (or W/"3").
IF_MATCH_PATTERN = r'^\s*(W/)?"?[0-9]{1,9}"?\s*$'


class ActionSerializer(serializers.ModelSerializer):
    strategy = serializers.PrimaryKeyRelatedField(read_only=True)
    aim = serializers.IntegerField(source="outcome.aim.number", read_only=True)
    outcome = serializers.CharField(source="outcome.reference", read_only=True)
    lead_agency = serializers.CharField(source="lead_agency.name", read_only=True)
    core_component = serializers.SlugRelatedField(slug_field="code", read_only=True)
    recommendations = serializers.SerializerMethodField()
    timing = serializers.CharField(source="timing_label", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    is_stale = serializers.BooleanField(read_only=True)

    class Meta:
        model = Action
        fields = [
            "id", "strategy", "reference", "text", "aim", "outcome", "lead_agency", "lead_name",
            "commencement_date", "completion_date", "timing", "core_component", "recommendations",
            "status", "progress", "last_update_at", "is_overdue", "is_stale", "version",
        ]

    def get_recommendations(self, obj) -> list[int]:
        return [r.number for r in obj.recommendations.all()]


class ActionProgressSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    narrative = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_url = serializers.URLField(required=False, allow_blank=True, default="", max_length=500)

    def validate(self, data):
        # Only progress may be changed through the API: a field outside this set (the action's text,
        # lead agency, dates, version…) is refused rather than silently ignored, so a client learns
        # at once that its change was not made.
        extra = sorted(set(self.initial_data) - set(self.fields))
        if extra:
            raise serializers.ValidationError({name: ["This field cannot be changed here."] for name in extra})
        return data


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ActionFilter(django_filters.FilterSet):
    """Filters by id: an id that names nothing the caller can see gives an empty list, not an error."""

    strategy = IdFilter(field_name="strategy_id")
    lead_agency = IdFilter(field_name="lead_agency_id")
    core_component = IdFilter(field_name="core_component_id")
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices)

    class Meta:
        model = Action
        fields = ["strategy", "status", "lead_agency", "core_component"]


class ActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Actions of the caller's partnerships. Steering group members may PATCH status, progress and a
    narrative of the actions their agency leads; send the ETag you read as If-Match."""

    serializer_class = ActionSerializer
    filterset_class = ActionFilter

    def get_queryset(self):
        return selectors.with_list_relations(access.actions_visible_to_user(self.request.user)).order_by("id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        selectors.annotate_flags(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        action = self.get_object()
        selectors.annotate_flags([action])
        response = Response(self.get_serializer(action).data)
        response["ETag"] = f'"{action.version}"'
        return response

    @extend_schema(
        request=ActionProgressSerializer,
        responses={200: ActionSerializer},
        parameters=[OpenApiParameter(
            "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
            description='The ETag of the version you read, for example "3".',
            pattern=IF_MATCH_PATTERN,
        )],
    )
    def partial_update(self, request, *args, **kwargs):
        action = self.get_object()
        membership = access.membership_for_object(request.user, action)
        if not access.can(membership, access.ACTION_UPDATE_PROGRESS, action):
            raise PermissionDenied("You may update only the actions your agency leads.")
        serializer = ActionProgressSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expected = _parse_if_match(request.headers.get("If-Match"))
        services.action_update_progress(action=action, actor=request.user, expected_version=expected,
                                        **serializer.validated_data)
        action = self.get_queryset().get(pk=action.pk)
        selectors.annotate_flags([action])
        response = Response(self.get_serializer(action).data, status=status.HTTP_200_OK)
        response["ETag"] = f'"{action.version}"'
        return response


def _parse_if_match(value):
    """The version named by an If-Match header; a header that names no version is bad input (400)."""
    if value is None:
        return None
    if not re.match(IF_MATCH_PATTERN, value):
        raise ValidationError({"If-Match": ['Send the ETag you read, for example "3".']})
    return int(value.strip().removeprefix("W/").strip('"'))
