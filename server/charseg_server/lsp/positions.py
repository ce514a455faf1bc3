"""Conversion between code-point offsets and LSP positions.

The engine labels code points, but an LSP position is a line number and a column
counted in the code units of the negotiated encoding: UTF-16 (the LSP default),
UTF-8 or UTF-32. LSP 3.17 ends lines at ``\\n``, ``\\r\\n`` and ``\\r`` only, unlike
:meth:`str.splitlines`, which also breaks at form feeds, ``\\x85`` and U+2028.

Lone surrogates (which a UTF-16 editor can hold) count as one UTF-16 unit and as three
UTF-8 bytes, the size Python's ``surrogatepass`` error handler gives them.

A position cannot point between the ``\\r`` and ``\\n`` of a CRLF line end, so offsets
there are moved forward to the start of the next line (:meth:`LineIndex.snap`).
All conversions of many offsets at once run in numpy, so that a 5 MB document costs
tens of milliseconds, not seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np
from lsprotocol import types

from charseg_server.contract import code_points

UTF8 = types.PositionEncodingKind.Utf8
UTF16 = types.PositionEncodingKind.Utf16
UTF32 = types.PositionEncodingKind.Utf32

_CR = 0x0D
_LF = 0x0A


def choose_position_encoding(offered: Sequence[str] | None) -> str:
    """Pick the position encoding to use with a client.

    UTF-16 is chosen whenever the client offers it or offers nothing, because LSP
    3.17 makes it mandatory for every client. Otherwise the first of the client's
    encodings that this server supports (UTF-32 or UTF-8) is chosen.
    """
    if not offered or UTF16 in offered:
        return UTF16
    for name in offered:
        if name in (UTF8, UTF32):
            return name
    return UTF16


def code_units(points: np.ndarray, encoding: str) -> np.ndarray:
    """Return the number of code units of each code point in ``encoding``."""
    if encoding == UTF32:
        return np.ones(len(points), dtype=np.int64)
    if encoding == UTF8:
        units = np.ones(len(points), dtype=np.int64)
        units += points >= 0x80
        units += points >= 0x800
        units += points >= 0x10000
        return units
    return 1 + (points >= 0x10000).astype(np.int64)


class LineIndex:
    """Line starts and cumulative code-unit counts of one immutable text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._cumulative: dict[str, np.ndarray] = {}

    @cached_property
    def points(self) -> np.ndarray:
        """Code points of the text (uint32), lone surrogates included."""
        return code_points(self.text)

    @cached_property
    def line_starts(self) -> np.ndarray:
        """Code-point offset of the first character of each line (int64)."""
        points = self.points
        is_lf = points == _LF
        is_cr = points == _CR
        next_is_lf = np.zeros(len(points), dtype=bool)
        next_is_lf[:-1] = is_lf[1:]
        ends = np.flatnonzero(is_lf | (is_cr & ~next_is_lf)) + 1
        return np.concatenate(([0], ends)).astype(np.int64)

    @property
    def line_count(self) -> int:
        """Number of lines. A text ending with a line break has an empty last line."""
        return len(self.line_starts)

    def cumulative_units(self, encoding: str) -> np.ndarray:
        """Return the code units before each offset ``0..len(text)`` (int64)."""
        cached = self._cumulative.get(encoding)
        if cached is None:
            cached = np.zeros(len(self.points) + 1, dtype=np.int64)
            np.cumsum(code_units(self.points, encoding), out=cached[1:])
            self._cumulative[encoding] = cached
        return cached

    def content_end(self, line: int) -> int:
        """Return the offset where ``line``'s line break (or the text) begins."""
        starts = self.line_starts
        if line + 1 >= len(starts):
            return len(self.points)
        end = int(starts[line + 1]) - 1
        if (
            end > starts[line]
            and self.points[end] == _LF
            and self.points[end - 1] == _CR
        ):
            end -= 1
        return end

    def snap(self, offsets: np.ndarray) -> np.ndarray:
        """Clamp offsets to the text and move those inside a CRLF after its LF."""
        offsets = np.clip(np.asarray(offsets, dtype=np.int64), 0, len(self.points))
        inside = offsets > 0
        inside &= offsets < len(self.points)
        candidates = offsets[inside]
        crlf = (self.points[candidates] == _LF) & (self.points[candidates - 1] == _CR)
        snapped = offsets.copy()
        snapped[np.flatnonzero(inside)[crlf]] += 1
        return snapped

    def lines_of(self, offsets: np.ndarray) -> np.ndarray:
        """Return the line containing each offset (the line a line break ends)."""
        return np.searchsorted(self.line_starts, offsets, side="right") - 1

    def positions(
        self, offsets: np.ndarray, encoding: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """Convert offsets to ``(lines, characters)`` arrays in ``encoding``.

        Offsets inside a CRLF line end are snapped first (see :meth:`snap`).
        """
        offsets = self.snap(offsets)
        lines = self.lines_of(offsets)
        cumulative = self.cumulative_units(encoding)
        characters = cumulative[offsets] - cumulative[self.line_starts[lines]]
        return lines, characters

    def position(self, offset: int, encoding: str) -> types.Position:
        """Convert one offset to an LSP position."""
        lines, characters = self.positions(np.array([offset]), encoding)
        return types.Position(line=int(lines[0]), character=int(characters[0]))

    def range(self, start: int, end: int, encoding: str) -> types.Range:
        """Convert a pair of offsets to an LSP range."""
        lines, characters = self.positions(np.array([start, end]), encoding)
        return types.Range(
            start=types.Position(line=int(lines[0]), character=int(characters[0])),
            end=types.Position(line=int(lines[1]), character=int(characters[1])),
        )

    def line_units(self, line: int, encoding: str) -> np.ndarray:
        """Return cumulative code units from the start of ``line`` to its end.

        Element ``k`` counts the units of the line's first ``k`` code points,
        without the line break.
        """
        start = int(self.line_starts[line])
        end = self.content_end(line)
        units = np.zeros(end - start + 1, dtype=np.int64)
        np.cumsum(code_units(self.points[start:end], encoding), out=units[1:])
        return units

    def offset(self, position: types.Position, encoding: str) -> int:
        """Convert an LSP position to an offset.

        A line past the end maps to the end of the text. A column past the end of
        its line maps to the line end, as LSP 3.17 requires. A column inside a
        multi-unit character maps to the start of that character.
        """
        if position.line < 0:
            return 0
        if position.line >= self.line_count:
            return len(self.points)
        start = int(self.line_starts[position.line])
        units = self.line_units(position.line, encoding)
        column = max(position.character, 0)
        return start + int(np.searchsorted(units, column, side="right")) - 1

    def splits_character(self, position: types.Position, encoding: str) -> bool:
        """Return whether ``position`` falls inside one multi-unit character."""
        if position.line < 0 or position.line >= self.line_count:
            return False
        units = self.line_units(position.line, encoding)
        column = position.character
        if column <= 0 or column >= units[-1]:
            return False
        index = int(np.searchsorted(units, column, side="left"))
        return bool(units[index] != column)
