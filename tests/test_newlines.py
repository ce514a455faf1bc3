"""Line endings: CRLF and lone CR give the same labels as LF, at the right offsets."""

from __future__ import annotations

import pytest
from engine_support import mixed_text, segmenter

from charseg_server.incremental import IncrementalSegmenter
from charseg_server.newlines import FoldedText, fold_line_endings
from charseg_server.regions import Region, check_tiling

OPTIONS = {"switch_penalty": 2.0, "min_region": 2}


def region(start: int, end: int, label: str = "python") -> Region:
    return Region(start, end, label, 0.9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\r\nb\r", "a\n\nb\n"),
        ("\r\n\r\n", "\n\n"),
        ("no breaks", "no breaks"),
        ("\ud800\r\n\U0001f40d\r", "\ud800\n\U0001f40d\n"),
    ],
)
def test_fold_line_endings(text, expected):
    assert fold_line_endings(text) == expected
    assert FoldedText.of(text).text == expected


def test_unfold_puts_cr_with_its_line_break():
    folded = FoldedText.of("ab\r\ncd\r\nef")
    assert folded.text == "ab\ncd\nef"
    regions = [region(0, 2), region(2, 5, "scala"), region(5, 8)]
    unfolded = folded.unfold(regions)
    # The CR before each LF joins the region that the LF starts.
    assert [(r.start, r.end) for r in unfolded] == [(0, 2), (2, 6), (6, 10)]
    assert [r.label for r in unfolded] == ["python", "scala", "python"]
    check_tiling(unfolded, 10)


def test_unfold_without_cr_is_identity():
    folded = FoldedText.of("plain\ntext")
    regions = [region(0, 10)]
    assert folded.starts is None
    assert folded.unfold(regions) is regions


def test_unfold_keeps_lone_cr_in_place():
    folded = FoldedText.of("a\rb\r\n")
    assert folded.text == "a\nb\n"
    unfolded = folded.unfold([region(0, 2), region(2, 4, "sql")])
    assert [(r.start, r.end) for r in unfolded] == [(0, 2), (2, 5)]


def lf_regions_in_crlf_offsets(text: str, regions: list[Region]) -> list[tuple]:
    """Shift LF-text regions to where they fall once every LF becomes CRLF."""

    def moved(offset: int) -> int:
        return offset + text.count("\n", 0, offset)

    return [(moved(r.start), moved(r.end), r.label) for r in regions]


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_segment_ignores_line_ending_style(ending):
    engine = segmenter(**OPTIONS)
    text = mixed_text(300, seed=3)
    expected = engine.segment(text)
    with_ending = engine.segment(text.replace("\n", ending))
    assert len(expected) > 1
    assert [r.label for r in with_ending] == [r.label for r in expected]
    assert [r.confidence for r in with_ending] == [r.confidence for r in expected]
    check_tiling(with_ending, len(text.replace("\n", ending)))
    if ending == "\r":
        assert [(r.start, r.end) for r in with_ending] == [
            (r.start, r.end) for r in expected
        ]
    else:
        assert [(r.start, r.end, r.label) for r in with_ending] == (
            lf_regions_in_crlf_offsets(text, expected)
        )


def test_incremental_equals_full_with_crlf():
    engine = segmenter(**OPTIONS)
    text = mixed_text(300, seed=5).replace("\n", "\r\n")
    incremental = IncrementalSegmenter(engine)
    assert incremental.update(text) == engine.segment(text)
    middle = len(text) // 2
    # Split a CRLF pair, then join it again.
    cut = text.index("\r\n", middle) + 1
    split = text[:cut] + "x = 1" + text[cut:]
    assert incremental.update(split) == engine.segment(split)
    assert incremental.update(text) == engine.segment(text)
    assert incremental.windows_run <= 4
