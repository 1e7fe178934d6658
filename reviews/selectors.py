"""Reads for review rounds, comparing versions and record history, each in a fixed number of queries."""
import difflib

from django.db.models import Prefetch

from actionplan.models import Action
from partnerships.models import SuccessCriterion
from strategy.models import IntendedOutcome, Section, StrategicAim, Strategy, number_sections

from .models import ReviewComment, ReviewInvitation, ReviewRating


def review_round_grid(review_round):
    """The criteria × reviewers grid of a round, with every comment, in five queries."""
    criteria = list(SuccessCriterion.objects.order_by("number"))
    invitations = list(
        ReviewInvitation.objects.filter(round=review_round)
        .select_related("user")
        .prefetch_related(Prefetch("ratings", queryset=ReviewRating.objects.select_related("criterion")))
        .order_by("name", "id")
    )
    rows = []
    for criterion in criteria:
        cells = []
        for invitation in invitations:
            rating = next((r for r in invitation.ratings.all() if r.criterion_id == criterion.pk), None)
            cells.append({"invitation": invitation, "rating": rating})
        counts = {key: sum(1 for c in cells if c["rating"] and c["rating"].rating == key) for key in ReviewRating.Rating.values}
        rows.append({"criterion": criterion, "cells": cells, "counts": counts})
    comments = list(
        ReviewComment.objects.filter(invitation__round=review_round)
        .select_related("invitation", "section", "resolved_by")
        .order_by("section__position", "created_at", "id")
    )
    return {
        "criteria": criteria,
        "invitations": invitations,
        "rows": rows,
        "comments": comments,
        "open_comments": sum(1 for c in comments if not c.is_resolved),
        "responded": sum(1 for i in invitations if i.responded_at),
    }


def draft_for_review(strategy):
    """The draft as a reviewer reads it: sections in order, aims with their outcomes."""
    return {
        "sections": number_sections(list(Section.objects.filter(strategy=strategy).order_by("position", "id"))),
        "aims": list(
            StrategicAim.objects.filter(strategy=strategy)
            .order_by("number")
            .prefetch_related(Prefetch("outcomes", queryset=IntendedOutcome.objects.order_by("number")))
        ),
    }


# -- What changed between two versions ----------------------------------------------------------


