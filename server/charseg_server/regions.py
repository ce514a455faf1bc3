"""The segmentation result: labelled regions that tile a text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    """A labelled span of code points; ``end`` is exclusive.

    Offsets index a Python ``str``, so a lone surrogate counts as one code
    point. ``confidence`` is the mean probability of ``label`` over the span.
    """

    start: int
    end: int
    label: str
    confidence: float

    def __len__(self) -> int:
        return self.end - self.start

    def to_dict(self) -> dict[str, object]:
        """Return the region as a JSON-ready dict."""
        return {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "confidence": round(self.confidence, 6),
        }

    def to_list(self) -> list[object]:
        """Return the region as ``[start, end, label, confidence]``."""
        return [self.start, self.end, self.label, round(self.confidence, 6)]


def check_tiling(regions: Sequence[Region], length: int) -> None:
    """Raise ``ValueError`` unless ``regions`` tile ``[0, length)``.

    Tiling means: no gap, no overlap, no empty region, and adjacent regions
    with different labels. An empty text has no regions.
    """
    if length == 0:
        if regions:
            raise ValueError(f"an empty text must have no regions, got {regions}")
        return
    if not regions:
        raise ValueError(f"no regions for a text of {length} code points")
    position = 0
    previous_label = None
    for region in regions:
        if region.start != position or region.end <= region.start:
            raise ValueError(f"region {region} does not start at {position}")
        if region.label == previous_label:
            raise ValueError(f"region {region} repeats the label before it")
        position = region.end
        previous_label = region.label
    if position != length:
        raise ValueError(f"regions end at {position}, the text at {length}")
