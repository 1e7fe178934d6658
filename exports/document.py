"""Rendering a strategy into its published document.

`document_context` gathers everything the document shows in a fixed number of
queries whatever the size of the plan. The same templates give the PDF (through
WeasyPrint) and the single-page HTML version. An export's fingerprint
(`document_fingerprint`) comes from the versions of the records the document shows, not
from rendering it, so asking again for an unchanged document costs a few indexed queries.

Adding a kind of record to the document takes two steps:
1. a provider in CONTEXT_PROVIDERS that loads it (one query or one prefetch);
2. an include `templates/exports/document/_<name>.html`, named in SECTION_PARTS under the
   template section it belongs to, or in ANNEXES.
"""
import base64
import functools
import hashlib
import io
from types import SimpleNamespace

from django.db.models import Count, Max, Prefetch, Sum

from actionplan.models import reference_sort_key
from partnerships import documents
from partnerships.pdf import document_engine, render_pdf  # noqa: F401  (render_pdf: the export task renders through here)
from strategy import selectors
from strategy.models import (
    DOCUMENT_ANNEXES,
    UNNUMBERED_SECTION_KINDS,
    IntendedOutcome,
    Measure,
    Section,
    SectionKind,
    StrategicAim,
    Strategy,
    StrategyStatus,
    VisionPlacement,
    number_sections,
)
from strategy.template import TEMPLATE_SECTIONS

from .models import PartnershipBranding

DEFAULT_ACCENT = "#1d4f91"
FINAL_STATUSES = (StrategyStatus.APPROVED, StrategyStatus.PUBLISHED, StrategyStatus.SUPERSEDED)

# Records rendered inside a template section, after its narrative, in this order.
SECTION_PARTS = {
    "vision": ("exports/document/_vision.html", "exports/document/_priorities.html",
               "exports/document/_principles.html"),
    "governance": ("exports/document/_governance.html",),
    "local_context": ("exports/document/_local_data.html", "exports/document/_audit_findings.html"),
    "aims_outcomes": ("exports/document/_aims.html",),
    "prevention_disruption": ("exports/document/_component_actions.html",),
    "identification": ("exports/document/_component_actions.html",),
    "supportive_response": ("exports/document/_component_actions.html",),
    "workforce": ("exports/document/_component_actions.html", "exports/document/_training_needs.html"),
    "action_plan": ("exports/document/_action_plan.html",),
    "monitoring": ("exports/document/_evaluation.html",),
}

# The template section that presents each core component's actions.
COMPONENT_SECTIONS = {
    "prevention_disruption": "prevention-disruption",
    "identification": "identification",
    "supportive_response": "whole-system-response",
    "workforce": "workforce-development",
}

# Annexes after the last section: (anchor, title, include). The partnership may leave any of them out.
ANNEX_INCLUDES = {
    "annex-recommendations": "exports/document/_annex_recommendations.html",
    "annex-coverage": "exports/document/_annex_coverage.html",
    "status-block": "exports/document/_status_block.html",
}
ANNEXES = tuple((key, title, ANNEX_INCLUDES[key]) for key, title in DOCUMENT_ANNEXES)


def _has_vision(context, section):
    strategy = context["strategy"]
    return strategy.vision_placement == VisionPlacement.SECTION and bool(strategy.vision.strip() or strategy.strapline.strip())


# Whether each part has anything to print. A part with nothing prints nothing: the portal's own gap messages
# ("No measures have been set yet.") belong on the completeness page, never in the published document.
PART_HAS_CONTENT = {
    "exports/document/_vision.html": _has_vision,
    "exports/document/_priorities.html": lambda c, s: bool(c["priorities"]),
    "exports/document/_principles.html": lambda c, s: bool(c["principles"]),
    "exports/document/_governance.html": lambda c, s: bool(c["governance"]["bodies"]),
    "exports/document/_local_data.html": lambda c, s: bool(c["local_data"]),
    "exports/document/_audit_findings.html": lambda c, s: bool(c["audits"]),
    "exports/document/_aims.html": lambda c, s: bool(c["aims"]),
    "exports/document/_component_actions.html":
        lambda c, s: c["plan_printed"] and s.component is not None and bool(s.component.plan_actions),
    "exports/document/_training_needs.html": lambda c, s: bool(c["training_needs"]),
    "exports/document/_action_plan.html": lambda c, s: bool(c["actions"]),
    "exports/document/_evaluation.html": lambda c, s: c["has_measures"] or bool(c["strategy_measures"]),
}


