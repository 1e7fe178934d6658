"""Reads of the training needs assessment, each in a fixed number of queries."""
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, Sum
from django.http import Http404
from django.utils import timezone

from actionplan.models import Action
from partnerships import access, charts
from partnerships.models import Agency

from .models import (
    LIKERT_CHOICES,
    Course,
    CourseTakeUp,
    NeedPriority,
    PracticeResource,
    QuestionKind,
    QuestionTheme,
    RespondentRole,
    StaffSurvey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    TrainingNeed,
    TrainingNeedsAssessment,
    YesPartlyNo,
)

RESOURCE_REVIEW_DUE_AFTER = timedelta(days=2 * 365)
PRIORITY_ORDER = {NeedPriority.HIGH: 0, NeedPriority.MEDIUM: 1, NeedPriority.LOW: 2}


def visible_assessments(membership):
    """The partnership's training needs assessments, for those who may read them."""
    return access.scope(TrainingNeedsAssessment.objects.all(), membership, perm=access.WORKFORCE_VIEW)



def assessment_for(membership, pk):
    qs = visible_assessments(membership).select_related("strategy", "partnership")
    return access.get_visible_or_404(qs, pk=pk)


# -- training provision ------------------------------------------------------


def courses_of(assessment):
    take_up = CourseTakeUp.objects.select_related("agency").order_by("agency__name")
    return list(
        Course.objects.filter(assessment=assessment)
        .prefetch_related("forms_of_abuse", "audience_agencies", Prefetch("take_up", queryset=take_up))
        .order_by("name", "id")
    )


def _rate(part, whole):
    return round(100 * part / whole) if whole else None


def take_up_by_agency(assessment):
    """Per agency of the partnership: places offered, attended, take-up of places and reach into its workforce.

    Reach compares attendance on courses specific to child sexual abuse with the largest workforce figure
    given for the agency. Agencies with no places at all are the gaps.
    """
    totals = {
        row["agency_id"]: row
        for row in CourseTakeUp.objects.filter(course__assessment=assessment).values("agency_id").annotate(
            n_offered=Sum("places_offered"), n_attended=Sum("attended"),
            specific=Sum("attended", filter=Q(course__focus=Course.Focus.SPECIFIC)), workforce=Max("workforce_size"),
        )
    }
    rows = []
    for agency in Agency.objects.filter(partnership_id=assessment.partnership_id).order_by("name"):
        t = totals.get(agency.pk)
        if t is None:
            rows.append({"agency": agency, "offered": 0, "attended": 0, "take_up": None, "reach": None,
                         "gap": "No places offered"})
            continue
        take_up = _rate(t["n_attended"], t["n_offered"])
        reach = _rate(t["specific"] or 0, t["workforce"])
        gap = ""
        if not t["specific"]:
            gap = "No one trained on child sexual abuse specifically"
        elif take_up is not None and take_up < 60:
            gap = "Low take-up of places offered"
        elif reach is not None and reach < 25:
            gap = "Small share of the workforce reached"
        rows.append({"agency": agency, "offered": t["n_offered"], "attended": t["n_attended"], "take_up": take_up,
                     "reach": reach, "gap": gap})
    return rows


# -- practice resources -------------------------------------------------------


def resources_with_gaps(assessment, today=None):
    """The assessment's practice resources, each with the list of gaps its answers reveal."""
    today = today or timezone.localdate()
    resources = list(PracticeResource.objects.filter(assessment=assessment).order_by("name", "id"))
    for resource in resources:
        gaps = [label for field, label in PracticeResource.CHECKS if getattr(resource, field) == YesPartlyNo.NO]
        gaps += [f"{label} (partly)" for field, label in PracticeResource.CHECKS
                 if getattr(resource, field) == YesPartlyNo.PARTLY]
        unknown = [field for field, _ in PracticeResource.CHECKS if getattr(resource, field) == YesPartlyNo.NOT_KNOWN]
        if unknown:
            gaps.append(f"{len(unknown)} question{'s' if len(unknown) > 1 else ''} not yet answered")
        if resource.last_reviewed is None:
            gaps.append("Never reviewed, or review date not known")
        elif today - resource.last_reviewed > RESOURCE_REVIEW_DUE_AFTER:
            gaps.append("Not reviewed for more than two years")
        resource.gaps = gaps
    return resources


# -- training needs -----------------------------------------------------------


def needs_of(assessment):
    """The needs, highest priority first, each with its actions; `has_action` is False for the ones to act on."""
    actions = Action.objects.select_related("strategy").order_by("reference")
    needs = list(
        TrainingNeed.objects.filter(assessment=assessment).select_related("agency")
        .prefetch_related(Prefetch("actions", queryset=actions))
    )
    for need in needs:
        need.has_action = bool(need.actions.all())
    needs.sort(key=lambda n: (n.has_action, PRIORITY_ORDER.get(n.priority, 9), n.pk))
    return needs


