"""The Word version of a document, made from the very HTML its PDF is rendered from.

`render_docx(html)` walks the document's HTML (lxml) and writes a .docx with python-docx: headings become
Word's Title and Heading 1–4 styles, paragraphs keep their bold, italic and links, lists become Word's list
paragraphs (restarting their numbering, three levels deep), tables become Word tables with the caption above
and the header row repeated on every page, raster images (the logo) are embedded with their alternative
text, and each footnote becomes a real Word footnote at the foot of its page. Whatever section or table the
PDF gains later appears in Word too, with no second template to keep in step.

What only print needs is left out: the contents page becomes a Word contents field (Word fills it in on
opening), and the page counters and running headers live in the print stylesheet, which is not read.
Charts are SVG, which python-docx cannot embed: a chart's alternative text stands in its place, and its
figures follow in the table beside it in the HTML.

Groups of record blocks laid out one block per record in print (the action plan: one block per action,
each field labelled) are marked `data-word-row` in the template: consecutive ones become one Word table,
a row per block and a column per field, headed by the fields' labels.
"""
import base64
import binascii
import copy
import io
import logging
import re

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.image.exceptions import UnrecognizedImageError
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import html as lxml_html

# h1 is the document's title on its cover; the sections (h2) are Word's top level, so Word's navigation
# pane and contents list the sections rather than one title with everything under it.
HEADING_STYLES = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3", "h5": "Heading 4",
                  "h6": "Heading 4"}
LIST_STYLES = {"ul": ("List Bullet", "List Bullet 2", "List Bullet 3"),
               "ol": ("List Number", "List Number 2", "List Number 3")}
CONTINUE_STYLES = ("List Continue", "List Continue 2", "List Continue 3")
INLINE_TAGS = {"a", "abbr", "b", "br", "cite", "code", "em", "i", "img", "kbd", "mark", "q", "s", "small", "span",
               "strong", "sub", "sup", "time", "u", "var"}
SKIPPED_TAGS = {"head", "style", "script", "template", "hr", "colgroup", "col", "button", "form"}
# Shown on screen only, or only meaningful in print.
SKIPPED_CLASSES = {"govuk-visually-hidden", "footnotes", "footnote-backref"}
# Blocks after which the PDF turns the page.
PAGE_BREAK_AFTER_CLASSES = {"cover"}
RASTER_IMAGE = re.compile(r"^data:image/(png|jpeg|jpg|gif);base64,(.*)$", re.DOTALL)
SPACES = re.compile(r"\s+")
MAX_IMAGE_WIDTH = Cm(16)


def _classes(element):
    return set((element.get("class") or "").split())


def _skipped(element):
    return (not isinstance(element.tag, str) or element.tag in SKIPPED_TAGS
            or bool(_classes(element) & SKIPPED_CLASSES) or element.get("hidden") is not None)


# --- Inline content: text runs with their formatting -----------------------------------------------


class _Run:
    __slots__ = ("text", "bold", "italic", "code", "sup", "sub", "href", "kind", "payload")

    def __init__(self, text="", kind="text", payload=None, **fmt):
        self.text, self.kind, self.payload = text, kind, payload
        self.bold, self.italic = fmt.get("bold", False), fmt.get("italic", False)
        self.code, self.sup, self.sub = fmt.get("code", False), fmt.get("sup", False), fmt.get("sub", False)
        self.href = fmt.get("href")


def _format_of(element, fmt):
    tag = element.tag
    fmt = dict(fmt)
    if tag in ("strong", "b", "th"):
        fmt["bold"] = True
    elif tag in ("em", "i", "cite", "var"):
        fmt["italic"] = True
    elif tag in ("code", "kbd"):
        fmt["code"] = True
    elif tag == "sup":
        fmt["sup"] = True
    elif tag == "sub":
        fmt["sub"] = True
    elif tag == "a":
        href = (element.get("href") or "").strip()
        # Links within the document (to an action, a section) read as plain text: Word has no target for them.
        if href.startswith(("http://", "https://", "mailto:")):
            fmt["href"] = href
    return fmt


