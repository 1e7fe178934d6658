from django.urls import include, path

from . import views

urlpatterns = [
    path("strategies/", views.strategy_list, name="strategy_list"),
    path("strategies/new/", views.strategy_create, name="strategy_create"),
    path("strategies/<int:pk>/", views.strategy_detail, name="strategy_detail"),
    path("strategies/<int:pk>/edit/", views.strategy_edit, name="strategy_edit"),
    path("strategies/<int:pk>/sections/<int:section_pk>/edit/", views.section_edit, name="section_edit"),
    path("strategies/<int:pk>/aims/new/", views.aim_create, name="aim_create"),
    path("strategies/<int:pk>/aims/<int:aim_pk>/outcomes/new/", views.outcome_create, name="outcome_create"),
    path("strategies/<int:pk>/exports/", views.export_list, name="export_list"),
    path("strategies/<int:pk>/exports/new/", views.export_create, name="export_create"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("", include("strategy.urls_review")),
]
