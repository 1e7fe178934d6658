from django.urls import path

from . import views

urlpatterns = [
    path("strategies/<int:pk>/actions/", views.action_plan, name="action_plan"),
    path("strategies/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/update/", views.action_update, name="action_update"),
    path("my-actions/", views.my_actions, name="my_actions"),
]
