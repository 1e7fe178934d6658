"""Actions that arise from evidence: the 'add an action' page pre-filled from an audit finding or a training
need. The evidence apps (audits, workforce) sit above the action plan and call these from their views."""
from django.shortcuts import redirect, render

from partnerships import access
from partnerships.form_views import save_form
from strategy.selectors import visible_strategies

from .forms import ActionForm


def target_strategy(membership, preferred=None):
    """The strategy an action arising from evidence goes into: the one it informs, else the newest editable one."""
    if preferred is not None and access.can(membership, access.ACTION_CREATE, preferred):
        return preferred
    for strategy in visible_strategies(membership).order_by("-period_start", "-created_at"):
        if access.can(membership, access.ACTION_CREATE, strategy):
            return strategy
    return None


def action_from_evidence(request, *, strategy, initial, write, back_url, caption, title):
    """The 'add an action' form, pre-filled from a finding or a training need; `write` links the new action."""
    access.require(request.membership, access.ACTION_CREATE, strategy)
    form = ActionForm(request.POST or None, strategy=strategy, initial=initial)
    action = save_form(request, form, write, lambda action: f"Action {action.reference} added to the plan and linked.")
    if action is not None:
        return redirect("action_detail", slug=request.partnership.slug, pk=action.pk)
    return render(request, "actionplan/action_form.html", {
        "form": form, "strategy": strategy, "from_evidence": caption, "cancel_url": back_url, "page_title": title,
    })
