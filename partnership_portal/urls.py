import os

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from actionplan.urls import link_urlpatterns as update_link_urlpatterns
from partnerships import views, views_notifications, views_people, views_two_factor
from partnerships.api import ObtainTokenView
from partnerships.forms import QueuedPasswordResetForm
from reviews.views import review_token
from workforce.urls import anonymous_urlpatterns as survey_urlpatterns

partnership_patterns = [
    path("", views.partnership_home, name="partnership"),
    path("audit-log/", views.audit_log, name="audit_log"),
    path("security/", views_two_factor.partnership_security, name="partnership_security"),
    path("agencies/", views_people.agency_list, name="agency_list"),
    path("agencies/new/", views_people.agency_create, name="agency_create"),
    path("agencies/<int:pk>/edit/", views_people.agency_edit, name="agency_edit"),
    path("agencies/<int:pk>/archive/", views_people.agency_archive, name="agency_archive"),
    path("people/", views_people.people, name="people"),
    path("people/invite/", views_people.person_invite, name="person_invite"),
    path("people/<int:pk>/", views_people.person_edit, name="person_edit"),
    path("people/<int:pk>/deactivate/", views_people.person_deactivate, name="person_deactivate"),
    path("invitations/<int:pk>/resend/", views_people.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/withdraw/", views_people.invitation_withdraw, name="invitation_withdraw"),
    path("", include("strategy.urls")),
    path("", include("actionplan.urls")),
    path("", include("audits.urls")),
    path("", include("workforce.urls")),
    path("", include("reviews.urls")),
    path("", include("impact.urls")),
    path("", include("exports.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path("notifications/read/", views_notifications.notification_read, name="notification_read"),
    path("notifications/settings/", views_notifications.notification_settings, name="notification_settings"),
    path("accounts/two-step/", views_two_factor.account, name="two_factor"),
    path("accounts/two-step/set-up/", views_two_factor.set_up, name="two_factor_set_up"),
    path("accounts/two-step/verify/", views_two_factor.verify, name="two_factor_verify"),
    path("accounts/two-step/recovery-codes/", views_two_factor.recovery_codes, name="two_factor_recovery_codes"),
    path("accounts/two-step/turn-off/", views_two_factor.turn_off, name="two_factor_turn_off"),
    path("accounts/password-reset/", auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
         name="password_reset"),
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
    # An invitation to join a partnership: the secret link is the key, signed in or not.
    path("invitation/<str:token>/", views_people.invitation_accept, name="invitation_accept"),
    # An outside reviewer's personal link: no sign-in, the secret token is the key.
    path("review/<str:token>/", review_token, name="review_token"),
    # A steering group member's personal update link from the weekly reminder (actionplan.services).
    path("", include(update_link_urlpatterns)),
    path("", include(survey_urlpatterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("api/v1/", include("partnership_portal.api_urls")),
    path("admin/", admin.site.urls),
]

# A constant JSON answer the benchmarks measure the API against (tests/benchmarks); never routed
# unless asked for, so production has no such URL.
if os.environ.get("PORTAL_BENCH_VIEWS") == "1":
    from partnerships.bench import bare_json

    urlpatterns.append(path("bench/bare-json/", bare_json, name="bench-bare-json"))
handler404 = "partnerships.views.not_found"
handler500 = "partnerships.views.server_error"
