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


# -- release groups: why no one can be picked out of the results ----------------------------------
#
# The guarantee. Every figure shown to anyone (the results page, its chart, the CSV and the XLSX, now
# and at any later release) is a sum, count or mean over a union of *release atoms*, and every atom
# holds either no one or at least SURVEY_SUPPRESSION_THRESHOLD (k) people. An atom is one agency group
# x one role group x one release batch, where agency groups and role groups are the agencies and roles
# merged until every non-empty atom has at least k people. Any sum, difference or other linear
# combination of the figures is therefore a combination of atom totals: the finest thing it can reveal
# is the total of k or more people, never one person's answer. Per question, a breakdown is shown only
# when every atom has 0 or at least k answers to it, and an overall figure only when every release
# batch has; free-text answers likewise.
#
# Over time: responses are counted only once released (release_batch set), which happens when the
# survey closes and only with at least k new responses (services.survey_release_results). Merging is
# decided batch by batch in order, using only the batches so far, so a later release can only merge
# groups further: every earlier figure stays a union of the later atoms, and the difference between
# two releases is a union of atoms of the newer batch, each of at least k people.


def _merge_groups(cells, agency_keys, role_keys, batches, threshold):
    """Agency groups and role groups (lists of tuples of keys) such that every (agency group, role group,
    batch) cell holds 0 or at least `threshold` responses. `cells` maps (agency, role, batch) to a count."""
    agency_groups = [(k,) for k in agency_keys]
    role_groups = [(r,) for r in role_keys]

    def size(ag, rg, upto):
        return sum(cells.get((a, r, b), 0) for a in ag for r in rg for b in upto)

    def violations(ags, rgs, upto):
        return [(size(ag, rg, [b]), i, j, b) for b in upto for i, ag in enumerate(ags) for j, rg in enumerate(rgs)
                if 0 < size(ag, rg, [b]) < threshold]

    def merged(groups, i, others_size):
        # The smallest other group that has anyone in it so far (so agencies that no one has chosen yet
        # never change an earlier release's choices), ties broken by position.
        candidates = [(others_size(g), n) for n, g in enumerate(groups) if n != i and others_size(g) > 0]
        if not candidates:
            return None
        _, n = min(candidates)
        keep, drop = sorted((i, n))
        out = list(groups)
        out[keep] = groups[keep] + groups[drop]
        del out[drop]
        return out

    for upto_index in range(len(batches)):
        upto = batches[: upto_index + 1]
        while True:
            found = violations(agency_groups, role_groups, upto)
            if not found:
                break
            _, i, j, _ = min(found)
            options = []
            by_agency = merged(agency_groups, i, lambda g: size(g, role_keys, upto))
            if by_agency is not None:
                options.append((len(violations(by_agency, role_groups, upto)), 0, by_agency, role_groups))
            by_role = merged(role_groups, j, lambda g: size(agency_keys, g, upto))
            if by_role is not None:
                options.append((len(violations(agency_groups, by_role, upto)), 1, agency_groups, by_role))
            if not options:  # a whole batch below the threshold: never released, so never here
                break
            _, _, agency_groups, role_groups = min(options, key=lambda o: (o[0], o[1]))
    return agency_groups, role_groups