def needs_for_strategy(strategy):
    """The needs found by the assessments linked to the strategy, highest priority first, each with its
    actions in this strategy's plan, in reference order (two queries)."""
    actions = Action.objects.filter(strategy=strategy).only("id", "reference").order_by("reference")
    needs = list(
        TrainingNeed.objects.filter(assessment__strategy=strategy).select_related("agency")
        .prefetch_related(Prefetch("actions", queryset=actions))
    )
    needs.sort(key=lambda n: (PRIORITY_ORDER.get(n.priority, 9), n.topic.lower(), n.pk))
    return needs


def needs_without_actions(membership):
    """The needs of the assessments the member may see that no action answers yet, highest priority first
    (one query; none for a member without the workforce view)."""
    needs = list(
        TrainingNeed.objects.filter(assessment__in=visible_assessments(membership), actions__isnull=True)
        .select_related("agency", "assessment")
    )
    needs.sort(key=lambda n: (PRIORITY_ORDER.get(n.priority, 9), n.topic.lower(), n.pk))
    return needs


def needs_behind_action(membership, action):
    """The training needs an action meets, when the membership may see the assessment."""
    if not access.can(membership, access.WORKFORCE_VIEW):
        return []
    return list(action.training_needs.filter(assessment__partnership_id=membership.partnership_id)
                .select_related("assessment"))


def action_training_needs(membership, action, context):
    """An action's page: the training needs it meets."""
    return {"training_needs": needs_behind_action(membership, action)}


# -- the staff survey ---------------------------------------------------------


def survey_by_token(token):
    """The survey behind an anonymous link, or 404."""
    survey = (
        StaffSurvey.objects.select_related("assessment__partnership").filter(token=token).first()
        if token and len(token) >= 32 else None
    )
    if survey is None:
        raise Http404("No such survey.")
    return survey


def survey_of(assessment):
    return StaffSurvey.objects.filter(assessment=assessment).first()


def survey_form_parts(survey):
    """What the anonymous form needs: the questions and the partnership's agencies."""
    questions = list(SurveyQuestion.objects.filter(survey=survey).order_by("position"))
    agencies = list(Agency.objects.filter(partnership_id=survey.assessment.partnership_id).order_by("name"))
    return questions, agencies


SUPPRESSED = "fewer than 5"


def _threshold():
    return settings.SURVEY_SUPPRESSION_THRESHOLD


def suppress_counts(counts, threshold=None):
    """Display values for a row of counts: counts below the threshold become "fewer than 5".

    When a single cell in the row is hidden, the next smallest is hidden too, so the hidden one
    cannot be worked out from the total.
    """
    threshold = threshold or _threshold()
    label = f"fewer than {threshold}"
    hidden = {i for i, n in enumerate(counts) if n < threshold}
    if len(hidden) == 1 and len(counts) > 1 and counts[next(iter(hidden))] > 0:
        others = sorted((n, i) for i, n in enumerate(counts) if i not in hidden)
        hidden.add(others[0][1])
    return [label if i in hidden else n for i, n in enumerate(counts)]


def _mean(total, n):
    return round(total / n, 2) if n else None


