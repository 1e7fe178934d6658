import re

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "hr", "code",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope", "colspan", "rowspan"}, "td": {"colspan", "rowspan"}}


_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}\.)\s+\S")


def _separate_lists(text):
    """Start a list where people write one: Markdown needs a blank line between a paragraph and the list
    under it ("By 2029:" then "- one"), which nobody typing into a box knows, so add it."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    out = []
    for line in lines:
        if _LIST_ITEM.match(line) and out and out[-1].strip() and not _LIST_ITEM.match(out[-1]) \
                and not out[-1].startswith((" ", "\t")) and not out[-1].lstrip().startswith("|"):
            out.append("")
        out.append(line)
    return "\n".join(out)


def render_markdown(text):
    """Markdown to HTML, then sanitised: only headings, paragraphs, lists, links and tables survive.

    Headings written as # are shifted down so a section's own heading stays the only h2/h1.
    """
    html = markdown_lib.markdown(_separate_lists(text), extensions=["tables", "sane_lists"], output_format="html")
    for level in (3, 2, 1):  # h1 -> h3 and h2 -> h4 keep the page outline in order
        html = html.replace(f"<h{level}>", f"<h{min(level + 2, 4)}>").replace(f"</h{level}>", f"</h{min(level + 2, 4)}>")
    cleaned = nh3.clean(
        html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return cleaned


@register.filter
def markdown(text):
    return mark_safe(render_markdown(text))


@register.simple_tag(takes_context=True)
def table_id(context, prefix="table"):
    """A fresh id for a table's caption, unique within the page however many tables loops and includes draw:
    the scrolling region around a data table is labelled by it (aria-labelledby)."""
    counter = getattr(context, "_portal_table_ids", 0) + 1
    context._portal_table_ids = counter
    return f"{prefix}-{counter}-caption"
