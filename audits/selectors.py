"""Reads of multi-agency audits, each in a fixed number of queries."""
from collections import Counter

from django.db.models import Prefetch

from actionplan.models import Action
from partnerships import access
from partnerships.audit import record
from partnerships.models import AuditEvent, FormOfAbuse

from .models import AgeBand, Audit, AuditCase, AuditFinding, Disability, EthnicityGroup, FindingKind, Gender


def visible_audits(membership):
    """The partnership's audits, for those who may read audits."""
    return access.scope(Audit.objects.all(), membership, perm=access.AUDIT_VIEW)


def audit_list(membership):
    return visible_audits(membership).select_related("strategy").prefetch_related("agencies")


def audit_for(membership, pk):
    """One audit the membership may see, with its agencies, or 404."""
    qs = visible_audits(membership).select_related("strategy", "partnership").prefetch_related("agencies")
    return access.get_visible_or_404(qs, pk=pk)


def findings_of(audit):
    """The audit's findings with their agencies, recommendation and the actions that arose from them."""
    actions = Action.objects.select_related("strategy").order_by("reference")
    return list(
        AuditFinding.objects.filter(audit=audit)
        .select_related("recommendation")
        .prefetch_related("agencies", Prefetch("actions", queryset=actions))
        .order_by("kind", "id")
    )


def findings_grid(findings):
    """Strengths and areas for improvement side by side, for the report."""
    return {
        "strengths": [f for f in findings if f.kind == FindingKind.STRENGTH],
        "areas": [f for f in findings if f.kind == FindingKind.AREA],
    }


def _cases(audit):
    return list(
        AuditCase.objects.filter(audit=audit).prefetch_related("forms_of_abuse", "agencies_involved").order_by("reference")
    )


def cases_read(*, audit, actor):
    """The audit's case list, and a READ entry in the access log saying who looked at it."""
    cases = _cases(audit)
    record(actor=actor, verb="audit.cases_read", obj=audit, partnership=audit.partnership,
           summary=f"{audit.title}: case list read ({len(cases)} cases)", kind=AuditEvent.Kind.READ)
    return cases


def case_profile(audit, cases=None):
    """Who the sample did and did not represent: counts by each equality field, form of abuse and agency.

    Rows with a count of 0 are the groups the audit did not reach.
    """
    cases = _cases(audit) if cases is None else cases

    def by_choice(field, choices):
        counts = Counter(getattr(c, field) for c in cases)
        return [{"label": label, "count": counts.get(value, 0)} for value, label in choices]

    forms = Counter(f.pk for c in cases for f in c.forms_of_abuse.all())
    agencies = Counter(a.pk for c in cases for a in c.agencies_involved.all())
    return {
        "total": len(cases),
        "groups": [
            ("Age band", by_choice("age_band", AgeBand.choices)),
            ("Gender", by_choice("gender", Gender.choices)),
            ("Ethnicity", by_choice("ethnicity_group", EthnicityGroup.choices)),
            ("Disability", by_choice("disability", Disability.choices)),
            ("Form of child sexual abuse", [
                {"label": f.name, "count": forms.get(f.pk, 0)} for f in FormOfAbuse.objects.order_by("number")
            ]),
            ("Agencies involved (of those taking part)", [
                {"label": a.name, "count": agencies.get(a.pk, 0)} for a in audit.agencies.all()
            ]),
        ],
    }


def findings_behind_action(membership, action):
    """The audit findings an action arose from, when the membership may see audits."""
    if not access.can(membership, access.AUDIT_VIEW):
        return []
    return list(action.audit_findings.filter(audit__partnership_id=membership.partnership_id).select_related("audit"))


def action_audit_findings(membership, action, context):
    """An action's page: the audit findings it arose from."""
    return {"audit_findings": findings_behind_action(membership, action)}


def audits_for_export(strategy):
    """The strategy's audits that have findings, each with its findings grid and, from the case profile,
    only the number of cases and the groups it did not reach (no small counts go into the document)."""
    from .models import Audit

    audits = list(
        Audit.objects.filter(strategy=strategy, findings__isnull=False).distinct()
        .prefetch_related("findings", "agencies", "cases__forms_of_abuse", "cases__agencies_involved")
        .order_by("audit_date", "id")
    )
    for audit in audits:
        findings = sorted(audit.findings.all(), key=lambda f: f.pk)
        audit.grid = findings_grid(findings)
        profile = case_profile(audit, list(audit.cases.all()))
        audit.case_total = profile["total"]
        audit.not_represented = [
            f"{title.lower()}: {row['label']}"
            for title, rows in profile["groups"][:5] for row in rows
            if row["count"] == 0 and row["label"] != "Not known"
        ] if profile["total"] else []
    return audits
