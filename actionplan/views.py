from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from actionplan.selectors import visible_actions
from partnerships import access, documents
from partnerships.contributions import gather
from partnerships.errors import ConflictError
from partnerships.form_views import save_form
from partnerships.forms import apply_validation_error
from partnerships.models import Agency, DocumentStatus, Role
from partnerships.secret_links import private_page
from strategy.models import Commitment
from strategy.selectors import visible_strategies

from . import selectors, services, transfer
from .evidence import action_from_evidence
from .filters import SORTS, ActionFilter
from .forms import (
    ActionCommentForm,
    ActionDeleteForm,
    ActionEditForm,
    ActionForm,
    ActionUpdateForm,
    ConfirmForm,
    DateChangeDecideForm,
    DateChangeProposeForm,
    MeetingForm,
    PlanImportForm,
    RoundSettingsForm,
    StatusMeaningsForm,
    UpdateRequestForm,
)
from .models import (
    CLOSED_STATUSES,
    ActionStatus,
    ActionUpdateFile,
    CompletionDateChange,
    reference_sort_key,
)


def _strategy(request, pk):
    return access.get_visible_or_404(visible_strategies(request.membership), pk=pk)


def _action(request, pk):
    qs = visible_actions(request.membership).select_related(
        "strategy", "lead_agency", "outcome__aim", "core_component", "commitment__priority"
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
    actions = selectors.plan_table_actions(filterset.qs)
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
@require_http_methods(["GET", "POST"])
def commitment_action_create(request, pk, commitment_pk):
    """Make a "We will" commitment an action of the same strategy's plan, linked back to it."""
    strategy = _strategy(request, pk)
    commitment = access.get_visible_or_404(
        Commitment.objects.filter(priority__strategy=strategy).select_related("priority"), pk=commitment_pk)
    text = commitment.text.strip()
    return action_from_evidence(
        request, strategy=strategy, initial={"text": text[:1].upper() + text[1:]},
        write=lambda d: services.commitment_action_create(commitment=commitment, actor=request.user, **d),
        back_url=reverse("strategy_vision", kwargs={"slug": request.partnership.slug, "pk": strategy.pk}),
        title="Make a commitment an action",
        caption=f"From priority {commitment.priority.number}, “{commitment.priority.title}”: we will {text}",
    )


def _render_detail(request, action, comment_form=None, status=200):
    selectors.annotate_flags([action])
    can_comment = access.can(request.membership, access.ACTION_COMMENT, action)
    if comment_form is None and can_comment:
        comment_form = ActionCommentForm(members=services.mentionable_members(action, exclude=request.user))
    return render(
        request,
        "actionplan/action_detail.html",
        {
            "action": action,
            "strategy": action.strategy,
            "updates": selectors.action_timeline(action),
            "comments": selectors.action_comments(action),
            "comment_form": comment_form if can_comment else None,
            "supporting": action.supporting_agencies.all(),
            "recommendations": action.recommendations.all(),
            "can_update": access.can(request.membership, access.ACTION_UPDATE_PROGRESS, action),
            "can_edit": access.can(request.membership, access.ACTION_EDIT, action),
            "warnings": services.date_warnings(action),
            **gather("action_detail", request.membership, action),
            "statuses": ActionStatus.choices,
            "update_requests": selectors.update_requests_of(action),
            "date_changes": selectors.date_changes(action),
            "can_decide": access.can(request.membership, access.ACTION_EDIT, action),
        },
        status=status,
    )


def _update_context(action, membership):
    """What an owner needs to decide an update: due date, overdue, the last update, what each status means,
    and any new date waiting for a decision."""
    selectors.annotate_flags([action])
    return {
        "last": selectors.last_update(action),
        "meanings": selectors.status_meanings(membership.partnership),
        "pending_change": selectors.pending_date_change(action),
    }


def _save_update(request, action, membership, form):
    """Save the update from a bound form. Returns (saved, conflict)."""
    data = form.cleaned_data
    try:
        services.action_update_progress(
            action=action, actor=membership.user, status=data["status"], progress=data["progress"],
            narrative=data["narrative"], evidence_url=data["evidence_url"], expected_version=data["version"],
            files=data.get("files") or (),
        )
    except ConflictError as error:
        form.add_error(None, str(error) + " Check its current status below; your update is kept in the form.")
        form.data = form.data.copy()
        form.data["version"] = error.current.version
        return False, error.current
    except ValidationError as error:
        apply_validation_error(form, error)
        return False, None
    return True, None


def _next_to_update(membership, after):
    """The next action of the member's agency that needs an update, leaving out any updated in the last week
    (including the one just saved)."""
    from datetime import timedelta

    from django.utils import timezone

    queue = selectors.actions_to_update(membership, exclude_updated_since=timezone.now() - timedelta(days=7))
    return next((a for a in queue if a.pk != after.pk), None)


def _update_form(request, action):
    return ActionUpdateForm(
        request.POST or None, request.FILES or None,
        initial={"status": action.status, "progress": action.progress, "version": action.version},
    )


@access.partnership_view
def action_detail(request, pk):
    return _render_detail(request, _action(request, pk))


@access.partnership_view
@require_POST
def action_comment_add(request, pk):
    """Add a comment to the action's thread; whoever it mentions is notified."""
    action = _action(request, pk)
    access.require(request.membership, access.ACTION_COMMENT, action)
    form = ActionCommentForm(request.POST, members=services.mentionable_members(action, exclude=request.user))
    if form.is_valid():
        try:
            comment = services.action_comment_add(
                action=action, actor=request.user, text=form.cleaned_data["text"],
                mention_ids=[u.pk for u in form.cleaned_data["mention"]],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            told = comment.mentioned.count()
            messages.success(request, "Comment added." + (f" {told} {'person' if told == 1 else 'people'} notified."
                                                          if told else ""))
            url = reverse("action_detail", kwargs={"slug": request.partnership.slug, "pk": action.pk})
            return redirect(f"{url}#comment-{comment.pk}")
    return _render_detail(request, action, comment_form=form)


@access.partnership_view
@require_safe
def action_evidence_download(request, pk):
    """An evidence file of an update, as a download, to whoever can see the action."""
    evidence = access.get_visible_or_404(
        ActionUpdateFile.objects.select_related("update__action__strategy__partnership").filter(
            update__action__in=visible_actions(request.membership)
        ),
        pk=pk,
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.")
    services.evidence_file_record_download(evidence=evidence, actor=request.user)
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@access.partnership_view
@require_http_methods(["GET", "POST"])
def action_update(request, pk):
    action = _action(request, pk)
    access.require(request.membership, access.ACTION_UPDATE_PROGRESS, action)
    form = _update_form(request, action)
    conflict = None
    # Not save_form: a ConflictError (someone saved first) keeps the update and moves the form to the new version.
    if request.method == "POST" and form.is_valid():
        saved, conflict = _save_update(request, action, request.membership, form)
        if saved:
            messages.success(request, f"Update to action {action.reference} saved.")
            if "save_next" in request.POST:
                following = _next_to_update(request.membership, action)
                if following is not None:
                    return redirect("action_update", slug=request.partnership.slug, pk=following.pk)
                messages.success(request, "No other action of your agency needs an update.")
                return redirect("my_actions", slug=request.partnership.slug)
            if request.GET.get("next") == "mine":
                return redirect("my_actions", slug=request.partnership.slug)
            return redirect("action_detail", slug=request.partnership.slug, pk=action.pk)
    return render(
        request,
        "actionplan/action_update.html",
        {"form": form, "action": conflict or action, "strategy": action.strategy, "conflict": conflict,
         "cancel_url": reverse("action_detail", kwargs={"slug": request.partnership.slug, "pk": action.pk}),
         "date_url": reverse("action_date_propose", kwargs={"slug": request.partnership.slug, "pk": action.pk}),
         **_update_context(conflict or action, request.membership)},
        status=409 if conflict else 200,
    )


def _link_or_refusal(request, token):
    try:
        return services.update_link_membership(token), None
    except services.LinkRefused as refused:
        return None, private_page(render(request, "actionplan/update_link_refused.html",
                                     {"message": str(refused), "sign_in": refused.sign_in}, status=404))


def _link_action(membership, pk):
    """An action the link may open: led by the holder's agency, one they may update now, in the current strategy."""
    from strategy.selectors import current_strategy

    qs = selectors.visible_actions(membership).filter(
        lead_agency_id=membership.agency_id, strategy=current_strategy(membership)
    )
    action = qs.select_related("strategy", "lead_agency", "outcome__aim").filter(pk=pk).first()
    if action is None or not access.can(membership, access.ACTION_UPDATE_PROGRESS, action):
        raise Http404("Not found.")
    return action


@require_http_methods(["GET"])
def update_link(request, token):
    """A personal link's start: the actions of the person's agency that need an update."""
    found, refusal = _link_or_refusal(request, token)
    if refusal:
        return refusal
    link, membership = found
    actions = selectors.actions_to_update(membership)
    return private_page(render(request, "actionplan/update_link.html", {
        "token": token, "actions": actions, "holder": membership, "link_partnership": membership.partnership,
    }))


@require_http_methods(["GET", "POST"])
def update_link_action(request, token, pk):
    """The update form of one action, opened by a personal link (no sign-in). It acts as its holder and
    allows only what their membership allows today."""
    found, refusal = _link_or_refusal(request, token)
    if refusal:
        return refusal
    link, membership = found
    action = _link_action(membership, pk)
    form = _update_form(request, action)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, conflict = _save_update(request, action, membership, form)
        if saved:
            services.update_link_used(link=link, action=action)
            messages.success(request, f"Update to action {action.reference} saved.")
            if "save_next" in request.POST:
                following = _next_to_update(membership, action)
                if following is not None:
                    return redirect("update_link_action", token=token, pk=following.pk)
            return redirect("update_link", token=token)
    return private_page(render(
        request,
        "actionplan/action_update.html",
        {"form": form, "action": conflict or action, "strategy": action.strategy, "conflict": conflict,
         "cancel_url": reverse("update_link", kwargs={"token": token}), "link_partnership": membership.partnership,
         "holder": membership, **_update_context(conflict or action, membership)},
        status=409 if conflict else 200,
    ))


@access.partnership_view
@require_http_methods(["GET", "POST"])
def action_date_propose(request, pk):
    """An owner proposes a revised completion date, with the reason."""
    action = _action(request, pk)
    access.require(request.membership, access.ACTION_UPDATE_PROGRESS, action)
    form = DateChangeProposeForm(request.POST or None)
    if save_form(request, form, lambda data: services.date_change_propose(action=action, actor=request.user, **data),
                 success="New completion date proposed. The business manager will accept or reject it."):
        return redirect("action_detail", slug=request.partnership.slug, pk=action.pk)
    selectors.annotate_flags([action])
    return render(request, "actionplan/date_propose.html", {
        "form": form, "action": action, "strategy": action.strategy,
        "pending_change": selectors.pending_date_change(action),
    })


@access.partnership_view
@require_http_methods(["GET", "POST"])
def date_change_decide(request, pk):
    """The business manager accepts or rejects a proposed completion date."""
    change = access.get_visible_or_404(
        CompletionDateChange.objects.filter(action__in=visible_actions(request.membership))
        .select_related("action__strategy", "action__lead_agency", "proposed_by", "decided_by"), pk=pk,
    )
    access.require(request.membership, access.ACTION_EDIT, change.action)
    form = DateChangeDecideForm(request.POST or None)

    def write(data):
        return services.date_change_decide(change=change, accept=data["decision"] == "accept", actor=request.user,
                                           note=data["decision_note"])

    if change.status == "proposed" and save_form(
        request, form, write, success=lambda c: f"New date for action {c.action.reference} {c.status}."
    ):
        return redirect("action_detail", slug=request.partnership.slug, pk=change.action_id)
    return render(request, "actionplan/date_decide.html", {
        "form": form, "change": change, "action": change.action, "strategy": change.action.strategy,
    })


@access.partnership_view
@require_http_methods(["GET", "POST"])
def status_meanings(request):
    """What each action status means in this partnership; the business manager may change the wording."""
    access.require(request.membership, access.STATUS_MEANINGS_EDIT)
    meanings = selectors.status_meanings(request.partnership)
    form = StatusMeaningsForm(request.POST or None, meanings=meanings)
    if save_form(request, form, lambda data: services.status_meanings_set(
        partnership=request.partnership, meanings=data, actor=request.user,
    ) or None, success="What each status means is saved."):
        return redirect("status_meanings", slug=request.partnership.slug)
    return render(request, "actionplan/status_meanings.html", {"form": form, "meanings": meanings})


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
    """The plan as a spreadsheet: the actions the page shows with the same filters, in plan order."""
    strategy = _strategy(request, pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    base = visible_actions(request.membership).filter(strategy=strategy)
    filterset = ActionFilter(request.GET or None, queryset=base, request=request, strategy=strategy)
    qs = filterset.qs if filterset.is_bound else base
    if filterset.is_bound and not filterset.is_valid():
        query = request.GET.urlencode()
        return redirect(reverse("action_plan", kwargs={"slug": request.partnership.slug, "pk": strategy.pk})
                        + (f"?{query}" if query else ""))
    actions = selectors.annotate_flags(list(selectors.with_latest_note(selectors.with_list_relations(qs))))
    actions.sort(key=lambda a: (a.outcome.aim.number, a.outcome.number, reference_sort_key(a.reference)))
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
                if len(rows) > settings.IMPORT_BACKGROUND_ROWS:
                    job = services.plan_import_request(strategy=strategy, upload=form.cleaned_data["file"],
                                                       rows_total=len(rows), actor=request.user)
                    return redirect("plan_import_job", slug=request.partnership.slug, pk=strategy.pk, job=job.pk)
                report = services.plan_import(strategy=strategy, rows=rows, actor=request.user, apply=False)
                request.session[_IMPORT_SESSION_KEY] = {"strategy": strategy.pk, "rows": rows}
    return render(
        request,
        "actionplan/plan_import.html",
        {"form": form, "strategy": strategy, "report": report, "background_rows": settings.IMPORT_BACKGROUND_ROWS},
    )


def _plan_import_job(request, pk, job):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.ACTION_EDIT, strategy)
    return access.get_visible_or_404(selectors.plan_imports(strategy), pk=job)


@access.partnership_view
@require_safe
def plan_import_job(request, pk, job):
    """A background import: its progress while it runs, then what it changed or every row that failed."""
    job = _plan_import_job(request, pk, job)
    if job.in_progress:
        services.plan_import_nudge(job)
    return render(request, "actionplan/plan_import_job.html", {
        "job": job, "strategy": job.strategy, "message": selectors.progress_message(job),
        "status_url": reverse("plan_import_status", kwargs={"slug": request.partnership.slug, "pk": job.strategy_id,
                                                            "job": job.pk}),
    })


@access.partnership_view
@require_safe
def plan_import_status(request, pk, job):
    """The import's progress as JSON, for the page's script to show without reloading."""
    job = _plan_import_job(request, pk, job)
    return JsonResponse(selectors.plan_import_progress(job))


# --- Update rounds ---------------------------------------------------------------------------------------


def _posted(request):
    # An empty POST is still a submission: its form is bound, so it shows what is missing.
    return request.POST if request.method == "POST" else None


def _meeting(request, pk):
    meeting = access.get_visible_or_404(selectors.visible_meetings(request.membership).select_related("partnership"),
                                        pk=pk)
    access.require(request.membership, access.ROUND_VIEW, meeting)
    return meeting


@access.partnership_view
@require_http_methods(["GET", "POST"])
def round_list(request):
    """The partnership's steering group meetings, each closing an update round; the manager records more."""
    membership = request.membership
    access.require(membership, access.ROUND_VIEW)
    can_manage = access.can(membership, access.ROUND_MANAGE)
    form = MeetingForm(_posted(request))
    if request.method == "POST":
        access.require(membership, access.ROUND_MANAGE)
        meeting = save_form(request, form, lambda data: services.meeting_create(
            partnership=request.partnership, date=data["date"], actor=request.user),
            success=lambda m: f"{m} recorded.")
        if meeting:
            return redirect("round_list", slug=request.partnership.slug)
    return render(request, "actionplan/rounds/list.html", {
        "rounds": selectors.rounds_for_page(membership),
        "due_days": selectors.updates_due_days(request.partnership.pk),
        "form": form, "can_manage": can_manage,
    })


@access.partnership_view
@require_http_methods(["GET", "POST"])
def round_settings(request):
    access.require(request.membership, access.ROUND_MANAGE)
    form = RoundSettingsForm(_posted(request),
                             initial={"updates_due_days": selectors.updates_due_days(request.partnership.pk)})
    saved = save_form(request, form, lambda data: services.round_settings_update(
        partnership=request.partnership, updates_due_days=data["updates_due_days"], actor=request.user),
        success="Round settings saved.")
    if saved:
        return redirect("round_list", slug=request.partnership.slug)
    return render(request, "actionplan/rounds/settings.html", {"form": form})


@access.partnership_view
def round_detail(request, pk):
    """Who has updated since the round opened and who has not, per agency and per action, with counts. A
    steering group member sees their own agency's part."""
    meeting = _meeting(request, pk)
    rnd = selectors.round_of(meeting)
    strategy_id = selectors.live_strategy_id(request.partnership.pk)
    can_packs = access.can(request.membership, access.BOARD_PACK_VIEW, meeting)
    packs = list(meeting.board_packs.all()[:5]) if can_packs else []
    for pack in packs:
        documents.nudge(services.BOARD_PACK, pack)  # sent again if its message was lost
    return render(request, "actionplan/rounds/detail.html", {
        "meeting": meeting, "round": rnd, "state": rnd.state(timezone.localdate()),
        "progress": selectors.round_progress(request.membership, rnd, strategy_id),
        "own_agency_only": request.membership.role == Role.STEERING_MEMBER,
        "can_manage": access.can(request.membership, access.ROUND_MANAGE, meeting),
        "packs": packs, "can_packs": can_packs,
        "refresh": any(p.in_progress and not p.is_stalled() for p in packs),
    })


@access.partnership_view
@require_http_methods(["GET", "POST"])
def meeting_delete(request, pk):
    meeting = _meeting(request, pk)
    access.require(request.membership, access.ROUND_MANAGE, meeting)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.meeting_delete(meeting=meeting, actor=request.user)
        messages.success(request, f"{meeting} removed.")
        return redirect("round_list", slug=request.partnership.slug)
    return render(request, "actionplan/rounds/delete.html", {"form": form, "meeting": meeting})


@access.partnership_view
@require_http_methods(["GET", "POST"])
def update_request_create(request, pk):
    """Ask the leads of chosen actions, or of every open action of chosen agencies, for an update."""
    meeting = _meeting(request, pk)
    access.require(request.membership, access.ROUND_MANAGE, meeting)
    strategy_id = selectors.live_strategy_id(request.partnership.pk)
    actions = visible_actions(request.membership).filter(strategy_id=strategy_id).exclude(
        status__in=CLOSED_STATUSES).select_related("lead_agency", "strategy", "outcome__aim")
    agencies = Agency.objects.filter(partnership=request.partnership, pk__in=actions.values("lead_agency_id"))
    initial = {}
    if request.GET.get("agency", "").isdigit():
        initial["agencies"] = [int(request.GET["agency"])]
    if request.GET.get("action", "").isdigit():
        initial["actions"] = [int(request.GET["action"])]
    form = UpdateRequestForm(_posted(request), initial=initial, actions=actions, agencies=agencies)
    sent = save_form(request, form, lambda data: services.update_request_send(
        partnership=request.partnership, actions=data["chosen"], actor=request.user, meeting=meeting,
        message=data["message"]), success=lambda r: (
            f"Update requested for {r.items.count()} action{'s' if r.items.count() != 1 else ''}: "
            f"{r.emailed_count} of {r.people_count} people emailed (nobody gets more than one request a day)."))
    if sent:
        return redirect("round_detail", slug=request.partnership.slug, pk=meeting.pk)
    return render(request, "actionplan/rounds/request.html", {"form": form, "meeting": meeting})


@access.partnership_view
@require_POST
def board_pack_create(request, pk):
    meeting = _meeting(request, pk)
    access.require(request.membership, access.ROUND_MANAGE, meeting)
    services.board_pack_request(meeting=meeting, actor=request.user)
    messages.success(request, "The board pack is being prepared. This page shows when it is ready.")
    return redirect("round_detail", slug=request.partnership.slug, pk=meeting.pk)


@access.partnership_view
def board_pack_download(request, pk):
    from .models import BoardPack

    packs = BoardPack.objects.filter(meeting__in=selectors.visible_meetings(request.membership)).select_related(
        "meeting__partnership")
    pack = access.get_visible_or_404(packs, pk=pk)
    access.require(request.membership, access.BOARD_PACK_VIEW, pack.meeting)
    if pack.status != DocumentStatus.DONE or not pack.file:
        raise Http404("This board pack is not ready.")
    services.board_pack_record_download(pack=pack, actor=request.user)
    return FileResponse(pack.file.open("rb"), as_attachment=True, filename=pack.filename,
                        content_type="application/pdf")