def survey_results(survey):
    """Results of the released responses, as tables ready to show or export, grouped so that no one can
    be identified by any combination of the figures (see the guarantee above).

    Five queries whatever the number of responses: everything is aggregated in the database.
    Returns {"total", "pending", "suppressed_all", "tables": [{"title", "header", "rows", "note"}], "free_text"}.
    """
    threshold = _threshold()
    label = f"fewer than {threshold}"
    questions = list(SurveyQuestion.objects.filter(survey=survey).order_by("position"))
    agencies = list(Agency.objects.filter(partnership_id=survey.assessment.partnership_id).order_by("name"))
    by_cell = list(SurveyResponse.objects.filter(survey=survey).values("agency_id", "role", "release_batch")
                   .annotate(n=Count("id")))
    released = SurveyAnswer.objects.filter(response__survey=survey, response__release_batch__isnull=False)
    answers = released.filter(rating__isnull=False)
    distribution = list(answers.values("question_id", "rating").annotate(n=Count("id")))
    by_atom = list(answers.values("question_id", "response__agency_id", "response__role", "response__release_batch")
                   .annotate(n=Count("id"), total=Sum("rating")))
    free_text = list(
        released.filter(question__kind=QuestionKind.FREE_TEXT).exclude(text="")
        .order_by("question_id", "text").values_list("question_id", "text", "response__release_batch")
    )

    pending = sum(r["n"] for r in by_cell if r["release_batch"] is None)
    total = sum(r["n"] for r in by_cell if r["release_batch"] is not None)
    result = {"total": total, "pending": pending, "threshold": threshold, "suppressed_all": total < threshold,
              "tables": [], "free_text": []}
    if total < threshold:
        return result

    agency_names = {a.pk: a.name for a in agencies}
    agency_names[None] = "Another organisation or not stated"
    agency_keys = [a.pk for a in agencies] + [None]
    agency_keys += sorted({r["agency_id"] for r in by_cell} - set(agency_keys))  # a deleted agency's id
    roles = list(RespondentRole.choices)
    role_names = dict(roles)
    role_keys = [r for r, _ in roles]
    cells = defaultdict(int)
    for r in by_cell:
        if r["release_batch"] is not None:
            cells[(r["agency_id"], r["role"], r["release_batch"])] += r["n"]
    batches = sorted({b for _, _, b in cells})
    agency_groups, role_groups = _merge_groups(cells, agency_keys, role_keys, batches, threshold)

    def group_name(group, names):
        if len(group) == 1:
            return names.get(group[0], "Another organisation")
        return " and ".join([", ".join(names.get(k, "Another organisation") for k in group[:-1]),
                             names.get(group[-1], "Another organisation")]) + " (together)"

    a_names = [group_name(g, agency_names) for g in agency_groups]
    r_names = [group_name(g, role_names) for g in role_groups]
    a_of = {k: i for i, g in enumerate(agency_groups) for k in g}
    r_of = {k: j for j, g in enumerate(role_groups) for k in g}
    atom_n = defaultdict(int)
    for (a, r, _b), n in cells.items():
        atom_n[(a_of[a], r_of[r])] += n
    tables = result["tables"]
    merged_note = ("Agencies or roles with too few responses to show alone are shown together, so that no one "
                   "can be picked out.") if len(agency_groups) < len(agency_keys) or len(role_groups) < len(roles) else ""

    tables.append({"title": "Responses by agency", "header": ["Agency", "Responses"], "note": merged_note,
                   "rows": [[a_names[i], sum(atom_n[(i, j)] for j in range(len(role_groups)))]
                            for i in range(len(agency_groups))] + [["All responses", total]]})
    tables.append({"title": "Responses by role", "header": ["Role", "Responses"],
                   "rows": [[r_names[j], sum(atom_n[(i, j)] for i in range(len(agency_groups)))]
                            for j in range(len(role_groups))]})
    tables.append({"title": "Responses by agency and role", "header": ["Agency", *r_names],
                   "rows": [[a_names[i], *[atom_n[(i, j)] for j in range(len(role_groups))]]
                            for i in range(len(agency_groups))]})

    # Per question: answers in each atom of each batch, and in each batch.
    q_atom = defaultdict(lambda: [0, 0])  # (q, agency group, role group, batch) -> [n, total]
    q_batch = defaultdict(int)
    for r in by_atom:
        key = (r["question_id"], a_of[r["response__agency_id"]], r_of[r["response__role"]], r["response__release_batch"])
        q_atom[key][0] += r["n"]
        q_atom[key][1] += r["total"]
        q_batch[(r["question_id"], r["response__release_batch"])] += r["n"]

    def enough(n):
        return n == 0 or n >= threshold

    likert = [q for q in questions if q.kind == QuestionKind.LIKERT]
    overall_ok = {q.pk for q in likert if all(enough(q_batch[(q.pk, b)]) for b in batches)}
    breakdown_ok = {q.pk for q in likert if q.pk in overall_ok and all(
        enough(v[0]) for k, v in q_atom.items() if k[0] == q.pk)}

    def sums(q, a=None, r=None):
        n = t = 0
        for (qid, i, j, _b), (qn, qt) in q_atom.items():
            if qid == q.pk and (a is None or i == a) and (r is None or j == r):
                n, t = n + qn, t + qt
        return t, n

    dist = defaultdict(int)
    for r in distribution:
        dist[(r["question_id"], r["rating"])] += r["n"]
    rows = []
    for q in likert:
        cells_q = [dist[(q.pk, value)] for value, _ in LIKERT_CHOICES]
        answered = sum(cells_q)
        if q.pk in overall_ok and answered >= threshold:
            rows.append([q.text, answered, *suppress_counts(cells_q), _mean(*sums(q))])
        else:
            rows.append([q.text, label, *[label] * len(cells_q), label])
    tables.append({"title": "Answers to each question", "header": ["Question", "Answered",
                   *[name for _, name in LIKERT_CHOICES], "Mean (1 to 5)"], "rows": rows,
                   "note": "1 is strongly disagree and 5 strongly agree."})

    def group_mean(q, a=None, r=None):
        if q.pk not in breakdown_ok:
            return label
        return _mean(*sums(q, a, r))

    not_shown = ("A question's averages by group are shown only when every group has no answers to it or "
                 f"at least {threshold}.")
    tables.append({
        "title": "Mean rating by agency", "header": ["Question", *a_names], "note": not_shown,
        "rows": [[q.text, *[group_mean(q, a=i) for i in range(len(agency_groups))]] for q in likert],
    })
    tables.append({
        "title": "Mean rating by role", "header": ["Question", *r_names], "note": not_shown,
        "rows": [[q.text, *[group_mean(q, r=j) for j in range(len(role_groups))]] for q in likert],
    })

    def theme_mean(theme, a=None, r=None):
        t = n = 0
        for q in likert:
            if q.theme == theme and q.pk in breakdown_ok:
                qt, qn = sums(q, a, r)
                t, n = t + qt, n + qn
        return _mean(t, n)

    def gap_row(name, a=None, r=None):
        confidence = theme_mean(QuestionTheme.CONFIDENCE, a, r)
        knowledge = theme_mean(QuestionTheme.KNOWLEDGE, a, r)
        gap = round(confidence - knowledge, 2) if confidence is not None and knowledge is not None else None
        return [name, confidence, knowledge, gap]

    gap_rows = [gap_row("All respondents")]
    gap_rows += [gap_row(a_names[i], a=i) for i in range(len(agency_groups))]
    gap_rows += [gap_row(r_names[j], r=j) for j in range(len(role_groups))]
    tables.append({
        "title": "Confidence against knowledge", "header": ["Group", "Confidence (mean)", "Knowledge (mean)", "Gap"],
        "rows": gap_rows,
        "note": "A positive gap means people rate their confidence above their knowledge: worth setting against "
                "how often child sexual abuse is actually identified.",
    })

    texts = defaultdict(list)
    per_batch = defaultdict(int)
    for question_id, text, batch in free_text:
        texts[question_id].append(text)
        per_batch[(question_id, batch)] += 1
    result["free_text"] = [
        {"question": q.text,
         "answers": texts.get(q.pk, []) if all(enough(per_batch[(q.pk, b)]) for b in batches) else [],
         "withheld": not all(enough(per_batch[(q.pk, b)]) for b in batches)}
        for q in questions if q.kind == QuestionKind.FREE_TEXT
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
