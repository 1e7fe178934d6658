from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from actionplan.selectors import visible_actions
from partnerships import access
from partnerships.contributions import gather
from partnerships.errors import ConflictError
from partnerships.form_views import save_form
from partnerships.forms import apply_validation_error
from strategy.selectors import visible_strategies

from . import selectors, services, transfer
from .filters import SORTS, ActionFilter
from .forms import ActionDeleteForm, ActionEditForm, ActionForm, ActionUpdateForm, PlanImportForm
from .models import ActionStatus, reference_sort_key


def _strategy(request, pk):
    return access.get_visible_or_404(visible_strategies(request.membership), pk=pk)


def _action(request, pk):
    qs = visible_actions(request.membership).select_related(
        "strategy", "lead_agency", "outcome__aim", "core_component"
    )
    return access.get_visible_or_404(qs, pk=pk)


def _facets(filterset, counts):
    """Each filter with its choices, how many actions each choice holds, and the query string that applies it."""

    def choices(name, items):
        return {"name": name, "label": filterset.filters[name].label,
                "choices": [(label, counts[name].get(key, 0), f"{name}={value}") for key, value, label in items]}

    f = filterset.filters
    return [
        choices("status", [(v, v, label) for v, label in ActionStatus.choices]),
        choices("aim", [(a.pk, a.pk, f"Aim {a.number}") for a in f["aim"].queryset]),
        choices("lead_agency", [(a.pk, a.pk, a.label) for a in f["lead_agency"].queryset]),
        choices("core_component", [(c.code, c.code, c.name) for c in f["core_component"].queryset]),
        choices("recommendation", [(r.number, r.number, f"{r.number}. {r.name}") for r in f["recommendation"].queryset]),
        {"name": "flags", "label": "Needs attention", "choices": [
            ("Overdue", counts["overdue"], "overdue=true"),
            ("No recent update", counts["stale"], "stale=true"),
            ("Due within 14 days", counts["due_14"], "due_within=14"),
        ]},
    ]


@access.partnership_view
def action_plan(request, pk):
    strategy = _strategy(request, pk)
    base = visible_actions(request.membership).filter(strategy=strategy)
    filterset = ActionFilter(request.GET or None, queryset=base, request=request, strategy=strategy)
    # The plan table does not list recommendations, so they are not fetched.
    actions = selectors.annotate_flags(list(filterset.qs.select_related("lead_agency", "outcome__aim")))
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "plan"
    descending = request.GET.get("order") == "desc"
    counts = selectors.filter_counts(base)
    return render(
        request,
        "actionplan/plan.html",
        {
            "strategy": strategy,
            "filter": filterset,
            "groups": selectors.plan_groups(actions, sort=sort, descending=descending),
            "shown": len(actions),
            "summary": counts["summary"],
            "facets": _facets(filterset, counts),
            "sorts": SORTS,
            "sort": sort,
            "descending": descending,
            "query": request.GET.urlencode(),
            "can_add": access.can(request.membership, access.ACTION_CREATE, strategy),
            "can_edit": access.can(request.membership, access.ACTION_EDIT, strategy),
        },
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.ACTION_CREATE, strategy)
    form = ActionForm(request.POST or None, strategy=strategy)
    action = save_form(request, form, lambda data: services.action_create(actor=request.user, **data),
                       lambda action: f"Action {action.reference} added to the plan.")
    if action is not None:
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
            "can_edit": access.can(request.membership, access.ACTION_EDIT, action),
            "warnings": services.date_warnings(action),
            **gather("action_detail", request.membership, action),
            "statuses": ActionStatus.choices,
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
    # Not save_form: a ConflictError (someone saved first) keeps the update and moves the form to the new version.
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
    for action in actions:
        action.can_update = access.can(membership, access.ACTION_UPDATE_PROGRESS, action)
    return render(
        request,
        "actionplan/my_actions.html",
        {
            "actions": actions,
            "agency": membership.agency,
            "statuses": ActionStatus.choices,
        },
    )


def _edit_initial(action):
    initial = {name: getattr(action, name) for name in services.EDITABLE_FIELDS}
    initial.update(
        outcome=action.outcome_id, lead_agency=action.lead_agency_id, core_component=action.core_component_id,
        recommendations=list(action.recommendations.values_list("pk", flat=True)),
        supporting_agencies=list(action.supporting_agencies.values_list("pk", flat=True)),
        version=action.version,
    )
    return initial


