from django.urls import path

from . import views

urlpatterns = [
    path("strategies/<int:pk>/exports/", views.export_list, name="export_list"),
    path("strategies/<int:pk>/exports/new/", views.export_create, name="export_create"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("exports/<int:pk>/download/word/", views.export_download_docx, name="export_download_docx"),
    path("exports/<int:pk>/retry/", views.export_retry, name="export_retry"),
    path("exports/<int:pk>/changes/", views.export_changes, name="export_changes"),
    path("exports/<int:pk>/challenges/", views.challenge_create, name="challenge_create"),
    path("challenges/<int:pk>/respond/", views.challenge_respond, name="challenge_respond"),
    path("challenges/<int:pk>/follow-up/", views.challenge_follow_up, name="challenge_follow_up"),
    path("challenges/<int:pk>/close/", views.challenge_close, name="challenge_close"),
    path("strategies/<int:pk>/document/", views.strategy_document, name="strategy_document"),
    path("branding/", views.branding_edit, name="branding_edit"),
]
