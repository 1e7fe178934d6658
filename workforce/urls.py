from django.urls import path

from . import views

urlpatterns = [
    path("workforce/", views.assessment_list, name="assessment_list"),
    path("workforce/new/", views.assessment_create, name="assessment_create"),
    path("workforce/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("workforce/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("workforce/<int:pk>/delete/", views.assessment_delete, name="assessment_delete"),
    path("workforce/<int:pk>/courses/new/", views.course_create, name="course_create"),
    path("workforce/<int:pk>/courses/<int:course_pk>/edit/", views.course_edit, name="course_edit"),
    path("workforce/<int:pk>/courses/<int:course_pk>/take-up/", views.course_take_up, name="course_take_up"),
    path("workforce/<int:pk>/resources/new/", views.resource_create, name="resource_create"),
    path("workforce/<int:pk>/resources/<int:resource_pk>/edit/", views.resource_edit, name="resource_edit"),
    path("workforce/<int:pk>/needs/new/", views.need_create, name="need_create"),
    path("workforce/<int:pk>/needs/<int:need_pk>/edit/", views.need_edit, name="need_edit"),
    path("workforce/<int:pk>/needs/<int:need_pk>/action/", views.need_action_create, name="need_action_create"),
    path("workforce/<int:pk>/survey/", views.survey_manage, name="survey_manage"),
    path("workforce/<int:pk>/survey/questions/new/", views.survey_question_create, name="survey_question_create"),
    path("workforce/<int:pk>/survey/results/", views.survey_results, name="survey_results"),
    path("workforce/<int:pk>/survey/results.<str:fmt>", views.survey_export, name="survey_export"),
]

# The anonymous survey link lives outside the partnership pages: it needs no sign-in.
anonymous_urlpatterns = [
    path("survey/<str:token>/", views.survey_respond, name="survey_respond"),
]