def text_diff(old, new, context=2):
    """Line-by-line differences as rows of (op, text), op being "same", "removed", "added" or "gap"
    (unchanged lines left out). Empty when the texts are the same."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    if a == b:
        return []
    rows = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        if rows:
            rows.append(("gap", ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(("same", line) for line in a[i1:i2])
            else:
                rows.extend(("removed", line) for line in a[i1:i2])
                rows.extend(("added", line) for line in b[j1:j2])
    return rows


def _section_key(section):
    return section.template_key or f"{section.kind}:{section.title.strip().lower()}"


def _field_changes(old, new, fields):
    changes = []
    for name in fields:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            model_field = old._meta.get_field(name)
            if model_field.choices:
                labels = dict(model_field.flatchoices)
                before, after = labels.get(before, before), labels.get(after, after)
            changes.append({"field": model_field.verbose_name, "old": before, "new": after})
    return changes


def _matched(old_items, new_items, key, fields, display=str):
    old_by, new_by = {key(o): o for o in old_items}, {key(n): n for n in new_items}
    added = [new_by[k] for k in new_by if k not in old_by]
    removed = [old_by[k] for k in old_by if k not in new_by]
    changed = []
    for k, new in new_by.items():
        if k in old_by:
            changes = _field_changes(old_by[k], new, fields)
            if changes:
                changed.append({"key": k, "old": old_by[k], "new": new, "changes": changes})
    return {"added": added, "removed": removed, "changed": changed}


def _comparable(strategy):
    sections = list(Section.objects.filter(strategy=strategy).order_by("position", "id"))
    aims = list(StrategicAim.objects.filter(strategy=strategy).order_by("number"))
    outcomes = list(IntendedOutcome.objects.filter(aim__strategy=strategy).select_related("aim").order_by("aim__number", "number"))
    actions = list(Action.objects.filter(strategy=strategy).select_related("lead_agency").order_by("reference"))
    return sections, aims, outcomes, actions


STRATEGY_COMPARED_FIELDS = ("title", "period_start", "period_end", "vision", "strapline")
AIM_FIELDS = ("title", "what_this_means", "what_we_want_to_see")
OUTCOME_FIELDS = ("text",)
ACTION_FIELDS = (
    "text", "lead_agency", "lead_name", "commencement_date", "completion_date", "start_year", "end_year",
    "status", "progress", "measures_text",
)


def compare_versions(old, new):
    """What changed from `old` to `new`: the headline fields, each section's text as a line diff,
    and the aims, outcomes and actions added, removed or changed, matched by number or reference."""
    old_sections, old_aims, old_outcomes, old_actions = _comparable(old)
    new_sections, new_aims, new_outcomes, new_actions = _comparable(new)
    old_by_key = {_section_key(s): s for s in old_sections}
    new_keys = {_section_key(s) for s in new_sections}
    sections = []
    for section in new_sections:
        before = old_by_key.get(_section_key(section))
        if before is None:
            sections.append({"title": section.title, "state": "added", "rows": text_diff("", section.body)})
            continue
        rows = text_diff(before.body, section.body)
        title_changed = before.title != section.title
        if rows or title_changed:
            sections.append({
                "title": section.title, "old_title": before.title if title_changed else "",
                "state": "changed", "rows": rows,
            })
    for section in old_sections:
        if _section_key(section) not in new_keys:
            sections.append({"title": section.title, "state": "removed", "rows": text_diff(section.body, "")})
    return {
        "old": old,
        "new": new,
        "headline": _field_changes(old, new, STRATEGY_COMPARED_FIELDS),
        "sections": sections,
        "aims": _matched(old_aims, new_aims, lambda a: a.number, AIM_FIELDS),
        "outcomes": _matched(old_outcomes, new_outcomes, lambda o: o.reference, OUTCOME_FIELDS),
        "actions": _matched(old_actions, new_actions, lambda a: a.reference, ACTION_FIELDS),
    }


def versions_of(strategy, visible):
    """Other versions of the same strategy that the person may read (linked by previous_version), newest first."""
    family = {strategy.pk}
    frontier = {strategy.pk}
    rows = list(visible.values_list("pk", "previous_version_id"))
    while frontier:
        linked = {pk for pk, prev in rows if prev in frontier} | {prev for pk, prev in rows if pk in frontier and prev}
        frontier = linked - family
        family |= linked
    return visible.filter(pk__in=family - {strategy.pk}).order_by("-created_at")


# -- History of one record ----------------------------------------------------------------------


HISTORY_KINDS = {
    "strategy": Strategy,
    "section": Section,
    "aim": StrategicAim,
    "outcome": IntendedOutcome,
    "action": Action,
}

HISTORY_LIMIT = 200


def _display(value, limit=400):
    if value is None or value == "":
        return "(empty)"
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def record_history(obj):
    """Who changed the record, when, and which fields, newest first (at most HISTORY_LIMIT entries).
    Choices show their labels and links show the linked record's name, fetched once per linked model,
    so the page costs the same number of queries however long the history is."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: HISTORY_LIMIT + 1]
    )
    raw = []
    for i, current in enumerate(records[:HISTORY_LIMIT]):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if previous is not None:
            for change in current.diff_against(previous, foreign_keys_are_objs=False).changes:
                if change.field not in _HISTORY_IGNORED:
                    changes.append((obj._meta.get_field(change.field), change.old, change.new))
        raw.append((current, changes))
    linked = {}
    for _, changes in raw:
        for model_field, old, new in changes:
            if model_field.is_relation:
                linked.setdefault(model_field.related_model, set()).update(v for v in (old, new) if v is not None)
    names = {
        model: {o.pk: str(o) for o in model._base_manager.filter(pk__in=ids)} for model, ids in linked.items()
    }

    def shown(model_field, value):
        if value is not None and model_field.is_relation:
            return _display(names[model_field.related_model].get(value, f"(removed record {value})"))
        if model_field.choices:
            return _display(dict(model_field.flatchoices).get(value, value))
        return _display(value)

    entries = []
    for current, changes in raw:
        entries.append({
            "when": current.history_date,
            "who": current.history_user,
            "type": {"+": "Created", "~": "Changed", "-": "Deleted"}[current.history_type],
            "changes": [
                {
                    "field": str(model_field.verbose_name),
                    "old": shown(model_field, old),
                    "new": shown(model_field, new),
                    "rows": text_diff(old, new) if isinstance(new, str) and "\n" in new + (old or "") else [],
                }
                for model_field, old, new in changes
            ],
        })
    return {"entries": entries, "truncated": len(records) > HISTORY_LIMIT}


_HISTORY_IGNORED = {"updated_at", "revision", "version"}


def open_review_requests(membership):
    """The open review rounds this member has been invited to and not yet answered, for their home page."""
    from .models import ReviewInvitation

    return list(
        ReviewInvitation.objects.filter(
            user_id=membership.user_id, round__strategy__partnership_id=membership.partnership_id,
            round__status="open", responded_at__isnull=True,
        ).select_related("round__strategy").order_by("round__respond_by", "round_id")
    )


def home_review_requests(membership, context):
    """The home page's open review requests for this member."""
    return {"review_requests": open_review_requests(membership)}
