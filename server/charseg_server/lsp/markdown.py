"""Fenced code blocks in Markdown, found as CommonMark 0.31 describes them.

A fence opens with three or more backticks or tildes and closes with a line of at
least as many of the same character and nothing else but blanks. An unclosed fence
runs to the end of the document. A backtick fence's info string contains no
backtick.

NOTE: fences are found at any indentation, so that fences inside list items count.
An indented code block (four spaces) whose first line starts with three backticks is
therefore misread as a fence. Fences inside block quotes (``> ````) are not found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_OPENING = re.compile(r"([ \t]*)(`{3,}|~{3,})[ \t]*(\S*)(.*)")


@dataclass(frozen=True)
class Fence:
    """One fenced code block; all positions are code-point offsets."""

    #: Start of the opening line.
    start: int
    #: End of the closing line, line break included (the text end if unclosed).
    end: int
    #: Start and end of the lines between the fence lines; equal if all are blank.
    content_start: int
    content_end: int
    marker: str
    #: Offset of the opening marker's first character.
    marker_start: int
    #: First word of the info string (usually the language), or "".
    info: str
    #: Offsets of the start and end of the info string's first word. Both are the
    #: offset after the marker's blanks when there is no info string.
    info_start: int
    info_end: int

    @property
    def has_content(self) -> bool:
        """Whether any line between the fence lines is not blank."""
        return self.content_end > self.content_start


@dataclass(frozen=True)
class _Opening:
    start: int
    content_start: int
    marker: str
    marker_start: int
    info: str
    info_start: int


def line_spans(text: str):
    """Yield ``(start, content_end, end)`` for each line, with LSP line breaks."""
    for match in _LINE.finditer(text):
        start, end = match.span()
        if start == end and start == len(text) and start > 0:
            break
        content = match.group(0).rstrip("\r\n")
        yield start, start + len(content), end


def find_fences(text: str) -> list[Fence]:
    """Return the fenced code blocks of a Markdown text, in order."""
    fences: list[Fence] = []
    opening: _Opening | None = None
    for start, content_end, end in line_spans(text):
        line = text[start:content_end]
        if opening is None:
            opening = _match_opening(line, start, end)
        elif _closes(line, opening.marker):
            fences.append(_make_fence(text, opening, start, end))
            opening = None
    if opening is not None:
        fences.append(_make_fence(text, opening, len(text), len(text)))
    return fences


def _match_opening(line: str, start: int, end: int) -> _Opening | None:
    match = _OPENING.fullmatch(line)
    if match is None:
        return None
    marker = match.group(2)
    if marker[0] == "`" and "`" in match.group(3) + match.group(4):
        return None
    return _Opening(
        start=start,
        content_start=end,
        marker=marker,
        marker_start=start + match.start(2),
        info=match.group(3),
        info_start=start + match.start(3),
    )


def _closes(line: str, marker: str) -> bool:
    stripped = line.strip(" \t")
    return len(stripped) >= len(marker) and stripped == marker[0] * len(stripped)


def _make_fence(text: str, opening: _Opening, close_start: int, end: int) -> Fence:
    content_end = max(opening.content_start, close_start)
    if not text[opening.content_start : content_end].strip():
        content_end = opening.content_start
    return Fence(
        start=opening.start,
        end=end,
        content_start=opening.content_start,
        content_end=content_end,
        marker=opening.marker,
        marker_start=opening.marker_start,
        info=opening.info,
        info_start=opening.info_start,
        info_end=opening.info_start + len(opening.info),
    )
