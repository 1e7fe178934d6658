"""Reads of strategies, each in a fixed number of queries."""
import re
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch
from django.urls import reverse

from partnerships import access
from partnerships.models import AffectedGroup, FormOfAbuse, SuccessCriterion

from . import language
from .models import (
    Commitment,
    GovernanceBody,
    IntendedOutcome,
    Measure,
    PracticePrinciple,
    Priority,
    Section,
    SectionKind,
    StrategicAim,
    Strategy,
    StrategyMeasure,
    number_sections,
)
from .template import TEMPLATE_SECTIONS

# A section with fewer words than this is shown as thin on the completeness page.
THIN_SECTION_WORDS = 60


def visible_strategies(membership):
    """The partnership's strategies this membership may read."""
    return access.scope(Strategy.objects.all(), membership, strategy_status="status")


def strategies_visible_to_user(user):
    """Every strategy the user may read, across all their partnerships (for the API)."""
    return access.scope_for_user(Strategy.objects.all(), user, partnership="partnership_id", strategy_status="status")


def word_count(text):
    return len((text or "").split())


def aims_with_outcomes(strategy, *, with_measures=False, with_tags=False):
    """The strategy's aims in order, each with its outcomes (annotated with action and measure counts),
    and optionally the outcomes' measures and the aims' coverage tags."""
    outcomes = IntendedOutcome.objects.order_by("number").annotate(
        action_count=Count("actions", distinct=True), measure_count=Count("measures", distinct=True)
    )
    if with_measures:
        outcomes = outcomes.prefetch_related(Prefetch("measures", queryset=Measure.objects.order_by("id")))
    aims = StrategicAim.objects.filter(strategy=strategy).order_by("number").prefetch_related(
        Prefetch("outcomes", queryset=outcomes)
    )
    if with_tags:
        aims = aims.prefetch_related("forms_of_abuse", "affected_groups")
    return list(aims)


def priorities(strategy, *, with_commitments=False, with_actions=False):
    """The strategy's priorities in order; with `with_commitments`, each with its "We will" commitments (one
    query more) and, with `with_actions` too, the actions made from each (one more)."""
    queryset = Priority.objects.filter(strategy=strategy).order_by("number")
    if with_commitments:
        commitments = Commitment.objects.order_by("number")
        if with_actions:
            commitments = commitments.prefetch_related("actions")
        queryset = queryset.prefetch_related(Prefetch("commitments", queryset=commitments))
    return list(queryset)


def principles(strategy):
    return list(PracticePrinciple.objects.filter(strategy=strategy).order_by("number"))


def strategy_measures(strategy):
    """The measures of the strategy as a whole, in order."""
    return list(StrategyMeasure.objects.filter(strategy=strategy).order_by("number"))


def governance(strategy):
    """The strategy's governance bodies, each with its member agencies, and the reporting tree:
    `roots` are the bodies that report to no other, each with `tree_children` in turn."""
    bodies = list(
        GovernanceBody.objects.filter(strategy=strategy).select_related("reports_to")
        .prefetch_related("member_agencies").order_by("name", "id")
    )
    by_parent = {}
    for body in bodies:
        by_parent.setdefault(body.reports_to_id, []).append(body)
    for body in bodies:
        body.tree_children = by_parent.get(body.pk, [])
    return {"bodies": bodies, "roots": by_parent.get(None, [])}


def coverage(strategy):
    """Every form of abuse and affected group, split into addressed and not yet addressed."""
    chosen_forms = set(strategy.forms_of_abuse.values_list("pk", flat=True))
    chosen_groups = set(strategy.affected_groups.values_list("pk", flat=True))
    forms, groups = list(FormOfAbuse.objects.all()), list(AffectedGroup.objects.all())
    return {
        "forms_addressed": [f for f in forms if f.pk in chosen_forms],
        "forms_missing": [f for f in forms if f.pk not in chosen_forms],
        "groups_addressed": [g for g in groups if g.pk in chosen_groups],
        "groups_missing": [g for g in groups if g.pk not in chosen_groups],
    }


def _flagged(model, through, field, strategy):
    chosen = through.objects.filter(strategy_id=strategy.pk, **{field: OuterRef("pk")})
    return list(model.objects.annotate(addressed=Exists(chosen)).order_by("number"))


def coverage_flags(strategy):
    """As `coverage`, in two queries: each form of abuse and affected group carries `addressed`."""
    forms = _flagged(FormOfAbuse, Strategy.forms_of_abuse.through, "formofabuse_id", strategy)
    groups = _flagged(AffectedGroup, Strategy.affected_groups.through, "affectedgroup_id", strategy)
    return {
        "forms_addressed": [f for f in forms if f.addressed], "forms_missing": [f for f in forms if not f.addressed],
        "groups_addressed": [g for g in groups if g.addressed], "groups_missing": [g for g in groups if not g.addressed],
    }


