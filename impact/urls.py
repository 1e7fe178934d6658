from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("local-data/", views.local_data_overview, name="local_data"),
    path("local-data/periods/new/", views.local_data_period_create, name="local_data_period_create"),
    path("local-data/periods/<int:pk>/", views.local_data_period_detail, name="local_data_period_detail"),
    path("local-data/periods/<int:pk>/figures/new/", views.local_data_figure_record, name="local_data_figure_record"),
    path("local-data/figures/<int:pk>/breakdowns/new/", views.local_data_breakdown_record,
         name="local_data_breakdown_record"),
    path("local-data/import/", views.local_data_import, name="local_data_import"),
    path("strategies/<int:pk>/progress-report/", views.annual_report, name="annual_report"),
    path("strategies/<int:pk>/progress-report/pdf/", views.annual_report_pdf, name="annual_report_pdf"),
    path("strategies/<int:pk>/progress-report/narrative/", views.annual_report_narrative,
         name="annual_report_narrative"),
    path("strategies/<int:pk>/outcomes/<int:outcome_pk>/", views.outcome_detail, name="outcome_detail"),
    path("strategies/<int:pk>/data-points/<int:point_pk>/delete/", views.data_point_delete,
         name="data_point_delete"),
]
