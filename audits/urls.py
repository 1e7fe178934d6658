from django.urls import path

from . import views

urlpatterns = [
    path("audits/", views.audit_list, name="audit_list"),
    path("audits/new/", views.audit_create, name="audit_create"),
    path("audits/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/edit/", views.audit_edit, name="audit_edit"),
    path("audits/<int:pk>/delete/", views.audit_delete, name="audit_delete"),
    path("audits/<int:pk>/cases/<int:case_pk>/delete/", views.case_delete, name="audit_case_delete"),
    path("audits/<int:pk>/report/", views.audit_report, name="audit_report"),
    path("audits/<int:pk>/cases/new/", views.case_create, name="audit_case_create"),
    path("audits/<int:pk>/cases/<int:case_pk>/edit/", views.case_edit, name="audit_case_edit"),
    path("audits/<int:pk>/findings/new/", views.finding_create, name="audit_finding_create"),
    path("audits/<int:pk>/findings/<int:finding_pk>/edit/", views.finding_edit, name="audit_finding_edit"),
    path("audits/<int:pk>/findings/<int:finding_pk>/action/", views.finding_action_create,
         name="audit_finding_action_create"),
]
