from django.urls import include, path

from . import views, views_export

urlpatterns = [
    path("strategies/", views.strategy_list, name="strategy_list"),
    path("strategies/new/", views.strategy_create, name="strategy_create"),
    path("strategies/<int:pk>/", views.strategy_detail, name="strategy_detail"),
    path("strategies/<int:pk>/edit/", views.strategy_edit, name="strategy_edit"),
    path("strategies/<int:pk>/sections/<int:section_pk>/edit/", views.section_edit, name="section_edit"),
    path("strategies/<int:pk>/aims/new/", views.aim_create, name="aim_create"),
    path("strategies/<int:pk>/aims/<int:aim_pk>/outcomes/new/", views.outcome_create, name="outcome_create"),
    path("", include("strategy.urls_review")),
    path("strategies/<int:pk>/exports/", views_export.export_list, name="export_list"),
    path("strategies/<int:pk>/exports/new/", views_export.export_create, name="export_create"),
    path("exports/<int:pk>/", views_export.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views_export.export_download, name="export_download"),
    path("exports/<int:pk>/retry/", views_export.export_retry, name="export_retry"),
    path("exports/<int:pk>/changes/", views_export.export_changes, name="export_changes"),
    path("exports/<int:pk>/challenges/", views_export.challenge_create, name="challenge_create"),
    path("challenges/<int:pk>/respond/", views_export.challenge_respond, name="challenge_respond"),
    path("challenges/<int:pk>/follow-up/", views_export.challenge_follow_up, name="challenge_follow_up"),
    path("challenges/<int:pk>/close/", views_export.challenge_close, name="challenge_close"),
    path("strategies/<int:pk>/document/", views_export.strategy_document, name="strategy_document"),
    path("branding/", views_export.branding_edit, name="branding_edit"),
]