@access.partnership_view
@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    action = _action(request, pk)
    access.require(request.membership, access.ACTION_EDIT, action)
    form = ActionEditForm(request.POST or None, initial=_edit_initial(action), strategy=action.strategy)
    # Not save_form: a ConflictError keeps the changes and moves the form to the new version; warnings follow.
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            action, warnings = services.action_edit(action=action, actor=request.user, expected_version=expected, **data)
        except ConflictError as error:
            form.add_error(None, f"{error} Your changes are kept below; check the action and save again.")
            form.data = form.data.copy()
            form.data["version"] = error.current.version
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Action {action.reference} saved.")
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("action_detail", slug=request.partnership.slug, pk=action.pk)
    return render(request, "actionplan/action_edit.html", {"form": form, "action": action, "strategy": action.strategy})


@access.partnership_view
@require_http_methods(["GET", "POST"])
def action_delete(request, pk):
    action = _action(request, pk)
    access.require(request.membership, access.ACTION_EDIT, action)
    form = ActionDeleteForm(request.POST or None)
    if save_form(request, form, lambda _data: services.action_delete(action=action, actor=request.user),
                 f"Action {action.reference} deleted.") is not None:
        return redirect("action_plan", slug=request.partnership.slug, pk=action.strategy_id)
    return render(request, "actionplan/action_delete.html", {"form": form, "action": action, "strategy": action.strategy})


@access.partnership_view
@require_POST
def aim_renumber(request, pk, aim_pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.ACTION_EDIT, strategy)
    aim = access.get_visible_or_404(strategy.aims.select_related("strategy__partnership"), pk=aim_pk)
    try:
        renames = services.aim_renumber_actions(aim=aim, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if renames:
            messages.success(request, "Renumbered: " + ", ".join(f"{old} → {new}" for old, new in renames.items()))
        else:
            messages.success(request, f"The actions of aim {aim.number} were already numbered in order.")
    return redirect("action_plan", slug=request.partnership.slug, pk=strategy.pk)


@access.partnership_view
def action_progress(request, pk):
    strategy = _strategy(request, pk)
    actions = visible_actions(request.membership).filter(strategy=strategy)
    return render(
        request,
        "actionplan/progress.html",
        {
            "strategy": strategy,
            "progress": selectors.strategy_progress(actions, strategy),
            "trend": selectors.progress_trend(strategy),
            "statuses": ActionStatus.choices,
        },
    )


@access.partnership_view
def action_recommendations(request, pk):
    strategy = _strategy(request, pk)
    actions = visible_actions(request.membership).filter(strategy=strategy)
    recommendations = selectors.recommendations_coverage(actions)
    return render(
        request,
        "actionplan/recommendations.html",
        {
            "strategy": strategy,
            "recommendations": recommendations,
            "unanswered": [r for r in recommendations if not r.answering],
        },
    )


@access.partnership_view
def plan_export(request, pk, fmt):
    strategy = _strategy(request, pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    actions = selectors.with_list_relations(visible_actions(request.membership).filter(strategy=strategy))
    actions = sorted(actions, key=lambda a: (a.outcome.aim.number, a.outcome.number, reference_sort_key(a.reference)))
    rows = transfer.export_rows(actions)
    filename = f"action-plan-{request.partnership.slug}-{strategy.period_label.replace('–', '-')}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(transfer.to_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(transfer.to_xlsx(rows), content_type=transfer.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


_IMPORT_SESSION_KEY = "actionplan_import"


@access.partnership_view
@require_http_methods(["GET", "POST"])
def plan_import(request, pk):
    """Upload a spreadsheet, see what would change, then apply every row or none."""
    strategy = _strategy(request, pk)
    access.require(request.membership, access.ACTION_EDIT, strategy)
    form = PlanImportForm()
    report = None
    pending = request.session.get(_IMPORT_SESSION_KEY)
    if pending and pending.get("strategy") != strategy.pk:
        pending = None
    if request.method == "POST" and request.POST.get("apply") and pending:
        report = services.plan_import(strategy=strategy, rows=[tuple(r) for r in pending["rows"]],
                                      actor=request.user, apply=True)
        if report["applied"]:
            del request.session[_IMPORT_SESSION_KEY]
            changed = sum(r["kind"] != "unchanged" for r in report["rows"])
            messages.success(request, f"Import applied: {changed} action{'s' if changed != 1 else ''} added or changed.")
            return redirect("action_plan", slug=request.partnership.slug, pk=strategy.pk)
    elif request.method == "POST":
        form = PlanImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                rows = transfer.read_upload(form.cleaned_data["file"])
            except transfer.UnreadableFile as error:
                form.add_error("file", str(error))
            else:
                report = services.plan_import(strategy=strategy, rows=rows, actor=request.user, apply=False)
                request.session[_IMPORT_SESSION_KEY] = {"strategy": strategy.pk, "rows": rows}
    return render(
        request,
        "actionplan/plan_import.html",
        {"form": form, "strategy": strategy, "report": report},
    )
