from django.urls import path

from . import views

urlpatterns = [
    path("workforce/", views.assessment_list, name="assessment_list"),
]
