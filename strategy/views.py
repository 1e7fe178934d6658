from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partnership_portal import access
from partnership_portal.errors import ConflictError
from partnership_portal.forms import apply_validation_error

from . import selectors, services
from .forms import AimForm, OutcomeForm, SectionForm, StrategyForm


def _strategy(request, pk):
    return access.get_visible_or_404(access.visible_strategies(request.membership), pk=pk)


@access.partnership_view
def strategy_list(request):
    strategies = access.visible_strategies(request.membership).order_by("-period_start", "-created_at")
    return render(request, "strategy/strategy_list.html", {"strategies": strategies})


@access.partnership_view
@require_http_methods(["GET", "POST"])
def strategy_create(request):
    access.require(request.membership, access.STRATEGY_CREATE)
    form = StrategyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            strategy = services.strategy_create(partnership=request.partnership, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Strategy created with the eleven template sections.")
            return redirect("strategy_detail", slug=request.partnership.slug, pk=strategy.pk)
    return render(request, "strategy/strategy_form.html", {"form": form})


@access.partnership_view
def strategy_detail(request, pk):
    strategy = _strategy(request, pk)
    context = selectors.strategy_overview(strategy)
    context["can_edit"] = access.can(request.membership, access.STRATEGY_EDIT, strategy)
    context["can_add_actions"] = access.can(request.membership, access.ACTION_CREATE, strategy)
    context["can_export"] = access.can(request.membership, access.EXPORT_REQUEST, strategy)
    context["can_view_exports"] = access.can(request.membership, access.EXPORT_VIEW, strategy)
    return render(request, "strategy/strategy_detail.html", context)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def strategy_edit(request, pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.STRATEGY_EDIT, strategy)
    form = StrategyForm(request.POST or None, instance=strategy)
    if request.method == "POST" and form.is_valid():
        try:
            services.strategy_update(strategy=strategy, actor=request.user, **{
                name: form.cleaned_data[name] for name in form.Meta.fields
            })
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Strategy details saved.")
            return redirect("strategy_detail", slug=request.partnership.slug, pk=strategy.pk)
    return render(request, "strategy/strategy_form.html", {"form": form, "strategy": strategy})


@access.partnership_view
@require_http_methods(["GET", "POST"])
def section_edit(request, pk, section_pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.STRATEGY_EDIT, strategy)
    section = access.get_visible_or_404(strategy.sections.all(), pk=section_pk)
    form = SectionForm(
        request.POST or None, initial={"title": section.title, "body": section.body, "revision": section.revision}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
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
            messages.success(request, f"“{form.cleaned_data['title']}” saved.")
            return redirect("strategy_detail", slug=request.partnership.slug, pk=strategy.pk)
    return render(
        request,
        "strategy/section_form.html",
        {"form": form, "strategy": strategy, "section": section, "conflict": conflict},
        status=409 if conflict else 200,
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def aim_create(request, pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.STRATEGY_EDIT, strategy)
    form = AimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.aim_create(strategy=strategy, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Strategic aim added.")
            return redirect("strategy_detail", slug=request.partnership.slug, pk=strategy.pk)
    return render(request, "strategy/aim_form.html", {"form": form, "strategy": strategy})


@access.partnership_view
@require_http_methods(["GET", "POST"])
def outcome_create(request, pk, aim_pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.STRATEGY_EDIT, strategy)
    aim = access.get_visible_or_404(strategy.aims.all(), pk=aim_pk)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_create(aim=aim, actor=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Intended outcome added to aim {aim.number}.")
            return redirect("strategy_detail", slug=request.partnership.slug, pk=strategy.pk)
    return render(request, "strategy/outcome_form.html", {"form": form, "strategy": strategy, "aim": aim})
