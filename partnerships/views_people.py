"""A business manager's pages for the partnership's agencies and people, and the invitation page a person
opens from their email."""
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import access, selectors, services, two_factor
from .form_views import save_form
from .forms import AcceptInvitationForm, AgencyForm, InvitationForm, MembershipForm, apply_validation_error
from .models import Agency, Invitation, Membership

SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _link_for(request):
    return lambda token: request.build_absolute_uri(reverse("invitation_accept", kwargs={"token": token}))


# --- Agencies -----------------------------------------------------------------------------------


@access.partnership_view
@require_safe
def agency_list(request):
    access.require(request.membership, access.AGENCY_MANAGE)
    return render(request, "partnerships/agency_list.html", {"agencies": selectors.agencies_with_counts(request.partnership)})


def _agency(request, pk):
    access.require(request.membership, access.AGENCY_MANAGE)
    return access.get_visible_or_404(Agency.objects.filter(partnership=request.partnership), pk=pk)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def agency_create(request):
    access.require(request.membership, access.AGENCY_MANAGE)
    form = AgencyForm(request.POST or None)
    agency = save_form(request, form, lambda data: services.agency_create(
        partnership=request.partnership, actor=request.user, **data), lambda a: f"{a.name} added.")
    if agency:
        return redirect("agency_list", slug=request.partnership.slug)
    return render(request, "partnerships/agency_form.html", {"form": form, "title": "Add an agency", "submit": "Add agency"})


@access.partnership_view
@require_http_methods(["GET", "POST"])
def agency_edit(request, pk):
    agency = _agency(request, pk)
    initial = {f: getattr(agency, f) for f in ("name", "short_name", "sector", "is_statutory_partner")}
    form = AgencyForm(request.POST if request.method == "POST" else None, initial=initial)
    saved = save_form(request, form, lambda data: services.agency_update(agency=agency, actor=request.user, **data),
                      lambda a: f"{a.name} saved.")
    if saved:
        return redirect("agency_list", slug=request.partnership.slug)
    return render(request, "partnerships/agency_form.html", {
        "form": form, "agency": agency, "title": f"Change {agency.name}", "submit": "Save agency",
    })


@access.partnership_view
@require_POST
def agency_archive(request, pk):
    agency = _agency(request, pk)
    archived = request.POST.get("do") != "restore"
    services.agency_archive(agency=agency, actor=request.user, archived=archived)
    messages.success(request, f"{agency.name} archived. Its actions keep it as their lead; it can no longer be chosen "
                              "for new actions or people." if archived else f"{agency.name} is current again.")
    return redirect("agency_list", slug=request.partnership.slug)


# --- People -------------------------------------------------------------------------------------


@access.partnership_view
@require_safe
def people(request):
    access.require(request.membership, access.PEOPLE_MANAGE)
    return render(request, "partnerships/people.html", selectors.people(request.partnership))


@access.partnership_view
@require_http_methods(["GET", "POST"])
def person_invite(request):
    access.require(request.membership, access.PEOPLE_MANAGE)
    form = InvitationForm(request.POST or None, partnership=request.partnership)
    result = save_form(request, form, lambda data: services.invitation_create(
        partnership=request.partnership, actor=request.user, link_for=_link_for(request), **data),
        lambda result: f"Invitation sent to {result[0].email}. The link works for "
                       f"{(result[0].expires_at - result[0].sent_at).days} days.")
    if result:
        return redirect("people", slug=request.partnership.slug)
    return render(request, "partnerships/person_invite.html", {"form": form})


def _membership(request, pk):
    access.require(request.membership, access.PEOPLE_MANAGE)
    return access.get_visible_or_404(
        Membership.objects.filter(partnership=request.partnership).select_related("user", "agency", "partnership"),
        pk=pk)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    membership = _membership(request, pk)
    form = MembershipForm(request.POST if request.method == "POST" else None, membership=membership,
                          initial={"role": membership.role, "agency": membership.agency_id})
    saved = save_form(request, form, lambda data: services.membership_change(
        membership=membership, actor=request.user, **data), f"{membership.user.get_full_name()} saved.")
    if saved:
        return redirect("people", slug=request.partnership.slug)
    return render(request, "partnerships/person_edit.html", {"form": form, "person": membership})