def _inline_child(child, fmt, runs):
    """Add one inline child (not its tail) to `runs`."""
    if _skipped(child):
        return
    if child.tag == "br":
        runs.append(_Run(kind="break"))
    elif child.tag == "span" and "footnote" in _classes(child):
        runs.append(_Run(kind="footnote", payload=child))
    elif child.tag == "img":
        runs.append(_Run(kind="image", payload=child))
    elif child.tag in INLINE_TAGS:
        _inline_runs(child, _format_of(child, fmt), runs)
    else:  # a block inside inline content (a paragraph in a note): its text, set apart by a space
        _inline_runs(child, fmt, runs)
        runs.append(_Run(" ", **fmt))


def _inline_runs(element, fmt, runs):
    """Collect the runs of `element`'s content (its text and inline children) into `runs`."""
    if element.text:
        runs.append(_Run(element.text, **fmt))
    for child in element:
        _inline_child(child, fmt, runs)
        if child.tail:
            runs.append(_Run(child.tail, **fmt))
    return runs


def _is_inline(element):
    return isinstance(element.tag, str) and (element.tag in INLINE_TAGS)


def _collapse(runs):
    """HTML's white space rules: runs of spaces and newlines read as one space, none at either end."""
    out, space_before = [], True
    for run in runs:
        if run.kind != "text":
            out.append(run)
            space_before = run.kind == "break"
            continue
        text = SPACES.sub(" ", run.text)
        if space_before:
            text = text.lstrip(" ")
        if not text:
            continue
        space_before = text.endswith(" ")
        run.text = text
        out.append(run)
    while out and out[-1].kind == "text" and out[-1].text.endswith(" "):
        out[-1].text = out[-1].text.rstrip(" ")
        if not out[-1].text:
            out.pop()
    while out and out[-1].kind == "break":
        out.pop()
    return out


def _plain_text(runs):
    return "".join(r.text for r in runs if r.kind == "text").strip()


# --- The writer ------------------------------------------------------------------------------------


class _Container:
    """Where blocks go: the document's body, a table cell or a footnote. A new cell comes with one empty
    paragraph, which the first block written into it takes."""

    def __init__(self, target, spare=None, styles=None):
        self.target, self.spare, self.styles = target, spare, styles

    def paragraph(self, style=None):
        if style is not None and self.styles is not None:
            style = self.styles(style)
        if self.spare is not None:
            paragraph, self.spare = self.spare, None
            if style:
                paragraph.style = style
            return paragraph
        return self.target.add_paragraph(style=style)

    def table(self, rows, cols):
        if self.spare is not None:
            # A cell's first paragraph stays, empty, above a table that opens the cell.
            self.spare = None
        return self.target.add_table(rows, cols)


