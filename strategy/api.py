import django_filters
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


# Ids filter as plain numbers over what the caller may read: another partnership's strategy and one that does
# not exist both give an empty list. (A choice filter over every row would answer 200 for the one and 400 for
# the other, telling an outsider which ids exist.)
class StrategicAimFilter(django_filters.FilterSet):
    strategy = django_filters.NumberFilter(field_name="strategy_id", label="Strategy id")

    class Meta:
        model = StrategicAim
        fields = ["strategy"]


class IntendedOutcomeFilter(django_filters.FilterSet):
    aim = django_filters.NumberFilter(field_name="aim_id", label="Strategic aim id")
    aim__strategy = django_filters.NumberFilter(field_name="aim__strategy_id", label="Strategy id")

    class Meta:
        model = IntendedOutcome
        fields = ["aim", "aim__strategy"]


class StrategicAimViewSet(viewsets.ReadOnlyModelViewSet):
    """Strategic aims of the strategies the caller may read."""

    serializer_class = StrategicAimSerializer
    filterset_class = StrategicAimFilter

    def get_queryset(self):
        return StrategicAim.objects.filter(
            strategy__in=strategies_visible_to_user(self.request.user)
        ).order_by("strategy_id", "number")


class IntendedOutcomeViewSet(viewsets.ReadOnlyModelViewSet):
    """Intended outcomes of the strategies the caller may read."""

    serializer_class = IntendedOutcomeSerializer
    filterset_class = IntendedOutcomeFilter

    def get_queryset(self):
        return IntendedOutcome.objects.filter(
            aim__strategy__in=strategies_visible_to_user(self.request.user)
        ).select_related("aim").order_by("aim__strategy_id", "aim__number", "number")
