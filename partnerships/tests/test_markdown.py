"""Text written in the portal's boxes becomes safe HTML, and a list typed under a line is a list."""
from partnerships.templatetags.portal import render_markdown


def test_a_list_typed_straight_under_a_line_is_a_list():
    html = render_markdown("By the end of the strategy:\n- more children tell\n- staff feel confident")
    assert html.startswith("<p>By the end of the strategy:</p>")
    assert "<ul>\n<li>more children tell</li>\n<li>staff feel confident</li>\n</ul>" in html
    assert "- more" not in html


def test_numbered_lists_and_tables_are_left_as_written():
    assert "<ol>" in render_markdown("Steps:\n1. agree\n2. publish")
    table = render_markdown("| Year | Children |\n|---|---|\n| 2025 | 52 |")
    assert "<table>" in table and "<td>52</td>" in table


def test_script_and_attributes_are_removed():
    html = render_markdown('<script>alert(1)</script><a href="javascript:x" onclick="y">link</a>\n\n# Heading')
    # Raw HTML is shown as the text it is, never as markup.
    assert "<script" not in html and "<a " not in html
    assert "&lt;script&gt;" in html
    assert "<h3>Heading</h3>" in html


def test_a_javascript_link_written_in_markdown_loses_its_target():
    html = render_markdown("[click](javascript:alert(1)) and [ok](https://example.org)")
    assert 'href="javascript' not in html and 'href="https://example.org"' in html
