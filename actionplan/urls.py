from django.urls import path

from . import views

urlpatterns = [
    path("strategies/<int:pk>/actions/", views.action_plan, name="action_plan"),
    path("strategies/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/update/", views.action_update, name="action_update"),
    path("actions/<int:pk>/comments/", views.action_comment_add, name="action_comment_add"),
    path("evidence-files/<int:pk>/", views.action_evidence_download, name="action_evidence_download"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/delete/", views.action_delete, name="action_delete"),
    path("strategies/<int:pk>/aims/<int:aim_pk>/renumber/", views.aim_renumber, name="aim_renumber"),
    path("strategies/<int:pk>/progress/", views.action_progress, name="action_progress"),
    path("strategies/<int:pk>/recommendations/", views.action_recommendations, name="action_recommendations"),
    path("strategies/<int:pk>/actions/export.<str:fmt>", views.plan_export, name="plan_export"),
    path("strategies/<int:pk>/actions/import/", views.plan_import, name="plan_import"),
    path("my-actions/", views.my_actions, name="my_actions"),
]
