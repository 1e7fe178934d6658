"""Demo provision, survey responses, resources and needs for the demo assessment (used by load_demo; idempotent)."""
import random
from datetime import date

from actionplan.models import Action
from partnerships.models import FormOfAbuse

from .models import QuestionKind, QuestionTheme, StaffSurvey, TrainingNeedsAssessment
from .services import (
    course_create,
    need_create,
    resource_create,
    response_submit,
    survey_create,
    survey_release_results,
    survey_set_open,
    take_up_set,
)

# name, provider, delivery, focus, forms, stage, frequency, format, audience agencies, roles, levels, evaluation
COURSES = [
    ("Recognising and responding to sexual abuse in the family network", "Partnership training team", "multi",
     "specific", [1, 2, 3], "in_service", "Every two months", "face_to_face",
     ["Children's Services", "Police", "NHS Trust", "Schools", "Brightwell"], "Frontline practitioners",
     "Practitioners and first-line managers", ("reaction", "learning")),
    ("Safeguarding children level 3", "NHS Trust safeguarding team", "single", "generic", [], "in_service",
     "Every three years", "e_learning", ["NHS Trust", "ICB"], "Clinical staff", "Practitioners", ("reaction",)),
    ("Talking with children about sexual abuse", "Brightwell Children's Therapeutic Service", "multi", "specific",
     [1, 3, 4, 5, 6], "in_service", "Twice a year", "blended", ["Children's Services", "Schools", "Brightwell"],
     "Social workers, school staff, family support workers", "Practitioners", ("reaction", "learning", "behaviour")),
    ("Child sexual abuse in social work qualifying programmes", "Northmere University", "single", "specific",
     [1, 4, 5, 6], "pre_qualification", "Each academic year", "face_to_face", ["Children's Services"],
     "Student social workers", "Students", ()),
]

# course index, agency short name, places offered, attended, workforce size
TAKE_UP = [
    (0, "Children's Services", 80, 71, 320), (0, "Police", 40, 22, 260), (0, "NHS Trust", 30, 12, 900),
    (0, "Schools", 60, 55, 1400), (0, "Brightwell", 10, 10, 25),
    (1, "NHS Trust", 900, 760, 900), (1, "ICB", 60, 41, 60),
    (2, "Children's Services", 40, 38, 320), (2, "Schools", 40, 19, 1400), (2, "Brightwell", 8, 8, 25),
]

# name, owner, the six answers, last reviewed, notes
RESOURCES = [
    ("Signs and indicators template", "Partnership business unit",
     ("yes", "yes", "yes", "partly", "no", "partly"), date(2025, 3, 1),
     "Widely used in schools; not yet in health visitor or GP templates."),
    ("Communicating with children guide", "Children's Services",
     ("partly", "no", "yes", "yes", "no", "no"), date(2022, 9, 1),
     "Long document; practitioners asked for a one-page version."),
    ("Harmful sexual behaviour assessment tool", "Brightwell", ("no", "partly", "yes", "partly", "no", "yes"), None,
     "Only available to Brightwell and the youth justice team."),
]

# topic, agency short name or None, role, priority, description, action text prefix or None
NEEDS = [
    ("Talking with children about sexual abuse, including disabled children", None, "All frontline practitioners",
     "high", "Lowest confidence item in the staff survey across agencies.",
     "Produce practice guidance on talking to children"),
    ("Signs and indicators of sexual abuse in the family network", "Schools", "Designated safeguarding leads", "high",
     "Take-up of the specific course is below a fifth of school staff.",
     "Give designated safeguarding leads a termly briefing"),
    ("Recognising online offending against children", "Police", "Neighbourhood officers", "medium",
     "Officers rated their knowledge of online contexts lowest.", "Train neighbourhood officers"),
    ("Supporting staff who are worried about a child", None, "Team managers and supervisors", "medium",
     "Managers asked for help supporting staff; no course is aimed at them.", None),
    ("Harmful sexual behaviour by siblings", "NHS Trust", "Health visitors and school nurses", "high",
     "No health staff attended training that covers harmful sexual behaviour.", None),
]