def _front_and_body_sections(strategy, context):
    sections = list(Section.objects.filter(strategy=strategy).order_by("position", "id"))
    front = [s for s in sections if s.kind in UNNUMBERED_SECTION_KINDS]
    body = [s for s in sections if s not in front]
    omitted = [s for s in sections if s.omitted]
    # A template section that carries records is shown even if it was deleted, so no record goes missing.
    present = {s.template_key for s in body if s.template_key}
    for template in TEMPLATE_SECTIONS:
        if SECTION_PARTS.get(template.key) and template.key not in present:
            body.append(SimpleNamespace(
                pk=f"t-{template.key}", template_key=template.key, title=template.title, body="",
                kind=SectionKind.TEMPLATE, position=template.number * 10, omitted=False, omission_reason="",
            ))
    body.sort(key=lambda s: (s.position, str(s.pk)))
    for section in body:
        section.anchor = f"section-{section.template_key or section.pk}"
        section.parts = SECTION_PARTS.get(section.template_key, ())
    for section in front:
        section.anchor = f"front-{section.kind}-{section.pk}"
    return {"front_sections": front, "sections": body, "omitted_sections": omitted}


def _arrange(strategy, context):
    """What prints: the partnership's choices (sections and annexes left out, numbering, where the vision
    goes), and never a part with nothing in it."""
    plan_section = next((s for s in context["sections"] if s.template_key == "action_plan"), None)
    context["plan_printed"] = bool(context["actions"]) and plan_section is not None and not plan_section.omitted
    components = context.get("components_by_code", {})
    for section in context["sections"]:
        section.component = components.get(COMPONENT_SECTIONS.get(section.template_key))
        section.parts = tuple(p for p in section.parts if PART_HAS_CONTENT[p](context, section))
    printed = [s for s in context["sections"] if not s.omitted and (s.body.strip() or s.parts)]
    number_sections(printed)  # the same numbers as the portal's pages, counting only what prints
    if not strategy.numbered_sections:
        for section in printed:
            section.doc_number = None
    front = [s for s in context["front_sections"] if not s.omitted and s.body.strip()]
    omitted_annexes = strategy.omitted_annexes or {}
    has_annex_content = {
        "annex-recommendations": context["plan_printed"] and bool(context["recommendations"]),
        "annex-coverage": bool(context["coverage"]["forms_addressed"] or context["coverage"]["groups_addressed"]),
        "status-block": True,
    }
    annexes = [(a, t, i) for a, t, i in ANNEXES if a not in omitted_annexes and has_annex_content[a]]
    vision = strategy.vision.strip() or strategy.strapline.strip()
    return {
        "front_sections": front,
        "sections": printed,
        "annexes": [SimpleNamespace(anchor=a, title=t, include=i, letter=chr(65 + n)) for n, (a, t, i) in enumerate(annexes)],
        "vision_on_cover": bool(vision) and strategy.vision_placement == VisionPlacement.COVER,
        "vision_opening": bool(vision) and strategy.vision_placement == VisionPlacement.OPENING,
    }


def _branding(strategy, context):
    branding = PartnershipBranding.objects.filter(partnership_id=strategy.partnership_id).first()
    logo_src = ""
    if branding is not None and branding.logo:
        with branding.logo.open("rb") as handle:
            data = handle.read()
        logo_src = f"data:image/{branding.logo_format or 'png'};base64,{base64.b64encode(data).decode('ascii')}"
    return {
        "branding": branding,
        "accent": branding.accent_colour if branding else DEFAULT_ACCENT,
        "logo_src": logo_src,
        "logo_alt": branding.logo_alt if branding else "",
    }


