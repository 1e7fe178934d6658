"""Server-drawn charts: the data and a text alternative are in them, and nothing runs or loads from elsewhere."""
import base64
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from partnerships import charts

SVG = "{http://www.w3.org/2000/svg}"


def assert_safe_and_described(chart, title):
    root = ET.fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    # <title> and <desc> come first, so assistive technology announces them.
    assert [child.tag for child in root[:2]] == [f"{SVG}title", f"{SVG}desc"]
    assert root[0].text == title
    assert root[1].text == chart.description
    assert root.get("role") == "img"
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert "<script" not in chart.svg and "javascript:" not in chart.svg
    # No reference to anything outside the document: the only URL is the SVG namespace itself.
    assert set(re.findall(r"https?://[^\s\"')]+", chart.svg)) <= {"http://www.w3.org/2000/svg"}
    assert not re.search(r"(?:href|src)=\"(?!#)", chart.svg)
    assert "<!--" not in chart.svg
    # The data URL embeds exactly this SVG.
    assert base64.b64decode(chart.data_uri.split(",", 1)[1]).decode() == chart.svg


def test_the_prevalence_gap_chart():
    chart = charts.prevalence_gap_chart(
        period_label="2025–26", estimate=6140,
        figures=[("Contacts", 412, "For every child in a contact …"), ("Plans", 154, "For every child on a plan …")],
        source="One in ten, national estimate.",
    )
    assert_safe_and_described(chart, "The prevalence gap, 2025–26")
    assert "6,140" in chart.description and "Plans: 154" in chart.description
    assert "One in ten, national estimate." in chart.description
    # The values are drawn (printed on the bars) and given in the table.
    texts = [el.text for el in ET.fromstring(chart.svg).iter() if el.text]
    assert "6140" in texts and "412" in texts and "154" in texts
    assert chart.headers == ["Measure", "Children"]
    assert chart.rows == [["Estimated to be sexually abused before 16", 6140], ["Contacts", 412], ["Plans", 154]]


def test_the_identification_trend_chart_says_what_is_missing():
    chart = charts.identification_trend_chart(
        period_labels=["2024–25", "2025–26"], series=[("Plans", [120, 154]), ("Offences", [None, 301])],
    )
    assert_safe_and_described(chart, "Identification of child sexual abuse over time")
    assert "Plans: 2024–25 120, 2025–26 154." in chart.description
    assert "Offences: 2024–25 not recorded, 2025–26 301." in chart.description
    assert chart.rows == [["2024–25", 120, None], ["2025–26", 154, 301]]


def test_the_status_chart_counts_each_group():
    chart = charts.status_chart(
        title="Actions by status, per aim",
        groups=[("Aim 1", {"on_track": 3, "completed": 2}), ("Aim 2", {"off_track": 1})],
        statuses=[("on_track", "On track"), ("off_track", "Off track"), ("completed", "Completed")],
        label_header="Aim",
    )
    assert_safe_and_described(chart, "Actions by status, per aim")
    assert "Aim 1: 3 on track, 0 off track, 2 completed." in chart.description
    assert chart.headers == ["Aim", "On track", "Off track", "Completed"]
    assert chart.rows == [["Aim 1", 3, 0, 2], ["Aim 2", 0, 1, 0]]


def test_progress_over_time_from_snapshots():
    chart = charts.progress_over_time_chart(
        snapshots=[{"date": date(2026, 1, 31), "counts": {"on_track": 4, "completed": 1}},
                   {"date": date(2026, 2, 28), "counts": {"on_track": 3, "completed": 2}}],
        statuses=[("on_track", "On track"), ("completed", "Completed")],
    )
    assert_safe_and_described(chart, "Plan progress over time")
    assert "28 Feb 2026: 3 on track, 2 completed." in chart.description
    assert chart.rows == [["31 Jan 2026", 4, 1], ["28 Feb 2026", 3, 2]]


@pytest.mark.parametrize("horizontal,stacked", [(False, False), (True, False), (False, True), (True, True)])
def test_every_kind_of_bar_chart_is_safe(horizontal, stacked):
    chart = charts.bar_chart(title="T", description="D", labels=["a", "b"], series=[("s", [1, 2])],
                             horizontal=horizontal, stacked=stacked)
    assert_safe_and_described(chart, "T")


def test_the_same_data_draw_the_same_chart():
    """An export's fingerprint is a hash of its HTML, so a chart must not change between renderings."""
    def draw(count):
        return charts.prevalence_gap_chart(period_label="2025–26", estimate=6140, figures=[("Plans", count, "…")],
                                           source="S").svg

    assert draw(154) == draw(154)
    assert draw(154) != draw(155)


