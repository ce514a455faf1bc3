"""The result of analysing one version of a document.

An :class:`Analysis` is immutable and belongs to exactly one document version and one
set of settings. Every view the server offers (the ``charseg/regions`` payload,
diagnostics, hover, hints, symbols, folding, code actions) is derived from it, so
they always agree with each other.
"""

from __future__ import annotations

import bisect
import enum
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from charseg_server.lsp.findings import Findings, find_findings
from charseg_server.lsp.languages import label_for_language_id
from charseg_server.lsp.markdown import Fence, find_fences
from charseg_server.lsp.positions import LineIndex
from charseg_server.lsp.settings import Settings
from charseg_server.regions import Region


class Status(enum.StrEnum):
    """Outcome of an analysis: regions, or the reason why there are none."""

    OK = "ok"
    TOO_LARGE = "tooLarge"
    BINARY = "binary"
    NO_MODEL = "noModel"
    FAILED = "failed"


@dataclass(frozen=True)
class Snapshot:
    """The text of one document version, taken when its analysis starts."""

    uri: str
    version: int
    language_id: str
    text: str

    @property
    def is_markdown(self) -> bool:
        """Whether the document is Markdown, whose fences get their own checks."""
        return self.language_id.lower() == "markdown"


@dataclass(frozen=True, eq=False)
class Analysis:
    """Regions of one document version, with what is needed to present them."""

    snapshot: Snapshot
    status: Status
    #: Non-empty regions in text order, tiling the text. Their boundaries never
    #: fall inside a CRLF line end (see :meth:`LineIndex.snap`).
    regions: tuple[Region, ...]
    #: The model's labels; empty when no model is loaded.
    labels: tuple[str, ...]
    settings: Settings
    #: Negotiated LSP position encoding.
    encoding: str
    index: LineIndex
    #: Why the status is not OK, for messages and logs.
    detail: str = ""

    @property
    def uri(self) -> str:
        """URI of the analysed document."""
        return self.snapshot.uri

    @property
    def version(self) -> int:
        """Version of the analysed document."""
        return self.snapshot.version

    @property
    def text(self) -> str:
        """Text of the analysed version."""
        return self.snapshot.text

    @cached_property
    def host_label(self) -> str | None:
        """The label that the document's language id maps to, if any."""
        return label_for_language_id(self.snapshot.language_id, self.labels)

    @cached_property
    def fences(self) -> tuple[Fence, ...]:
        """Fenced code blocks; empty unless the document is Markdown."""
        if not self.snapshot.is_markdown:
            return ()
        return tuple(find_fences(self.text))

    @cached_property
    def findings(self) -> Findings:
        """Foreign code and fence issues under this analysis's settings."""
        return find_findings(self)

    @cached_property
    def _starts(self) -> list[int]:
        return [region.start for region in self.regions]

    def region_at(self, offset: int) -> Region | None:
        """Return the region containing ``offset`` (the last one at the text end)."""
        if not self.regions:
            return None
        position = bisect.bisect_right(self._starts, offset) - 1
        return self.regions[max(position, 0)]

    def regions_overlapping(self, start: int, end: int) -> list[Region]:
        """Return the regions sharing at least one character with ``[start, end)``."""
        first = max(bisect.bisect_right(self._starts, start) - 1, 0)
        last = bisect.bisect_left(self._starts, end)
        return [r for r in self.regions[first:last] if r.end > start and r.start < end]

    def content_span(self, start: int, end: int) -> tuple[int, int]:
        """Return ``[start, end)`` without the whitespace at either end.

        Regions often start with the line break of the line before their code and
        end with blank lines. A span of whitespace only comes back unchanged.
        """
        span = self.text[start:end]
        content = span.strip()
        if not content:
            return start, end
        start += len(span) - len(span.lstrip())
        return start, start + len(content)

    def line_extent(self, start: int, end: int) -> tuple[int, int]:
        """Return the 0-based first and last line of the characters ``[start, end)``.

        Whitespace at either end does not count (see :meth:`content_span`). A range
        of whitespace only keeps its own lines.
        """
        start, end = self.content_span(start, end)
        lines = self.index.lines_of(np.array([start, max(start, end - 1)]))
        return int(lines[0]), int(lines[1])


def snap_regions(regions: list[Region], index: LineIndex) -> tuple[Region, ...]:
    """Move region boundaries out of CRLF line ends and drop emptied regions."""
    if not regions:
        return ()
    starts = index.snap(np.array([r.start for r in regions], dtype=np.int64))
    ends = index.snap(np.array([r.end for r in regions], dtype=np.int64))
    snapped = []
    for region, start, end in zip(regions, starts.tolist(), ends.tolist(), strict=True):
        if end <= start:
            continue
        if start == region.start and end == region.end:
            snapped.append(region)
        else:
            snapped.append(
                Region(
                    start=start,
                    end=end,
                    label=region.label,
                    confidence=region.confidence,
                )
            )
    return tuple(snapped)
