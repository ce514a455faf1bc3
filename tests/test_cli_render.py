"""Colours and renderers: terminal text and HTML pages."""

from __future__ import annotations

import re

import pytest

from charseg_server.colors import (
    COLORS,
    FALLBACK_COLOR,
    color_for,
    contrast_ratio,
    relative_luminance,
    text_color,
)
from charseg_server.contract import LABELS
from charseg_server.regions import Region
from charseg_server.render import (
    printable,
    render_ansi,
    render_ansi_legend,
    render_html,
    split_by_truth,
)

ANSI = re.compile("\x1b\\[[0-9;]*m")


def test_every_label_has_a_colour():
    assert set(COLORS) == set(LABELS)


def test_colours_are_distinct():
    assert len(set(COLORS.values())) == len(COLORS)
    assert FALLBACK_COLOR not in COLORS.values()


@pytest.mark.parametrize("label", sorted(COLORS))
def test_colour_readable_on_light_and_dark(label):
    color = COLORS[label]
    assert re.fullmatch("#[0-9A-F]{6}", color)
    assert 0.12 <= relative_luminance(color) <= 0.34
    assert contrast_ratio(color, "#FFFFFF") >= 2.8
    assert contrast_ratio(color, "#000000") >= 2.8
    assert contrast_ratio(color, text_color(color)) >= 4.5


def test_unknown_label_gets_fallback():
    assert color_for("cobol") == FALLBACK_COLOR


def test_printable_escapes_controls():
    assert printable("a\x1b[31mb") == "a\u241b[31mb"
    assert printable("x\r\ny\rz") == "x\ny\nz"
    assert printable("\x00\t\n") == "\u2400\t\n"
    assert printable("\x9b") == "\ufffd"
    assert printable("a\u202eb\u2067c") == "a\ufffdb\ufffdc"
    assert printable("a\x85b") == "a\u2424b"


def test_printable_replaces_lone_surrogates():
    result = printable("a\ud800b")
    assert result == "a\ufffdb"
    result.encode("utf-8")


def test_render_ansi_colours_each_region():
    text = "def f():\n    pass\nval x = 1\n"
    regions = [Region(0, 18, "python", 0.9), Region(18, 28, "scala", 0.8)]
    rendered = render_ansi(text, regions)
    assert ANSI.sub("", rendered) == text
    assert "\x1b[48;2;35;104;165m" in rendered  # python #2368A5
    assert "\x1b[48;2;36;169;115m" in rendered  # scala #24A973
    for line in rendered.split("\n")[:-1]:
        assert not line or line.endswith("\x1b[0m")


def test_render_ansi_neutralises_escapes_in_text():
    text = "evil\x1b]0;title\x07 text"
    rendered = render_ansi(text, [Region(0, len(text), "plaintext", 0.5)])
    without_styles = ANSI.sub("", rendered)
    assert "\x1b" not in without_styles
    assert "\x07" not in without_styles


def test_render_ansi_empty_text():
    assert render_ansi("", []) == ""
    assert "no regions" in render_ansi_legend([])


def test_legend_lists_shares():
    regions = [Region(0, 75, "python", 0.9), Region(75, 100, "scala", 0.8)]
    legend = ANSI.sub("", render_ansi_legend(regions))
    lines = legend.strip().split("\n")
    assert "python" in lines[0]
    assert "75.0%" in lines[0]
    assert "scala" in lines[1]
    assert "25.0%" in lines[1]


def test_split_by_truth():
    regions = [Region(0, 10, "python", 0.9), Region(10, 20, "scala", 0.8)]
    truth = [(0, 8, "python"), (12, 20, "scala")]
    pieces = split_by_truth(regions, truth)
    spans = [(start, end, region.label, true) for start, end, region, true in pieces]
    assert spans == [
        (0, 8, "python", "python"),
        (8, 10, "python", None),
        (10, 12, "scala", None),
        (12, 20, "scala", "scala"),
    ]


def test_render_html_escapes_and_titles():
    text = "<script>alert(1)</script>\nSELECT 1;"
    regions = [Region(0, 26, "html", 0.7), Region(26, len(text), "sql", 0.6)]
    page = render_html(text, regions, title="a <b> file")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "a &lt;b&gt; file" in page
    assert 'title="html, confidence 0.70, characters 0-26 (26)"' in page
    assert 'title="sql, confidence 0.60' in page
    assert "accuracy" not in page


def test_render_html_with_truth_marks_errors():
    text = "x = 1\nval y = 2\n"
    regions = [Region(0, len(text), "python", 0.9)]
    truth = [(0, 6, "python"), (6, len(text), "scala")]
    page = render_html(text, regions, title="t", truth=truth)
    assert page.count('class="truth"') == 1
    assert page.count('class="truth wrong"') == 1
    assert "true label scala" in page
    assert "37.50%" in page  # 6 of 16 characters right
