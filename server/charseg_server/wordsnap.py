"""Move region boundaries out of the middle of words.

The model labels characters, so a switch can land inside an identifier, as in
``import o|rg.apache``. Real text rarely changes language inside a word, so a
boundary between two word characters moves to the nearer edge of its word. It
stays put when neither edge lies within the reach, or when moving it would
make a region shorter than the minimum region length. Labels and confidences
do not change.
"""

from __future__ import annotations

from collections.abc import Sequence

from .regions import Region


def is_word_char(char: str) -> bool:
    """Return whether ``char`` belongs to an identifier or number."""
    return char.isalnum() or char == "_"


def snap_to_words(
    regions: Sequence[Region], text: str, reach: int, min_length: int = 1
) -> list[Region]:
    """Return ``regions`` with each inner boundary moved to a word edge.

    ``reach`` is the farthest a boundary may move, in code points; 0 keeps
    every boundary where it is. No move makes a region shorter than
    ``min_length`` code points, and a region already shorter does not shrink.
    """
    if reach <= 0 or len(regions) < 2:
        return list(regions)
    shortest = max(min_length, 1)
    snapped: list[Region] = []
    start = regions[0].start
    for region, following in zip(regions, regions[1:], strict=False):
        lower = start + shortest - 1
        upper = following.end - shortest + 1
        end = word_edge(text, region.end, lower, upper, reach)
        if (start, end) == (region.start, region.end):
            snapped.append(region)
        else:
            snapped.append(Region(start, end, region.label, region.confidence))
        start = end
    last = regions[-1]
    snapped.append(Region(start, last.end, last.label, last.confidence))
    return snapped


def word_edge(text: str, boundary: int, lower: int, upper: int, reach: int) -> int:
    """Return the word edge nearest ``boundary`` strictly between the limits.

    The result is ``boundary`` itself or lies strictly between ``lower`` and
    ``upper``. The left edge wins a tie.
    """
    if not (is_word_char(text[boundary - 1]) and is_word_char(text[boundary])):
        return boundary
    left = boundary
    while left > lower and boundary - left < reach and is_word_char(text[left - 1]):
        left -= 1
    left_valid = left > lower and not is_word_char(text[left - 1])
    right = boundary
    while right < upper and right - boundary < reach and is_word_char(text[right]):
        right += 1
    right_valid = right < upper and not is_word_char(text[right])
    if left_valid and (not right_valid or boundary - left <= right - boundary):
        return left
    if right_valid:
        return right
    return boundary
