import time

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from partnerships import access, markdown
from partnerships.errors import ConflictError
from partnerships.form_views import save_form
from partnerships.forms import apply_validation_error
from partnerships.kept_text import form_data, keeps_typed_text
from strategy.selectors import visible_strategies

from . import language, selectors, services
from .forms import (
    AimForm,
    CommitmentForm,
    CoverageForm,
    DocumentLayoutForm,
    DocumentPartForm,
    GovernanceBodyForm,
    MeasureForm,
    MoveForm,
    OutcomeForm,
    PrincipleForm,
    PriorityForm,
    SectionCreateForm,
    SectionForm,
    StrategyForm,
    StrategyMeasureForm,
)
from .models import DOCUMENT_ANNEXES, Commitment, IntendedOutcome, Measure, SectionKind
from .template import KIND_PROMPTS


def _strategy(request, pk):
    return access.get_visible_or_404(visible_strategies(request.membership), pk=pk)


def _editable_strategy(request, pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.STRATEGY_EDIT, strategy)
    return strategy


def _url(request, name, strategy, **kwargs):
    return reverse(name, kwargs={"slug": request.partnership.slug, "pk": strategy.pk, **kwargs})


def _previewing(request):
    """The Preview button (pages without JavaScript): show the text as it will print, save nothing."""
    return request.method == "POST" and "preview" in request.POST


def _previews(form, previewing=False):
    """Each Markdown box of the form with its text rendered as the published document will show it."""
    previews = []
    for name in getattr(form, "markdown_fields", ()):
        field = form[name]
        previews.append({"field": field, "previewing": previewing,
                         **markdown.preview(field.value() or "", doc_id=f"preview-{name}")})
    return previews


def _form_page(request, form, save, *, strategy, heading, success, redirect_to, submit, caption="", prompts=(),
               add_another=False):
    """A form page for one record: on a valid POST call `save(cleaned_data)` (a service) and
    redirect; otherwise show the form with its errors and everything typed kept. With `add_another`
    a second button saves and comes back to an empty form for the next one. Markdown boxes have a
    preview beside them, and a Preview button that shows it without saving."""
    previewing = _previewing(request)
    if not previewing and save_form(request, form, save, success) is not None:
        if add_another and request.POST.get("then") == "another":
            return redirect(request.path)
        return redirect(redirect_to)
    return render(request, "strategy/object_form.html", {
        "form": form, "strategy": strategy, "heading": heading, "caption": caption, "submit": submit,
        "cancel_url": redirect_to.split("#")[0], "prompts": prompts, "add_another": add_another,
        "previews": _previews(form, previewing),
    })


def _delete_page(request, delete, *, strategy, heading, explanation, success, redirect_to):
    """Confirm, then delete through the service; a refusal is shown on the page."""
    error = None
    if request.method == "POST":
        try:
            delete()
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, success)
            return redirect(redirect_to)
    return render(request, "strategy/confirm_delete.html", {
        "strategy": strategy, "heading": heading, "explanation": explanation, "error": error,
        "cancel_url": redirect_to.split("#")[0],
    }, status=409 if error else 200)


def _move_page(request, move, *, label, redirect_to, note=""):
    """Move one place up or down, or to a chosen position: `move(direction, position)`."""
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to move it up or down, or the position to move it to.")
        return redirect(redirect_to)
    direction, position = form.cleaned_data["direction"], form.cleaned_data.get("position")
    where = f"to position {position}" if direction == "to" else direction
    if move(direction, position):
        messages.success(request, f"{label} moved {where}. {note}".strip())
    elif direction == "to":
        messages.info(request, f"{label} is already at position {position}.")
    else:
        messages.info(request, f"{label} is already at the {'top' if direction == 'up' else 'bottom'}.")
    return redirect(redirect_to)


@access.partnership_view
def strategy_list(request):
    strategies = visible_strategies(request.membership).order_by("-period_start", "-created_at")
    return render(request, "strategy/strategy_list.html", {"strategies": strategies})


@access.partnership_view
@require_http_methods(["GET", "POST"])
def strategy_create(request):
    access.require(request.membership, access.STRATEGY_CREATE)
    form = StrategyForm(form_data(request))
    strategy = save_form(
        request, form, lambda data: services.strategy_create(partnership=request.partnership, actor=request.user, **data),
        "Strategy created with the eleven template sections.",
    )
    if strategy is not None:
        return redirect("strategy_detail", slug=request.partnership.slug, pk=strategy.pk)
    return render(request, "strategy/strategy_form.html", {"form": form})


