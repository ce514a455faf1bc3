"""Line endings: the model reads every line break as a single LF.

Most training text ends its lines with LF, and the few CRLF files come from a
handful of TypeScript and C# packages. A model that saw CR would learn it as a
sign of those languages, so both training and serving fold CRLF and lone CR
to LF before the model reads the text, and map the labels back afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .contract import code_points
from .regions import Region

_CR = 13
_LF = 10


def fold_line_endings(text: str) -> str:
    """Return ``text`` with CRLF and lone CR replaced by LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class FoldedText:
    """A text as the model reads it, and the way back to the original offsets.

    ``starts[k]`` is the original offset where folded character ``k`` begins,
    including a CR that was dropped before it. The last entry is the original
    length. ``starts`` is None when the text has no CR.
    """

    text: str
    starts: np.ndarray | None

    @classmethod
    def of(cls, text: str) -> FoldedText:
        """Fold the line endings of ``text`` and record the original offsets."""
        if "\r" not in text:
            return cls(text, None)
        points = code_points(text)
        is_cr = points == _CR
        dropped = is_cr & np.append(points[1:] == _LF, False)
        kept_indices = np.flatnonzero(~dropped)
        after_dropped = np.append(False, dropped[:-1])
        starts = kept_indices - after_dropped[kept_indices]
        # int32 halves the memory of the map whenever the offsets fit in it.
        dtype = np.int32 if len(points) < 2**31 else np.int64
        starts = np.append(starts, len(points)).astype(dtype)
        return cls(fold_line_endings(text), starts)

    def unfold(self, regions: list[Region]) -> list[Region]:
        """Map regions over the folded text back to the original offsets."""
        if self.starts is None:
            return regions
        starts = self.starts
        return [
            replace(r, start=int(starts[r.start]), end=int(starts[r.end]))
            for r in regions
        ]