class WordWriter:
    def __init__(self, *, title="", author="", language="en-GB"):
        self.document = Document()
        self.language = language
        self._footnotes = None
        self._next_footnote = 1
        self._set_properties(title, author, language)
        self._ensure_styles()
        # Looking a style up by name walks the styles part each time: 20 ms a paragraph at 1,000 actions.
        self._styles = {}

    def style(self, name):
        if name not in self._styles:
            self._styles[name] = self.document.styles[name]
        return self._styles[name]

    def container(self, target, spare=None):
        return _Container(target, spare, self.style)

    # Document set-up ---------------------------------------------------------------------------

    def _set_properties(self, title, author, language):
        props = self.document.core_properties
        props.title, props.author, props.language = title, author, language
        props.last_modified_by, props.comments, props.keywords = author, "", ""
        props.subject = title
        # Word's proofing language for the whole document, from the default run properties.
        styles = self.document.styles.element
        rpr = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            lang = rpr.find(qn("w:lang"))
            if lang is None:
                lang = parse_xml(f"<w:lang {nsdecls('w')}/>")
                rpr.append(lang)
            lang.set(qn("w:val"), language)
            lang.set(qn("w:eastAsia"), language)

    def _ensure_styles(self):
        styles = self.document.styles
        names = {s.name for s in styles}
        if "Hyperlink" not in names:
            style = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
            style.font.color.rgb = RGBColor(0x1D, 0x4F, 0x91)
            style.font.underline = True
        if "Footnote Text" not in names:
            style = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
            style.font.size = Pt(9)
            style.paragraph_format.space_after = Pt(0)
        if "Footnote Reference" not in names:
            style = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
            style.font.superscript = True

    # Footnotes ---------------------------------------------------------------------------------

    def _footnotes_part(self):
        """The footnotes part, made on first use with Word's two separator notes (ids -1 and 0)."""
        if self._footnotes is None:
            sep = '<w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:{0}/></w:r></w:p>'
            xml = (f"<w:footnotes {nsdecls('w', 'r')}>"
                   f'<w:footnote w:type="separator" w:id="-1">{sep.format("separator")}</w:footnote>'
                   f'<w:footnote w:type="continuationSeparator" w:id="0">{sep.format("continuationSeparator")}</w:footnote>'
                   "</w:footnotes>")
            package = self.document.part.package
            self._footnotes = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(xml), package)
            self.document.part.relate_to(self._footnotes, RT.FOOTNOTES)
        return self._footnotes

    def _add_footnote(self, paragraph, span):
        part = self._footnotes_part()
        note_id = self._next_footnote
        self._next_footnote += 1
        note = parse_xml(
            f'<w:footnote {nsdecls("w")} w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
            '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
            '<w:r><w:t xml:space="preserve"> </w:t></w:r></w:p></w:footnote>'
        )
        part.element.append(note)
        note_paragraph = Paragraph(note[0], _PartParent(part))
        self._write_runs(note_paragraph, _collapse(_inline_runs(span, {}, [])), allow_notes=False)
        run = paragraph.add_run()
        run.style = self.style("Footnote Reference")
        run._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{note_id}"/>'))

    # Runs --------------------------------------------------------------------------------------

    def _write_runs(self, paragraph, runs, *, allow_notes=True):
        for item in runs:
            if item.kind == "break":
                paragraph.add_run().add_break(WD_BREAK.LINE)
            elif item.kind == "footnote":
                if allow_notes:
                    self._add_footnote(paragraph, item.payload)
            elif item.kind == "image":
                self._image(paragraph, item.payload)
            elif item.href:
                self._hyperlink(paragraph, item)
            else:
                self._format(self._run(paragraph, item.text), item)

    @staticmethod
    def _run(paragraph, text):
        """A run of text appended to the paragraph. python-docx's add_run(text) reads the text a character at
        a time for tabs and line breaks, which collapsed text no longer has: 8 s of 20 at 1,000 actions."""
        r = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = text
        t.set(qn("xml:space"), "preserve")
        r.append(t)
        paragraph._p.append(r)
        return Run(r, paragraph)

    @staticmethod
    def _format(run, item):
        if item.bold:
            run.bold = True
        if item.italic:
            run.italic = True
        if item.code:
            run.font.name = "Courier New"
        if item.sup:
            run.font.superscript = True
        if item.sub:
            run.font.subscript = True
        return run

    def _hyperlink(self, paragraph, item):
        """A link to a web address, as Word's hyperlink around the run (related from the paragraph's part:
        the document's, or the footnotes')."""
        r_id = paragraph.part.relate_to(item.href, RT.HYPERLINK, is_external=True)
        link = parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{r_id}"/>')
        run = self._run(paragraph, item.text)
        paragraph._p.remove(run._r)
        link.append(run._r)
        paragraph._p.append(link)
        run.style = self.style("Hyperlink")
        self._format(run, item)

    # Blocks ------------------------------------------------------------------------------------

    def paragraph(self, container, runs, style=None):
        runs = _collapse(runs)
        if not any(r.kind != "break" for r in runs):
            return None
        paragraph = container.paragraph(style)
        self._write_runs(paragraph, runs)
        return paragraph

    def blocks(self, element, container, *, list_level=0):
        """Write an element's children as blocks; inline content between block children becomes paragraphs."""
        pending = []
        if element.text:
            pending.append(_Run(element.text))
        children = list(element)
        index = 0
        while index < len(children):
            child = children[index]
            if _skipped(child):
                if child.tail:
                    pending.append(_Run(child.tail))
                index += 1
                continue
            if child.get("data-word-row") is not None:
                self.paragraph(container, pending)
                pending = []
                group = [child]
                while index + 1 < len(children) and children[index + 1].get("data-word-row") is not None:
                    index += 1
                    group.append(children[index])
                self.record_table(group, container)
                index += 1
                continue
            if _is_inline(child):
                _inline_child(child, {}, pending)
            else:
                self.paragraph(container, pending, CONTINUE_STYLES[list_level - 1] if list_level else None)
                pending = []
                self.block(child, container, list_level=list_level)
            if child.tail:
                pending.append(_Run(child.tail))
            index += 1
        self.paragraph(container, pending, CONTINUE_STYLES[list_level - 1] if list_level else None)

    def block(self, element, container, *, list_level=0):
        tag = element.tag
        if tag in HEADING_STYLES:
            runs = _inline_runs(element, {}, [])
            if _plain_text(_collapse(list(runs))):
                self.paragraph(container, runs, HEADING_STYLES[tag])
        elif tag == "p":
            style = CONTINUE_STYLES[list_level - 1] if list_level else None
            self.paragraph(container, _inline_runs(element, {}, []), style)
        elif tag in ("ul", "ol"):
            self.list(element, container, level=min(list_level + 1, 3))
        elif tag == "table":
            self.table(element, container)
        elif tag == "nav" and "contents" in _classes(element):
            self.contents(container)
        elif tag == "img":
            runs = []
            _inline_child(element, {}, runs)
            self.paragraph(container, runs)
        elif tag == "figcaption":
            self.paragraph(container, _inline_runs(element, {}, []), "Caption")
        elif tag == "blockquote":
            for child in element:
                if not _skipped(child):
                    self.paragraph(container, _inline_runs(child, {}, []), "Quote")
        elif tag == "pre":
            runs = [_Run(line, code=True) for line in (element.text_content() or "").split("\n")]
            paragraph = container.paragraph()
            for i, run in enumerate(runs):
                if i:
                    paragraph.add_run().add_break(WD_BREAK.LINE)
                self._format(paragraph.add_run(run.text), run)
        else:  # div, section, header, main, figure, dl...: a container of blocks
            self.blocks(element, container, list_level=list_level)
        if _classes(element) & PAGE_BREAK_AFTER_CLASSES and container.target is self.document:
            self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def list(self, element, container, *, level):
        style = LIST_STYLES[element.tag][level - 1]
        num = self._restart_numbering(style, element.get("start")) if element.tag == "ol" else None
        for item in element:
            if _skipped(item) or item.tag != "li":
                continue
            # The item's first line is the list paragraph (in a loose list, its first <p>); its later
            # paragraphs continue the item, and its nested lists go one level deeper.
            runs = [_Run(item.text)] if item.text else []
            children = [c for c in item if isinstance(c.tag, str)]
            rest = []
            for position, child in enumerate(children):
                if _is_inline(child):
                    _inline_child(child, {}, runs)
                    if child.tail:
                        runs.append(_Run(child.tail))
                    continue
                if child.tag == "p" and not _plain_text(_collapse(list(runs))):
                    _inline_runs(child, {}, runs)
                    rest = children[position + 1:]
                else:
                    rest = children[position:]
                break
            paragraph = self.paragraph(container, runs, style) or container.paragraph(style)
            if num is not None:
                self._set_numbering(paragraph, num)
            for child in rest:
                if _skipped(child):
                    continue
                if child.tag in ("ul", "ol"):
                    self.list(child, container, level=min(level + 1, 3))
                elif _is_inline(child):
                    runs = []
                    _inline_child(child, {}, runs)
                    self.paragraph(container, runs, CONTINUE_STYLES[level - 1])
                else:
                    self.block(child, container, list_level=level)
                if child.tail and child.tail.strip():
                    self.paragraph(container, [_Run(child.tail)], CONTINUE_STYLES[level - 1])

    def _restart_numbering(self, style_name, start):
        """A numbering instance of its own for this list, so each numbered list counts from 1 (or `start`):
        Word's list styles otherwise share one count across the whole document."""
        style = self.document.styles[style_name].element
        num_pr = style.find(qn("w:pPr") + "/" + qn("w:numPr"))
        if num_pr is None or num_pr.find(qn("w:numId")) is None:
            return None
        base_num = num_pr.find(qn("w:numId")).get(qn("w:val"))
        ilvl = num_pr.find(qn("w:ilvl"))
        level = ilvl.get(qn("w:val")) if ilvl is not None else "0"
        numbering = self.document.part.numbering_part.element
        abstract_id = None
        for num in numbering.findall(qn("w:num")):
            if num.get(qn("w:numId")) == base_num:
                abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        if abstract_id is None:
            return None
        new_id = max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1
        first = int(start) if (start or "").isdigit() else 1
        numbering.append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{new_id}"><w:abstractNumId w:val="{abstract_id}"/>'
            f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{first}"/></w:lvlOverride></w:num>'
        ))
        return (new_id, level)

    @staticmethod
    def _set_numbering(paragraph, num):
        num_id, level = num
        p_pr = paragraph._p.get_or_add_pPr()
        p_pr.append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))

    def contents(self, container):
        """The contents page: Word's own contents field over Heading 1–3, filled in when the file opens."""
        self._run(container.paragraph("TOC Heading"), "Contents")
        paragraph = container.paragraph()
        run = paragraph.add_run()
        run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="begin" w:dirty="true"/>'))
        run = paragraph.add_run()
        run._r.append(parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText>'))
        run = paragraph.add_run()
        run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="separate"/>'))
        paragraph.add_run("The contents are listed when the document is opened in Word (or update the field).")
        run = paragraph.add_run()
        run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>'))
        settings = self.document.settings.element
        if settings.find(qn("w:updateFields")) is None:
            settings.append(parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>'))
        if container.target is self.document:
            self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _image(self, paragraph, element):
        """A raster image (the logo) embedded with its alternative text; anything else (an SVG chart) by its
        alternative text."""
        alt = SPACES.sub(" ", element.get("alt") or "").strip()
        match = RASTER_IMAGE.match(element.get("src") or "")
        if match:
            try:
                data = base64.b64decode(match.group(2))
                image = self.document.part.package.get_or_add_image_part(io.BytesIO(data)).image
            except (binascii.Error, UnrecognizedImageError, ValueError):
                image = None  # an image Word cannot take: its text stands in
            if image is not None:
                shape = paragraph.add_run().add_picture(io.BytesIO(data), width=min(image.width, MAX_IMAGE_WIDTH))
                shape._inline.docPr.set("descr", alt)
                return
        if alt:
            paragraph.add_run(alt).italic = True

    def table(self, element, container):
        caption = element.find("caption")
        if caption is not None:
            self.paragraph(container, _inline_runs(caption, {}, []), "Caption")
        rows = []  # (tr, in_head)
        for part in element:
            if part.tag == "thead":
                rows.extend((tr, True) for tr in part if tr.tag == "tr")
            elif part.tag in ("tbody", "tfoot"):
                rows.extend((tr, False) for tr in part if tr.tag == "tr")
            elif part.tag == "tr":
                rows.append((part, False))
        rows = [(tr, head) for tr, head in rows if not _skipped(tr)]
        if not rows:
            return
        if not any(head for _, head in rows):
            first = rows[0][0]
            if all(cell.tag == "th" for cell in first if isinstance(cell.tag, str)):
                rows[0] = (first, True)

        def cells_of(tr):
            return [c for c in tr if isinstance(c.tag, str) and c.tag in ("th", "td")]

        def span(cell):
            value = cell.get("colspan") or "1"
            return max(1, int(value)) if value.isdigit() else 1

        width = max(sum(span(c) for c in cells_of(tr)) for tr, _ in rows)
        table = container.table(len(rows), width)
        table.style = self.style("Table Grid")
        # python-docx finds a row, and a row's cells, by walking the table: take them once.
        for (tr, head), row in zip(rows, list(table.rows)):
            if head:
                _repeat_header(row)
            col = 0
            row_cells = row.cells
            for cell in cells_of(tr):
                if col >= width:
                    break
                n = min(span(cell), width - col)
                target = row_cells[col]
                if n > 1:
                    target = target.merge(row_cells[col + n - 1])
                self.cell(cell, target, bold=cell.tag == "th")
                col += n

    def cell(self, element, cell, *, bold=False):
        container = self.container(cell, cell.paragraphs[0])
        self.blocks(element, container)
        if bold:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    if run.bold is None:
                        run.bold = True

    def record_table(self, blocks, container):
        """Record blocks laid out one per record in print, as one table: a column per labelled field."""
        def fields(block):
            return [c for c in block if isinstance(c.tag, str) and not _skipped(c)]

        headers = []
        for field in fields(blocks[0]):
            label = field.find(".//*[@class='label']")
            headers.append(_plain_text(_collapse(_inline_runs(label, {}, []))) if label is not None else "")
        table = container.table(len(blocks) + 1, len(headers))
        table.style = self.style("Table Grid")
        rows = list(table.rows)
        _repeat_header(rows[0])
        for cell, header in zip(rows[0].cells, headers):
            self._run(cell.paragraphs[0], header).bold = True
        for row, block in zip(rows[1:], blocks):
            for cell, field in zip(row.cells, fields(block)[:len(headers)]):
                field = copy.deepcopy(field)
                for label in field.findall(".//*[@class='label']"):
                    _drop_keeping_tail(label)
                self.paragraph(self.container(cell, cell.paragraphs[0]), _inline_runs(field, {}, []))

    def save(self):
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


class _PartParent:
    """The parent a footnote's paragraph reports: links in a note are related from the footnotes part."""

    def __init__(self, part):
        self.part = part


def _repeat_header(row):
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))


def _drop_keeping_tail(element):
    parent = element.getparent()
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def render_docx(html, *, title=None, author=None, language=None):
    """The Word version of a document's HTML, as bytes. The title, author and language are read from the
    HTML's <title>, <meta name="author"> and <html lang> unless given."""
    root = lxml_html.document_fromstring(html)
    if title is None:
        found = root.find(".//title")
        title = SPACES.sub(" ", found.text_content()).strip() if found is not None else ""
    if author is None:
        found = root.find(".//meta[@name='author']")
        author = (found.get("content") or "").strip() if found is not None else ""
    language = language or root.get("lang") or "en-GB"
    writer = WordWriter(title=title, author=author, language=language)
    body = root.find("body")
    writer.blocks(body if body is not None else root, writer.container(writer.document))
    return writer.save()


def render_docx_if_possible(html):
    """The Word version, or None when it cannot be made. The PDF is the document a partnership publishes:
    it never fails because of its Word version. The error is logged, the row keeps no Word file, and asking
    for the document again tries again."""
    try:
        return render_docx(html)
    except Exception:  # any fault of the conversion; the PDF stands
        logging.getLogger(__name__).exception("The Word version could not be made")
        return None
