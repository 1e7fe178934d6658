"""Pages for measuring impact: local data and the prevalence gap, the dashboard and the annual report."""
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from partnerships import access, documents
from partnerships.documents import DOCX_CONTENT_TYPE
from partnerships.form_views import save_form
from partnerships.models import DocumentStatus, RenderedDocument
from strategy.models import IntendedOutcome, Measure
from strategy.selectors import visible_strategies

from . import selectors, services
from .forms import (
    DataPointForm,
    IdentificationBreakdownForm,
    IdentificationFigureForm,
    LocalDataImportForm,
    LocalDataPeriodForm,
    ReportNarrativeForm,
    ReportPeriodForm,
)
from .models import IdentificationFigure, MeasureDataPoint


def _period(request, pk):
    qs = selectors.visible_local_data_periods(request.membership).select_related("partnership")
    return access.get_visible_or_404(qs, pk=pk)


@access.partnership_view
def local_data_overview(request):
    access.require(request.membership, access.LOCAL_DATA_VIEW)
    periods = selectors.local_data_periods(request.membership)
    latest = selectors.latest_period_with_figures(periods)
    gap = selectors.period_gap(latest) if latest else None
    return render(request, "impact/local_data.html", {
        "periods": list(reversed(periods)),
        "gap": gap,
        "gap_chart": selectors.gap_chart(gap) if gap else None,
        "trend_chart": selectors.trend_chart(periods),
        "prevalence_source": settings.PREVALENCE_SOURCE,
        "can_edit": access.can(request.membership, access.LOCAL_DATA_EDIT),
    })


@access.partnership_view
def local_data_period_detail(request, pk):
    access.require(request.membership, access.LOCAL_DATA_VIEW)
    period, gap = selectors.period_with_breakdowns(request.membership, pk)
    return render(request, "impact/local_data_period.html", {
        "period": period, "gap": gap, "gap_chart": selectors.gap_chart(gap),
        "prevalence_source": settings.PREVALENCE_SOURCE,
        "can_edit": access.can(request.membership, access.LOCAL_DATA_EDIT, period),
    })


def _form_page(request, form, service, template, context, success):
    """Run a service with a valid form's data; show its refusals beside the fields."""
    obj = save_form(request, form, service)
    if obj is not None:
        message, target = success(obj)
        messages.success(request, message)
        return redirect(target)
    return render(request, template, {"form": form, **context})


@access.partnership_view
@require_http_methods(["GET", "POST"])
def local_data_period_create(request):
    access.require(request.membership, access.LOCAL_DATA_EDIT)
    form = LocalDataPeriodForm(request.POST or None)
    return _form_page(
        request, form,
        lambda data: services.period_create(partnership=request.partnership, actor=request.user, **data),
        "impact/local_data_form.html", {"heading": "Add a period of local data", "button": "Add period"},
        lambda period: (f"{period.label} added.", period_url(request, period)),
    )


def period_url(request, period):
    return reverse("local_data_period_detail", kwargs={"slug": request.partnership.slug, "pk": period.pk})


