"""Rendering a strategy into its published document with WeasyPrint.

The data are gathered in a fixed number of queries whatever the size of the
plan; the HTML is also the input of the export's fingerprint.
"""
import io

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string

from .models import IntendedOutcome, Section, StrategicAim


def document_context(strategy):
    from actionplan.models import Action

    actions = Action.objects.select_related("lead_agency", "core_component").prefetch_related("supporting_agencies")
    aims = list(
        StrategicAim.objects.filter(strategy=strategy)
        .order_by("number")
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=IntendedOutcome.objects.order_by("number").prefetch_related(
                    Prefetch("actions", queryset=actions.order_by("id"))
                ),
            )
        )
    )
    sections = list(Section.objects.filter(strategy=strategy).order_by("position", "id"))
    from audits.selectors import audits_for_export

    return {
        "audits": audits_for_export(strategy),
        "strategy": strategy,
        "partnership": strategy.partnership,
        "sections": sections,
        "aims": aims,
        "is_draft": strategy.status not in ("approved", "published", "superseded"),
    }


def build_document_html(strategy):
    return render_to_string("export/strategy.html", document_context(strategy))


def render_pdf(html):
    """Render HTML into a tagged PDF; returns (bytes, page count)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    buffer = io.BytesIO()
    document.write_pdf(buffer, pdf_variant="pdf/ua-1")
    return buffer.getvalue(), len(document.pages)
