"""The lean PDF engine: a template engine that loads only the tag libraries documents use, and WeasyPrint
with a trimmed default stylesheet, writing tagged PDF (PDF/UA-1). The published strategy and the annual
progress report both render through here."""
import functools
import io
import re

from django.conf import settings

# The template tag libraries that the document's templates load ({% load %}), by name.
DOCUMENT_TAG_LIBRARIES = {
    "humanize": "django.contrib.humanize.templatetags.humanize",
    "portal": "partnerships.templatetags.portal",
}


@functools.cache
def document_engine():
    """The project's template engine (settings.TEMPLATES) loading only the tag libraries the document uses.

    Django's engine imports every installed app's template tags when it is made: REST framework's bring
    in requests, pygments and psycopg among some 320 modules, 19 MiB that a worker rendering documents
    would otherwise carry through every render."""
    from django.template import Engine

    backend = "django.template.backends.django.DjangoTemplates"
    config = next(t for t in settings.TEMPLATES if t["BACKEND"] == backend)
    options = {"debug": settings.DEBUG, **config.get("OPTIONS", {})}
    options["libraries"] = {**options.get("libraries", {}), **DOCUMENT_TAG_LIBRARIES}
    return Engine(dirs=config.get("DIRS", []), app_dirs=config.get("APP_DIRS", False), **options)


# WeasyPrint's default stylesheet gives ::marker, ::footnote-call, ::footnote-marker, ::note-call,
# ::note-marker and ::note-callback rules to every element, so its cascade computes six pseudo-element
# styles per element, none of them shared between elements: at 1,000 actions that was 100,000 styles
# and most of the cascade's memory. The document puts markers only on list items and uses neither
# footnotes nor CSS notes (a print stylesheet that starts using them must bring its own rules).
_EVERY_ELEMENT_NOTE_RULE = re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}]*\}\n", re.MULTILINE)
_EVERY_ELEMENT_MARKER_RULE = re.compile(r"^::marker \{", re.MULTILINE)


def lean_user_agent_css(css):
    """WeasyPrint's default stylesheet with pseudo-element rules kept only where the document uses them."""
    css = _EVERY_ELEMENT_NOTE_RULE.sub("", css)
    return _EVERY_ELEMENT_MARKER_RULE.sub("li::marker, summary::marker {", css)


@functools.cache
def document_html_class():
    """weasyprint.HTML with the lean default stylesheet (made once per process)."""
    from weasyprint import CSS, HTML
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA, UA_STYLESHEET

    # Its @counter-style rules are already WeasyPrint's (HTML._ua_counter_style): parse them aside.
    lean = CSS(string=lean_user_agent_css(UA), counter_style=CounterStyle())

    class DocumentHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return [lean if sheet is UA_STYLESHEET else sheet for sheet in super()._ua_stylesheets(forms)]

    return DocumentHTML


def parse_html(html):
    """The first step of `render_pdf` (the benchmark measures each step)."""
    return document_html_class()(string=html, base_url=str(settings.BASE_DIR))


def write_tagged_pdf(document, target):
    """The last step of `render_pdf`: write a laid-out document as a tagged PDF to a file or file object."""
    document.write_pdf(target, pdf_variant="pdf/ua-1")


def render_pdf(html):
    """Render HTML into a tagged PDF (PDF/UA-1); returns (bytes, page count)."""
    document = parse_html(html).render()
    buffer = io.BytesIO()
    write_tagged_pdf(document, buffer)
    return buffer.getvalue(), len(document.pages)
