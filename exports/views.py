"""Pages of the published document: exports, downloads, the HTML version, scrutiny challenges, branding."""
from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from exports.selectors import visible_exports
from partnerships import access, documents
from partnerships.documents import DOCX_CONTENT_TYPE
from partnerships.errors import ConflictError
from partnerships.form_views import save_form
from strategy import selectors as strategy_selectors
from strategy.selectors import visible_strategies

from . import selectors as selectors_export
from . import services as services_export
from .document import build_document
from .forms import BrandingForm, ChallengeForm, ChallengeReplyForm
from .models import ExportChallenge, PartnershipBranding


def _strategy(request, pk):
    return access.get_visible_or_404(visible_strategies(request.membership), pk=pk)


def _export(request, pk):
    return access.get_visible_or_404(
        visible_exports(request.membership).select_related("strategy__partnership", "requested_by"), pk=pk
    )


def _challenge(request, pk):
    challenges = ExportChallenge.objects.filter(
        export__in=visible_exports(request.membership)
    ).select_related("export__strategy__partnership")
    return access.get_visible_or_404(challenges, pk=pk)


@access.partnership_view
def export_list(request, pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.EXPORT_VIEW, strategy)
    return render(request, "exports/export_list.html", {
        "strategy": strategy,
        "exports": selectors_export.exports_with_challenge_counts(request.membership, strategy),
        "can_export": access.can(request.membership, access.EXPORT_REQUEST, strategy),
    })


@access.partnership_view
@require_POST
def export_create(request, pk):
    strategy = _strategy(request, pk)
    access.require(request.membership, access.EXPORT_REQUEST, strategy)
    export, created = services_export.export_request(strategy=strategy, actor=request.user)
    if created and export.status == "done":
        messages.success(request, "The document is ready to download.")
    elif created:
        messages.success(request, "The document is being prepared. This page shows when it is ready.")
    elif export.in_progress:
        messages.info(request, "This content is already being prepared. This page shows when it is ready.")
    else:
        messages.info(request, "Nothing has changed since the last export, so that document is ready to download.")
    return redirect("export_detail", slug=request.partnership.slug, pk=export.pk)


def _detail_context(request, export, challenge_form=None):
    membership = request.membership
    challenges = selectors_export.export_challenges(export)
    can_challenge = access.can(membership, access.EXPORT_CHALLENGE, export)
    can_respond = access.can(membership, access.EXPORT_RESPOND, export)
    for challenge in challenges:
        challenge.reply_form = ChallengeReplyForm(initial={"version": challenge.version}, prefix=f"c{challenge.pk}")
    sections = (export.content_snapshot or {}).get("sections", [])
    return {
        "export": export,
        "strategy": export.strategy,
        "refresh": export.in_progress,
        "stalled": export.is_stalled(),
        "can_retry": export.is_retryable() and access.can(membership, access.EXPORT_REQUEST, export),
        "challenges": challenges,
        "summary": selectors_export.challenge_summary(challenges),
        "can_challenge": can_challenge and export.status == "done",
        "can_respond": can_respond,
        "challenge_form": challenge_form or ChallengeForm(sections=sections),
        "has_baseline": selectors_export.comparable_exports(export).exists(),
        "omissions": strategy_selectors.document_omissions(export.strategy),
    }


@access.partnership_view
def export_detail(request, pk):
    export = _export(request, pk)
    if export.status == "done":
        services_export.export_mark_seen(export=export, user=request.user)
    else:
        # Still queued long after it was asked for (the broker was down): send it again. The page refreshes
        # itself while the export is in progress, so it is sent again as soon as the broker is back.
        documents.nudge(services_export.EXPORT_DOCUMENT, export)
    return render(request, "exports/export_detail.html", _detail_context(request, export))


@access.partnership_view
def export_download(request, pk):
    export = _export(request, pk)
    if export.status != "done" or not export.file:
        raise Http404("This export has no document yet.")
    services_export.export_record_download(export=export, actor=request.user)
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.filename,
                        content_type="application/pdf")


@access.partnership_view
def export_download_docx(request, pk):
    """The Word version, rendered beside the PDF: the same access, the same record of the download."""
    export = _export(request, pk)
    if export.status != "done" or not export.docx_file:
        raise Http404("This export has no Word version.")
    services_export.export_record_download(export=export, actor=request.user)
    return FileResponse(export.docx_file.open("rb"), as_attachment=True, filename=export.docx_filename,
                        content_type=DOCX_CONTENT_TYPE)