def sections(strategy):
    """The strategy's sections in order, each with its number in the document (`doc_number`)."""
    return number_sections(list(Section.objects.filter(strategy=strategy).order_by("position", "id")))


def strategy_overview(strategy):
    """Everything the strategy overview page links to, in a fixed number of queries."""
    section_list = sections(strategy)
    return {
        "strategy": strategy,
        "aims": aims_with_outcomes(strategy),
        "sections": section_list,
        "empty_sections": [s for s in section_list if not s.body.strip()],
        "language_findings": language.check_sections(section_list),
        "priorities": priorities(strategy),
        "governance": governance(strategy),
        "coverage": coverage(strategy),
        "missing_kinds": missing_front_sections(section_list),
    }


def missing_front_sections(section_list):
    """The foreword, content warning and definitions kinds the strategy does not have yet."""
    present = {s.kind for s in section_list}
    return [
        kind for kind in (SectionKind.FOREWORD, SectionKind.CONTENT_WARNING, SectionKind.DEFINITIONS)
        if kind not in present
    ]


def strategy_completeness(strategy, slug):
    """What is empty or thin, with links to fix it, and the checks the portal can make for each of
    the five criteria for success. Other parts of the criteria are for reviewers to judge."""
    def url(name, **kwargs):
        return reverse(name, kwargs={"slug": slug, "pk": strategy.pk, **kwargs})

    section_list = sections(strategy)
    aims = aims_with_outcomes(strategy)
    outcomes = [o for aim in aims for o in aim.outcomes.all()]
    gov = governance(strategy)
    cov = coverage(strategy)
    prios = priorities(strategy)
    findings = language.check_sections(section_list)

    section_rows = []
    for section in section_list:
        words = word_count(section.body)
        # A content warning is short by design; only an empty one is flagged.
        thin = words < THIN_SECTION_WORDS and section.kind != SectionKind.CONTENT_WARNING
        state = "empty" if words == 0 else "thin" if thin else "written"
        section_rows.append({"section": section, "words": words, "state": state,
                             "url": url("section_edit", section_pk=section.pk)})

    gaps = []  # (message, url)
    present_keys = {row["section"].template_key for row in section_rows}
    for template_section in TEMPLATE_SECTIONS:
        if template_section.key not in present_keys:
            gaps.append((f"There is no “{template_section.title}” section, which the national template expects.",
                         url("strategy_sections")))
    for row in section_rows:
        if row["state"] == "empty" and not row["section"].omitted:
            gaps.append((f"“{row['section'].title}” is not written yet.", row["url"]))
    if not strategy.vision.strip():
        gaps.append(("There is no vision statement.", url("strategy_edit")))
    if not prios:
        gaps.append(("There are no priorities or commitments.", url("strategy_vision")))
    for priority in prios:
        if not priority.what_this_means.strip():
            gaps.append((f"Priority {priority.number} does not say what it means.",
                         url("priority_edit", priority_pk=priority.pk)))
    if not gov["bodies"]:
        gaps.append(("No governance bodies are recorded.", url("governance_list")))
    if not aims:
        gaps.append(("There are no strategic aims.", url("strategy_aims")))
    for aim in aims:
        # An aim written as a list of its parts says what it means by them.
        if not aim.sub_aims.strip() and (not aim.what_this_means.strip() or not aim.what_we_want_to_see.strip()):
            gaps.append((f"Aim {aim.number} does not say what it means or what we want to see by the end.",
                         url("aim_edit", aim_pk=aim.pk)))
        if not aim.outcomes.all():
            gaps.append((f"Aim {aim.number} has no intended outcomes.", url("outcome_create", aim_pk=aim.pk)))
    for outcome in outcomes:
        if not outcome.measure_count:
            gaps.append((f"Intended outcome {outcome.aim.number}.{outcome.number} has no measures.",
                         url("measure_create", outcome_pk=outcome.pk)))

    monitoring = next((s for s in section_list if s.template_key == "monitoring"), None)

    def check(label, ok, link):
        return {"label": label, "ok": ok, "url": link}

    checks = {
        "clarity": [
            check("There is a vision statement", bool(strategy.vision.strip()), url("strategy_edit")),
            check("Every aim says what it means and what we want to see",
                  bool(aims) and all(a.what_this_means.strip() and a.what_we_want_to_see.strip() for a in aims),
                  url("strategy_aims")),
            check("The language check finds nothing to change", not findings, None),
        ],
        "coverage": [
            check("Every form of child sexual abuse is addressed", not cov["forms_missing"], url("strategy_coverage")),
            check("Every affected group is responded to", not cov["groups_missing"], url("strategy_coverage")),
        ],
        "deliverability": [
            check("Every intended outcome has at least one action",
                  bool(outcomes) and all(o.action_count for o in outcomes),
                  reverse("action_plan", kwargs={"slug": slug, "pk": strategy.pk})),
        ],
        "consistency": [
            check("Every aim has intended outcomes", bool(aims) and all(a.outcomes.all() for a in aims),
                  url("strategy_aims")),
            check("Every intended outcome has a measure", bool(outcomes) and all(o.measure_count for o in outcomes),
                  url("measure_list")),
        ],
        "readiness": [
            check("Governance bodies are recorded, each with a chair",
                  bool(gov["bodies"]) and all(b.chair.strip() for b in gov["bodies"]), url("governance_list")),
            check("One body is at the top of the reporting lines", len(gov["roots"]) == 1, url("governance_list")),
            check("The monitoring and evaluation section is written",
                  monitoring is not None and word_count(monitoring.body) >= THIN_SECTION_WORDS,
                  url("section_edit", section_pk=monitoring.pk) if monitoring else None),
        ],
    }
    criteria = [{"criterion": c, "checks": checks.get(c.code, [])} for c in SuccessCriterion.objects.all()]
    return {
        "strategy": strategy,
        "section_rows": section_rows,
        "gaps": gaps,
        "coverage": cov,
        "criteria": criteria,
        "language_findings": findings,
        "thin_words": THIN_SECTION_WORDS,
        "missing_kinds": missing_front_sections(section_list),
        "omissions": document_omissions(strategy, section_list),
    }