def _reference_key(action):
    return reference_sort_key(action.reference), action.pk


def _group_by_aim(actions):
    """[(aim, [actions])] in plan order: the compact cross-references of the component sections and annexes."""
    groups = {}
    for action in actions:
        groups.setdefault(action.outcome.aim, []).append(action)
    return list(groups.items())


def _plan(strategy, context):
    from actionplan.models import Action
    from partnerships.models import CoreComponent, Recommendation

    actions = (
        Action.objects.select_related("lead_agency", "core_component")
        .prefetch_related("supporting_agencies", "recommendations")
        .order_by("id")
    )
    aims = list(
        StrategicAim.objects.filter(strategy=strategy)
        .order_by("number")
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=IntendedOutcome.objects.order_by("number").prefetch_related(Prefetch("actions", queryset=actions)),
            )
        )
    )
    all_actions = []
    for aim in aims:
        aim.plan_actions, aim.plan_outcomes = [], []
        for outcome in aim.outcomes.all():
            outcome.aim = aim  # the reference label reads the aim's number without a query
            outcome.plan_actions = sorted(outcome.actions.all(), key=_reference_key)
            for action in outcome.plan_actions:
                action.outcome = outcome
            if outcome.plan_actions:
                aim.plan_outcomes.append(outcome)
            aim.plan_actions.extend(outcome.plan_actions)
        all_actions.extend(aim.plan_actions)

    components = list(CoreComponent.objects.order_by("number"))
    by_component = {c.pk: [] for c in components}
    recommendations = list(Recommendation.objects.order_by("number"))
    by_recommendation = {r.pk: [] for r in recommendations}
    for action in all_actions:
        if action.core_component_id in by_component:
            by_component[action.core_component_id].append(action)
        for recommendation in action.recommendations.all():
            by_recommendation.setdefault(recommendation.pk, []).append(action)
    for component in components:
        component.plan_actions = by_component[component.pk]
        component.by_aim = _group_by_aim(component.plan_actions)
    for recommendation in recommendations:
        recommendation.plan_actions = by_recommendation[recommendation.pk]
        recommendation.by_aim = _group_by_aim(recommendation.plan_actions)
    return {
        "aims": aims,
        "actions": all_actions,
        "components": components,
        "components_by_code": {c.code: c for c in components},
        "recommendations": recommendations,
        "unanswered_recommendations": [r for r in recommendations if not r.plan_actions],
    }


def _aims_layout(strategy, context):
    """The aims print as a table with only the columns some aim fills; aims written only as a title and a
    list of parts print as headings with their lists, never as a table of empty cells."""
    aims = context["aims"]
    columns = {"means": any(a.what_this_means.strip() for a in aims),
               "see": any(a.what_we_want_to_see.strip() for a in aims)}
    return {"aims_columns": columns, "aims_tabular": columns["means"] or columns["see"]}


def _local_data(strategy, context):
    from impact.selectors import local_data_for_export

    return {"local_data": local_data_for_export(strategy)}


def _audits(strategy, context):
    from audits.selectors import audits_for_export

    return {"audits": audits_for_export(strategy)}


def _priorities(strategy, context):
    return {"priorities": selectors.priorities(strategy, with_commitments=True), "principles": selectors.principles(strategy)}


def _governance(strategy, context):
    return {"governance": selectors.governance(strategy)}


def _evaluation(strategy, context):
    """The measures of each outcome, on the aims `_plan` loaded: one query."""
    by_outcome = {}
    for measure in Measure.objects.filter(outcome__aim__strategy=strategy).order_by("id"):
        by_outcome.setdefault(measure.outcome_id, []).append(measure)
    for aim in context["aims"]:
        aim.evaluation = [(outcome, by_outcome.get(outcome.pk, [])) for outcome in aim.outcomes.all()]
        aim.has_measures = any(measures for _, measures in aim.evaluation)
    return {"has_measures": bool(by_outcome), "strategy_measures": selectors.strategy_measures(strategy)}


