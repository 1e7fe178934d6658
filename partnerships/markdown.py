"""Text written in the portal's boxes, as safe HTML.

CommonMark (markdown-it-py) with tables and footnotes, then sanitised with nh3. The parser's work
grows in step with the length of the text, and two limits keep every render bounded:

- `MAX_CHARS`: longer text is refused when it is saved (`markdown_problems`), and text already stored
  past the limit is shown as plain paragraphs, so nothing is lost and nothing stalls;
- `MAX_DEPTH`: lists and quotations nested deeper are refused when saved, and shown as plain
  paragraphs if stored, because the parser would otherwise drop what lies below its nesting limit.

Footnotes come in two forms: `footnotes="linked"` (the web page: a numbered reference linked to the
note at the end of the text) and `footnotes="inline"` (the PDF: the note's text sits where it is
called, in a span the document's stylesheet floats to the foot of the page).
"""
import re

import nh3
from django.utils.html import escape
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

MAX_CHARS = 50_000
MAX_DEPTH = 10  # lists and quotations inside one another
# The parser's own nesting limit, in tokens (a list item inside a list is two levels): deep enough that
# text within MAX_DEPTH never meets it.
_PARSER_NESTING = 2 * MAX_DEPTH + 8

_ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "hr", "code", "pre", "sup", "span", "section",
}
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"}, "th": {"scope", "colspan", "rowspan"}, "td": {"colspan", "rowspan"},
    "li": {"id"}, "sup": {"id"}, "ol": {"start"},
}
_ALLOWED_CLASSES = {
    "span": {"footnote"}, "sup": {"footnote-ref"}, "section": {"footnotes"}, "ol": {"footnotes-list"},
    "li": {"footnote-item"}, "a": {"footnote-backref"}, "hr": {"footnotes-sep"},
}

_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}\.)\s+\S")
# A line's nesting: quotation marks and list markers, each possibly indented, at its start.
_NESTING = re.compile(r"[ \t]*(?:>|[-*+][ \t]|\d{1,9}[.)][ \t])")


def _separate_lists(text):
    """Start a list where people write one: "By 2029:" then "3. one" needs a blank line between them
    in CommonMark (only a bullet or "1." may interrupt a paragraph), which nobody typing into a box knows."""
    out = []
    for line in text.split("\n"):
        if _LIST_ITEM.match(line) and out and out[-1].strip() and not _LIST_ITEM.match(out[-1]) \
                and not out[-1].startswith((" ", "\t")) and not out[-1].lstrip().startswith("|"):
            out.append("")
        out.append(line)
    return "\n".join(out)


def nesting_depth(text):
    """The deepest nesting of lists and quotations, as written: markers at a line's start, and list
    items indented under others. Linear in the length of the text."""
    deepest = 0
    indents = []  # the indents of the open list items above this line
    for line in (text or "").split("\n"):
        if not line.strip():
            continue
        markers, position = 0, 0
        while True:
            match = _NESTING.match(line, position)
            if not match:
                break
            markers += 1
            position = match.end()
        indent = len(line) - len(line.lstrip(" \t"))
        if _LIST_ITEM.match(line.lstrip(" \t")):
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
        elif indent == 0:
            indents = []
        deepest = max(deepest, markers, len(indents) + max(markers - 1, 0))
    return deepest


def markdown_problems(text):
    """Why this text cannot be saved as written, or None: the message shown next to the box."""
    text = text or ""
    if len(text) > MAX_CHARS:
        return (f"This text is {len(text):,} characters long. The limit is {MAX_CHARS:,}: "
                "split it into sections or shorten it.")
    if nesting_depth(text) > MAX_DEPTH:
        return (f"Lists or quotations here are nested more than {MAX_DEPTH} levels deep. "
                "Flatten the deepest levels into the list above them.")
    return None


def _parser():
    return (
        MarkdownIt("commonmark", {"html": False, "maxNesting": _PARSER_NESTING, "typographer": False})
        .enable("table")
        .use(footnote_plugin)
    )


_MD = _parser()
_HEADING_SHIFT = {"h1": "h3", "h2": "h4", "h3": "h4", "h5": "h4", "h6": "h4"}


def _plain(text):
    """Text the parser is not given (too long or too deep), as escaped paragraphs: nothing is lost."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def _inline_notes(tokens, env):
    """For print: each footnote's text, rendered, keyed by its id; and the tokens without the notes."""
    notes, body, current, inside = {}, [], None, False
    for token in tokens:
        if token.type == "footnote_block_open":
            inside = True
            continue
        if token.type == "footnote_block_close":
            inside = False
            continue
        if not inside:
            body.append(token)
            continue
        if token.type == "footnote_open":
            current = (token.meta["id"], [])
        elif token.type == "footnote_close" and current is not None:
            note_id, note_tokens = current
            kept = [t for t in note_tokens if t.type not in ("paragraph_open", "paragraph_close", "footnote_anchor")]
            notes[note_id] = _MD.renderer.render(kept, _MD.options, env).strip()
            current = None
        elif current is not None:
            current[1].append(token)
    return notes, body


def render_markdown(text, *, footnotes="linked", doc_id=""):
    """Markdown to sanitised HTML. Headings written as # are shifted down so a section's own heading
    stays the only h2. `doc_id` keeps the note anchors of several texts on one page apart."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    if len(text) > MAX_CHARS or nesting_depth(text) > MAX_DEPTH:
        return _plain(text)
    env = {"docId": re.sub(r"[^A-Za-z0-9_-]", "", str(doc_id))} if doc_id else {}
    tokens = _MD.parse(_separate_lists(text), env)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADING_SHIFT.get(token.tag, token.tag)
    if footnotes == "inline":
        notes, tokens = _inline_notes(tokens, env)
        for token in tokens:
            for child in token.children or ():
                if child.type == "footnote_ref":
                    child.type, child.tag, child.nesting = "html_inline", "", 0
                    child.content = f'<span class="footnote">{notes.get(child.meta["id"], "")}</span>'
    html = _MD.renderer.render(tokens, _MD.options, env)
    return nh3.clean(
        html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer", allowed_classes=_ALLOWED_CLASSES,
    )


def footnote_texts(text):
    """The notes of a text, in order, as sanitised inline HTML: the document's list of references."""
    text = (text or "").replace("\r\n", "\n")
    if not text.strip() or len(text) > MAX_CHARS or nesting_depth(text) > MAX_DEPTH or "[^" not in text and "^[" not in text:
        return []
    env = {}
    notes, _ = _inline_notes(_MD.parse(_separate_lists(text), env), env)
    return [nh3.clean(notes[k], tags={"strong", "em", "a", "code"}, attributes={"a": {"href"}},
                      url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
            for k in sorted(notes)]


def check_markdown_fields(obj, names):
    """Model.clean() helper: refuse text the renderer would not show as written, with the reason next
    to the field."""
    from django.core.exceptions import ValidationError

    errors = {}
    for name in names:
        problem = markdown_problems(getattr(obj, name, ""))
        if problem:
            errors[name] = problem
    if errors:
        raise ValidationError(errors)


def preview(text, *, doc_id="preview"):
    """What a box's text will look like in the published document, for the editor's preview: the HTML,
    and the reason it could not be saved as written (the message shown when saving), or None. Text past
    the limits previews as it would print: plain paragraphs."""
    text = text or ""
    return {"html": render_markdown(text, doc_id=doc_id), "problem": markdown_problems(text)}