@access.partnership_view
def strategy_detail(request, pk):
    strategy = _strategy(request, pk)
    context = selectors.strategy_overview(strategy)
    context["kind_labels"] = {kind: SectionKind(kind).label for kind in context["missing_kinds"]}
    context["can_edit"] = access.can(request.membership, access.STRATEGY_EDIT, strategy)
    context["can_add_actions"] = access.can(request.membership, access.ACTION_CREATE, strategy)
    context["can_export"] = access.can(request.membership, access.EXPORT_REQUEST, strategy)
    context["can_view_exports"] = access.can(request.membership, access.EXPORT_VIEW, strategy)
    return render(request, "strategy/strategy_detail.html", context)


@keeps_typed_text(StrategyForm)
@access.partnership_view
@require_http_methods(["GET", "POST"])
def strategy_edit(request, pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.STRATEGY_EDIT, strategy)
    form = StrategyForm(form_data(request), instance=strategy)

    def save(data):
        return services.strategy_update(strategy=strategy, actor=request.user, **{name: data[name] for name in form.Meta.fields})

    previewing = _previewing(request)
    if not previewing and save_form(request, form, save, "Strategy details saved.") is not None:
        return redirect("strategy_detail", slug=request.partnership.slug, pk=strategy.pk)
    return render(request, "strategy/strategy_form.html", {"form": form, "strategy": strategy,
                                                           "previews": _previews(form, previewing)})


@keeps_typed_text(SectionForm)
@access.partnership_view
@require_http_methods(["GET", "POST"])
def section_edit(request, pk, section_pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.STRATEGY_EDIT, strategy)
    section = access.get_visible_or_404(strategy.sections.all(), pk=section_pk)
    form = SectionForm(
        form_data(request), initial={"title": section.title, "body": section.body, "revision": section.revision}
    )
    conflict = None
    previewing = _previewing(request)
    # Not save_form: a ConflictError (someone saved first) keeps the text and moves the form to the new revision.
    if request.method == "POST" and not previewing and form.is_valid():
        try:
            services.section_update(
                section=section, actor=request.user, title=form.cleaned_data["title"],
                body=form.cleaned_data["body"], expected_revision=form.cleaned_data["revision"],
            )
        except ConflictError as error:
            conflict = error.current
            form.add_error(None, str(error) + " Your text is kept below; compare it with the saved version and save again.")
            form.data = form.data.copy()
            form.data["revision"] = conflict.revision
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            findings = language.check_text(form.cleaned_data["body"])
            messages.success(request, f"“{form.cleaned_data['title']}” saved.")
            if findings:
                messages.info(request, (
                    f"The language check has {len(findings)} suggestion{'s' if len(findings) != 1 else ''} "
                    "for this section. Open the section again to see them."
                ))
            return redirect(_url(request, "strategy_sections", strategy) + f"#section-{section.pk}")
    body = form["body"].value() if form.is_bound else section.body
    section.doc_number = next(s.doc_number for s in selectors.sections(strategy) if s.pk == section.pk)
    return render(
        request,
        "strategy/section_form.html",
        {"form": form, "strategy": strategy, "section": section, "conflict": conflict,
         "findings": language.check_text(body), "previews": _previews(form, previewing)},
        status=409 if conflict else 200,
    )


@keeps_typed_text(AimForm)
@access.partnership_view
@require_http_methods(["GET", "POST"])
def aim_create(request, pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.STRATEGY_EDIT, strategy)
    return _form_page(
        request, AimForm(form_data(request)),
        lambda data: services.aim_create(strategy=strategy, actor=request.user, **data),
        strategy=strategy, heading="Add a strategic aim", success="Strategic aim added.",
        redirect_to=_url(request, "strategy_aims", strategy), submit="Add aim", add_another=True,
    )


@keeps_typed_text(OutcomeForm)
@access.partnership_view
@require_http_methods(["GET", "POST"])
def outcome_create(request, pk, aim_pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.STRATEGY_EDIT, strategy)
    aim = access.get_visible_or_404(strategy.aims.all(), pk=aim_pk)
    return _form_page(
        request, OutcomeForm(form_data(request)),
        lambda data: services.outcome_create(aim=aim, actor=request.user, text=data["text"]),
        strategy=strategy, heading=f"Add an intended outcome to aim {aim.number}", caption=f"Aim {aim.number}: {aim.title}",
        success=f"Intended outcome added to aim {aim.number}.",
        redirect_to=_url(request, "strategy_aims", strategy) + f"#aim-{aim.pk}", submit="Add outcome", add_another=True,
    )