def _coverage(strategy, context):
    return {"coverage": selectors.coverage_flags(strategy)}


def _training_needs(strategy, context):
    from workforce.selectors import needs_for_strategy

    return {"training_needs": needs_for_strategy(strategy)}


CONTEXT_PROVIDERS = (
    _branding, _front_and_body_sections, _plan, _aims_layout, _local_data, _audits,
    _priorities, _governance, _evaluation, _coverage, _training_needs,
)


@functools.cache
def draft_watermark_src():
    """The word DRAFT, large, pale and aslant, as a PNG data: URL for the pages of a draft (made once).

    A raster image, not SVG: WeasyPrint gives an SVG image its layout context, which then keeps the whole
    layout's working state (the document's boxes before layout among it) alive until the PDF is written,
    22 MiB more at the peak at 1,000 actions."""
    from PIL import Image, ImageDraw, ImageFont

    size = 1200  # drawn 70% of the page wide: about 200 dots per inch on A4
    try:
        font = ImageFont.truetype("LiberationSans-Regular.ttf", 260)
    except OSError:  # the document's font is not installed; the watermark keeps its size in Pillow's own
        font = ImageFont.load_default(260)
    image = Image.new("LA", (size, size), (0, 0))
    ImageDraw.Draw(image).text((size / 2, size / 2), "DRAFT", font=font, fill=(0xE8, 255), anchor="mm")
    buffer = io.BytesIO()
    image.rotate(35, resample=Image.Resampling.BICUBIC).save(buffer, "PNG", optimize=True)
    return f"data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"


def document_context(strategy, *, mode="pdf"):
    """Everything the document shows, in a constant number of queries."""
    is_draft = strategy.status not in FINAL_STATUSES
    context = {
        "strategy": strategy,
        "partnership": strategy.partnership,
        "is_draft": is_draft,
        "draft_watermark_src": draft_watermark_src() if is_draft and mode == "pdf" else "",
        "mode": mode,
    }
    for provider in CONTEXT_PROVIDERS:
        context.update(provider(strategy, context))
    context.update(_arrange(strategy, context))
    return context


def build_document(strategy, *, mode="pdf", extra_context=None):
    """The document's HTML and a compact snapshot of its content, from one data assembly."""
    context = document_context(strategy, mode=mode)
    html = document_engine().render_to_string("exports/document/strategy.html", {**context, **(extra_context or {})})
    return html, content_snapshot(context)


def build_document_html(strategy, *, mode="pdf"):
    return build_document(strategy, mode=mode)[0]


def fingerprint_of(html):
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def document_fingerprint(strategy, *, mode="pdf"):
    """The state of everything the document shows, from record versions: five indexed queries, no rendering.

    - the strategy's own row (title, vision, status, version label, period...), with its plan version, which
      every write to its actions, aims and outcomes raises in the same transaction;
    - its actions' count, latest change and summed versions, and its sections' count and latest change, which
      also catch a write that bypassed the services;
    - the partnership's branding;
    - the partnership's latest recorded change (documents.last_change_id), which every service write raises:
      priorities, governance, measures, local data, audits, training needs, agencies' names;
    - the document's templates and the code that fills them, so a new release renders afresh.
    A change to anything the document shows gives a new fingerprint; a change elsewhere in the partnership may
    too (a document rendered once more, never one shown stale)."""
    from actionplan.models import Action

    row = Strategy.objects.filter(pk=strategy.pk).values().get()
    actions = Action.objects.filter(strategy_id=strategy.pk).aggregate(
        n=Count("id"), latest=Max("updated_at"), versions=Sum("version"))
    sections = Section.objects.filter(strategy_id=strategy.pk).aggregate(n=Count("id"), latest=Max("updated_at"))
    branding = PartnershipBranding.objects.filter(partnership_id=strategy.partnership_id).values_list(
        "updated_at", "accent_colour", "logo", "logo_alt").first()
    return documents.fingerprint(
        "strategy", mode, documents.code_digest("exports/document", __file__),
        sorted(row.items()), sorted(actions.items()), sorted(sections.items()), branding,
        documents.last_change_id(strategy.partnership_id),
    )