@access.partnership_view
@require_http_methods(["GET", "POST"])
def local_data_figure_record(request, pk):
    period = _period(request, pk)
    access.require(request.membership, access.LOCAL_DATA_EDIT, period)
    form = IdentificationFigureForm(request.POST or None, partnership=request.partnership)
    return _form_page(
        request, form, lambda data: services.figure_record(period=period, actor=request.user, **data),
        "impact/local_data_form.html",
        {"heading": "Record what agencies identified", "caption": period.label, "button": "Save figure",
         "cancel": period_url(request, period)},
        lambda figure: (f"{figure.label}: {figure.count:,} saved.", period_url(request, period)),
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def local_data_breakdown_record(request, pk):
    figure = access.get_visible_or_404(
        IdentificationFigure.objects.filter(
            period__in=selectors.visible_local_data_periods(request.membership)
        ).select_related("period__partnership"),
        pk=pk,
    )
    access.require(request.membership, access.LOCAL_DATA_EDIT, figure.period)
    form = IdentificationBreakdownForm(request.POST or None)
    return _form_page(
        request, form, lambda data: services.breakdown_record(figure=figure, actor=request.user, **data),
        "impact/local_data_form.html",
        {"heading": "Add a breakdown", "caption": f"{figure.period.label}: {figure.label} ({figure.count:,})",
         "button": "Save", "cancel": period_url(request, figure.period)},
        lambda b: (f"{b.get_dimension_display()} {b.category}: {b.count:,} saved.", period_url(request, figure.period)),
    )


@access.partnership_view
@require_http_methods(["GET", "POST"])
def local_data_import(request):
    """Upload a CSV file, see every row checked, then apply all of them or none."""
    access.require(request.membership, access.LOCAL_DATA_EDIT)
    form = LocalDataImportForm(request.POST or None, request.FILES or None)
    result, text = None, ""
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        apply = "apply" in request.POST and not request.FILES
        result = services.local_data_import(partnership=request.partnership, actor=request.user, text=text, apply=apply)
        if result.applied:
            messages.success(request, f"{len(result.rows)} rows of local data imported.")
            return redirect("local_data", slug=request.partnership.slug)
        for number, message in result.errors:
            form.add_error(None, f"Row {number}: {message}")
    return render(request, "impact/local_data_import.html", {
        "form": form, "result": result, "content": text, "columns": services.CSV_COLUMNS,
    }, status=400 if result is not None and result.errors else 200)


@access.partnership_view
def dashboard(request):
    access.require(request.membership, access.DASHBOARD_VIEW)
    context = selectors.dashboard(request.membership)
    return render(request, "impact/dashboard.html", {**context, "prevalence_source": settings.PREVALENCE_SOURCE})


def _report_period(request, pk):
    access.require(request.membership, access.REPORT_VIEW)
    strategy = access.get_visible_or_404(visible_strategies(request.membership), pk=pk)
    form = ReportPeriodForm(request.GET or None)
    start, end = selectors.default_report_period(request.membership, timezone.localdate())
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    elif not request.GET:
        form = ReportPeriodForm(initial={"start": start, "end": end})
    return strategy, form, start, end


def _report_context(request, pk):
    strategy, form, start, end = _report_period(request, pk)
    context = selectors.annual_report(request.membership, strategy, start, end)
    context["form"] = form
    return context


@access.partnership_view
def annual_report(request, pk):
    context = _report_context(request, pk)
    context["can_write_narrative"] = access.can(request.membership, access.REPORT_EDIT, context["strategy"])
    return render(request, "impact/annual_report.html", context)


@access.partnership_view
@require_http_methods(["GET", "POST"])
def annual_report_narrative(request, pk):
    """The business manager writes the narrative of the report for the period in the query string."""
    strategy, _form, start, end = _report_period(request, pk)
    access.require(request.membership, access.REPORT_EDIT, strategy)
    current = selectors.annual_report_narrative(strategy, start, end)
    form = ReportNarrativeForm(request.POST or None, initial={"text": current})
    query = request.GET.urlencode()
    report_url = reverse("annual_report", kwargs={"slug": request.partnership.slug, "pk": strategy.pk})
    report_url = f"{report_url}?{query}" if query else report_url
    saved = save_form(request, form, lambda data: services.report_narrative_save(
        strategy=strategy, start=start, end=end, text=data["text"], actor=request.user), "Narrative saved.")
    if saved is not None:
        return redirect(report_url)
    return render(request, "impact/annual_report_narrative.html", {
        "strategy": strategy, "form": form, "start": start, "end": end, "report_url": report_url,
    })


@access.partnership_view
def annual_report_pdf(request, pk):
    """The report as a PDF (or, with ?format=docx, its Word version), rendered by the worker, never here. An unchanged report is downloaded at once;
    otherwise this page shows the report being prepared, checks again every few seconds (?document=<id>),
    and gives the download when it is ready."""
    strategy, _form, start, end = _report_period(request, pk)
    watched = request.GET.get("document", "")
    if watched.isdigit():
        document = access.get_visible_or_404(
            RenderedDocument.objects.filter(partnership=request.partnership, kind=services.ANNUAL_REPORT,
                                            params__strategy=strategy.pk, params__membership=request.membership.pk),
            pk=int(watched),
        )
    else:
        document, _created = services.annual_report_request(
            strategy=strategy, membership=request.membership, start=start, end=end, actor=request.user)
        document.refresh_from_db()
    wants_word = request.GET.get("format") == "docx"
    ready = document.status == DocumentStatus.DONE and document.file
    if ready and wants_word and document.docx_file:
        return FileResponse(document.docx_file.open("rb"), as_attachment=True, filename=document.docx_filename,
                            content_type=DOCX_CONTENT_TYPE)
    if ready and not wants_word:
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.filename,
                            content_type="application/pdf")
    # Not ready yet, or ready without the Word version asked for (its conversion failed): this page says so.
    if not ready:
        documents.nudge(services.ANNUAL_REPORT, document)
    watch, again = request.GET.copy(), request.GET.copy()
    watch["document"] = document.pk
    again.pop("document", None)
    pdf_url = again.copy()
    pdf_url.pop("format", None)
    pdf_url["document"] = document.pk
    report_url = reverse("annual_report", kwargs={"slug": request.partnership.slug, "pk": strategy.pk})
    return render(request, "impact/annual_report_pdf.html", {
        "strategy": strategy, "document": document, "start": start, "end": end, "stalled": document.is_stalled(),
        "format_label": "Word version" if wants_word else "PDF", "word_missing": bool(ready),
        "pdf_url": f"{request.path}?{pdf_url.urlencode()}",
        "check_url": f"{request.path}?{watch.urlencode()}", "again_url": f"{request.path}?{again.urlencode()}",
        "report_url": f"{report_url}?{again.urlencode()}",
    })


