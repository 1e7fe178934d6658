import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action as api_action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from partnerships import access
from partnerships.api_support import StrictCharField, StrictURLField
from strategy import api as strategy_api

from . import selectors, services
from .filters import ActionFilter
from .models import Action, ActionStatus, ActionUpdate
from .selectors import actions_visible_to_user, strategy_progress

# An If-Match header names one version of the action, as its ETag does: "3" (or W/"3").
IF_MATCH_PATTERN = r'^\s*(W/)?"?[0-9]{1,9}"?\s*$'


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = (
        "Send the ETag of the action you read as an If-Match header, so that an update made since is not overwritten."
    )
    default_code = "precondition_required"


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
            "commencement_date", "completion_date", "original_completion_date", "timing", "core_component",
            "recommendations",
            "status", "progress", "last_update_at", "is_overdue", "is_stale", "version",
        ]

    def get_recommendations(self, obj) -> list[int]:
        return [r.number for r in obj.recommendations.all()]


class ActionUpdateSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = ActionUpdate
        fields = ["id", "action", "author", "created_at", "status_from", "status_to", "progress_from", "progress_to",
                  "narrative", "evidence_url"]

    def get_author(self, obj) -> str:
        return obj.author.get_full_name() or obj.author.email


class ActionProgressSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    narrative = StrictCharField(required=False, allow_blank=True, default="")
    evidence_url = StrictURLField(required=False, allow_blank=True, default="", max_length=500)

    def validate(self, data):
        # Only progress may be changed through the API: a field outside this set (the action's text,
        # lead agency, dates, version…) is refused rather than silently ignored, so a client learns
        # at once that its change was not made.
        extra = sorted(set(self.initial_data) - set(self.fields))
        if extra:
            raise serializers.ValidationError({name: ["This field cannot be changed here."] for name in extra})
        return data


class ActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Actions of the caller's partnerships, filtered by strategy, aim, lead agency, status, core component,
    recommendation, overdue, stale or due within N days.

    Steering group members may PATCH status, progress and a narrative of the actions their agency leads (business
    managers any action). The If-Match header is required: send the ETag you read; a stale one gets 412 and a
    missing one 428, so an update made by someone else is never silently overwritten."""

    serializer_class = ActionSerializer
    filterset_class = ActionFilter
    throttle_scope = "api-write"

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "partial_update":
            throttles.append(ScopedRateThrottle())
        return throttles

    def get_queryset(self):
        return selectors.with_list_relations(actions_visible_to_user(self.request.user)).order_by("id")

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
            "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
            description='The ETag of the action as you read it, for example "3".', pattern=IF_MATCH_PATTERN,
        )],
    )
    def partial_update(self, request, *args, **kwargs):
        action = self.get_object()
        membership = access.membership_for_object(request.user, action)
        if not access.can(membership, access.ACTION_UPDATE_PROGRESS, action):
            raise PermissionDenied("You may update only the actions your agency leads.")
        serializer = ActionProgressSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if request.headers.get("If-Match") is None:
            raise PreconditionRequired()
        expected = _parse_if_match(request.headers.get("If-Match"))
        services.action_update_progress(action=action, actor=request.user, expected_version=expected,
                                        **serializer.validated_data)
        action = self.get_queryset().get(pk=action.pk)
        selectors.annotate_flags([action])
        response = Response(self.get_serializer(action).data, status=status.HTTP_200_OK)
        response["ETag"] = f'"{action.version}"'
        return response


    @extend_schema(responses={200: ActionUpdateSerializer(many=True)}, filters=False)
    @api_action(detail=True, methods=["get"], filterset_class=None)
    def updates(self, request, pk=None):
        """The action's timeline of updates, newest first."""
        action = self.get_object()
        updates = ActionUpdate.objects.filter(action=action).select_related("author").order_by("-created_at", "-id")
        page = self.paginate_queryset(updates)
        return self.get_paginated_response(ActionUpdateSerializer(page, many=True).data)


def _parse_if_match(value):
    """The version named by an If-Match header; a header that names no version is bad input (400)."""
    if not re.match(IF_MATCH_PATTERN, value):
        raise ValidationError({"If-Match": ['Send the ETag you read, for example "3".']})
    return int(value.strip().removeprefix("W/").strip('"'))


class StatusCountSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()

class ProgressFiguresSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    completed_percent = serializers.FloatField()
    overdue = serializers.IntegerField()
    stale = serializers.IntegerField()
    by_status = StatusCountSerializer(many=True)


class AimProgressSerializer(ProgressFiguresSerializer):
    aim = serializers.IntegerField(source="aim.pk")
    number = serializers.IntegerField(source="aim.number")
    title = serializers.CharField(source="aim.title")


class AgencyProgressSerializer(ProgressFiguresSerializer):
    agency = serializers.IntegerField(source="agency.pk")
    name = serializers.CharField(source="agency.name")


class ProgressSerializer(ProgressFiguresSerializer):
    strategy = serializers.IntegerField()
    by_aim = AimProgressSerializer(many=True)
    by_agency = AgencyProgressSerializer(many=True)


class StrategyViewSet(strategy_api.StrategyViewSet):
    """Strategies of the caller's partnerships (viewers see published ones only), with their action-plan progress."""

    @extend_schema(responses={200: ProgressSerializer})
    @api_action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """Action-plan progress: counts by status, per cent completed, overdue and stale actions — for the
        strategy, for each of its aims and for each lead agency."""
        strategy = self.get_object()
        actions = actions_visible_to_user(request.user).filter(strategy=strategy)
        figures = strategy_progress(actions, strategy)
        data = {
            "strategy": strategy.pk, **figures["overall"], "by_aim": figures["aims"], "by_agency": figures["agencies"],
        }
        return Response(ProgressSerializer(data).data)
