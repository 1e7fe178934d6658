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


def render_markdown(text):
    """Markdown to HTML, then sanitised: only headings, paragraphs, lists, links and tables survive.

    Headings written as # are shifted down so a section's own heading stays the only h2/h1.
    """
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
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
