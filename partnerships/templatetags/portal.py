from django import template
from django.utils.safestring import mark_safe

from partnerships.markdown import render_markdown

register = template.Library()

__all__ = ["render_markdown"]


@register.filter
def markdown(text, doc_id=""):
    """Text a person wrote, as safe HTML: `{{ text|markdown }}`, or `{{ text|markdown:"anchor" }}` where
    several texts share a page, so their footnotes keep apart."""
    return mark_safe(render_markdown(text, doc_id=doc_id))


@register.simple_tag(takes_context=True)
def document_markdown(context, text, doc_id=""):
    """In the published document: footnotes at the foot of the page in the PDF, linked notes on the web."""
    footnotes = "inline" if context.get("mode") == "pdf" else "linked"
    return mark_safe(render_markdown(text, footnotes=footnotes, doc_id=doc_id))


@register.simple_tag(takes_context=True)
def table_id(context, prefix="table"):
    """A fresh id for a table's caption, unique within the page however many tables loops and includes draw:
    the scrolling region around a data table is labelled by it (aria-labelledby)."""
    counter = getattr(context, "_portal_table_ids", 0) + 1
    context._portal_table_ids = counter
    return f"{prefix}-{counter}-caption"
