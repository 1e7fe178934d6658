"""Charts drawn on the server as SVG with pygal, each with its text alternative.

A chart is an SVG with a <title> and <desc>, no script and no external
reference, plus the same data as a table. Pages embed it as an <img> of a
data: URL: pygal styles its SVG with an inline <style> element, which the
page's style-src 'self' policy would refuse if the SVG were inlined, whereas
an image is its own document in which no script can run. The PDF export
embeds the same image, so the page and the document show the same chart.
"""
import base64
import hashlib
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import pygal
from pygal.etree import etree as pygal_etree
from pygal.style import Style

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
# pygal builds its tree with lxml whenever lxml is installed (python-docx brings it in): keep it on the
# standard library's ElementTree, which the clean-up in `_finish` uses, so the SVG stays as it was.
pygal_etree.to_etree()

# GOV.UK palette colours, chosen to stay distinguishable for most colour-blind readers.
PORTAL_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f",
    font_family="Arial, Helvetica, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=18,
    value_font_size=12,
    colors=("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f", "#b58840", "#912b88"),
)

# The estimate stands apart from what agencies identified (light, like the iceberg below the
# waterline), light enough for the black value printed on it to stay readable.
ESTIMATE_COLOUR = "#9fc3e4"
IDENTIFIED_COLOUR = "#1d70b8"

STATUS_COLOURS = {
    "not_started": "#505a5f",
    "on_track": "#1d70b8",
    "at_risk": "#f47738",
    "off_track": "#d4351c",
    "completed": "#00703c",
    "cancelled": "#b1b4b6",
}


@dataclass
class Chart:
    """An SVG chart and its text alternative: title, description and the data as a table."""

    title: str
    description: str
    svg: str
    caption: str
    headers: list
    rows: list = field(default_factory=list)

    @property
    def data_uri(self):
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")


def _config(**overrides):
    config = {
        "style": PORTAL_STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 800,
        "height": 420,
        "print_values": False,
        "legend_at_bottom": True,
        "truncate_legend": -1,
        "truncate_label": -1,
        "explicit_size": False,
    }
    config.update(overrides)
    return config


# A bar's label longer than this many characters wraps onto several lines. pygal draws each label as one
# line and makes room for the longest, so a long label squeezed the plot to a sliver and, rendered in the
# PDF's font, ran into the bars and their values.
LABEL_LINE_CHARS = 26
LABEL_LINE_HEIGHT = 15  # px, for label_font_size 13
# pygal's own estimate of a text's width (pygal.util.text_len), used to place values beside short bars.
CHAR_WIDTH = 0.6


def _wrap(label):
    return textwrap.wrap(str(label), LABEL_LINE_CHARS) or [""]


def _stand_ins(labels):
    """For each label, a one-line stand-in as long as its longest wrapped line, for pygal to measure and
    draw; `_wrap_labels` puts the real lines in its place."""
    lines = [_wrap(label) for label in labels]
    stand_ins = []
    for i, label_lines in enumerate(lines):
        token = f"@{i}@"
        stand_ins.append(token + "_" * max(0, max(len(line) for line in label_lines) - len(token)))
    return stand_ins, dict(zip(stand_ins, zip(labels, lines)))


def _wrap_labels(root, wrapped):
    """Replace pygal's one-line stand-ins with the label's lines (tspans centred on the bar) and the
    full label where pygal repeats it (a bar's description)."""
    for element in root.iter():
        if element.text not in wrapped:
            continue
        label, lines = wrapped[element.text]
        if element.tag not in ("text", f"{{{SVG_NS}}}text"):
            element.text = str(label)
            continue
        element.text = None
        x = element.get("x")
        for number, line in enumerate(lines):
            tspan = ET.SubElement(element, "tspan", x=x)
            tspan.set("dy", f"{-(len(lines) - 1) * LABEL_LINE_HEIGHT / 2:g}" if number == 0 else str(LABEL_LINE_HEIGHT))
            tspan.text = line