@access.partnership_view
@require_http_methods(["GET", "POST"])
def person_deactivate(request, pk):
    membership = _membership(request, pk)
    error = None
    if request.method == "POST":
        try:
            _, flagged = services.membership_deactivate(membership=membership, actor=request.user)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, f"{membership.user.get_full_name()} deactivated. Their sessions have ended "
                                      f"and their API tokens no longer work. {flagged} action(s) naming them as "
                                      "lead need a new lead contact.")
            if membership.user_id == request.user.pk:
                return redirect("login")
            return redirect("people", slug=request.partnership.slug)
    return render(request, "partnerships/person_deactivate.html", {"person": membership, "error": error},
                  status=409 if error else 200)


def _invitation(request, pk):
    access.require(request.membership, access.PEOPLE_MANAGE)
    return access.get_visible_or_404(Invitation.objects.filter(partnership=request.partnership), pk=pk)


@access.partnership_view
@require_POST
def invitation_resend(request, pk):
    invitation = _invitation(request, pk)
    try:
        services.invitation_resend(invitation=invitation, actor=request.user, link_for=_link_for(request))
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, f"Invitation sent to {invitation.email} again with a new link. The old link no "
                                  "longer works.")
    return redirect("people", slug=request.partnership.slug)


@access.partnership_view
@require_POST
def invitation_withdraw(request, pk):
    invitation = _invitation(request, pk)
    try:
        services.invitation_withdraw(invitation=invitation, actor=request.user)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, f"Invitation to {invitation.email} withdrawn. Its link no longer works.")
    return redirect("people", slug=request.partnership.slug)


# --- Accepting an invitation --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """The page an invitation link opens. A new address sets a password here; an address that already has
    an account signs in first and accepts, so nobody ever gets a second account."""
    invitation = services.invitation_for_token(token)
    problem = services.invitation_problem(invitation)
    if problem:
        return render(request, "partnerships/invitation_problem.html", {"problem": problem},
                      status=404 if invitation is None else 410)
    context = {"invitation": invitation}
    has_account = get_user_model().objects.filter(email__iexact=invitation.email).exists()
    signed_in = request.user.is_authenticated
    if signed_in and request.user.email.lower() != invitation.email.lower():
        context["wrong_person"] = True
        return render(request, "partnerships/invitation_accept.html", context)
    if has_account:
        if not signed_in:
            context["sign_in_url"] = f"{reverse('login')}?next={request.path}"
            return render(request, "partnerships/invitation_accept.html", context)
        if request.method == "POST":
            try:
                membership = services.invitation_accept_existing(token=token, user=request.user)
            except ValidationError as refusal:
                context["error"] = " ".join(refusal.messages)
            else:
                return _welcome(request, membership)
        return render(request, "partnerships/invitation_accept.html", context)
    form = AcceptInvitationForm(request.POST or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept_new(token=token, full_name=form.cleaned_data["full_name"],
                                                        password=form.cleaned_data["password"])
        except ValidationError as refusal:
            apply_validation_error(form, refusal)
        else:
            login(request, membership.user, backend=SIGN_IN_BACKEND)
            return _welcome(request, membership)
    return render(request, "partnerships/invitation_accept.html", context)


def _welcome(request, membership):
    # The new role may need two-step verification; the middleware then asks for it before the home page.
    two_factor.remember_owed(request, request.user)
    messages.success(request, f"Welcome to {membership.partnership.name}. You are a "
                              f"{membership.get_role_display().lower()}"
                              + (f" for {membership.agency.name}" if membership.agency else "") + ".")
    return redirect("partnership", slug=membership.partnership.slug)
