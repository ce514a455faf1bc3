"""The segmentation engine: from text to labelled regions.

A request encodes each text, plans its windows (:mod:`.windows`), runs the
windows through the model in batches of equal-length rows, summarizes each
core into argmax runs (:mod:`.runs`) and smooths the runs into regions
(:mod:`.smoothing`).
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .contract import encode
from .model import Model
from .newlines import FoldedText
from .regions import Region
from .runs import RunSummary, concatenate, summarize
from .smoothing import Segments, group_runs, merge_short
from .viterbi import viterbi
from .windows import Window, plan_windows
from .wordsnap import snap_to_words

log = logging.getLogger(__name__)


class DocumentTooLargeError(ValueError):
    """Raised for a text longer than ``SegmentOptions.max_chars``."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            f"document of {length:,} characters exceeds the limit of {limit:,} "
            "characters (SegmentOptions.max_chars)"
        )
        self.length = length
        self.limit = limit


@dataclass
class SegmentOptions:
    """Settings of one segmentation request."""

    switch_penalty: float = 8.0
    """Viterbi cost per label switch, in log-probability units."""
    min_region: int = 8
    """Regions shorter than this (in code points) merge into a neighbour."""
    host_language: str | None = None
    """The document's languageId, favoured by ``host_prior``; ignored when the
    model has no such label."""
    host_prior: float = 0.5
    """Log-probability bonus per character for the host label."""
    snap_reach: int = 32
    """Farthest a region boundary moves to leave the middle of a word, in code
    points (see :mod:`.wordsnap`); 0 keeps boundaries where the model puts them."""
    max_chars: int = 10_000_000
    """Maximum text length accepted, in code points."""
    batch_size: int = 16
    """Windows per model call. With onnxruntime 1.31 on a 2-core x86_64 CPU, a
    batch of 64 windows raised the process to about 330 MB resident and a batch
    of 16 to about 130 MB, at a similar speed."""

    def __post_init__(self) -> None:
        if not 0 <= self.switch_penalty < math.inf:
            raise ValueError(
                f"switch_penalty must be finite and >= 0, got {self.switch_penalty}"
            )
        if not math.isfinite(self.host_prior):
            raise ValueError(f"host_prior must be finite, got {self.host_prior}")
        if self.min_region < 0:
            raise ValueError(f"min_region must be >= 0, got {self.min_region}")
        if self.snap_reach < 0:
            raise ValueError(f"snap_reach must be >= 0, got {self.snap_reach}")
        if self.max_chars < 0:
            raise ValueError(f"max_chars must be >= 0, got {self.max_chars}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")

    def replace(self, **changes: object) -> SegmentOptions:
        """Return a copy with ``changes`` applied (and validated)."""
        return dataclasses.replace(self, **changes)


class Segmenter:
    """Segments texts with one model; safe to share between documents."""

    def __init__(self, model: Model, options: SegmentOptions | None = None) -> None:
        self.model = model
        self.options = options or SegmentOptions()

    @property
    def labels(self) -> tuple[str, ...]:
        return self.model.labels

    def segment(self, text: str, options: SegmentOptions | None = None) -> list[Region]:
        """Label ``text``; the regions tile it in code-point offsets."""
        return self.segment_many([text], options)[0]

    def segment_many(
        self, texts: Sequence[str], options: SegmentOptions | None = None
    ) -> list[list[Region]]:
        """Label several texts, batching their windows together.

        The result for each text is the same as from :meth:`segment` alone.
        """
        opts = options or self.options
        for text in texts:
            check_size(text, opts)
        folded = [FoldedText.of(text) for text in texts]
        encoded = [encode(folded_text.text) for folded_text in folded]
        plans = [plan_windows(ids, self.model.contract.window) for ids in encoded]
        jobs = [
            (ids, w) for ids, plan in zip(encoded, plans, strict=True) for w in plan
        ]
        summaries = self.summarize_windows(jobs, opts.batch_size)
        del jobs, encoded  # the ids (4 bytes per character) are no longer needed
        documents = _join_per_text(summaries, plans)
        del summaries  # keep one copy of the runs while decoding
        results: list[list[Region]] = []
        for document, folded_text in zip(documents, folded, strict=True):
            if document is None:
                results.append([])
                continue
            regions = decode_summary(document, self.labels, opts)
            regions = snap_to_words(
                regions, folded_text.text, opts.snap_reach, opts.min_region
            )
            results.append(folded_text.unfold(regions))
        return results

    def summarize_windows(
        self, jobs: Sequence[tuple[np.ndarray, Window]], batch_size: int
    ) -> list[RunSummary]:
        """Run windows, given as (ids of their text, window), and summarize cores.

        Windows of equal length share batches, whichever text they come from.
        Results come back in the order of ``jobs``.
        """
        summaries: list[RunSummary | None] = [None] * len(jobs)
        for batch in _batches_by_length(jobs, batch_size):
            rows = [jobs[i][0][jobs[i][1].start : jobs[i][1].end] for i in batch]
            probs = self.model.run(np.stack(rows))
            for row, job_index in enumerate(batch):
                window = jobs[job_index][1]
                core_start = window.core_start - window.start
                core_end = window.core_end - window.start
                summaries[job_index] = summarize(probs[row, core_start:core_end])
        return summaries  # type: ignore[return-value]

    def decode(
        self, summaries: Sequence[RunSummary], options: SegmentOptions
    ) -> list[Region]:
        """Smooth the core summaries of one text into regions."""
        if not summaries:
            return []
        return decode_summary(concatenate(summaries), self.labels, options)


