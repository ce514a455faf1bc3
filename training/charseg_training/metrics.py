"""Scores for per-character labels: accuracy, F1, boundaries, latency, noise.

Every function takes integer label arrays of equal length, one entry per code
point: ``truth`` and ``pred``. Scores over several documents are computed by
summing the counts that these functions return, never by averaging ratios.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .calibration import Reliability

BOUNDARY_TOLERANCE = 3
SHORT_REGION = 8
#: Lower bounds of the run-length buckets for accuracy by run length.
RUN_BUCKETS = (1, 50, 100, 200, 500)


def boundaries(labels: np.ndarray) -> np.ndarray:
    """Return the offsets where the label changes (the start of each new run)."""
    labels = np.asarray(labels)
    return np.flatnonzero(labels[1:] != labels[:-1]) + 1


def run_lengths(labels: np.ndarray) -> np.ndarray:
    """Return the length of each run of equal labels."""
    labels = np.asarray(labels)
    if labels.size == 0:
        return np.zeros(0, dtype=np.int64)
    edges = np.concatenate([[0], boundaries(labels), [labels.size]])
    return np.diff(edges)


def match_boundaries(
    truth: np.ndarray, pred: np.ndarray, tolerance: int = BOUNDARY_TOLERANCE
) -> int:
    """Count one-to-one matches between boundary offsets within ``tolerance``.

    Both inputs are sorted offset arrays. A greedy sweep is optimal here because
    both sides are sorted and every match window has the same width.
    """
    matched = 0
    i = j = 0
    while i < len(truth) and j < len(pred):
        if abs(int(truth[i]) - int(pred[j])) <= tolerance:
            matched += 1
            i += 1
            j += 1
        elif pred[j] < truth[i]:
            j += 1
        else:
            i += 1
    return matched


def switch_latencies(truth: np.ndarray, pred: np.ndarray) -> list[int]:
    """Return, for each true boundary, the characters until ``pred`` follows.

    The latency is the offset from the boundary to the first character of the
    new true run that ``pred`` labels correctly. A run that ``pred`` never gets
    right counts its whole length.
    """
    truth = np.asarray(truth)
    pred = np.asarray(pred)
    edges = np.concatenate([boundaries(truth), [truth.size]])
    latencies = []
    for start, end in zip(edges[:-1], edges[1:], strict=True):
        hits = np.flatnonzero(pred[start:end] == truth[start])
        latencies.append(int(hits[0]) if hits.size else int(end - start))
    return latencies


def run_bucket_counts(truth: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Return correct and total characters per true-run-length bucket.

    The result has shape ``(2, len(RUN_BUCKETS))``: row 0 counts characters that
    ``pred`` labels correctly, row 1 all characters, each in the bucket of the
    length of the true run that contains them.
    """
    truth = np.asarray(truth)
    counts = np.zeros((2, len(RUN_BUCKETS)), dtype=np.int64)
    if truth.size == 0:
        return counts
    lengths = run_lengths(truth)
    starts = np.concatenate([[0], boundaries(truth)])
    correct = np.add.reduceat((np.asarray(pred) == truth).astype(np.int64), starts)
    buckets = np.searchsorted(RUN_BUCKETS, lengths, side="right") - 1
    np.add.at(counts[0], buckets, correct)
    np.add.at(counts[1], buckets, lengths)
    return counts


def bucket_name(i: int) -> str:
    """Return the label of run-length bucket ``i``, such as ``50-99``."""
    low = RUN_BUCKETS[i]
    if i + 1 == len(RUN_BUCKETS):
        return f"{low}+"
    return f"{low}-{RUN_BUCKETS[i + 1] - 1}"


