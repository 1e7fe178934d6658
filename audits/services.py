"""Writes to multi-agency audits. Each runs in a transaction and records who did it."""
from django.core.exceptions import ValidationError
from django.db import transaction

from actionplan.services import action_create
from partnerships.audit import record
from partnerships.records import delete_recorded, save_changes, save_new

from .models import Audit, AuditCase, AuditFinding
from .pseudonymisation import reference_problem

AUDIT_LINKS = ("agencies",)
CASE_LINKS = ("forms_of_abuse", "agencies_involved")
FINDING_LINKS = ("agencies",)


def _split(data, links):
    fields = {k: v for k, v in data.items() if k not in links}
    m2m = {k: list(v) for k, v in data.items() if k in links}
    return fields, m2m


def _check_agencies(partnership_id, **groups):
    errors = {
        name: "Choose agencies of this partnership."
        for name, agencies in groups.items()
        if any(a.partnership_id != partnership_id for a in agencies)
    }
    if errors:
        raise ValidationError(errors)


def _check_strategy(audit):
    if audit.strategy_id and audit.strategy.partnership_id != audit.partnership_id:
        raise ValidationError({"strategy": "Choose a strategy of this partnership."})


@transaction.atomic
def audit_create(*, partnership, actor, **data):
    """Plan a multi-agency audit."""
    fields, m2m = _split(data, AUDIT_LINKS)
    _check_agencies(partnership.pk, **m2m)
    audit = Audit(partnership=partnership, created_by=actor, **fields)
    _check_strategy(audit)
    return save_new(audit, actor=actor, verb="audit.created", partnership=partnership, m2m=m2m)


@transaction.atomic
def audit_update(*, audit, actor, **data):
    """Change an audit's details, agencies taking part or status."""
    fields, m2m = _split(data, AUDIT_LINKS)
    _check_agencies(audit.partnership_id, **m2m)
    for name, value in fields.items():
        setattr(audit, name, value)
    _check_strategy(audit)
    return save_changes(audit, actor=actor, verb="audit.updated", partnership=audit.partnership, fields=fields, m2m=m2m)


def _check_case(case, m2m):
    problem = reference_problem(case.reference)
    if problem:
        raise ValidationError({"reference": problem})
    _check_agencies(case.audit.partnership_id, **{k: v for k, v in m2m.items() if k == "agencies_involved"})


@transaction.atomic
def case_create(*, audit, actor, **data):
    """Add a case to the audit's sample under a pseudonymised reference (refused when it may identify someone)."""
    fields, m2m = _split(data, CASE_LINKS)
    case = AuditCase(audit=audit, **fields)
    _check_case(case, m2m)
    return save_new(case, actor=actor, verb="audit.case_added", partnership=audit.partnership, m2m=m2m,
                    summary=f"{audit.title}: case {case.reference}")


@transaction.atomic
def case_update(*, case, actor, **data):
    """Correct a case's profile. The trail names the changed fields but never their values."""
    fields, m2m = _split(data, CASE_LINKS)
    for name, value in fields.items():
        setattr(case, name, value)
    _check_case(case, m2m)
    return save_changes(case, actor=actor, verb="audit.case_updated", partnership=case.audit.partnership,
                        fields=fields, m2m=m2m, summary=f"{case.audit.title}: case {case.reference}", log_values=False)


@transaction.atomic
def finding_create(*, audit, actor, **data):
    """Record a strength or an area for improvement the audit found."""
    fields, m2m = _split(data, FINDING_LINKS)
    _check_agencies(audit.partnership_id, **m2m)
    finding = AuditFinding(audit=audit, **fields)
    return save_new(finding, actor=actor, verb="audit.finding_added", partnership=audit.partnership, m2m=m2m)


@transaction.atomic
def finding_update(*, finding, actor, **data):
    """Change a finding."""
    fields, m2m = _split(data, FINDING_LINKS)
    _check_agencies(finding.audit.partnership_id, **m2m)
    return save_changes(finding, actor=actor, verb="audit.finding_updated", partnership=finding.audit.partnership,
                        fields=fields, m2m=m2m)


@transaction.atomic
def finding_action_create(*, finding, actor, **action_data):
    """Add an action to the plan arising from the finding, and link the two so each shows the other."""
    if action_data["outcome"].aim.strategy.partnership_id != finding.audit.partnership_id:
        raise ValidationError({"outcome": "Choose an intended outcome of this partnership's strategy."})
    action = action_create(actor=actor, **action_data)
    finding.actions.add(action)
    record(actor=actor, verb="audit.finding_action_linked", obj=finding, partnership=finding.audit.partnership,
           summary=f"Action {action.reference} arises from this finding")
    return action


@transaction.atomic
def audit_delete(*, audit, actor):
    """Delete an audit with its cases and findings (actions that arose from them stay in the plan)."""
    delete_recorded(audit, actor=actor, verb="audit.deleted", partnership=audit.partnership)


@transaction.atomic
def case_delete(*, case, actor):
    """Remove a case from the sample, for example one entered by mistake."""
    delete_recorded(case, actor=actor, verb="audit.case_deleted", partnership=case.audit.partnership,
                    summary=f"{case.audit.title}: case {case.reference}")


def cases_anonymise(cases):
    """Retention's action for audit cases past their period: blank the notes and replace the reference with
    one that names nothing, keeping the profile the audit's figures count. Returns how many."""
    from django.utils import timezone

    now = timezone.now()
    count = 0
    for case in cases.filter(anonymised_at__isnull=True).select_related("audit__partnership"):
        case.reference, case.notes, case.anonymised_at = f"Anonymised {case.pk}", "", now
        case.save(update_fields=["reference", "notes", "anonymised_at"])
        record(actor=None, verb="audit.case_anonymised", obj=case, partnership=case.audit.partnership,
               summary=f"{case.audit.title}: case anonymised after its retention period")
        count += 1
    return count
