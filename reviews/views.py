"""Pages for reviewing a draft, moving a strategy through its lifecycle, versions and history."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from partnerships import access
from partnerships.form_views import save_form
from partnerships.models import SuccessCriterion
from partnerships.secret_links import private_page
from strategy.models import StrategyStatus
from strategy.selectors import visible_strategies

from . import selectors as selectors_review
from . import services as review
from . import versions
from .forms import (
    InviteMembersForm,
    InviteOutsideForm,
    NewVersionForm,
    ResolveCommentForm,
    ReviewCommentForm,
    ReviewResponseForm,
    ReviewRoundForm,
    TransitionForm,
)
from .models import ReviewComment, ReviewInvitation, ReviewRound


def _strategy(request, pk):
    return access.get_visible_or_404(visible_strategies(request.membership), pk=pk)


def _round(request, pk):
    strategies = visible_strategies(request.membership)
    return access.get_visible_or_404(
        ReviewRound.objects.select_related("strategy__partnership", "opened_by").filter(strategy__in=strategies), pk=pk
    )


def _to_round(request, review_round):
    return redirect("review_detail", slug=request.partnership.slug, pk=review_round.pk)


# -- Review rounds ------------------------------------------------------------------------------


@access.partnership_view
def review_list(request, pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.REVIEW_LIST, strategy)
    rounds = list(strategy.review_rounds.select_related("opened_by").order_by("-opened_at", "-id"))
    my_invitations = {
        i.round_id: i for i in ReviewInvitation.objects.filter(round__strategy=strategy, user=request.user)
    }
    return render(request, "reviews/round_list.html", {
        "strategy": strategy,
        "rounds": [{"round": r, "invitation": my_invitations.get(r.pk)} for r in rounds],
        "can_view_responses": access.can(request.membership, access.REVIEW_VIEW, strategy),
        "can_open": access.can(request.membership, access.REVIEW_MANAGE, strategy) and strategy.is_editable
        and not any(r.is_open for r in rounds),
    })


@access.partnership_view
@require_http_methods(["GET", "POST"])
def review_open(request, pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.REVIEW_MANAGE, strategy)
    access.require(request.membership, access.STRATEGY_EDIT, strategy)
    form = ReviewRoundForm(request.POST or None)
    review_round = save_form(
        request, form, lambda data: review.review_round_open(strategy=strategy, actor=request.user, **data),
        "Review round opened: the strategy is now in review. Invite your reviewers.",
    )
    if review_round is not None:
        return redirect("review_invite", slug=request.partnership.slug, pk=review_round.pk)
    return render(request, "reviews/round_form.html", {"form": form, "strategy": strategy})


@access.partnership_view
def review_detail(request, pk):
    review_round = _round(request, pk)
    access.require(request.membership, access.REVIEW_VIEW, review_round)
    context = selectors_review.review_round_grid(review_round)
    context.update({
        "round": review_round,
        "strategy": review_round.strategy,
        "can_manage": access.can(request.membership, access.REVIEW_MANAGE, review_round),
    })
    return render(request, "reviews/round_detail.html", context)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def review_invite(request, pk):
    review_round = _round(request, pk)
    access.require(request.membership, access.REVIEW_MANAGE, review_round)
    if not review_round.is_open:
        messages.error(request, "This review round is closed: nobody more can be invited.")
        return _to_round(request, review_round)
    which = request.POST.get("invite") if request.method == "POST" else None
    members_form = InviteMembersForm(
        request.POST if which == "members" else None, members=review.invitable_members(review_round), prefix="m"
    )
    outside_form = InviteOutsideForm(request.POST if which == "outside" else None, prefix="o")
    form = members_form if which == "members" else outside_form if which == "outside" else None

    def invite_members(data):
        return review.review_invite_members(
            review_round=review_round, actor=request.user, memberships=data["members"],
            link=request.build_absolute_uri(
                reverse("review_respond", kwargs={"slug": request.partnership.slug, "pk": review_round.pk})
            ),
        )

    def invite_outside(data):
        invitation, _link = review.review_invite_outside(
            review_round=review_round, actor=request.user, **data,
            build_link=lambda token: request.build_absolute_uri(reverse("review_token", kwargs={"token": token})),
        )
        return invitation

    saves = {
        "members": (invite_members, lambda invited: f"{len(invited)} member{'s' if len(invited) != 1 else ''} invited."),
        "outside": (invite_outside, lambda invitation: (
            f"{invitation.name} has been sent a personal link by email. "
            "The link is not kept, so it cannot be shown again."
        )),
    }
    if form is not None and save_form(request, form, *saves[which]) is not None:
        return redirect("review_invite", slug=request.partnership.slug, pk=review_round.pk)
    return render(request, "reviews/invite.html", {
        "round": review_round, "strategy": review_round.strategy, "members_form": members_form,
        "outside_form": outside_form, "form": form or outside_form,
        "invitations": review_round.invitations.select_related("user").order_by("name", "id"),
    })


@access.partnership_view
@require_POST
def review_close(request, pk):
    review_round = _round(request, pk)
    access.require(request.membership, access.REVIEW_MANAGE, review_round)
    try:
        review.review_round_close(review_round=review_round, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Review round closed. Reviewers can no longer respond.")
    return _to_round(request, review_round)


@access.partnership_view
@require_POST
def review_comment_resolve(request, pk):
    strategies = visible_strategies(request.membership)
    comment = access.get_visible_or_404(
        ReviewComment.objects.select_related("invitation__round__strategy").filter(
            invitation__round__strategy__in=strategies
        ),
        pk=pk,
    )
    access.require(request.membership, access.REVIEW_MANAGE, comment)
    form = ResolveCommentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["note"])
        review.review_comment_resolve(comment=comment, actor=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Comment marked resolved.")
    return redirect(reverse("review_detail", kwargs={"slug": request.partnership.slug, "pk": comment.invitation.round_id})
                    + "#comments")


def _respond(request, invitation, *, template, actor, done_url, extra):
    """The response page shared by signed-in members and outside reviewers with a link."""
    strategy = invitation.round.strategy
    criteria = SuccessCriterion.objects.order_by("number")
    which = request.POST.get("form") if request.method == "POST" else None
    response_form = ReviewResponseForm(
        request.POST if which == "response" else None, criteria=criteria, ratings=invitation.ratings.all(), prefix="r"
    )
    comment_form = ReviewCommentForm(request.POST if which == "comment" else None, strategy=strategy, prefix="c")
    form = response_form if which == "response" else comment_form if which == "comment" else None
    saves = {
        "response": (lambda _data: review.review_respond(invitation=invitation, actor=actor, ratings=form.ratings()),
                     "Thank you: your response has been saved. You can change it until the round closes."),
        "comment": (lambda data: review.review_comment_add(invitation=invitation, actor=actor, **data),
                    "Your comment has been added."),
    }
    if form is not None and save_form(request, form, *saves[which]) is not None:
        return redirect(done_url)
    context = {
        "invitation": invitation, "round": invitation.round, "strategy": strategy,
        "response_form": response_form, "comment_form": comment_form, "form": form or response_form,
        "my_comments": invitation.comments.select_related("section"),
        **selectors_review.draft_for_review(strategy), **extra,
    }
    return render(request, template, context)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def review_respond(request, pk):
    review_round = _round(request, pk)
    invitation = ReviewInvitation.objects.filter(round=review_round, user=request.user).select_related("round__strategy").first()
    if invitation is None:
        access.require(request.membership, access.REVIEW_RESPOND, None)
    access.require(request.membership, access.REVIEW_RESPOND, invitation)
    return _respond(
        request, invitation, template="reviews/respond.html", actor=request.user,
        done_url=reverse("review_respond", kwargs={"slug": request.partnership.slug, "pk": review_round.pk}),
        extra={},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def review_token(request, token):
    """An outside reviewer's page, reached by their personal link: no account, only while the round is open.
    Never cached, never indexed, and the address is not sent on to sites the draft links to."""
    invitation = review.invitation_for_token(token)
    if invitation is None:
        raise Http404("This link is not valid, or the review has closed.")
    response = _respond(
        request, invitation, template="reviews/respond_outside.html", actor=None,
        done_url=request.path, extra={"partnership_name": invitation.round.strategy.partnership.name},
    )
    return private_page(response)


# -- Lifecycle and versions -----------------------------------------------------------------------


TRANSITION_PAGES = {
    StrategyStatus.DRAFT: ("Return to draft", "The strategy goes back to draft for more work."),
    StrategyStatus.APPROVED: (
        "Record approval",
        "Record when the strategy was agreed, and by which body. It then becomes read-only.",
    ),
    StrategyStatus.PUBLISHED: (
        "Publish",
        "Record the launch and when the strategy will next be reviewed. Everyone in the partnership, "
        "including viewers, can then read it.",
    ),
    StrategyStatus.SUPERSEDED: ("Mark as superseded", "A newer strategy has replaced this one. It stays readable."),
}


@access.partnership_view
@require_http_methods(["GET", "POST"])
def strategy_transition(request, pk, target):
    strategy = _strategy(request, pk)
    if target not in TRANSITION_PAGES:
        raise Http404("No such status.")
    access.require(request.membership, access.STRATEGY_LIFECYCLE, strategy)
    heading, explanation = TRANSITION_PAGES[target]
    context = {"strategy": strategy, "target": target, "heading": heading, "explanation": explanation}
    if not versions.transition_allowed(strategy, target):
        context["refused"] = (
            f"This strategy is {strategy.get_status_display().lower()}, so it cannot be "
            f"{'returned to draft' if target == StrategyStatus.DRAFT else 'marked ' + StrategyStatus(target).label.lower()}."
        )
        return render(request, "reviews/transition.html", context, status=409)
    form = TransitionForm(request.POST if request.method == "POST" else None, target=target)
    context["form"] = form
    if save_form(request, form,
                 lambda data: versions.strategy_transition(strategy=strategy, actor=request.user, target=target, **data),
                 f"The strategy is now {StrategyStatus(target).label.lower()}.") is not None:
        return redirect("strategy_detail", slug=request.partnership.slug, pk=strategy.pk)
    return render(request, "reviews/transition.html", context)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def strategy_new_version(request, pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.STRATEGY_NEW_VERSION, strategy)
    form = NewVersionForm(
        request.POST or None,
        initial={"version_label": versions.next_version_label(strategy.version_label), "title": strategy.title},
    )
    new = save_form(
        request, form, lambda data: versions.strategy_new_version(strategy=strategy, actor=request.user, **data),
        lambda new: f"Version {new.version_label} created as a draft. Version {strategy.version_label} is unchanged.",
    )
    if new is not None:
        return redirect("strategy_detail", slug=request.partnership.slug, pk=new.pk)
    return render(request, "reviews/new_version.html", {"form": form, "strategy": strategy})


@access.partnership_view
def strategy_compare(request, pk):
    strategy = _strategy(request, pk)
    visible = visible_strategies(request.membership)
    others = list(selectors_review.versions_of(strategy, visible))
    other_pk = request.GET.get("with") or strategy.previous_version_id
    other = None
    if other_pk:
        try:
            other = next(s for s in others if s.pk == int(other_pk))
        except (StopIteration, ValueError):
            raise Http404("No such version of this strategy.")
    context = {"strategy": strategy, "others": others, "other": other}
    if other is not None:
        older, newer = sorted((other, strategy), key=lambda s: (s.created_at, s.pk))
        context["comparison"] = selectors_review.compare_versions(older, newer)
    return render(request, "reviews/compare.html", context)


@access.partnership_view
def record_history(request, pk, kind, obj_pk):
    strategy = _strategy(request, pk)
    model = selectors_review.HISTORY_KINDS.get(kind)
    if model is None:
        raise Http404("No such kind of record.")
    if kind == "strategy":
        if obj_pk != strategy.pk:
            raise Http404("Not found.")
        obj = strategy
    else:
        lookup = {"aim__strategy": strategy} if kind == "outcome" else {"strategy": strategy}
        obj = access.get_visible_or_404(model.objects.filter(**lookup), pk=obj_pk)
    access.require(request.membership, access.ACTION_VIEW if kind == "action" else access.STRATEGY_VIEW, obj)
    context = selectors_review.record_history(obj)
    context.update({"strategy": strategy, "obj": obj, "kind": kind})
    return render(request, "reviews/history.html", context)
