"""Region boundaries move out of the middle of words."""

from __future__ import annotations

import pytest
from engine_support import segmenter
from hypothesis import given, settings
from hypothesis import strategies as st

from charseg_server.engine import SegmentOptions
from charseg_server.regions import Region, check_tiling
from charseg_server.wordsnap import is_word_char, snap_to_words


def two_regions(text: str, boundary: int) -> list[Region]:
    return [
        Region(0, boundary, "python", 0.9),
        Region(boundary, len(text), "scala", 0.8),
    ]


def alternating_regions(text: str, cuts: list[int]) -> list[Region]:
    """Build Python and Scala regions in turn, split at each cut inside ``text``."""
    ends = sorted({cut for cut in cuts if cut < len(text)} | {len(text)})
    labels = ["python", "scala"]
    regions = []
    start = 0
    for index, end in enumerate(ends):
        regions.append(Region(start, end, labels[index % 2], 0.5))
        start = end
    return regions


def boundaries(regions: list[Region]) -> list[int]:
    return [region.end for region in regions[:-1]]


def test_snap_moves_to_nearer_edge() -> None:
    text = "import org.apache.spark"
    # "import o|rg": the start of "org" is one step left, its end two steps right.
    assert boundaries(snap_to_words(two_regions(text, 8), text, 32)) == [7]
    # "import or|g": the end of "org" is now nearer.
    assert boundaries(snap_to_words(two_regions(text, 9), text, 32)) == [10]


def test_snap_tie_goes_left() -> None:
    text = "x = abcd + 1"
    assert boundaries(snap_to_words(two_regions(text, 6), text, 32)) == [4]


def test_snap_keeps_non_word_boundaries() -> None:
    text = "a = 'SELECT 1'"
    for boundary in (4, 5, 13):
        regions = two_regions(text, boundary)
        assert snap_to_words(regions, text, 32) == regions


def test_snap_keeps_labels_and_confidences() -> None:
    text = "import org.apache"
    snapped = snap_to_words(two_regions(text, 8), text, 32)
    assert [(r.label, r.confidence) for r in snapped] == [
        ("python", 0.9),
        ("scala", 0.8),
    ]


def test_snap_reach_limits_move() -> None:
    text = "a " + "w" * 40 + " b"
    regions = two_regions(text, 22)
    assert snap_to_words(regions, text, 8) == regions
    assert boundaries(snap_to_words(regions, text, 32)) == [2]
    assert snap_to_words(regions, text, 0) == regions


def test_snap_never_empties_region() -> None:
    # The only edge of the word on the left is the start of the first region.
    text = "abcdef ghi"
    assert boundaries(snap_to_words(two_regions(text, 2), text, 32)) == [6]
    # Neither edge leaves both regions a character: the boundary stays.
    text = "abcdef"
    regions = two_regions(text, 3)
    assert snap_to_words(regions, text, 32) == regions


def test_snap_moved_boundary_limits_next() -> None:
    text = "alpha beta"
    regions = [
        Region(0, 3, "python", 0.9),
        Region(3, 4, "scala", 0.8),
        Region(4, len(text), "sql", 0.7),
    ]
    # "alp|h|a beta": the first boundary has no edge that keeps both of its
    # regions, so it stays. The second moves right, to the end of "alpha".
    assert boundaries(snap_to_words(regions, text, 32)) == [3, 5]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ab_1 .\n\u00e9\U0001f600", min_size=2, max_size=60),
    cuts=st.lists(st.integers(min_value=1, max_value=59), max_size=6),
    reach=st.integers(min_value=0, max_value=40),
)
def test_snap_keeps_tiling(text: str, cuts: list[int], reach: int) -> None:
    regions = alternating_regions(text, cuts)
    snapped = snap_to_words(regions, text, reach)
    check_tiling(snapped, len(text))
    for old, new in zip(regions[:-1], snapped[:-1], strict=True):
        moved = new.end != old.end
        assert not moved or abs(new.end - old.end) <= reach
        if moved:
            assert not is_word_char(text[new.end - 1]) or not is_word_char(
                text[new.end]
            )


def test_snap_keeps_min_length() -> None:
    text = "import org.apache.spark"
    # Snapping "import o|rg" left would shorten the first region to "import " (7).
    regions = two_regions(text, 8)
    assert boundaries(snap_to_words(regions, text, 32, min_length=8)) == [10]
    assert boundaries(snap_to_words(regions, text, 32, min_length=14)) == [8]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ab_1 .\n", min_size=2, max_size=60),
    cuts=st.lists(st.integers(min_value=1, max_value=59), max_size=6),
    min_length=st.integers(min_value=1, max_value=12),
)
def test_snap_respects_min_length(text: str, cuts: list[int], min_length: int) -> None:
    regions = alternating_regions(text, cuts)
    snapped = snap_to_words(regions, text, 32, min_length)
    check_tiling(snapped, len(text))
    for old, new in zip(regions, snapped, strict=True):
        assert len(new) >= min(len(old), min_length)


def test_snap_rejects_negative_reach() -> None:
    with pytest.raises(ValueError, match="snap_reach"):
        SegmentOptions(snap_reach=-1)


def test_bundled_model_keeps_words_whole() -> None:
    text = (
        "def count(words):\n"
        "    return len(words)\n\n"
        'SPARK_JOB = """\n'
        "import org.apache.spark.sql.SparkSession\n\n"
        "object WordCount {\n"
        "  def main(args: Array[String]): Unit = {\n"
        '    val spark = SparkSession.builder.appName("count").getOrCreate()\n'
        "  }\n"
        "}\n"
        '"""\n'
    )
    regions = segmenter().segment(text)
    assert {region.label for region in regions} >= {"python", "scala"}
    for boundary in boundaries(regions):
        around = text[boundary - 8 : boundary + 8]
        inside = is_word_char(text[boundary - 1]) and is_word_char(text[boundary])
        assert not inside, f"boundary inside a word at {boundary}: {around!r}"