# agency short name (or None): number of survey responses. Small agencies fall below the suppression threshold.
RESPONDENTS = {
    "Children's Services": 16, "Police": 14, "NHS Trust": 11, "Schools": 9, "ICB": 3, "Probation": 2,
    "Brightwell": 3, "Survivors Together": 1, None: 1,
}
FREE_TEXT = [
    "A short refresher every year would help; the last specific training I had was years ago.",
    "More about harmful sexual behaviour and how to tell it apart from ordinary childhood behaviour.",
    "Practice in what to say when a child starts to tell, not just theory.",
    "Guidance on talking with children who use other ways to communicate.",
    "Time to attend: places fill quickly and cover is hard to arrange.",
    "Case examples from our own area.",
]


def _likert(rng, theme, agency_key):
    # Confidence runs ahead of knowledge, most of all in universal services: the gap the guide asks about.
    base = {QuestionTheme.KNOWLEDGE: 3.0, QuestionTheme.CONFIDENCE: 3.7, QuestionTheme.SKILL: 3.2,
            QuestionTheme.SUPPORT: 2.9, QuestionTheme.TRAINING: 2.7}.get(theme, 3.0)
    if agency_key in ("Children's Services", "Brightwell"):
        base += 0.6
    return max(1, min(5, round(rng.gauss(base, 0.9))))


def load(*, partnership, strategy, actor):
    """Fill the demo assessment, unless it has a survey already. Returns the number of survey responses added."""
    assessment = TrainingNeedsAssessment.objects.filter(partnership=partnership).order_by("id").first()
    if assessment is None or StaffSurvey.objects.filter(assessment=assessment).exists():
        return 0
    agencies = {a.short_name: a for a in partnership.agencies.all()}
    forms = {f.number: f for f in FormOfAbuse.objects.all()}
    courses = []
    for (name, provider, delivery, focus, form_numbers, stage, frequency, fmt, audience, roles, levels,
         evaluation) in COURSES:
        courses.append(course_create(
            assessment=assessment, actor=actor, name=name, provider=provider, delivery=delivery, focus=focus,
            forms_of_abuse=[forms[n] for n in form_numbers if n in forms], stage=stage, frequency=frequency,
            format=fmt, audience_agencies=[agencies[k] for k in audience if k in agencies], audience_roles=roles,
            audience_levels=levels, **{f"evaluates_{level}": True for level in evaluation},
        ))
    for index, key, offered, attended, size in TAKE_UP:
        if key in agencies:
            take_up_set(course=courses[index], actor=actor, agency=agencies[key], places_offered=offered,
                        attended=attended, workforce_size=size)
    fields = ("accessible_to_all_agencies", "usable_under_time_pressure", "aligned_with_current_guidance",
              "inclusive_of_all_forms", "translated_or_adapted", "embedded_in_procedures")
    for name, owner, answers, reviewed, notes in RESOURCES:
        resource_create(assessment=assessment, actor=actor, name=name, owner=owner, last_reviewed=reviewed,
                        notes=notes, **dict(zip(fields, answers)))
    for topic, key, role, priority, description, action_prefix in NEEDS:
        actions = list(Action.objects.filter(strategy=strategy, text__startswith=action_prefix)[:1]) if action_prefix else []
        need_create(assessment=assessment, actor=actor, topic=topic, agency=agencies.get(key) if key else None,
                    role=role, priority=priority, description=description, actions=actions)

    survey = survey_create(assessment=assessment, actor=actor)
    survey = survey_set_open(survey=survey, actor=actor, is_open=True)
    questions = list(survey.questions.all())
    rng = random.Random(2026)
    roles = ["practitioner"] * 6 + ["manager"] * 3 + ["senior_leader"]
    count = 0
    for key, n in RESPONDENTS.items():
        for _ in range(n):
            answers = {}
            role = rng.choice(roles)
            for q in questions:
                if q.kind == QuestionKind.LIKERT:
                    if q.theme == QuestionTheme.SUPPORT and role == "practitioner":
                        continue
                    answers[q] = _likert(rng, q.theme, key)
                elif rng.random() < 0.4:
                    answers[q] = rng.choice(FREE_TEXT)
            response_submit(survey=survey, agency=agencies.get(key) if key else None, role=role, answers=answers)
            count += 1
    survey_release_results(survey=survey)
    return count
