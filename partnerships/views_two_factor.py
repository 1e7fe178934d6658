"""Two-step verification pages: the account page, setting up an authenticator app, entering a code
after the password, recovery codes, turning it off; and a partnership's requirement."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from . import access, two_factor
from .form_views import save_form
from .forms import TwoFactorCodeForm, TwoFactorRequirementForm

RECOVERY_CODES_SESSION_KEY = "_portal_new_recovery_codes"


def _next_url(request, default="home"):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure()):
        return candidate
    return default


def _show_codes(request, codes, message):
    request.session[RECOVERY_CODES_SESSION_KEY] = codes
    messages.success(request, message)
    return redirect("two_factor_recovery_codes")


@login_required
@require_http_methods(["GET"])
def account(request):
    from .api_tokens import tokens_of

    return render(request, "partnerships/two_factor.html", {"status": two_factor.status(request.user),
                                                           "api_tokens": tokens_of(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def set_up(request):
    if two_factor.is_enabled(request.user):
        messages.info(request, "Two-step verification is already turned on.")
        return redirect("two_factor")
    device = two_factor.start_set_up(request.user)
    form = TwoFactorCodeForm(request.POST or None)
    codes = save_form(request, form, lambda data: two_factor.confirm_set_up(request, device=device, code=data["code"]))
    if codes is not None:
        request.session["_portal_after_codes"] = _next_url(request, "")
        return _show_codes(request, codes, "Two-step verification is on. From now on you will enter a code after your password.")
    return render(request, "partnerships/two_factor_set_up.html", {
        "form": form, "device": device, "secret": two_factor.secret_for_display(device),
        "qr_svg": two_factor.qr_svg(device), "required_by": two_factor.requiring_partnerships(request.user),
        "next": _next_url(request, ""),
    })


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    if request.session.get(two_factor.SESSION_KEY) != two_factor.VERIFY:
        return redirect(_next_url(request))
    form = TwoFactorCodeForm(request.POST or None, recovery=True)
    device = save_form(request, form, lambda data: two_factor.verify(request, data["code"]))
    if device is not None:
        if isinstance(device, two_factor.RecoveryCodeDevice):
            messages.warning(request, f"You signed in with a recovery code. You have {device.remaining} left; "
                                      "make new ones from your account's two-step verification page.")
        return redirect(_next_url(request))
    return render(request, "partnerships/two_factor_verify.html", {"form": form, "next": _next_url(request, "")})


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """GET shows codes just made, once; POST makes new ones (from a session verified with a code)."""
    if request.method == "POST":
        if not two_factor.is_enabled(request.user):
            return redirect("two_factor")
        if not request.user.is_verified():
            request.session[two_factor.SESSION_KEY] = two_factor.VERIFY
            return redirect("two_factor_verify")
        return _show_codes(request, two_factor.regenerate_recovery_codes(request.user),
                           "New recovery codes made. The old ones no longer work.")
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("two_factor")
    return render(request, "partnerships/two_factor_codes.html", {
        "codes": codes, "continue_url": request.session.pop("_portal_after_codes", "") or "/",
    })


@login_required
@require_http_methods(["GET", "POST"])
def turn_off(request):
    if not two_factor.is_enabled(request.user):
        return redirect("two_factor")
    form = TwoFactorCodeForm(request.POST or None)
    if save_form(request, form, lambda data: two_factor.turn_off(request, code=data["code"]) or True,
                 "Two-step verification is off. You will sign in with your password only."):
        return redirect("two_factor")
    return render(request, "partnerships/two_factor_turn_off.html", {
        "form": form, "required_by": two_factor.requiring_partnerships(request.user),
    })


@access.partnership_view
@require_http_methods(["GET", "POST"])
def partnership_security(request):
    """A business manager requires (or stops requiring) two-step verification, and sees who has it."""
    access.require(request.membership, access.PARTNERSHIP_SECURITY_EDIT)
    partnership = request.partnership
    # A bare checkbox posts nothing when cleared, so bind on the method, not on the data.
    form = TwoFactorRequirementForm(request.POST if request.method == "POST" else None, initial={"require_two_factor": partnership.require_two_factor})
    signed_out = save_form(request, form, lambda data: two_factor.set_requirement(
        partnership=partnership, required=data["require_two_factor"], actor=request.user),
        lambda signed_out: (
            f"Two-step verification is now required. {signed_out} people without it were signed out and will "
            "set it up when they next sign in." if partnership.require_two_factor
            else "Two-step verification is now optional."))
    if signed_out is not None:
        return redirect("partnership_security", slug=partnership.slug)
    return render(request, "partnerships/partnership_security.html", {
        "form": form, "members": two_factor.required_members(partnership),
        "you_enabled": two_factor.is_enabled(request.user),
    })

