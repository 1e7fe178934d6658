from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from actionplan.selectors import progress_summary
from partnership_portal import access

from .models import Strategy


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

ProgressSerializer = inline_serializer(
    "StrategyProgress",
    {
        "strategy": serializers.IntegerField(),
        "total": serializers.IntegerField(),
        "completed_percent": serializers.FloatField(),
        "overdue": serializers.IntegerField(),
        "stale": serializers.IntegerField(),
        "by_status": StatusCountSerializer(many=True),
    },
)


class StrategyViewSet(viewsets.ReadOnlyModelViewSet):
    """Strategies of the caller's partnerships (viewers see published ones only)."""

    serializer_class = StrategySerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return access.strategies_visible_to_user(self.request.user).select_related("partnership").order_by("id")

    @extend_schema(responses={200: ProgressSerializer})
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """Action-plan progress: counts by status, per cent completed, overdue and stale actions."""
        strategy = self.get_object()
        actions = access.actions_visible_to_user(request.user).filter(strategy=strategy)
        return Response({"strategy": strategy.pk, **progress_summary(actions)})