def _elements(root, tag):
    """pygal's elements carry no namespace until written out; parsed SVG's do."""
    return [element for element in root.iter() if element.tag in (tag, f"{{{SVG_NS}}}{tag}")]


def _values_beside_short_bars(root, font_size):
    """A value printed in the middle of a bar too short to hold it overlapped the bar's edge and the label
    before it: put it just after the bar's end instead."""
    rects = [r for r in _elements(root, "rect") if "rect" in (r.get("class") or "").split()]
    for text in _elements(root, "text"):
        if "value" not in (text.get("class") or "").split() or not rects:
            continue
        y = float(text.get("y"))
        rect = min(rects, key=lambda r: abs(float(r.get("y")) + float(r.get("height")) / 2 - y))
        width = len(text.text or "") * CHAR_WIDTH * font_size
        if width + 8 > float(rect.get("width")):
            text.set("x", f"{float(rect.get('x')) + float(rect.get('width')) + 4:g}")
            text.set("text-anchor", "start")


def _finish(chart, title, description, wrapped=None, printed_values=False):
    """Render a pygal chart to SVG text with <title> and <desc> first and no script or comments."""
    # pygal names each chart with a random id; one derived from the content keeps the same chart
    # byte-for-byte the same, so an export's fingerprint changes only when its data do.
    chart.uuid = hashlib.sha256(f"{title}\n{description}".encode()).hexdigest()[:32]
    root = chart.render_tree()
    if wrapped:
        _wrap_labels(root, wrapped)
        if printed_values:
            _values_beside_short_bars(root, PORTAL_STYLE.value_font_size)
    for parent in root.iter():
        for child in list(parent):
            if child.tag is ET.Comment or child.tag in ("script", f"{{{SVG_NS}}}script"):
                parent.remove(child)
    desc = ET.Element("desc")
    desc.text = description
    title_el = ET.Element("title")
    title_el.text = title
    root.insert(0, desc)
    root.insert(0, title_el)
    root.set("role", "img")
    return ET.tostring(root, encoding="unicode")


def bar_chart(*, title, description, labels, series, horizontal=False, stacked=False, colours=None, caption=None,
              label_header="", y_title=None, bar_colours=None):
    """A bar chart of `series` [(name, [value per label])] over `labels`, with its data table.

    `bar_colours`, one per label, colours the bars of a single series one by one.
    """
    kind = {
        (False, False): pygal.Bar, (True, False): pygal.HorizontalBar,
        (False, True): pygal.StackedBar, (True, True): pygal.HorizontalStackedBar,
    }[(horizontal, stacked)]
    style = PORTAL_STYLE
    if colours:
        style = Style(**{**_style_dict(), "colors": tuple(colours)})
    wrapped = None
    overrides = {}
    if horizontal:
        chart_labels, wrapped = _stand_ins(labels)
        # Room for every label's lines: a band per bar as tall as the longest label (plus a gap).
        lines = max(len(lines) for _, lines in wrapped.values()) if labels else 1
        overrides["height"] = max(420, 114 + len(labels) * (lines * LABEL_LINE_HEIGHT + 12))
    else:
        chart_labels = labels
    chart = kind(**_config(style=style, title=title, y_title=y_title, print_values=not stacked, **overrides))
    chart.x_labels = chart_labels
    for name, values in series:
        if bar_colours:
            values = [{"value": v, "color": c} for v, c in zip(values, bar_colours)]
        chart.add(name, list(values))
    rows = [[label, *[values[i] for _, values in series]] for i, label in enumerate(labels)]
    return Chart(
        title=title, description=description, svg=_finish(chart, title, description, wrapped, printed_values=not stacked),
        caption=caption or title, headers=[label_header, *[name for name, _ in series]], rows=rows,
    )


