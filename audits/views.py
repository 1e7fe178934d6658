from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from actionplan.evidence import action_from_evidence, target_strategy
from partnerships import access
from partnerships.form_views import confirm_delete, form_page, save_form

from . import selectors, services
from .forms import AuditForm, CaseForm, FindingForm
from .models import AuditCase, AuditFinding, FindingKind


def _audit(request, pk):
    access.require(request.membership, access.AUDIT_VIEW)
    return selectors.audit_for(request.membership, pk)


def _detail_url(request, audit):
    return reverse("audit_detail", kwargs={"slug": request.partnership.slug, "pk": audit.pk})


@access.partnership_view
def audit_list(request):
    access.require(request.membership, access.AUDIT_VIEW)
    return render(request, "audits/audit_list.html", {
        "audits": selectors.audit_list(request.membership),
        "can_add": access.can(request.membership, access.AUDIT_EDIT),
    })


@access.partnership_view
@require_http_methods(["GET", "POST"])
def audit_create(request):
    access.require(request.membership, access.AUDIT_EDIT)
    form = AuditForm(request.POST or None, partnership=request.partnership)
    audit = save_form(request, form, lambda d: services.audit_create(partnership=request.partnership, actor=request.user, **d),
                  lambda a: f"Audit “{a.title}” added.")
    if audit:
        return redirect(_detail_url(request, audit))
    return form_page(request, form, title="Plan a multi-agency audit", caption="Multi-agency audits",
                      submit="Save audit", cancel_url=reverse("audit_list", kwargs={"slug": request.partnership.slug}))


@access.partnership_view
@require_http_methods(["GET", "POST"])
def audit_edit(request, pk):
    audit = _audit(request, pk)
    access.require(request.membership, access.AUDIT_EDIT, audit)
    form = AuditForm(request.POST or None, instance=audit, partnership=request.partnership)
    if save_form(request, form, lambda d: services.audit_update(audit=audit, actor=request.user, **d),
             lambda a: "Audit updated."):
        return redirect(_detail_url(request, audit))
    return form_page(request, form, title="Edit the audit", caption=audit.title, submit="Save changes",
                      cancel_url=_detail_url(request, audit))


@access.partnership_view
def audit_detail(request, pk):
    audit = _audit(request, pk)
    cases = selectors.cases_read(audit=audit, actor=request.user)
    findings = selectors.findings_of(audit)
    membership = request.membership
    return render(request, "audits/audit_detail.html", {
        "audit": audit,
        "agencies": audit.agencies.all(),
        "cases": cases,
        "findings": findings,
        "profile": selectors.case_profile(audit, cases),
        "can_edit": access.can(membership, access.AUDIT_EDIT, audit),
        "can_contribute": access.can(membership, access.AUDIT_CONTRIBUTE, audit),
        "can_create_actions": access.can(membership, access.ACTION_CREATE),
    })


@access.partnership_view
def audit_report(request, pk):
    audit = _audit(request, pk)
    findings = selectors.findings_of(audit)
    return render(request, "audits/audit_report.html", {
        "audit": audit,
        "agencies": audit.agencies.all(),
        "grid": selectors.findings_grid(findings),
        "profile": selectors.case_profile(audit),
    })


def _contributor_audit(request, pk):
    audit = _audit(request, pk)
    access.require(request.membership, access.AUDIT_CONTRIBUTE, audit)
    return audit


@access.partnership_view
@require_http_methods(["GET", "POST"])
def case_create(request, pk):
    audit = _contributor_audit(request, pk)
    form = CaseForm(request.POST or None, audit=audit)
    if save_form(request, form, lambda d: services.case_create(audit=audit, actor=request.user, **d),
             lambda c: f"Case {c.reference} added."):
        return redirect(_detail_url(request, audit))
    return form_page(request, form, title="Add a case", caption=audit.title, submit="Add case",
                      cancel_url=_detail_url(request, audit),
                      intro="Record the case under the audit's own code. The profile fields show who the sample "
                            "represents; they are reported only as counts.")


