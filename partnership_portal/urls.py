from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from actionplan.api import ActionViewSet
from strategy.api import StrategyViewSet

from . import views
from .api import ObtainTokenView, PartnershipViewSet

router = DefaultRouter()
router.register("partnerships", PartnershipViewSet, basename="api-partnership")
router.register("strategies", StrategyViewSet, basename="api-strategy")
router.register("actions", ActionViewSet, basename="api-action")

partnership_patterns = [
    path("", views.partnership_home, name="partnership"),
    path("audit-log/", views.audit_log, name="audit_log"),
    path("", include("strategy.urls")),
    path("", include("actionplan.urls")),
    path("", include("audits.urls")),
    path("", include("workforce.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(post_reset_login=False),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/complete/", auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("p/<slug:slug>/", include(partnership_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("api/v1/", include(router.urls)),
    path("admin/", admin.site.urls),
]

handler404 = "partnership_portal.views.not_found"
handler500 = "partnership_portal.views.server_error"