_NUMBER = re.compile(r"\s*(-?\d[\d,]*(?:\.\d+)?)")


def measure_number(text):
    """The number a measure's baseline or target text starts with ("42%", "1,200 a year"), or None
    when it starts with words ("No baseline yet (2026)", "A rise each year")."""
    match = _NUMBER.match(text or "")
    return Decimal(match.group(1).replace(",", "")) if match else None


def plain_number(value):
    """A Decimal as the chart shows it: 45 rather than 45.00."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _live_first(qs):
    from django.db.models import Case, IntegerField, When

    live_first = Case(When(status="published", then=0), When(status="approved", then=1), default=2,
                      output_field=IntegerField())
    return qs.exclude(status="superseded").order_by(live_first, "-period_start", "-created_at")


def current_strategy(membership):
    """The strategy the partnership is working to: the published one, else the approved one, else the newest
    draft or version in review. A new draft never hides the live plan. This is the one rule: reminders,
    "My agency's actions", the dashboard, the home page and the API follow it (see `current_strategy_ids`)."""
    return _live_first(visible_strategies(membership)).first()


def current_strategy_ids(partnership_ids=None):
    """{partnership id: the id of its current strategy} by the rule of `current_strategy`, for work that runs
    across partnerships (the weekly reminders). One query."""
    from .models import Strategy

    qs = Strategy.objects.all()
    if partnership_ids is not None:
        qs = qs.filter(partnership_id__in=list(partnership_ids))
    result = {}
    for pid, sid in _live_first(qs).values_list("partnership_id", "pk"):
        result.setdefault(pid, sid)
    return result


def home_strategies(membership, context):
    """The home page's strategies: all this membership may read, and the current one."""
    return {
        "strategies": list(visible_strategies(membership).order_by("-period_start", "-created_at")),
        "current": current_strategy(membership),
    }


def document_omissions(strategy, section_list=None):
    """What the partnership has left out of the published document, each with its reason:
    [{"title", "kind" ("section" or "annex"), "reason"}], in document order."""
    from .models import DOCUMENT_ANNEXES

    section_list = sections(strategy) if section_list is None else section_list
    rows = [{"title": s.title, "kind": "section", "reason": s.omission_reason} for s in section_list if s.omitted]
    omitted = strategy.omitted_annexes or {}
    rows += [{"title": title, "kind": "annex", "reason": omitted[key]} for key, title in DOCUMENT_ANNEXES if key in omitted]
    return rows


def document_contents(strategy):
    """The document contents page: every section and annex, in or out, and the layout choices."""
    from .models import DOCUMENT_ANNEXES

    omitted = strategy.omitted_annexes or {}
    return {
        "sections": sections(strategy),
        "annexes": [{"key": key, "title": title, "omitted": key in omitted, "reason": omitted.get(key, "")}
                    for key, title in DOCUMENT_ANNEXES],
    }