@access.partnership_view
@require_http_methods(["GET", "POST"])
def case_edit(request, pk, case_pk):
    audit = _contributor_audit(request, pk)
    case = access.get_visible_or_404(AuditCase.objects.filter(audit=audit), pk=case_pk)
    form = CaseForm(request.POST or None, instance=case, audit=audit)
    if save_form(request, form, lambda d: services.case_update(case=case, actor=request.user, **d),
             lambda c: f"Case {c.reference} updated."):
        return redirect(_detail_url(request, audit))
    return form_page(request, form, title=f"Edit case {case.reference}", caption=audit.title, submit="Save changes",
                      cancel_url=_detail_url(request, audit))


@access.partnership_view
@require_http_methods(["GET", "POST"])
def finding_create(request, pk):
    audit = _contributor_audit(request, pk)
    form = FindingForm(request.POST or None, audit=audit, initial={"kind": request.GET.get("kind", FindingKind.AREA)})
    if save_form(request, form, lambda d: services.finding_create(audit=audit, actor=request.user, **d),
             lambda f: f"{f.get_kind_display()} added."):
        return redirect(_detail_url(request, audit))
    return form_page(request, form, title="Add a finding", caption=audit.title, submit="Add finding",
                      cancel_url=_detail_url(request, audit))


def _finding(audit, finding_pk):
    qs = AuditFinding.objects.filter(audit=audit).select_related("recommendation").prefetch_related("agencies")
    return access.get_visible_or_404(qs, pk=finding_pk)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def finding_edit(request, pk, finding_pk):
    audit = _contributor_audit(request, pk)
    finding = _finding(audit, finding_pk)
    form = FindingForm(request.POST or None, instance=finding, audit=audit)
    if save_form(request, form, lambda d: services.finding_update(finding=finding, actor=request.user, **d),
             lambda f: "Finding updated."):
        return redirect(_detail_url(request, audit))
    return form_page(request, form, title="Edit the finding", caption=audit.title, submit="Save changes",
                      cancel_url=_detail_url(request, audit))


@access.partnership_view
@require_http_methods(["GET", "POST"])
def finding_action_create(request, pk, finding_pk):
    audit = _audit(request, pk)
    finding = _finding(audit, finding_pk)
    strategy = target_strategy(request.membership, audit.strategy)
    if strategy is None:
        access.require(request.membership, access.ACTION_CREATE)
        messages.error(request, "There is no strategy open for new actions.")
        return redirect(_detail_url(request, audit))
    agencies = list(finding.agencies.all())
    initial = {
        "text": finding.text if finding.kind == FindingKind.AREA else f"Build on this strength: {finding.text}",
        "lead_agency": agencies[0].pk if agencies and agencies[0].partnership_id == strategy.partnership_id else None,
        "recommendations": [finding.recommendation_id] if finding.recommendation_id else [],
        "measures_text": f"Re-audit: {audit.theme}",
    }
    return action_from_evidence(
        request, strategy=strategy, initial=initial,
        write=lambda d: services.finding_action_create(finding=finding, actor=request.user, **d),
        back_url=_detail_url(request, audit), title="Add an action from an audit finding",
        caption=f"From the audit “{audit.title}”: {finding.get_kind_display().lower()} — {finding.text[:120]}",
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def audit_delete(request, pk):
    audit = _audit(request, pk)
    access.require(request.membership, access.AUDIT_EDIT, audit)
    return confirm_delete(
        request, title="Delete this audit", caption=audit.title,
        warning="Its cases and findings will be deleted too. Actions that arose from its findings stay in the plan.",
        submit="Delete the audit", cancel_url=_detail_url(request, audit),
        delete=lambda: services.audit_delete(audit=audit, actor=request.user),
        done_url=reverse("audit_list", kwargs={"slug": request.partnership.slug}), done_message="Audit deleted.",
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def case_delete(request, pk, case_pk):
    audit = _contributor_audit(request, pk)
    case = access.get_visible_or_404(AuditCase.objects.filter(audit=audit), pk=case_pk)
    return confirm_delete(
        request, title=f"Remove case {case.reference}", caption=audit.title,
        warning="The case and its profile will be removed from the audit.", submit="Remove the case",
        cancel_url=_detail_url(request, audit), delete=lambda: services.case_delete(case=case, actor=request.user),
        done_url=_detail_url(request, audit), done_message=f"Case {case.reference} removed.",
    )