# Previews a person may ask for in a minute: typing with the page's pause between requests stays well
# under it; a script hammering the renderer does not.
PREVIEWS_PER_MINUTE = 60


@access.partnership_view
@require_POST
def markdown_preview(request, pk):
    """The live preview beside a Markdown box: the posted `text` rendered exactly as the document will
    show it, with the message saving would give if it is over the limits."""
    _editable_strategy(request, pk)  # 404 or 403 unless this person may change the draft
    key = f"portal:previews:{request.user.pk}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    if cache.incr(key) > PREVIEWS_PER_MINUTE:
        return JsonResponse({"detail": "Too many previews in a minute. Wait a moment, or press Preview."}, status=429)
    doc = request.POST.get("field", "")[:40]
    return JsonResponse(markdown.preview(request.POST.get("text", ""), doc_id=f"preview-{doc}"))


# -- sections ----------------------------------------------------------------------


@access.partnership_view
def strategy_sections(request, pk):
    strategy = _strategy(request, pk)
    sections = selectors.sections(strategy)
    return render(request, "strategy/strategy_sections.html", {
        "strategy": strategy, "sections": sections, "positions": range(1, len(sections) + 1),
        "can_edit": access.can(request.membership, access.STRATEGY_EDIT, strategy),
        "missing_kinds": [(k, SectionKind(k).label) for k in selectors.missing_front_sections(sections)],
    })


_ADDABLE_KINDS = (SectionKind.FOREWORD, SectionKind.CONTENT_WARNING, SectionKind.DEFINITIONS, SectionKind.EXTRA)


@keeps_typed_text(SectionCreateForm)
@access.partnership_view
@require_http_methods(["GET", "POST"])
def section_create(request, pk):
    strategy = _editable_strategy(request, pk)
    kind = request.GET.get("kind", SectionKind.EXTRA)
    if kind not in _ADDABLE_KINDS:
        raise Http404("No such kind of section.")
    label = SectionKind(kind).label
    form = SectionCreateForm(form_data(request), initial={"title": "" if kind == SectionKind.EXTRA else label})
    return _form_page(
        request, form,
        lambda data: services.section_create(strategy=strategy, actor=request.user, kind=kind, **data),
        strategy=strategy, heading=f"Add {'a section' if kind == SectionKind.EXTRA else label.lower()}",
        success=f"{label} added.", redirect_to=_url(request, "strategy_sections", strategy), submit="Add section",
        prompts=KIND_PROMPTS.get(kind, ()),
    )


def _section(strategy, section_pk):
    return access.get_visible_or_404(strategy.sections.all(), pk=section_pk)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def section_delete(request, pk, section_pk):
    strategy = _editable_strategy(request, pk)
    section = _section(strategy, section_pk)
    return _delete_page(
        request, lambda: services.section_delete(section=section, actor=request.user), strategy=strategy,
        heading=f"Delete “{section.title}”?",
        explanation="The section and its text will be removed from the strategy. Its history is kept.",
        success=f"“{section.title}” deleted.", redirect_to=_url(request, "strategy_sections", strategy),
    )


@access.partnership_view
@require_POST
def section_move(request, pk, section_pk):
    strategy = _editable_strategy(request, pk)
    section = _section(strategy, section_pk)
    return _move_page(
        request, lambda d, p: services.section_move(section=section, actor=request.user, direction=d, position=p),
        label=f"“{section.title}”", redirect_to=_url(request, "strategy_sections", strategy) + f"#section-{section.pk}",
    )


# -- vision and priorities ---------------------------------------------------------


@access.partnership_view
def strategy_vision(request, pk):
    strategy = _strategy(request, pk)
    return render(request, "strategy/strategy_vision.html", {
        "strategy": strategy, "priorities": selectors.priorities(strategy, with_commitments=True, with_actions=True),
        "principles": selectors.principles(strategy),
        "can_add_actions": access.can(request.membership, access.ACTION_CREATE, strategy),
        "can_edit": access.can(request.membership, access.STRATEGY_EDIT, strategy),
    })


