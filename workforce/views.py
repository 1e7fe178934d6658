from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from actionplan.evidence import action_from_evidence, target_strategy
from actionplan.selectors import visible_actions
from partnerships import access
from partnerships.form_views import confirm_delete, form_page, save_form
from partnerships.models import Recommendation
from partnerships.network import client_ip
from workforce.selectors import visible_assessments

from . import exports, selectors, services, survey_guard
from .forms import AssessmentForm, CourseForm, NeedForm, QuestionForm, ResourceForm, SurveyResponseForm, TakeUpForm
from .models import Course, PracticeResource, TrainingNeed


def _assessment(request, pk):
    access.require(request.membership, access.WORKFORCE_VIEW)
    return selectors.assessment_for(request.membership, pk)


def _editable_assessment(request, pk):
    assessment = _assessment(request, pk)
    access.require(request.membership, access.WORKFORCE_EDIT, assessment)
    return assessment


def _detail_url(request, assessment, anchor=""):
    url = reverse("assessment_detail", kwargs={"slug": request.partnership.slug, "pk": assessment.pk})
    return f"{url}#{anchor}" if anchor else url


@access.partnership_view
def assessment_list(request):
    access.require(request.membership, access.WORKFORCE_VIEW)
    assessments = visible_assessments(request.membership).select_related("strategy")
    return render(request, "workforce/assessment_list.html", {
        "assessments": assessments, "can_add": access.can(request.membership, access.WORKFORCE_EDIT),
    })


@access.partnership_view
@require_http_methods(["GET", "POST"])
def assessment_create(request):
    access.require(request.membership, access.WORKFORCE_EDIT)
    form = AssessmentForm(request.POST or None, partnership=request.partnership)
    assessment = save_form(request, form, lambda d: services.assessment_create(
        partnership=request.partnership, actor=request.user, **d), "Training needs assessment started.")
    if assessment:
        return redirect(_detail_url(request, assessment))
    return form_page(request, form, title="Start a training needs assessment", caption="Training needs",
                      submit="Save", cancel_url=reverse("assessment_list", kwargs={"slug": request.partnership.slug}))


@access.partnership_view
@require_http_methods(["GET", "POST"])
def assessment_edit(request, pk):
    assessment = _editable_assessment(request, pk)
    form = AssessmentForm(request.POST or None, instance=assessment, partnership=request.partnership)
    if save_form(request, form, lambda d: services.assessment_update(assessment=assessment, actor=request.user, **d),
             "Assessment updated."):
        return redirect(_detail_url(request, assessment))
    return form_page(request, form, title="Edit the assessment", caption=assessment.title, submit="Save changes",
                      cancel_url=_detail_url(request, assessment))


@access.partnership_view
def assessment_detail(request, pk):
    assessment = _assessment(request, pk)
    return render(request, "workforce/assessment_detail.html", {
        "assessment": assessment,
        "courses": selectors.courses_of(assessment),
        "take_up": selectors.take_up_by_agency(assessment),
        "survey": selectors.survey_of(assessment),
        "resources": selectors.resources_with_gaps(assessment),
        "needs": selectors.needs_of(assessment),
        "can_edit": access.can(request.membership, access.WORKFORCE_EDIT, assessment),
        "can_create_actions": access.can(request.membership, access.ACTION_CREATE),
    })


# -- training provision ------------------------------------------------------


def _course(assessment, course_pk):
    return access.get_visible_or_404(Course.objects.filter(assessment=assessment), pk=course_pk)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def course_create(request, pk):
    assessment = _editable_assessment(request, pk)
    form = CourseForm(request.POST or None, partnership=request.partnership)
    if save_form(request, form, lambda d: services.course_create(assessment=assessment, actor=request.user, **d),
             "Course added to the provision audit."):
        return redirect(_detail_url(request, assessment, "provision"))
    return form_page(request, form, title="Add a course or programme", caption=assessment.title, submit="Add course",
                      cancel_url=_detail_url(request, assessment, "provision"))


@access.partnership_view
@require_http_methods(["GET", "POST"])
def course_edit(request, pk, course_pk):
    assessment = _editable_assessment(request, pk)
    course = _course(assessment, course_pk)
    form = CourseForm(request.POST or None, instance=course, partnership=request.partnership)
    if save_form(request, form, lambda d: services.course_update(course=course, actor=request.user, **d),
             "Course updated."):
        return redirect(_detail_url(request, assessment, "provision"))
    return form_page(request, form, title=f"Edit {course.name}", caption=assessment.title, submit="Save changes",
                      cancel_url=_detail_url(request, assessment, "provision"))