def _strategy(request, pk):
    return access.get_visible_or_404(visible_strategies(request.membership), pk=pk)


def _outcome(strategy, outcome_pk):
    return access.get_visible_or_404(
        IntendedOutcome.objects.filter(aim__strategy=strategy).select_related("aim"), pk=outcome_pk
    )


# -- outcomes: measures with their data, and the actions serving them ---------------


@access.partnership_view
@require_http_methods(["GET", "POST"])
def outcome_detail(request, pk, outcome_pk):
    """An outcome's measures with their data over time beside the actions serving it; managers add data points."""
    strategy = _strategy(request, pk)
    outcome = _outcome(strategy, outcome_pk)
    can_record = access.can(request.membership, access.MEASURE_DATA_EDIT, strategy)
    if request.method == "POST":
        access.require(request.membership, access.MEASURE_DATA_EDIT, strategy)
    form = None
    if can_record:
        form = DataPointForm(request.POST or None, measures=Measure.objects.filter(outcome=outcome).order_by("id"))
        point = save_form(request, form, lambda data: services.data_point_record(actor=request.user, **data),
                          lambda point: f"Data point for {point.period_label} saved.")
        if point is not None:
            return redirect(reverse("outcome_detail", kwargs={"slug": request.partnership.slug, "pk": strategy.pk, "outcome_pk": outcome.pk})
                            + f"#measure-{point.measure_id}")
    return render(request, "impact/outcome_detail.html", {
        "strategy": strategy, "outcome": outcome, "form": form, "can_record": can_record,
        **selectors.outcome_monitoring(outcome),
    })


@access.partnership_view
@require_POST
def data_point_delete(request, pk, point_pk):
    strategy = _strategy(request, pk)
    point = access.get_visible_or_404(
        MeasureDataPoint.objects.filter(measure__outcome__aim__strategy=strategy).select_related("measure"),
        pk=point_pk,
    )
    access.require(request.membership, access.MEASURE_DATA_EDIT, strategy)
    services.data_point_delete(point=point, actor=request.user)
    messages.success(request, f"Data point for {point.period_label} deleted.")
    return redirect(reverse("outcome_detail", kwargs={"slug": request.partnership.slug, "pk": strategy.pk, "outcome_pk": point.measure.outcome_id})
                    + f"#measure-{point.measure_id}")
