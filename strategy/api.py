from rest_framework import serializers, viewsets

from strategy.selectors import strategies_visible_to_user

from .models import IntendedOutcome, StrategicAim, Strategy


class StrategySerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Strategy
        fields = [
            "id", "partnership", "title", "period_start", "period_end", "vision", "strapline", "version_label",
            "status", "date_agreed", "agreed_by", "date_launched", "next_review_date", "updated_at",
        ]


class StrategyViewSet(viewsets.ReadOnlyModelViewSet):
    """Strategies of the caller's partnerships (viewers see published ones only)."""

    serializer_class = StrategySerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return strategies_visible_to_user(self.request.user).select_related("partnership").order_by("id")


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
            strategy__in=strategies_visible_to_user(self.request.user)
        ).order_by("strategy_id", "number")


class IntendedOutcomeViewSet(viewsets.ReadOnlyModelViewSet):
    """Intended outcomes of the strategies the caller may read."""

    serializer_class = IntendedOutcomeSerializer
    filterset_fields = ["aim", "aim__strategy"]

    def get_queryset(self):
        return IntendedOutcome.objects.filter(
            aim__strategy__in=strategies_visible_to_user(self.request.user)
        ).select_related("aim").order_by("aim__strategy_id", "aim__number", "number")