@access.partnership_view
@require_http_methods(["GET", "POST"])
def course_take_up(request, pk, course_pk):
    assessment = _editable_assessment(request, pk)
    course = _course(assessment, course_pk)
    form = TakeUpForm(request.POST or None, partnership=request.partnership)
    if save_form(request, form, lambda d: services.take_up_set(course=course, actor=request.user, **d),
             "Take-up recorded."):
        return redirect(_detail_url(request, assessment, "take-up"))
    return form_page(request, form, title=f"Record take-up of {course.name}", caption=assessment.title,
                      submit="Save take-up", cancel_url=_detail_url(request, assessment, "provision"),
                      intro="One agency at a time. Saving again for the same agency replaces its figures.")


# -- practice resources and needs ------------------------------------------------


@access.partnership_view
@require_http_methods(["GET", "POST"])
def resource_create(request, pk):
    assessment = _editable_assessment(request, pk)
    form = ResourceForm(request.POST or None)
    if save_form(request, form, lambda d: services.resource_create(assessment=assessment, actor=request.user, **d),
             "Resource added to the audit."):
        return redirect(_detail_url(request, assessment, "resources"))
    return form_page(request, form, title="Add a practice resource", caption=assessment.title, submit="Add resource",
                      cancel_url=_detail_url(request, assessment, "resources"))


@access.partnership_view
@require_http_methods(["GET", "POST"])
def resource_edit(request, pk, resource_pk):
    assessment = _editable_assessment(request, pk)
    resource = access.get_visible_or_404(PracticeResource.objects.filter(assessment=assessment), pk=resource_pk)
    form = ResourceForm(request.POST or None, instance=resource)
    if save_form(request, form, lambda d: services.resource_update(resource=resource, actor=request.user, **d),
             "Resource updated."):
        return redirect(_detail_url(request, assessment, "resources"))
    return form_page(request, form, title=f"Edit {resource.name}", caption=assessment.title, submit="Save changes",
                      cancel_url=_detail_url(request, assessment, "resources"))


def _need_form(request, **kwargs):
    return NeedForm(request.POST or None, partnership=request.partnership,
                    visible_actions=visible_actions(request.membership), **kwargs)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def need_create(request, pk):
    assessment = _editable_assessment(request, pk)
    form = _need_form(request)
    if save_form(request, form, lambda d: services.need_create(assessment=assessment, actor=request.user, **d),
             "Training need added."):
        return redirect(_detail_url(request, assessment, "needs"))
    return form_page(request, form, title="Add a training need", caption=assessment.title, submit="Add need",
                      cancel_url=_detail_url(request, assessment, "needs"))


def _need(assessment, need_pk):
    return access.get_visible_or_404(TrainingNeed.objects.filter(assessment=assessment).select_related("agency"),
                                     pk=need_pk)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def need_edit(request, pk, need_pk):
    assessment = _editable_assessment(request, pk)
    need = _need(assessment, need_pk)
    form = _need_form(request, instance=need)
    if save_form(request, form, lambda d: services.need_update(need=need, actor=request.user, **d), "Need updated."):
        return redirect(_detail_url(request, assessment, "needs"))
    return form_page(request, form, title="Edit the training need", caption=assessment.title, submit="Save changes",
                      cancel_url=_detail_url(request, assessment, "needs"))


@access.partnership_view
@require_http_methods(["GET", "POST"])
def need_action_create(request, pk, need_pk):
    assessment = _assessment(request, pk)
    need = _need(assessment, need_pk)
    strategy = target_strategy(request.membership, assessment.strategy)
    if strategy is None:
        access.require(request.membership, access.ACTION_CREATE)
        messages.error(request, "There is no strategy open for new actions.")
        return redirect(_detail_url(request, assessment, "needs"))
    audience = f" for {need.role}" if need.role else ""
    initial = {
        "text": f"Training on {need.topic}{audience}.",
        "lead_agency": need.agency_id,
        "recommendations": list(_recommendation_2()),
        "measures_text": "Take-up by agency; change in confidence and knowledge at the next staff survey.",
    }
    return action_from_evidence(
        request, strategy=strategy, initial=initial,
        write=lambda d: services.need_action_create(need=need, actor=request.user, **d),
        back_url=_detail_url(request, assessment, "needs"),
        title="Add an action to meet a training need", caption=f"From the training needs assessment “{assessment.title}”: {need.topic}",
    )


def _recommendation_2():
    return Recommendation.objects.filter(number=2).values_list("pk", flat=True)


# -- the staff survey: management ---------------------------------------------------


def _survey(assessment):
    survey = selectors.survey_of(assessment)
    if survey is None:
        raise Http404("This assessment has no staff survey yet.")
    return survey