def check_size(text: str, options: SegmentOptions) -> None:
    """Raise :class:`DocumentTooLargeError` if ``text`` exceeds the limit."""
    if len(text) > options.max_chars:
        raise DocumentTooLargeError(len(text), options.max_chars)


def decode_summary(
    summary: RunSummary, labels: Sequence[str], options: SegmentOptions
) -> list[Region]:
    """Viterbi-decode the runs, merge short regions and build :class:`Region`s."""
    path = viterbi(emissions_of(summary, labels, options), options.switch_penalty)
    return regions_from_path(path, summary, labels, options)


def emissions_of(
    summary: RunSummary, labels: Sequence[str], options: SegmentOptions
) -> np.ndarray:
    """Return the Viterbi emissions of the runs: log-probabilities plus host prior."""
    emissions = summary.log_prob_sums
    host = _host_index(labels, options.host_language)
    if host is not None:
        emissions = emissions.copy()
        emissions[:, host] += options.host_prior * summary.lengths
    return emissions


def regions_from_path(
    path: np.ndarray,
    summary: RunSummary,
    labels: Sequence[str],
    options: SegmentOptions,
) -> list[Region]:
    """Group the runs by decoded label, merge short regions, build regions."""
    segments = group_runs(path, summary.lengths, summary.prob_sums)
    segments = merge_short(segments, options.min_region)
    return _to_regions(segments, labels)


def _host_index(labels: Sequence[str], host_language: str | None) -> int | None:
    if host_language is None:
        return None
    if host_language not in labels:
        log.debug("host language %r is not a model label; no prior", host_language)
        return None
    return labels.index(host_language)


def _to_regions(segments: Segments, labels: Sequence[str]) -> list[Region]:
    ends = np.cumsum(segments.lengths).tolist()
    starts = [0, *ends[:-1]]
    confidences = segments.confidences().tolist()
    return [
        Region(start, end, labels[label], confidence)
        for start, end, label, confidence in zip(
            starts, ends, segments.labels.tolist(), confidences, strict=True
        )
    ]


def _join_per_text(
    summaries: list[RunSummary], plans: Sequence[Sequence[Window]]
) -> list[RunSummary | None]:
    """Concatenate each text's window summaries; ``None`` for an empty text."""
    documents: list[RunSummary | None] = []
    position = 0
    for plan in plans:
        own = summaries[position : position + len(plan)]
        documents.append(concatenate(own) if own else None)
        position += len(plan)
    return documents


def _batches_by_length(
    jobs: Sequence[tuple[np.ndarray, Window]], batch_size: int
) -> Iterator[list[int]]:
    """Yield job indices in batches whose windows all have the same length."""
    by_length: dict[int, list[int]] = {}
    for index, (_, window) in enumerate(jobs):
        by_length.setdefault(window.length, []).append(index)
    for group in by_length.values():
        for i in range(0, len(group), batch_size):
            yield group[i : i + batch_size]
