"""Findings about a document: foreign code and Markdown fence issues.

Diagnostics, inlay hints in ``foreign`` mode and code actions are all built from the
findings, so each diagnostic has its actions and each foreign hint its diagnostic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from charseg_server.lsp.languages import (
    PROSE_LABELS,
    are_compatible,
    fence_name,
    label_for_fence_info,
    label_for_language_id,
)
from charseg_server.lsp.markdown import Fence

if TYPE_CHECKING:
    from charseg_server.lsp.analysis import Analysis
    from charseg_server.regions import Region


@dataclass(frozen=True)
class ForeignCode:
    """A stretch of a region in another language than the document's.

    The stretch starts at its first character of code and ends after its last,
    without the line breaks and blank lines that the region may carry at its edges.
    """

    start: int
    end: int
    label: str
    confidence: float


@dataclass(frozen=True)
class FenceLanguage:
    """The language detected inside a fence.

    ``confidence`` is the region confidence summed over the characters of ``label``
    and divided by the fence's length, so a block only half in ``label`` scores at
    most 50%.
    """

    label: str
    confidence: float


@dataclass(frozen=True)
class UnlabelledFence:
    """A fence without an info string whose language was detected."""

    fence: Fence
    detected: FenceLanguage


@dataclass(frozen=True)
class FenceMismatch:
    """A fence whose info string names another language than the detected one."""

    fence: Fence
    detected: FenceLanguage
    named_label: str


@dataclass(frozen=True)
class Findings:
    """All findings of one analysis, in text order within each kind."""

    foreign: tuple[ForeignCode, ...] = ()
    unlabelled: tuple[UnlabelledFence, ...] = ()
    mismatched: tuple[FenceMismatch, ...] = ()


def find_findings(analysis: Analysis) -> Findings:
    """Return the findings of an analysis under its settings."""
    if not analysis.regions:
        return Findings()
    ignored = _ignored_labels(analysis)
    unlabelled: list[UnlabelledFence] = []
    mismatched: list[FenceMismatch] = []
    threshold = analysis.settings.confidence_threshold
    for fence in analysis.fences:
        detected = detect_fence_language(analysis, fence)
        if detected is None or detected.label in ignored:
            continue
        if detected.confidence < threshold:
            continue
        if not fence.info:
            if fence_name(detected.label) is not None:
                unlabelled.append(UnlabelledFence(fence, detected))
            continue
        named = label_for_fence_info(fence.info, analysis.labels)
        if named is None or detected.label in PROSE_LABELS | {"other"}:
            continue
        if not are_compatible(detected.label, named):
            mismatched.append(FenceMismatch(fence, detected, named))
    return Findings(
        foreign=tuple(_find_foreign_code(analysis, ignored)),
        unlabelled=tuple(unlabelled),
        mismatched=tuple(mismatched),
    )


def _ignored_labels(analysis: Analysis) -> set[str]:
    ignored = set()
    for name in analysis.settings.ignore_languages:
        ignored.add(label_for_language_id(name, analysis.labels) or name)
    return ignored


def _find_foreign_code(analysis: Analysis, ignored: set[str]) -> list[ForeignCode]:
    host = analysis.host_label
    if host is None or host in PROSE_LABELS:
        return []
    settings = analysis.settings
    found = []
    for region in analysis.regions:
        if region.label in PROSE_LABELS or region.label in ignored:
            continue
        if are_compatible(region.label, host):
            continue
        if region.confidence < settings.confidence_threshold:
            continue
        for part in _outside_fences(analysis, region):
            start, end = analysis.content_span(*part)
            if analysis.text[start:end].isspace():
                continue
            if end - start >= settings.min_region:
                found.append(ForeignCode(start, end, region.label, region.confidence))
    return found


def _outside_fences(analysis: Analysis, region: Region) -> list[tuple[int, int]]:
    """Return the parts of a region outside fenced code blocks."""
    parts = []
    start = region.start
    for fence in analysis.fences:
        if fence.end <= start or fence.start >= region.end:
            continue
        if fence.start > start:
            parts.append((start, fence.start))
        start = max(start, fence.end)
    if start < region.end:
        parts.append((start, region.end))
    return parts


def detect_fence_language(analysis: Analysis, fence: Fence) -> FenceLanguage | None:
    """Return the majority label inside a fence's content, or None if it is blank."""
    if not fence.has_content:
        return None
    lengths: dict[str, int] = {}
    weights: dict[str, float] = {}
    start, end = fence.content_start, fence.content_end
    for region in analysis.regions_overlapping(start, end):
        overlap = min(region.end, end) - max(region.start, start)
        lengths[region.label] = lengths.get(region.label, 0) + overlap
        weight = weights.get(region.label, 0.0) + overlap * region.confidence
        weights[region.label] = weight
    if not lengths:
        return None
    label = max(lengths, key=lengths.__getitem__)
    return FenceLanguage(label, weights[label] / (end - start))
