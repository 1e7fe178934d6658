from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partnership_portal import access
from partnership_portal.errors import ConflictError
from partnership_portal.forms import apply_validation_error

from audits.selectors import findings_behind_action
from workforce.selectors import needs_behind_action

from . import selectors, services
from .forms import ActionForm, ActionUpdateForm


def _strategy(request, pk):
    return access.get_visible_or_404(access.visible_strategies(request.membership), pk=pk)


def _action(request, pk):
    qs = access.visible_actions(request.membership).select_related(
        "strategy", "lead_agency", "outcome__aim", "core_component"
    )
    return access.get_visible_or_404(qs, pk=pk)


@access.partnership_view
def action_plan(request, pk):
    strategy = _strategy(request, pk)
    actions = selectors.plan_actions(request.membership, strategy)
    summary = selectors.progress_summary(access.visible_actions(request.membership).filter(strategy=strategy))
    return render(
        request,
        "actionplan/plan.html",
        {
            "strategy": strategy,
            "actions": actions,
            "summary": summary,
            "can_add": access.can(request.membership, access.ACTION_CREATE, strategy),
        },
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.ACTION_CREATE, strategy)
    form = ActionForm(request.POST or None, strategy=strategy)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Action {action.reference} added to the plan.")
            return redirect("action_detail", slug=request.partnership.slug, pk=action.pk)
    return render(request, "actionplan/action_form.html", {"form": form, "strategy": strategy})


@access.partnership_view
def action_detail(request, pk):
    action = _action(request, pk)
    updates = action.updates.select_related("author")
    return render(
        request,
        "actionplan/action_detail.html",
        {
            "action": action,
            "strategy": action.strategy,
            "updates": updates,
            "supporting": action.supporting_agencies.all(),
            "recommendations": action.recommendations.all(),
            "can_update": access.can(request.membership, access.ACTION_UPDATE_PROGRESS, action),
            "audit_findings": findings_behind_action(request.membership, action),
            "training_needs": needs_behind_action(request.membership, action),
        },
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def action_update(request, pk):
    action = _action(request, pk)
    access.require(request.membership, access.ACTION_UPDATE_PROGRESS, action)
    form = ActionUpdateForm(
        request.POST or None, initial={"status": action.status, "progress": action.progress, "version": action.version}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_update_progress(
                action=action, actor=request.user, status=data["status"], progress=data["progress"],
                narrative=data["narrative"], evidence_url=data["evidence_url"], expected_version=data["version"],
            )
        except ConflictError as error:
            conflict = error.current
            form.add_error(None, str(error) + " Check its current status below; your update is kept in the form.")
            form.data = form.data.copy()
            form.data["version"] = conflict.version
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Update to action {action.reference} saved.")
            if request.GET.get("next") == "mine":
                return redirect("my_actions", slug=request.partnership.slug)
            return redirect("action_detail", slug=request.partnership.slug, pk=action.pk)
    return render(
        request,
        "actionplan/action_update.html",
        {"form": form, "action": conflict or action, "strategy": action.strategy, "conflict": conflict},
        status=409 if conflict else 200,
    )


@access.partnership_view
def my_actions(request):
    membership = request.membership
    actions = selectors.my_agency_actions(membership) if membership.agency_id else []
    return render(request, "actionplan/my_actions.html", {"actions": actions, "agency": membership.agency})