def survey_results(survey):
    """Results of the survey, as tables ready to show or export, with small groups suppressed.

    Six queries whatever the number of responses: everything is aggregated in the database.
    Returns {"total", "suppressed_all", "tables": [{"title", "header", "rows", "note"}], "free_text"}.
    """
    threshold = _threshold()
    label = f"fewer than {threshold}"
    questions = list(SurveyQuestion.objects.filter(survey=survey).order_by("position"))
    agencies = list(Agency.objects.filter(partnership_id=survey.assessment.partnership_id).order_by("name"))
    by_group = list(SurveyResponse.objects.filter(survey=survey).values("agency_id", "role").annotate(n=Count("id")))
    answers = SurveyAnswer.objects.filter(response__survey=survey, rating__isnull=False)
    distribution = list(answers.values("question_id", "rating").annotate(n=Count("id")))
    by_agency = list(answers.values("question_id", "response__agency_id").annotate(n=Count("id"), total=Sum("rating")))
    by_role = list(answers.values("question_id", "response__role").annotate(n=Count("id"), total=Sum("rating")))
    free_text = list(
        SurveyAnswer.objects.filter(response__survey=survey, question__kind=QuestionKind.FREE_TEXT)
        .exclude(text="").order_by("question_id", "text").values_list("question_id", "text")
    )

    total = sum(r["n"] for r in by_group)
    result = {"total": total, "threshold": threshold, "suppressed_all": total < threshold, "tables": [],
              "free_text": []}
    if total < threshold:
        return result

    agency_keys = [a.pk for a in agencies] + [None]
    agency_names = {a.pk: a.name for a in agencies}
    agency_names[None] = "Another organisation or not stated"
    roles = list(RespondentRole.choices)
    counts = defaultdict(int)
    for r in by_group:
        counts[(r["agency_id"], r["role"])] += r["n"]
    agency_n = {k: sum(counts[(k, role)] for role, _ in roles) for k in agency_keys}
    role_n = {role: sum(counts[(k, role)] for k in agency_keys) for role, _ in roles}
    tables = result["tables"]

    shown = suppress_counts([agency_n[k] for k in agency_keys])
    tables.append({"title": "Responses by agency", "header": ["Agency", "Responses"],
                   "rows": [[agency_names[k], v] for k, v in zip(agency_keys, shown)] + [["All responses", total]]})
    shown = suppress_counts([role_n[r] for r, _ in roles])
    tables.append({"title": "Responses by role", "header": ["Role", "Responses"],
                   "rows": [[name, v] for (_, name), v in zip(roles, shown)]})
    tables.append({
        "title": "Responses by agency and role", "header": ["Agency", *[name for _, name in roles]],
        "rows": [[agency_names[k], *suppress_counts([counts[(k, r)] for r, _ in roles])] for k in agency_keys],
    })

    likert = [q for q in questions if q.kind == QuestionKind.LIKERT]
    dist = defaultdict(int)
    for r in distribution:
        dist[(r["question_id"], r["rating"])] += r["n"]
    rows = []
    for q in likert:
        cells = [dist[(q.pk, value)] for value, _ in LIKERT_CHOICES]
        answered = sum(cells)
        mean = _mean(sum(v * dist[(q.pk, v)] for v, _ in LIKERT_CHOICES), answered) if answered >= threshold else label
        rows.append([q.text, answered if answered >= threshold else label, *suppress_counts(cells), mean])
    tables.append({"title": "Answers to each question", "header": ["Question", "Answered",
                   *[name for _, name in LIKERT_CHOICES], "Mean (1 to 5)"], "rows": rows,
                   "note": "1 is strongly disagree and 5 strongly agree."})

    agency_sums = {(r["question_id"], r["response__agency_id"]): (r["total"], r["n"]) for r in by_agency}
    role_sums = {(r["question_id"], r["response__role"]): (r["total"], r["n"]) for r in by_role}

    def group_mean(sums, q, key, group_size):
        t, n = sums.get((q.pk, key), (0, 0))
        return _mean(t, n) if group_size >= threshold and n >= threshold else label

    tables.append({
        "title": "Mean rating by agency", "header": ["Question", *[agency_names[k] for k in agency_keys]],
        "rows": [[q.text, *[group_mean(agency_sums, q, k, agency_n[k]) for k in agency_keys]] for q in likert],
    })
    tables.append({
        "title": "Mean rating by role", "header": ["Question", *[name for _, name in roles]],
        "rows": [[q.text, *[group_mean(role_sums, q, r, role_n[r]) for r, _ in roles]] for q in likert],
    })

    def theme_mean(sums, key, theme):
        t = n = 0
        for q in likert:
            if q.theme == theme:
                qt, qn = sums.get((q.pk, key), (0, 0))
                t, n = t + qt, n + qn
        return _mean(t, n)

    overall = {}
    for q in likert:
        overall[(q.pk, "all")] = (sum(v * dist[(q.pk, v)] for v, _ in LIKERT_CHOICES),
                                  sum(dist[(q.pk, v)] for v, _ in LIKERT_CHOICES))

    def gap_row(name, sums, key, size):
        if size < threshold:
            return [name, label, label, label]
        confidence = theme_mean(sums, key, QuestionTheme.CONFIDENCE)
        knowledge = theme_mean(sums, key, QuestionTheme.KNOWLEDGE)
        gap = round(confidence - knowledge, 2) if confidence is not None and knowledge is not None else None
        return [name, confidence, knowledge, gap]

    gap_rows = [gap_row("All respondents", overall, "all", total)]
    gap_rows += [gap_row(agency_names[k], agency_sums, k, agency_n[k]) for k in agency_keys]
    gap_rows += [gap_row(name, role_sums, r, role_n[r]) for r, name in roles]
    tables.append({
        "title": "Confidence against knowledge", "header": ["Group", "Confidence (mean)", "Knowledge (mean)", "Gap"],
        "rows": gap_rows,
        "note": "A positive gap means people rate their confidence above their knowledge: worth setting against "
                "how often child sexual abuse is actually identified.",
    })

    texts = defaultdict(list)
    for question_id, text in free_text:
        texts[question_id].append(text)
    result["free_text"] = [
        {"question": q.text, "answers": texts.get(q.pk, [])} for q in questions if q.kind == QuestionKind.FREE_TEXT
    ]
    return result


def survey_means_chart(results):
    """Average agreement with each statement, drawn from the results' own table, so only averages of at
    least the suppression threshold of people appear; a statement whose average is hidden is left out."""
    table = next((t for t in results["tables"] if t["title"] == "Answers to each question"), None)
    rows = [(row[0], row[-1]) for row in (table["rows"] if table else []) if isinstance(row[-1], (int, float))]
    if not rows:
        return None
    labels = [text if len(text) <= 70 else text[:67].rstrip() + "…" for text, _ in rows]
    means = [mean for _, mean in rows]
    description = "From 1, strongly disagree, to 5, strongly agree. " + " ".join(
        f"{label}: {mean}." for label, mean in zip(labels, means)
    )
    return charts.bar_chart(
        title="Average agreement with each statement", description=description, labels=labels,
        series=[("Average (1 to 5)", means)], horizontal=True, caption="Average agreement with each statement",
        label_header="Statement",
    )
