from django.urls import path

from . import views

urlpatterns = [
    path("audits/", views.audit_list, name="audit_list"),
]
