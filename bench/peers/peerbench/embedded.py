"""Truth for documents that embed code blocks in a host language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .rle import Runs, runs_from_pieces

EMBEDDED_CAP = 6000


@dataclass(frozen=True)
class Span:
    """Code points ``[start, end)`` of an embedded block and its label."""

    start: int
    end: int
    label: str


def embedded_runs(text: str, spans: Sequence[Span], host: str) -> Runs:
    """Return truth runs: each span's label inside it, ``host`` elsewhere.

    Spans must be sorted and must not overlap.
    """
    pieces = []
    position = 0
    for span in spans:
        if span.start < position or span.end < span.start:
            raise ValueError(f"spans overlap or are unsorted at {span}")
        pieces.append((text[position : span.start], host))
        pieces.append((text[span.start : span.end], span.label))
        position = span.end
    pieces.append((text[position:], host))
    return runs_from_pieces(pieces)


def cut_outside(text: str, spans: Sequence[Span], cap: int = EMBEDDED_CAP) -> int:
    """Return where to cut ``text`` to at most ``cap`` characters, or 0.

    The cut falls after a newline that lies outside every span, and keeps the
    whole of at least one span. A text within ``cap`` is kept whole. The
    result is 0 where no such cut exists.
    """
    if len(text) <= cap:
        return len(text)
    newline = text.rfind("\n", 0, cap)
    while newline >= 0:
        cut = newline + 1
        inside = any(span.start < cut < span.end for span in spans)
        if not inside:
            keeps_span = any(span.end <= cut for span in spans)
            return cut if keeps_span else 0
        newline = text.rfind("\n", 0, newline)
    return 0


def excerpt(
    text: str, spans: Sequence[Span], cap: int = EMBEDDED_CAP
) -> tuple[int, int] | None:
    """Return ``(start, end)`` of an excerpt of at most ``cap`` characters.

    The excerpt contains the first span that fits, with up to ``cap // 4``
    characters of context before it. Both ends fall at line starts outside
    every span, so no span is cut. The result is None where no span fits.
    """
    if len(text) <= cap:
        return (0, len(text))
    for span in spans:
        if span.end - span.start > cap:
            continue
        start = _line_start_before(text, spans, span, span.start - cap // 4)
        if any(other.start < start < other.end for other in spans):
            continue
        shifted = [
            Span(other.start - start, other.end - start, other.label)
            for other in spans
            if other.start >= start
        ]
        end = cut_outside(text[start:], shifted, cap)
        if end:
            return (start, start + end)
    return None


def _line_start_before(
    text: str, spans: Sequence[Span], span: Span, earliest: int
) -> int:
    """Return the first line start in ``[earliest, span.start]`` outside spans.

    Falls back to the start of the line that contains ``span.start``.
    """
    fallback = text.rfind("\n", 0, span.start) + 1
    position = 0 if earliest <= 0 else text.find("\n", earliest - 1) + 1
    while 0 < position <= fallback:
        if not any(other.start < position < other.end for other in spans):
            return position
        position = text.find("\n", position) + 1
    return 0 if earliest <= 0 else fallback
