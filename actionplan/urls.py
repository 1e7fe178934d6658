from django.urls import path

from . import views

urlpatterns = [
    path("strategies/<int:pk>/actions/", views.action_plan, name="action_plan"),
    path("strategies/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("strategies/<int:pk>/we-will/<int:commitment_pk>/action/", views.commitment_action_create,
         name="commitment_action_create"),
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
    path("strategies/<int:pk>/actions/import/<int:job>/", views.plan_import_job, name="plan_import_job"),
    path("strategies/<int:pk>/actions/import/<int:job>/status/", views.plan_import_status, name="plan_import_status"),
    path("my-actions/", views.my_actions, name="my_actions"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/settings/", views.round_settings, name="round_settings"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/delete/", views.meeting_delete, name="meeting_delete"),
    path("rounds/<int:pk>/request-update/", views.update_request_create, name="update_request_create"),
    path("rounds/<int:pk>/board-pack/", views.board_pack_create, name="board_pack_create"),
    path("board-packs/<int:pk>/", views.board_pack_download, name="board_pack_download"),
    path("actions/<int:pk>/new-date/", views.action_date_propose, name="action_date_propose"),
    path("date-changes/<int:pk>/", views.date_change_decide, name="date_change_decide"),
    path("action-statuses/", views.status_meanings, name="status_meanings"),
]

# A steering group member's personal link from the weekly reminder: no sign-in, the token is the key.
link_urlpatterns = [
    path("update/<str:token>/", views.update_link, name="update_link"),
    path("update/<str:token>/actions/<int:pk>/", views.update_link_action, name="update_link_action"),
]