# --- What changed between two exports -----------------------------------------------------------


def _digest(*parts):
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def content_snapshot(context):
    """A compact, JSON-safe record of the document's content, for comparing two exports."""
    strategy = context["strategy"]
    return {
        "strategy": {"title": strategy.title, "status": strategy.status, "version": strategy.version_label,
                     "vision": _digest(strategy.vision, strategy.strapline)},
        "sections": [
            {"key": s.anchor, "title": s.title, "hash": _digest(s.title, s.body), "text": s.body}
            for s in [*context["front_sections"], *context["sections"]]
        ],
        "aims": [
            {"number": a.number, "title": a.title,
             "hash": _digest(a.title, a.sub_aims, a.what_this_means, a.what_we_want_to_see)}
            for a in context["aims"]
        ],
        "actions": [
            {"ref": a.reference, "text": a.text, "status": a.status,
             "hash": _digest(a.text, a.lead_agency_id, a.lead_name, a.timing_label, a.outcome_id, a.measures_text)}
            for a in context["actions"]
        ],
    }


def _compare_list(old, new, key, label):
    before = {item[key]: item for item in old}
    after = {item[key]: item for item in new}
    added = [after[k] for k in after if k not in before]
    removed = [before[k] for k in before if k not in after]
    changed = []
    for k in after:
        if k in before and before[k] != after[k]:
            fields = [f for f in after[k] if f != key and before[k].get(f) != after[k].get(f)]
            changed.append({"item": after[k], "before": before[k], "fields": fields})
    return {"label": label, "added": added, "removed": removed, "changed": changed,
            "any": bool(added or removed or changed)}


def text_difference(before, after):
    """The lines of a section's text removed and added, as [("removed" | "added" | "same", line)]: the
    changed lines with a line of context either side, for a scrutineer to read."""
    import difflib

    rows = []
    for line in difflib.unified_diff((before or "").splitlines(), (after or "").splitlines(), n=1, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            if rows:
                rows.append(("gap", "…"))
            continue
        kind = {"-": "removed", "+": "added"}.get(line[:1], "same")
        rows.append((kind, line[1:]))
    return rows


def _status_label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value or ""


def compare_snapshots(old, new):
    """Sections, aims and actions added, removed and changed between two snapshots; each changed section
    with the difference of its text (snapshots taken before texts were kept have none), and statuses by
    their names."""
    from actionplan.models import ActionStatus

    old, new = old or {}, new or {}
    sections = _compare_list(old.get("sections", []), new.get("sections", []), "key", "Sections")
    for change in sections["changed"]:
        change["fields"] = [f for f in change["fields"] if f != "text"]
        if "text" in change["before"] and "text" in change["item"]:
            change["diff"] = text_difference(change["before"]["text"], change["item"]["text"])
    actions = _compare_list(old.get("actions", []), new.get("actions", []), "ref", "Actions")
    for change in actions["changed"]:
        change["status_before"] = _status_label(ActionStatus, change["before"].get("status"))
        change["status_after"] = _status_label(ActionStatus, change["item"].get("status"))
    strategy = {
        f: (old.get("strategy", {}).get(f), new.get("strategy", {}).get(f))
        for f in ("title", "status", "version", "vision")
        if old.get("strategy", {}).get(f) != new.get("strategy", {}).get(f)
    }
    if "status" in strategy:
        strategy["status"] = tuple(_status_label(StrategyStatus, v) for v in strategy["status"])
    return {
        "sections": sections,
        "aims": _compare_list(old.get("aims", []), new.get("aims", []), "number", "Strategic aims"),
        "actions": actions,
        "strategy": strategy,
    }