def test_the_estimate_is_drawn_apart_from_what_agencies_identified():
    chart = charts.prevalence_gap_chart(period_label="2025–26", estimate=6140, figures=[("Plans", 154, "…")],
                                        source="S")
    bars = re.findall(r'class="bar" style="fill: (#[0-9a-f]{6})', chart.svg)
    assert bars == [charts.ESTIMATE_COLOUR, charts.IDENTIFIED_COLOUR]


def _plot_offset(root):
    plot = next(g for g in root.iter(f"{SVG}g") if (g.get("class") or "") == "plot")
    x, y = re.match(r"translate\(([\d.]+), ([\d.]+)\)", plot.get("transform")).groups()
    return float(x), float(y)


def _label_boxes(root):
    """Each y-axis label of a horizontal chart: its lines and its box (left, top, right, bottom) in the plot's
    coordinates, with pygal's own estimate of text width (0.6 em a character)."""
    boxes = []
    axis = next(g for g in root.iter(f"{SVG}g") if (g.get("class") or "") == "axis y")
    for text in axis.iter(f"{SVG}text"):
        lines = [t.text for t in text.iter(f"{SVG}tspan")] or [text.text]
        x, y = float(text.get("x")), float(text.get("y"))
        first = y + float(text.find(f"{SVG}tspan").get("dy")) if lines != [text.text] else y
        width = max(len(line) for line in lines) * 0.6 * 13
        boxes.append((lines, (x - width, first - 13, x, first + (len(lines) - 1) * charts.LABEL_LINE_HEIGHT + 3)))
    return boxes


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


LONG = [
    "Estimated to be sexually abused before 16",
    "Contacts to children's social care about sexual abuse in the year",
    "Children on a child protection plan for sexual abuse",
    "Crimes recorded",
]


def test_long_labels_wrap_and_cannot_overlap_the_bars_their_values_or_each_other():
    chart = charts.prevalence_gap_chart(period_label="2025–26", estimate=6140,
                                        figures=[(label, n, "") for label, n in zip(LONG[1:], (412, 154, 9))],
                                        source="One in ten.")
    root = ET.fromstring(chart.svg)
    left, _ = _plot_offset(root)
    boxes = _label_boxes(root)
    assert [" ".join(lines) for lines, _ in boxes] == LONG  # wrapped, every word kept
    assert all(len(line) <= charts.LABEL_LINE_CHARS for lines, _ in boxes for line in lines)
    assert max(len(lines) for lines, _ in boxes) > 1
    bars = [(float(r.get("x")), float(r.get("y")), float(r.get("x")) + float(r.get("width")),
             float(r.get("y")) + float(r.get("height"))) for r in root.iter(f"{SVG}rect") if "rect" in (r.get("class") or "")]
    values = []
    for text in root.iter(f"{SVG}text"):
        if text.get("class") == "value":
            width = len(text.text) * 0.6 * 12
            x = float(text.get("x"))
            start = x - width / 2 if text.get("text-anchor") == "middle" else x
            values.append((start, float(text.get("y")) - 12, start + width, float(text.get("y")) + 3))
    for _, box in boxes:
        assert box[0] >= -left, "a label runs off the chart's left edge"
        assert box[2] <= 0, "a label reaches into the plot"
        assert not any(_overlap(box, bar) for bar in bars)
        assert not any(_overlap(box, value) for value in values)
    for a, (_, box) in enumerate(boxes):
        assert not any(_overlap(box, other) for _, other in boxes[a + 1:]), "two labels overlap"
    # A value too wide for its short bar sits just after the bar, not across its edge.
    for value in values:
        bar = min(bars, key=lambda b: abs((b[1] + b[3]) / 2 - (value[1] + value[3]) / 2))
        assert (bar[0] <= value[0] and value[2] <= bar[2]) or value[0] >= bar[2]


def test_many_long_labels_make_the_chart_taller_rather_than_crowd_it():
    groups = [(f"Aim {n}: children and young people are safer from sexual abuse where they live", {"on_track": n})
              for n in range(1, 9)]
    chart = charts.status_chart(title="Actions by status, per aim", groups=groups, statuses=[("on_track", "On track")])
    root = ET.fromstring(chart.svg)
    assert float(root.get("viewBox").split()[3]) > 420
    boxes = [box for _, box in _label_boxes(root)]
    for a, box in enumerate(boxes):
        assert not any(_overlap(box, other) for other in boxes[a + 1:])
    assert [row[0] for row in chart.rows] == [label for label, _ in groups]
