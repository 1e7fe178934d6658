from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from actionplan.selectors import strategy_progress
from partnership_portal import access

from .models import IntendedOutcome, StrategicAim, Strategy


class StrategySerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Strategy
        fields = [
            "id", "partnership", "title", "period_start", "period_end", "vision", "strapline", "version_label",
            "status", "date_agreed", "agreed_by", "date_launched", "next_review_date", "updated_at",
        ]


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


class StrategyViewSet(viewsets.ReadOnlyModelViewSet):
    """Strategies of the caller's partnerships (viewers see published ones only)."""

    serializer_class = StrategySerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return access.strategies_visible_to_user(self.request.user).select_related("partnership").order_by("id")

    @extend_schema(responses={200: ProgressSerializer})
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """Action-plan progress: counts by status, per cent completed, overdue and stale actions — for the
        strategy, for each of its aims and for each lead agency."""
        strategy = self.get_object()
        actions = access.actions_visible_to_user(request.user).filter(strategy=strategy)
        figures = strategy_progress(actions, strategy)
        data = {
            "strategy": strategy.pk, **figures["overall"], "by_aim": figures["aims"], "by_agency": figures["agencies"],
        }
        return Response(ProgressSerializer(data).data)


class StrategicAimSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategicAim
        fields = ["id", "strategy", "number", "title", "what_this_means", "what_we_want_to_see"]


class IntendedOutcomeSerializer(serializers.ModelSerializer):
    strategy = serializers.IntegerField(source="aim.strategy_id", read_only=True)
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = IntendedOutcome
        fields = ["id", "strategy", "aim", "number", "reference", "text"]


class StrategicAimViewSet(viewsets.ReadOnlyModelViewSet):
    """Strategic aims of the strategies the caller may read."""

    serializer_class = StrategicAimSerializer
    filterset_fields = ["strategy"]

    def get_queryset(self):
        return StrategicAim.objects.filter(
            strategy__in=access.strategies_visible_to_user(self.request.user)
        ).order_by("strategy_id", "number")


class IntendedOutcomeViewSet(viewsets.ReadOnlyModelViewSet):
    """Intended outcomes of the strategies the caller may read."""

    serializer_class = IntendedOutcomeSerializer
    filterset_fields = ["aim", "aim__strategy"]

    def get_queryset(self):
        return IntendedOutcome.objects.filter(
            aim__strategy__in=access.strategies_visible_to_user(self.request.user)
        ).select_related("aim").order_by("aim__strategy_id", "aim__number", "number")