@access.partnership_view
@require_POST
def export_retry(request, pk):
    export = _export(request, pk)
    access.require(request.membership, access.EXPORT_REQUEST, export)
    try:
        services_export.export_retry(export=export, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The document is being prepared again.")
    return redirect("export_detail", slug=request.partnership.slug, pk=export.pk)


@access.partnership_view
def export_changes(request, pk):
    export = _export(request, pk)
    others = list(selectors_export.comparable_exports(export))
    baseline = None
    since = request.GET.get("since", "")
    if since.isdigit():
        baseline = next((e for e in others if e.pk == int(since)), None)
        if baseline is None:
            raise Http404("No such export of this strategy.")
    else:
        baseline = selectors_export.default_baseline(export, request.user)
    changes = selectors_export.export_changes(baseline, export) if baseline else None
    return render(request, "exports/export_changes.html", {
        "export": export, "strategy": export.strategy, "baseline": baseline, "others": others, "changes": changes,
    })


@access.partnership_view
@require_POST
def challenge_create(request, pk):
    export = _export(request, pk)
    access.require(request.membership, access.EXPORT_CHALLENGE, export)
    if export.status != "done":
        raise Http404("Only a finished export can be challenged.")
    form = ChallengeForm(request.POST, sections=(export.content_snapshot or {}).get("sections", []))
    if save_form(request, form, lambda data: services_export.challenge_raise(export=export, actor=request.user, **data),
                 "Your challenge has been recorded. The business manager will respond.") is not None:
        return redirect("export_detail", slug=request.partnership.slug, pk=export.pk)
    return render(request, "exports/export_detail.html", _detail_context(request, export, challenge_form=form),
                  status=400)


def _challenge_step(request, pk, perm, service, done_message):
    challenge = _challenge(request, pk)
    access.require(request.membership, perm, challenge.export)
    form = ChallengeReplyForm(request.POST, prefix=f"c{challenge.pk}")
    target = redirect("export_detail", slug=request.partnership.slug, pk=challenge.export_id)
    if not form.is_valid():
        messages.error(request, "Your reply could not be saved; please try again.")
        return target
    try:
        service(challenge=challenge, actor=request.user, text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"])
    except ConflictError as error:
        messages.error(request, f"{error} Read the latest reply, then answer again.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done_message)
    return target


@access.partnership_view
@require_POST
def challenge_respond(request, pk):
    return _challenge_step(request, pk, access.EXPORT_RESPOND, services_export.challenge_respond,
                           "Your response has been recorded.")


@access.partnership_view
@require_POST
def challenge_follow_up(request, pk):
    return _challenge_step(request, pk, access.EXPORT_CHALLENGE, services_export.challenge_follow_up,
                           "Your follow-up has been recorded and the challenge is open again.")


@access.partnership_view
@require_POST
def challenge_close(request, pk):
    return _challenge_step(request, pk, access.EXPORT_CHALLENGE, services_export.challenge_close,
                           "The challenge is closed.")


@access.partnership_view
@csp_update({"style-src": [NONCE]})
def strategy_document(request, pk):
    """The strategy as one accessible HTML page, from the same templates as the PDF."""
    strategy = _strategy(request, pk)
    access.require(request.membership, access.STRATEGY_VIEW, strategy)
    html, _ = build_document(strategy, mode="html", extra_context={"style_nonce": str(request.csp_nonce)})
    return HttpResponse(html)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def branding_edit(request):
    access.require(request.membership, access.BRANDING_EDIT)
    branding = PartnershipBranding.objects.filter(partnership=request.partnership).first()
    has_logo = bool(branding and branding.logo)
    initial = {"accent_colour": branding.accent_colour if branding else "#1d4f91",
               "logo_alt": branding.logo_alt if branding else ""}
    form = BrandingForm(request.POST or None, request.FILES or None, initial=initial, has_logo=has_logo)

    def save(data):
        return services_export.branding_update(
            partnership=request.partnership, actor=request.user, accent_colour=data["accent_colour"],
            logo_alt=data.get("logo_alt", ""), logo=data.get("logo"),
            logo_format=getattr(form, "logo_format", ""), remove_logo=data.get("remove_logo", False),
        )

    if save_form(request, form, save, "Branding saved. New exports will use it.") is not None:
        return redirect("branding_edit", slug=request.partnership.slug)
    return render(request, "exports/branding_form.html", {"form": form, "branding": branding, "has_logo": has_logo})