@dataclass
class Scores:
    """Counts summed over documents, and the ratios derived from them."""

    num_labels: int
    confusion: np.ndarray = field(init=False)
    true_boundaries: int = 0
    pred_boundaries: int = 0
    matched_boundaries: int = 0
    short_regions: int = 0
    latencies: list[int] = field(default_factory=list)
    files: int = 0
    files_correct: int = 0
    run_buckets: np.ndarray = field(init=False)
    #: Region confidence against correctness (filled by the evaluation).
    reliability: Reliability = field(default_factory=Reliability)

    def __post_init__(self) -> None:
        self.confusion = np.zeros((self.num_labels, self.num_labels), dtype=np.int64)
        self.run_buckets = np.zeros((2, len(RUN_BUCKETS)), dtype=np.int64)

    def add(self, truth: np.ndarray, pred: np.ndarray) -> None:
        """Add one document's labels."""
        truth = np.asarray(truth, dtype=np.int64)
        pred = np.asarray(pred, dtype=np.int64)
        if truth.shape != pred.shape:
            raise ValueError(f"shape mismatch: truth {truth.shape}, pred {pred.shape}")
        np.add.at(self.confusion, (truth, pred), 1)
        true_edges = boundaries(truth)
        pred_edges = boundaries(pred)
        self.true_boundaries += len(true_edges)
        self.pred_boundaries += len(pred_edges)
        self.matched_boundaries += match_boundaries(true_edges, pred_edges)
        self.short_regions += int(np.sum(run_lengths(pred) < SHORT_REGION))
        self.latencies.extend(switch_latencies(truth, pred))
        self.run_buckets += run_bucket_counts(truth, pred)

    def add_file(self, true_label: int, pred: np.ndarray) -> None:
        """Add a single-language file for whole-file top-1 accuracy."""
        pred = np.asarray(pred, dtype=np.int64)
        self.add(np.full(pred.shape, true_label), pred)
        if pred.size:
            majority = int(np.bincount(pred, minlength=self.num_labels).argmax())
            self.files += 1
            self.files_correct += int(majority == true_label)

    @property
    def characters(self) -> int:
        return int(self.confusion.sum())

    def accuracy(self) -> float:
        return float(np.trace(self.confusion) / max(self.characters, 1))

    def per_label(self) -> dict[int, dict[str, float]]:
        """Return precision, recall, F1 and support for each label with data."""
        result = {}
        for i in range(self.num_labels):
            tp = self.confusion[i, i]
            predicted = self.confusion[:, i].sum()
            actual = self.confusion[i, :].sum()
            if predicted == 0 and actual == 0:
                continue
            precision = tp / predicted if predicted else 0.0
            recall = tp / actual if actual else 0.0
            total = precision + recall
            f1 = 2 * precision * recall / total if total else 0.0
            result[i] = {
                "precision": float(precision),
                "recall": float(recall),
                "f1": float(f1),
                "support": int(actual),
            }
        return result

    def macro_f1(self) -> float:
        """Mean F1 over labels that occur in the truth."""
        rows = [r["f1"] for r in self.per_label().values() if r["support"] > 0]
        return float(np.mean(rows)) if rows else 0.0

    def boundary_f1(self) -> float:
        if self.true_boundaries == 0 and self.pred_boundaries == 0:
            return 1.0
        precision = self.matched_boundaries / max(self.pred_boundaries, 1)
        recall = self.matched_boundaries / max(self.true_boundaries, 1)
        total = precision + recall
        return float(2 * precision * recall / total) if total else 0.0

    def short_regions_per_10k(self) -> float:
        return 10_000 * self.short_regions / max(self.characters, 1)

    def latency_percentiles(self) -> tuple[float, float]:
        """Return the median and 90th-percentile switch latency (characters)."""
        if not self.latencies:
            return 0.0, 0.0
        values = np.asarray(self.latencies)
        return float(np.median(values)), float(np.percentile(values, 90))

    def accuracy_by_run_length(self) -> dict[str, float]:
        """Return accuracy per bucket of true run length, for buckets with data."""
        correct, total = self.run_buckets
        return {
            bucket_name(i): float(correct[i] / total[i])
            for i in range(len(RUN_BUCKETS))
            if total[i]
        }

    def file_accuracy(self) -> float | None:
        return self.files_correct / self.files if self.files else None

    def summary(self) -> dict[str, float | int | None]:
        median, p90 = self.latency_percentiles()
        return {
            "characters": self.characters,
            "accuracy": self.accuracy(),
            "macro_f1": self.macro_f1(),
            "boundary_f1": self.boundary_f1(),
            "switch_latency_median": median,
            "switch_latency_p90": p90,
            "short_regions_per_10k": self.short_regions_per_10k(),
            "file_top1": self.file_accuracy(),
            "accuracy_by_run_length": self.accuracy_by_run_length(),
            "confidence_ece": self.reliability.ece(),
        }