def _style_dict():
    return {name: getattr(PORTAL_STYLE, name) for name in (
        "background", "plot_background", "foreground", "foreground_strong", "foreground_subtle", "font_family",
        "label_font_size", "major_label_font_size", "legend_font_size", "title_font_size", "value_font_size",
    )}


def line_chart(*, title, description, labels, series, caption=None, label_header="", y_title=None):
    """A line chart of `series` [(name, [value or None per label])] over `labels`, with its data table."""
    chart = pygal.Line(**_config(title=title, y_title=y_title, show_dots=True, dots_size=4, allow_interruptions=True))
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, list(values))
    rows = [[label, *[values[i] for _, values in series]] for i, label in enumerate(labels)]
    return Chart(
        title=title, description=description, svg=_finish(chart, title, description),
        caption=caption or title, headers=[label_header, *[name for name, _ in series]], rows=rows,
    )


def prevalence_gap_chart(*, period_label, estimate, figures, source):
    """The 'tip of the iceberg': the estimate against each identification figure.

    `figures` is a list of (label, count, sentence) in the order agencies meet children.
    """
    labels = ["Estimated to be sexually abused before 16", *[label for label, _, _ in figures]]
    values = [estimate, *[count for _, count, _ in figures]]
    sentences = " ".join(sentence for _, _, sentence in figures)
    description = (
        f"{period_label}: an estimated {estimate:,} children are sexually abused before 16, against "
        + "; ".join(f"{label}: {count:,}" for label, count, _ in figures)
        + f". {sentences} Estimate: {source}"
    )
    return bar_chart(
        title=f"The prevalence gap, {period_label}", description=description, labels=labels,
        series=[("Children", values)], horizontal=True, caption=f"Estimate and identification, {period_label}",
        label_header="Measure", bar_colours=[ESTIMATE_COLOUR] + [IDENTIFIED_COLOUR] * len(figures),
    )


def identification_trend_chart(*, period_labels, series):
    """Each identification figure over the periods; `series` is [(label, [count or None per period])]."""
    description = "Children identified by period. " + " ".join(
        f"{name}: " + ", ".join(f"{p} {'not recorded' if v is None else f'{v:,}'}" for p, v in zip(period_labels, values))
        + "."
        for name, values in series
    )
    return line_chart(
        title="Identification of child sexual abuse over time", description=description, labels=period_labels,
        series=series, label_header="Period",
    )


def status_chart(*, title, groups, statuses, caption=None, label_header=""):
    """Actions by status per group (aim or agency).

    `groups` is [(label, {status: count})]; `statuses` is [(status, label)] in display order.
    """
    labels = [label for label, _ in groups]
    series = [(status_label, [counts.get(status, 0) for _, counts in groups]) for status, status_label in statuses]
    description = " ".join(
        f"{label}: " + ", ".join(f"{counts.get(s, 0)} {sl.lower()}" for s, sl in statuses) + "."
        for label, counts in groups
    )
    return bar_chart(
        title=title, description=description, labels=labels, series=series, horizontal=True, stacked=True,
        colours=[STATUS_COLOURS.get(status, "#505a5f") for status, _ in statuses], caption=caption,
        label_header=label_header,
    )


def progress_over_time_chart(*, snapshots, statuses):
    """Actions by status on each snapshot date.

    `snapshots` is [{"date": date, "counts": {status: count}}] in date order, as kept each night.
    """
    labels = [s["date"].strftime("%d %b %Y") for s in snapshots]
    series = [(label, [s["counts"].get(status, 0) for s in snapshots]) for status, label in statuses]
    description = " ".join(
        f"{d}: " + ", ".join(f"{s['counts'].get(st, 0)} {sl.lower()}" for st, sl in statuses) + "."
        for d, s in zip(labels, snapshots)
    )
    return bar_chart(
        title="Plan progress over time", description=description, labels=labels, series=series, stacked=True,
        colours=[STATUS_COLOURS.get(status, "#505a5f") for status, _ in statuses], label_header="Date",
    )