@access.partnership_view
@require_http_methods(["GET", "POST"])
def survey_manage(request, pk):
    assessment = _assessment(request, pk)
    survey = selectors.survey_of(assessment)
    can_edit = access.can(request.membership, access.WORKFORCE_EDIT, assessment)
    if request.method == "POST":
        access.require(request.membership, access.WORKFORCE_EDIT, assessment)
        do = request.POST.get("do")
        if do == "create" and survey is None:
            services.survey_create(assessment=assessment, actor=request.user)
            messages.success(request, "Staff survey set up with the default questions. Open the link when ready.")
        elif do in ("open", "close") and survey is not None:
            services.survey_set_open(survey=survey, actor=request.user, is_open=do == "open")
            messages.success(request, "The survey link is open." if do == "open" else "The survey link is closed.")
        return redirect("survey_manage", slug=request.partnership.slug, pk=assessment.pk)
    questions, _ = selectors.survey_form_parts(survey) if survey else ([], [])
    link = request.build_absolute_uri(reverse("survey_respond", kwargs={"token": survey.token})) if survey else ""
    return render(request, "workforce/survey_manage.html", {
        "assessment": assessment, "survey": survey, "questions": questions, "can_edit": can_edit,
        "link": link if can_edit else "",
    })


@access.partnership_view
@require_http_methods(["GET", "POST"])
def survey_question_create(request, pk):
    assessment = _editable_assessment(request, pk)
    survey = _survey(assessment)
    form = QuestionForm(request.POST or None)
    back = reverse("survey_manage", kwargs={"slug": request.partnership.slug, "pk": assessment.pk})
    if save_form(request, form, lambda d: services.question_add(survey=survey, actor=request.user, **d), "Question added."):
        return redirect(back)
    return form_page(request, form, title="Add a question", caption="Staff survey", submit="Add question",
                      cancel_url=back)


@access.partnership_view
def survey_results(request, pk):
    assessment = _assessment(request, pk)
    survey = _survey(assessment)
    results = selectors.survey_results(survey)
    return render(request, "workforce/survey_results.html", {
        "assessment": assessment, "survey": survey, "results": results,
        "means_chart": selectors.survey_means_chart(results),
    })


@access.partnership_view
def survey_export(request, pk, fmt):
    assessment = _assessment(request, pk)
    survey = _survey(assessment)
    if fmt not in exports.FORMATS:
        raise Http404("No such format.")
    return exports.FORMATS[fmt](assessment, selectors.survey_results(survey))


# -- the staff survey: the anonymous link ------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def survey_respond(request, token):
    """The survey as staff see it: no sign-in, nothing kept that could say who answered."""
    survey = selectors.survey_by_token(token)
    partnership = survey.assessment.partnership
    if not survey.is_open:
        return render(request, "workforce/survey_closed.html", {"survey_partnership": partnership}, status=410)
    questions, agencies = selectors.survey_form_parts(survey)
    context = {"survey": survey, "survey_partnership": partnership}
    if request.method == "POST":
        if not survey_guard.allow_post(survey, client_ip(request)):
            return render(request, "workforce/survey_busy.html", context, status=429)
        form = SurveyResponseForm(request.POST, questions=questions, agencies=agencies)
        if form.is_valid():
            problem = survey_guard.consume_form_token(survey, form.cleaned_data["form_token"])
            if problem is None:
                services.response_submit(survey=survey, agency=form.agency(), role=form.cleaned_data["role"],
                                         answers=form.answers())
                return render(request, "workforce/survey_thanks.html", context)
            form.add_error(None, problem)
        if not survey_guard.token_is_valid(survey, form.data.get("form_token")):
            form.data = form.data.copy()
            form.data["form_token"] = survey_guard.issue_form_token(survey)
    else:
        form = SurveyResponseForm(
            questions=questions, agencies=agencies, initial={"form_token": survey_guard.issue_form_token(survey)},
        )
    return render(request, "workforce/survey_respond.html", {**context, "form": form})


@access.partnership_view
@require_http_methods(["GET", "POST"])
def assessment_delete(request, pk):
    assessment = _editable_assessment(request, pk)
    return confirm_delete(
        request, title="Delete this assessment", caption=assessment.title,
        warning="Its courses, take-up, staff survey and every response, resources and needs will be deleted too. "
                "Actions linked to its needs stay in the plan.",
        submit="Delete the assessment", cancel_url=_detail_url(request, assessment),
        delete=lambda: services.assessment_delete(assessment=assessment, actor=request.user),
        done_url=reverse("assessment_list", kwargs={"slug": request.partnership.slug}),
        done_message="Assessment deleted.",
    )
