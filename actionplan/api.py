import datetime
import re

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action as api_action
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from partnerships import access
from partnerships.api_support import StrictCharField, StrictURLField, conditional_json, etag_for, etag_matches
from strategy import api as strategy_api

from . import feeds, selectors, services
from .filters import ActionFilter, ActionUpdateFilter, ProgressSnapshotFilter
from .models import Action, ActionStatus, ActionUpdate
from .selectors import actions_visible_to_user, strategy_progress

# An If-Match header names one version of the action, as its ETag does: "3" (or W/"3").
IF_MATCH_PATTERN = r'^\s*(W/)?"?[0-9]{1,9}"?\s*$'
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="The ETag of the answer you hold: while the data behind it has not changed, the answer is 304 "
                "with no body.",
)
NOT_MODIFIED = OpenApiResponse(description="Not modified: the ETag you sent is still current. No body.")


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = (
        "Send the ETag of the action you read as an If-Match header, so that an update made since is not overwritten."
    )
    default_code = "precondition_required"


class ActionSerializer(serializers.ModelSerializer):
    """An action; every related record as its id (what the filters take) with its label beside it."""

    strategy = serializers.PrimaryKeyRelatedField(read_only=True)
    aim = serializers.IntegerField(source="outcome.aim_id", read_only=True)
    aim_number = serializers.IntegerField(source="outcome.aim.number", read_only=True)
    aim_title = serializers.CharField(source="outcome.aim.title", read_only=True)
    outcome = serializers.IntegerField(source="outcome_id", read_only=True)
    outcome_reference = serializers.CharField(source="outcome.reference", read_only=True)
    lead_agency = serializers.IntegerField(source="lead_agency_id", read_only=True)
    lead_agency_name = serializers.CharField(source="lead_agency.name", read_only=True)
    core_component = serializers.SlugRelatedField(slug_field="code", read_only=True)
    recommendations = serializers.SerializerMethodField()
    timing = serializers.CharField(source="timing_label", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    is_stale = serializers.BooleanField(read_only=True)

    class Meta:
        model = Action
        fields = [
            "id", "strategy", "reference", "text", "aim", "aim_number", "aim_title", "outcome", "outcome_reference",
            "lead_agency", "lead_agency_name", "lead_name", "commencement_date", "completion_date",
            "original_completion_date", "timing", "core_component", "recommendations", "status", "progress",
            "last_update_at", "updated_at", "is_overdue", "is_stale", "version",
        ]

    def get_recommendations(self, obj) -> list[int]:
        return [r.number for r in obj.recommendations.all()]


class ActionUpdateSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    action_reference = serializers.CharField(source="action.reference", read_only=True)
    strategy = serializers.IntegerField(source="action.strategy_id", read_only=True)

    class Meta:
        model = ActionUpdate
        fields = ["id", "action", "action_reference", "strategy", "author", "created_at", "status_from", "status_to",
                  "progress_from", "progress_to", "narrative", "evidence_url"]

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

    @extend_schema(parameters=[IF_NONE_MATCH], responses={200: ActionSerializer(many=True), 304: NOT_MODIFIED})
    def list(self, request, *args, **kwargs):
        def build():
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            selectors.annotate_flags(page)
            return self.get_paginated_response(self.get_serializer(page, many=True).data).data

        return conditional_json(request, _list_etag(request, "actions"), build)

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

    @extend_schema(parameters=[IF_NONE_MATCH], responses={200: ActionUpdateSerializer(many=True), 304: NOT_MODIFIED},
                   filters=False)
    @api_action(detail=True, methods=["get"], filterset_class=None)
    def updates(self, request, pk=None):
        """The action's timeline of updates, newest first."""

        def build():
            action = self.get_object()
            updates = ActionUpdate.objects.filter(action=action).select_related("author", "action").order_by(
                "-created_at", "-id"
            )
            page = self.paginate_queryset(updates)
            return self.get_paginated_response(ActionUpdateSerializer(page, many=True).data).data

        return conditional_json(request, _list_etag(request, "action-updates"), build)


class ActionUpdateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Updates to the actions of the caller's partnerships, newest first: filter by strategy, action and
    `updated_since` to fetch only those recorded since the last poll."""

    serializer_class = ActionUpdateSerializer
    filterset_class = ActionUpdateFilter

    def get_queryset(self):
        return selectors.updates_visible_to_user(self.request.user).select_related("author", "action").order_by(
            "-created_at", "-id"
        )

    @extend_schema(parameters=[IF_NONE_MATCH],
                   responses={200: ActionUpdateSerializer(many=True), 304: NOT_MODIFIED})
    def list(self, request, *args, **kwargs):
        def build():
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            return self.get_paginated_response(self.get_serializer(page, many=True).data).data

        return conditional_json(request, _list_etag(request, "updates"), build)


def _list_etag(request, kind):
    """Names everything a list answer depends on: the state of every plan the caller may read (one query), the
    query itself, the address it was asked at (the page links carry it) and the day (overdue and stale depend
    on it)."""
    return etag_for(kind, selectors.plan_states_visible_to_user(request.user), request.get_host(),
                    request.get_full_path(), timezone.localdate().isoformat())


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
    aim_number = serializers.IntegerField(source="aim.number")
    aim_title = serializers.CharField(source="aim.title")
    # The first names of the label fields, kept for clients written against them.
    number = serializers.IntegerField(source="aim.number")
    title = serializers.CharField(source="aim.title")


class AgencyProgressSerializer(ProgressFiguresSerializer):
    lead_agency = serializers.IntegerField(source="agency.pk")
    lead_agency_name = serializers.CharField(source="agency.name")
    # The first names, kept for clients written against them.
    agency = serializers.IntegerField(source="agency.pk")
    name = serializers.CharField(source="agency.name")


class ProgressSerializer(ProgressFiguresSerializer):
    strategy = serializers.IntegerField()
    by_aim = AimProgressSerializer(many=True)
    by_agency = AgencyProgressSerializer(many=True)


class TrendPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    total = serializers.IntegerField()
    completed_percent = serializers.FloatField()
    overdue = serializers.IntegerField()
    stale = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField(), help_text="Count of actions per status.")


class AimTrendSerializer(serializers.Serializer):
    aim = serializers.IntegerField()
    aim_number = serializers.IntegerField()
    aim_title = serializers.CharField()
    points = TrendPointSerializer(many=True)


class AgencyTrendSerializer(serializers.Serializer):
    lead_agency = serializers.IntegerField()
    lead_agency_name = serializers.CharField()
    points = TrendPointSerializer(many=True)


class TrendSerializer(serializers.Serializer):
    strategy = serializers.IntegerField()
    points = TrendPointSerializer(many=True)
    by_aim = AimTrendSerializer(many=True)
    by_agency = AgencyTrendSerializer(many=True)


class StrategyViewSet(strategy_api.StrategyViewSet):
    """Strategies of the caller's partnerships (viewers see published ones only), with their action-plan progress."""

    @extend_schema(parameters=[IF_NONE_MATCH], responses={200: ProgressSerializer, 304: NOT_MODIFIED})
    @api_action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """Action-plan progress: counts by status, per cent completed, overdue and stale actions — for the
        strategy, for each of its aims and for each lead agency.

        The ETag names the plan's version and the day: send it back as If-None-Match and, while no action
        of the strategy has changed, the answer is 304 with no body."""
        state = selectors.plan_state_of(pk) if str(pk).isdigit() else None
        if state is None or not access.may_read_strategy(request.user, state[0], state[1]):
            raise NotFound()
        etag = f'"plan-{int(pk)}-{state[2]}-{timezone.localdate():%Y%m%d}-{state[3].timestamp():.6f}"'

        def build():
            strategy = self.get_object()
            figures = strategy_progress(Action.objects.filter(strategy=strategy), strategy)
            data = {
                "strategy": strategy.pk, **figures["overall"], "by_aim": figures["aims"],
                "by_agency": figures["agencies"],
            }
            return ProgressSerializer(data).data

        return conditional_json(request, etag, build)

    @extend_schema(
        responses={200: TrendSerializer},
        parameters=[OpenApiParameter("since", OpenApiTypes.DATE, description="The first day to include.")],
        filters=False,
    )
    @api_action(detail=True, methods=["get"], filter_backends=[])
    def trend(self, request, pk=None):
        """The plan's figures day by day, from the nightly snapshots: for the strategy, per aim and per lead
        agency, oldest first."""
        strategy = self.get_object()
        since = request.query_params.get("since") or None
        if since is not None:
            try:
                since = datetime.date.fromisoformat(since)
            except ValueError:
                raise ValidationError({"since": ["Enter a date as YYYY-MM-DD."]}) from None
        return Response(TrendSerializer(selectors.strategy_trend(strategy, since=since)).data)


FEEDS = {
    "actions": "every action you may read, one row each",
    "updates": "every update to those actions, one row each",
    "snapshots": "the nightly figures of each plan: one row per strategy, aim or lead agency per day",
}
FEED_FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


class FeedView(APIView):
    """Flat feeds for spreadsheets and BI tools (Excel's and Power BI's "From Web"): CSV (UTF-8 with a byte
    order mark, comma separated, every text quoted) or JSON lines, one record a row, with stable column names.
    Send the API token as the header `Authorization: Token <key>`. They take the filters of the matching list
    (actions: strategy, aim, lead_agency, status, updated_since…; updates: strategy, action, updated_since;
    snapshots: strategy, since) and are not paged."""

    FILTERS = {"actions": ActionFilter, "updates": ActionUpdateFilter, "snapshots": ProgressSnapshotFilter}

    @extend_schema(
        parameters=[
            OpenApiParameter("feed", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(FEEDS),
                             description="; ".join(f"{k}: {v}" for k, v in FEEDS.items())),
            OpenApiParameter("fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(FEED_FORMATS),
                             description="csv or jsonl (one JSON object a line)."),
            IF_NONE_MATCH,
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR, (200, "application/x-ndjson"): OpenApiTypes.STR,
            304: NOT_MODIFIED, 400: OpenApiTypes.OBJECT,
        },
    )
    def get(self, request, feed, fmt):
        if feed not in FEEDS or fmt not in FEED_FORMATS:
            raise NotFound()
        etag = etag_for("feed", feed, fmt, selectors.plan_states_visible_to_user(request.user),
                        request.get_full_path(), timezone.localdate().isoformat())
        if etag_matches(request, etag):
            response = HttpResponse(status=304)
            del response["Content-Type"]
            response["ETag"] = etag
            return response
        base = {
            "actions": lambda: selectors.with_latest_note(
                selectors.with_list_relations(actions_visible_to_user(request.user))).order_by("id"),
            "updates": lambda: selectors.updates_visible_to_user(request.user).select_related(
                "author", "action").order_by("created_at", "id"),
            "snapshots": lambda: selectors.snapshots_visible_to_user(request.user).order_by("strategy_id", "date"),
        }[feed]()
        filterset = self.FILTERS[feed](request.query_params, queryset=base, request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        columns, rows = feeds.FEED_ROWS[feed](filterset.qs)
        body = feeds.to_csv(columns, rows) if fmt == "csv" else feeds.to_jsonl(columns, rows)
        response = HttpResponse(body, content_type=FEED_FORMATS[fmt])
        response["Content-Disposition"] = f'inline; filename="{feed}.{fmt}"'
        response["ETag"] = etag
        return response