@keeps_typed_text(PriorityForm)
@access.partnership_view
@require_http_methods(["GET", "POST"])
def priority_create(request, pk):
    strategy = _editable_strategy(request, pk)
    return _form_page(
        request, PriorityForm(form_data(request)),
        lambda data: services.priority_create(strategy=strategy, actor=request.user, **data),
        strategy=strategy, heading="Add a priority", success="Priority added.",
        redirect_to=_url(request, "strategy_vision", strategy), submit="Add priority", add_another=True,
    )


def _priority(strategy, priority_pk):
    return access.get_visible_or_404(strategy.priorities.all(), pk=priority_pk)


@keeps_typed_text(PriorityForm)
@access.partnership_view
@require_http_methods(["GET", "POST"])
def priority_edit(request, pk, priority_pk):
    strategy = _editable_strategy(request, pk)
    priority = _priority(strategy, priority_pk)
    return _form_page(
        request, PriorityForm(form_data(request), instance=priority),
        lambda data: services.priority_update(priority=priority, actor=request.user, **data),
        strategy=strategy, heading=f"Change priority {priority.number}", success="Priority saved.",
        redirect_to=_url(request, "strategy_vision", strategy), submit="Save priority",
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def priority_delete(request, pk, priority_pk):
    strategy = _editable_strategy(request, pk)
    priority = _priority(strategy, priority_pk)
    return _delete_page(
        request, lambda: services.priority_delete(priority=priority, actor=request.user), strategy=strategy,
        heading=f"Delete priority {priority.number}, “{priority.title}”?",
        explanation="The priorities after it move up one number.",
        success="Priority deleted.", redirect_to=_url(request, "strategy_vision", strategy),
    )


@access.partnership_view
@require_POST
def priority_move(request, pk, priority_pk):
    strategy = _editable_strategy(request, pk)
    priority = _priority(strategy, priority_pk)
    return _move_page(
        request, lambda d, p: services.priority_move(priority=priority, actor=request.user, direction=d, position=p),
        label=f"“{priority.title}”", redirect_to=_url(request, "strategy_vision", strategy),
    )


# -- "We will" commitments under a priority ----------------------------------------


def _commitment(strategy, commitment_pk):
    return access.get_visible_or_404(
        Commitment.objects.filter(priority__strategy=strategy).select_related("priority"), pk=commitment_pk)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def commitment_create(request, pk, priority_pk):
    strategy = _editable_strategy(request, pk)
    priority = _priority(strategy, priority_pk)
    return _form_page(
        request, CommitmentForm(request.POST or None),
        lambda data: services.commitment_create(priority=priority, actor=request.user, text=data["text"]),
        strategy=strategy, heading=f"Add to what we will do for priority {priority.number}", caption=priority.title,
        success=f"Added to priority {priority.number}.",
        redirect_to=_url(request, "strategy_vision", strategy) + f"#priority-{priority.pk}", submit="Add",
        add_another=True,
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def commitment_edit(request, pk, commitment_pk):
    strategy = _editable_strategy(request, pk)
    commitment = _commitment(strategy, commitment_pk)
    return _form_page(
        request, CommitmentForm(request.POST or None, initial={"text": commitment.text}),
        lambda data: services.commitment_update(commitment=commitment, actor=request.user, text=data["text"]),
        strategy=strategy, heading=f"Change commitment {commitment.priority.number}.{commitment.number}",
        caption=commitment.priority.title, success="Commitment saved.",
        redirect_to=_url(request, "strategy_vision", strategy) + f"#priority-{commitment.priority_id}", submit="Save",
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def commitment_delete(request, pk, commitment_pk):
    strategy = _editable_strategy(request, pk)
    commitment = _commitment(strategy, commitment_pk)
    return _delete_page(
        request, lambda: services.commitment_delete(commitment=commitment, actor=request.user), strategy=strategy,
        heading=f"Delete commitment {commitment.priority.number}.{commitment.number}?",
        explanation=f"“We will {commitment.text}” is removed from the priority. An action made from it stays in the "
                    "action plan.",
        success="Commitment deleted.",
        redirect_to=_url(request, "strategy_vision", strategy) + f"#priority-{commitment.priority_id}",
    )


@access.partnership_view
@require_POST
def commitment_move(request, pk, commitment_pk):
    strategy = _editable_strategy(request, pk)
    commitment = _commitment(strategy, commitment_pk)
    return _move_page(
        request,
        lambda d, p: services.commitment_move(commitment=commitment, actor=request.user, direction=d, position=p),
        label=f"Commitment {commitment.priority.number}.{commitment.number}",
        redirect_to=_url(request, "strategy_vision", strategy) + f"#priority-{commitment.priority_id}",
    )


# -- practice principles -------------------------------------------------------------


def _principle(strategy, principle_pk):
    return access.get_visible_or_404(strategy.principles.all(), pk=principle_pk)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def principle_create(request, pk):
    strategy = _editable_strategy(request, pk)
    return _form_page(
        request, PrincipleForm(request.POST or None),
        lambda data: services.principle_create(strategy=strategy, actor=request.user, **data),
        strategy=strategy, heading="Add a practice principle", success="Practice principle added.",
        redirect_to=_url(request, "strategy_vision", strategy) + "#principles", submit="Add principle",
        add_another=True,
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def principle_edit(request, pk, principle_pk):
    strategy = _editable_strategy(request, pk)
    principle = _principle(strategy, principle_pk)
    return _form_page(
        request, PrincipleForm(request.POST or None, instance=principle),
        lambda data: services.principle_update(principle=principle, actor=request.user, **data),
        strategy=strategy, heading=f"Change “{principle.name}”", success="Practice principle saved.",
        redirect_to=_url(request, "strategy_vision", strategy) + "#principles", submit="Save principle",
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def principle_delete(request, pk, principle_pk):
    strategy = _editable_strategy(request, pk)
    principle = _principle(strategy, principle_pk)
    return _delete_page(
        request, lambda: services.principle_delete(principle=principle, actor=request.user), strategy=strategy,
        heading=f"Delete “{principle.name}”?", explanation="The principles after it move up one place.",
        success="Practice principle deleted.", redirect_to=_url(request, "strategy_vision", strategy) + "#principles",
    )


@access.partnership_view
@require_POST
def principle_move(request, pk, principle_pk):
    strategy = _editable_strategy(request, pk)
    principle = _principle(strategy, principle_pk)
    return _move_page(
        request,
        lambda d, p: services.principle_move(principle=principle, actor=request.user, direction=d, position=p),
        label=f"“{principle.name}”", redirect_to=_url(request, "strategy_vision", strategy) + "#principles",
    )


# -- governance --------------------------------------------------------------------


@access.partnership_view
def governance_list(request, pk):
    strategy = _strategy(request, pk)
    return render(request, "strategy/governance_list.html", {
        "strategy": strategy, **selectors.governance(strategy),
        "can_edit": access.can(request.membership, access.STRATEGY_EDIT, strategy),
    })


def _governance_save(service, **kwargs):
    def save(data):
        data = dict(data)
        return service(member_agencies=list(data.pop("member_agencies")), **kwargs, **data)
    return save


@keeps_typed_text(GovernanceBodyForm)
@access.partnership_view
@require_http_methods(["GET", "POST"])
def governance_create(request, pk):
    strategy = _editable_strategy(request, pk)
    return _form_page(
        request, GovernanceBodyForm(form_data(request), strategy=strategy),
        _governance_save(services.governance_body_create, strategy=strategy, actor=request.user),
        strategy=strategy, heading="Add a governance body", success="Governance body added.",
        redirect_to=_url(request, "governance_list", strategy), submit="Add body", add_another=True,
    )


def _body(strategy, body_pk):
    return access.get_visible_or_404(strategy.governance_bodies.all(), pk=body_pk)


@keeps_typed_text(GovernanceBodyForm)
@access.partnership_view
@require_http_methods(["GET", "POST"])
def governance_edit(request, pk, body_pk):
    strategy = _editable_strategy(request, pk)
    body = _body(strategy, body_pk)
    return _form_page(
        request, GovernanceBodyForm(form_data(request), instance=body, strategy=strategy),
        _governance_save(services.governance_body_update, body=body, actor=request.user),
        strategy=strategy, heading=f"Change {body.name}", success=f"{body.name} saved.",
        redirect_to=_url(request, "governance_list", strategy), submit="Save body",
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def governance_delete(request, pk, body_pk):
    strategy = _editable_strategy(request, pk)
    body = _body(strategy, body_pk)
    return _delete_page(
        request, lambda: services.governance_body_delete(body=body, actor=request.user), strategy=strategy,
        heading=f"Delete {body.name}?",
        explanation="Bodies that report to it will show as reporting to no one until you change them.",
        success=f"{body.name} deleted.", redirect_to=_url(request, "governance_list", strategy),
    )


# -- aims and outcomes ---------------------------------------------------------------

_NUMBERING_NOTE = "Action references in the action plan are not renumbered."


@access.partnership_view
def strategy_aims(request, pk):
    strategy = _strategy(request, pk)
    return render(request, "strategy/strategy_aims.html", {
        "strategy": strategy, "aims": selectors.aims_with_outcomes(strategy, with_tags=True),
        "can_edit": access.can(request.membership, access.STRATEGY_EDIT, strategy),
        "numbering_note": _NUMBERING_NOTE,
    })


def _aim(strategy, aim_pk):
    return access.get_visible_or_404(strategy.aims.all(), pk=aim_pk)


@keeps_typed_text(AimForm)
@access.partnership_view
@require_http_methods(["GET", "POST"])
def aim_edit(request, pk, aim_pk):
    strategy = _editable_strategy(request, pk)
    aim = _aim(strategy, aim_pk)
    return _form_page(
        request, AimForm(form_data(request), instance=aim),
        lambda data: services.aim_update(aim=aim, actor=request.user, **data),
        strategy=strategy, heading=f"Change aim {aim.number}", success=f"Aim {aim.number} saved.",
        redirect_to=_url(request, "strategy_aims", strategy) + f"#aim-{aim.pk}", submit="Save aim",
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def aim_delete(request, pk, aim_pk):
    strategy = _editable_strategy(request, pk)
    aim = _aim(strategy, aim_pk)
    return _delete_page(
        request, lambda: services.aim_delete(aim=aim, actor=request.user), strategy=strategy,
        heading=f"Delete aim {aim.number}, “{aim.title}”?",
        explanation=(f"Its intended outcomes and their measures are deleted with it, and the aims after it move up "
                     f"one number. {_NUMBERING_NOTE}"),
        success=f"Aim {aim.number} deleted.", redirect_to=_url(request, "strategy_aims", strategy),
    )


@access.partnership_view
@require_POST
def aim_move(request, pk, aim_pk):
    strategy = _editable_strategy(request, pk)
    aim = _aim(strategy, aim_pk)
    return _move_page(
        request, lambda d, p: services.aim_move(aim=aim, actor=request.user, direction=d, position=p),
        label=f"Aim “{aim.title}”", redirect_to=_url(request, "strategy_aims", strategy) + f"#aim-{aim.pk}",
        note=_NUMBERING_NOTE,
    )


def _outcome(strategy, outcome_pk):
    return access.get_visible_or_404(
        IntendedOutcome.objects.filter(aim__strategy=strategy).select_related("aim"), pk=outcome_pk
    )


@keeps_typed_text(OutcomeForm)
@access.partnership_view
@require_http_methods(["GET", "POST"])
def outcome_edit(request, pk, outcome_pk):
    strategy = _editable_strategy(request, pk)
    outcome = _outcome(strategy, outcome_pk)
    return _form_page(
        request, OutcomeForm(form_data(request), initial={"text": outcome.text}),
        lambda data: services.outcome_update(outcome=outcome, actor=request.user, text=data["text"]),
        strategy=strategy, heading=f"Change intended outcome {outcome.reference}",
        caption=f"Aim {outcome.aim.number}: {outcome.aim.title}", success=f"Intended outcome {outcome.reference} saved.",
        redirect_to=_url(request, "strategy_aims", strategy) + f"#aim-{outcome.aim_id}", submit="Save outcome",
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def outcome_delete(request, pk, outcome_pk):
    strategy = _editable_strategy(request, pk)
    outcome = _outcome(strategy, outcome_pk)
    return _delete_page(
        request, lambda: services.outcome_delete(outcome=outcome, actor=request.user), strategy=strategy,
        heading=f"Delete intended outcome {outcome.reference}?",
        explanation=(f"Its measures are deleted with it, and the outcomes after it move up one number. "
                     f"{_NUMBERING_NOTE}"),
        success=f"Intended outcome {outcome.reference} deleted.",
        redirect_to=_url(request, "strategy_aims", strategy) + f"#aim-{outcome.aim_id}",
    )


@access.partnership_view
@require_POST
def outcome_move(request, pk, outcome_pk):
    strategy = _editable_strategy(request, pk)
    outcome = _outcome(strategy, outcome_pk)
    return _move_page(
        request, lambda d, p: services.outcome_move(outcome=outcome, actor=request.user, direction=d, position=p),
        label=f"Intended outcome {outcome.reference}",
        redirect_to=_url(request, "strategy_aims", strategy) + f"#aim-{outcome.aim_id}", note=_NUMBERING_NOTE,
    )


# -- measures ----------------------------------------------------------------------


@access.partnership_view
def measure_list(request, pk):
    strategy = _strategy(request, pk)
    return render(request, "strategy/measure_list.html", {
        "strategy": strategy, "aims": selectors.aims_with_outcomes(strategy, with_measures=True),
        "strategy_measures": selectors.strategy_measures(strategy),
        "can_edit": access.can(request.membership, access.STRATEGY_EDIT, strategy),
    })


@keeps_typed_text(MeasureForm)
@access.partnership_view
@require_http_methods(["GET", "POST"])
def measure_create(request, pk, outcome_pk):
    strategy = _editable_strategy(request, pk)
    outcome = _outcome(strategy, outcome_pk)
    return _form_page(
        request, MeasureForm(form_data(request)),
        lambda data: services.measure_create(outcome=outcome, actor=request.user, **data),
        strategy=strategy, heading=f"Add a measure for outcome {outcome.reference}", caption=outcome.text[:200],
        success=f"Measure added to outcome {outcome.reference}.",
        redirect_to=_url(request, "measure_list", strategy) + f"#outcome-{outcome.pk}", submit="Add measure", add_another=True,
    )


def _measure(strategy, measure_pk):
    return access.get_visible_or_404(
        Measure.objects.filter(outcome__aim__strategy=strategy).select_related("outcome__aim"), pk=measure_pk
    )


@keeps_typed_text(MeasureForm)
@access.partnership_view
@require_http_methods(["GET", "POST"])
def measure_edit(request, pk, measure_pk):
    strategy = _editable_strategy(request, pk)
    measure = _measure(strategy, measure_pk)
    return _form_page(
        request, MeasureForm(form_data(request), instance=measure),
        lambda data: services.measure_update(measure=measure, actor=request.user, **data),
        strategy=strategy, heading=f"Change a measure for outcome {measure.outcome.reference}",
        caption=measure.outcome.text[:200], success="Measure saved.",
        redirect_to=_url(request, "measure_list", strategy) + f"#outcome-{measure.outcome_id}", submit="Save measure",
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def measure_delete(request, pk, measure_pk):
    strategy = _editable_strategy(request, pk)
    measure = _measure(strategy, measure_pk)
    return _delete_page(
        request, lambda: services.measure_delete(measure=measure, actor=request.user), strategy=strategy,
        heading="Delete this measure?", explanation=measure.indicator,
        success="Measure deleted.", redirect_to=_url(request, "measure_list", strategy) + f"#outcome-{measure.outcome_id}",
    )


# -- measures of the strategy as a whole ---------------------------------------------


def _strategy_measure(strategy, measure_pk):
    return access.get_visible_or_404(strategy.strategy_measures.all(), pk=measure_pk)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def strategy_measure_create(request, pk):
    strategy = _editable_strategy(request, pk)
    return _form_page(
        request, StrategyMeasureForm(request.POST or None),
        lambda data: services.strategy_measure_create(strategy=strategy, actor=request.user, **data),
        strategy=strategy, heading="Add a measure of the strategy's success",
        success="Measure of the strategy added.",
        redirect_to=_url(request, "measure_list", strategy) + "#strategy-measures", submit="Add measure",
        add_another=True,
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def strategy_measure_edit(request, pk, measure_pk):
    strategy = _editable_strategy(request, pk)
    measure = _strategy_measure(strategy, measure_pk)
    return _form_page(
        request, StrategyMeasureForm(request.POST or None, instance=measure),
        lambda data: services.strategy_measure_update(measure=measure, actor=request.user, **data),
        strategy=strategy, heading="Change a measure of the strategy's success", success="Measure saved.",
        redirect_to=_url(request, "measure_list", strategy) + "#strategy-measures", submit="Save measure",
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def strategy_measure_delete(request, pk, measure_pk):
    strategy = _editable_strategy(request, pk)
    measure = _strategy_measure(strategy, measure_pk)
    return _delete_page(
        request, lambda: services.strategy_measure_delete(measure=measure, actor=request.user), strategy=strategy,
        heading=f"Delete measure {measure.number} of the strategy as a whole?", explanation=measure.indicator,
        success="Measure deleted.", redirect_to=_url(request, "measure_list", strategy) + "#strategy-measures",
    )


@access.partnership_view
@require_POST
def strategy_measure_move(request, pk, measure_pk):
    strategy = _editable_strategy(request, pk)
    measure = _strategy_measure(strategy, measure_pk)
    return _move_page(
        request,
        lambda d, p: services.strategy_measure_move(measure=measure, actor=request.user, direction=d, position=p),
        label=f"Measure {measure.number}", redirect_to=_url(request, "measure_list", strategy) + "#strategy-measures",
    )


# -- coverage and completeness -------------------------------------------------------


@access.partnership_view
@require_http_methods(["GET", "POST"])
def strategy_coverage(request, pk):
    strategy = _strategy(request, pk)
    can_edit = access.can(request.membership, access.STRATEGY_EDIT, strategy)
    if request.method == "POST":
        access.require(request.membership, access.STRATEGY_EDIT, strategy)
    coverage = selectors.coverage(strategy)
    form = None
    if can_edit:
        # Not `request.POST or None`: unticking every box posts nothing, and that must still save.
        form = CoverageForm(request.POST if request.method == "POST" else None, initial={
            "forms_of_abuse": [item.pk for item in coverage["forms_addressed"]],
            "affected_groups": [item.pk for item in coverage["groups_addressed"]],
        })
        if request.method == "POST" and form.is_valid():
            services.strategy_set_coverage(strategy=strategy, actor=request.user, **form.cleaned_data)
            messages.success(request, "Coverage saved.")
            return redirect(_url(request, "strategy_coverage", strategy))
    return render(request, "strategy/strategy_coverage.html", {
        "strategy": strategy, "coverage": coverage, "form": form, "can_edit": can_edit,
    })


@access.partnership_view
def strategy_completeness(request, pk):
    strategy = _strategy(request, pk)
    context = selectors.strategy_completeness(strategy, request.partnership.slug)
    context["can_edit"] = access.can(request.membership, access.STRATEGY_EDIT, strategy)
    return render(request, "strategy/strategy_completeness.html", context)


# -- what the published document contains -------------------------------------------------


@access.partnership_view
@require_http_methods(["GET", "POST"])
def document_contents(request, pk):
    """Which sections and annexes the published document contains, whether its sections are numbered
    and where the vision prints. Leaving a part out needs a reason."""
    strategy = _strategy(request, pk)
    can_edit = access.can(request.membership, access.STRATEGY_EDIT, strategy) and strategy.is_editable
    errors, typed = {}, {}
    if request.method == "POST":
        access.require(request.membership, access.STRATEGY_EDIT, strategy)
        form = DocumentPartForm(request.POST)
        layout = DocumentLayoutForm(request.POST) if request.POST.get("do") == "layout" else None
        try:
            if layout is not None:
                if layout.is_valid():
                    services.document_layout_update(strategy=strategy, actor=request.user, **layout.cleaned_data)
                    messages.success(request, "Layout saved.")
                    return redirect(_url(request, "document_contents", strategy))
                raise ValidationError("Choose where the vision prints.")
            if not form.is_valid():
                raise ValidationError("Choose a part of the document.")
            data = form.cleaned_data
            include = data["do"] == "include"
            part = data["part"]
            if part.startswith("section-"):
                section = access.get_visible_or_404(strategy.sections.all(), pk=part.removeprefix("section-"))
                services.section_set_in_document(section=section, actor=request.user, include=include,
                                                 reason=data["reason"])
                title = section.title
            else:
                services.annex_set_in_document(strategy=strategy, actor=request.user, annex=part, include=include,
                                               reason=data["reason"])
                title = dict(DOCUMENT_ANNEXES).get(part, part)
        except ValidationError as exc:
            part = request.POST.get("part", "")
            errors[part] = " ".join(exc.messages)
            typed[part] = request.POST.get("reason", "")
        else:
            messages.success(request, f"“{title}” is {'back in' if include else 'left out of'} the document.")
            return redirect(_url(request, "document_contents", strategy) + f"#part-{part}")
    context = selectors.document_contents(strategy)
    for section in context["sections"]:
        section.part_key = f"section-{section.pk}"
        section.error, section.typed = errors.get(section.part_key), typed.get(section.part_key, "")
    for annex in context["annexes"]:
        annex["error"], annex["typed"] = errors.get(annex["key"]), typed.get(annex["key"], "")
    return render(request, "strategy/document_contents.html", {
        **context, "strategy": strategy, "can_edit": can_edit, "errors": errors,
        "layout_form": DocumentLayoutForm(initial={
            "numbered_sections": strategy.numbered_sections, "vision_placement": strategy.vision_placement}),
    })
