"""The REST API's router: one line for each resource, whichever app serves it."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from actionplan.api import ActionUpdateViewSet, ActionViewSet, FeedView, StrategyViewSet
from partnerships.api import PartnershipViewSet
from strategy.api import IntendedOutcomeViewSet, StrategicAimViewSet

router = DefaultRouter()
router.register("partnerships", PartnershipViewSet, basename="api-partnership")
router.register("strategies", StrategyViewSet, basename="api-strategy")
router.register("aims", StrategicAimViewSet, basename="api-aim")
router.register("outcomes", IntendedOutcomeViewSet, basename="api-outcome")
router.register("actions", ActionViewSet, basename="api-action")
router.register("updates", ActionUpdateViewSet, basename="api-update")

urlpatterns = [
    *router.urls,
    # Flat CSV and JSON-lines feeds for spreadsheets and BI tools.
    path("feeds/<str:feed>.<str:fmt>", FeedView.as_view(), name="api-feed"),
]
