"""Calibration of region confidence against the share of correct labels.

A region's confidence is the mean probability of its label over its characters
(see ``charseg_server.regions.Region``). It is calibrated when, among regions of
confidence about ``c``, a share ``c`` of the characters carry the true label.
Regions are binned by confidence into tenths. Each bin sums its characters, the
correctly labelled characters and the confidence weighted by length. The expected
calibration error (ECE) is the character-weighted mean gap between a bin's mean
confidence and its accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

BINS = 10


@dataclass
class Reliability:
    """Sums per confidence bin over the regions passed to :meth:`add`."""

    characters: np.ndarray = field(default_factory=lambda: np.zeros(BINS))
    correct: np.ndarray = field(default_factory=lambda: np.zeros(BINS))
    confidence: np.ndarray = field(default_factory=lambda: np.zeros(BINS))

    def add(self, confidences, lengths, correct) -> None:
        """Add regions: their confidences, lengths and correctly labelled characters."""
        confidences = np.asarray(confidences, dtype=np.float64)
        lengths = np.asarray(lengths, dtype=np.float64)
        if np.any((confidences < 0) | (confidences > 1)):
            raise ValueError("invalid confidence: expected values in [0, 1]")
        bins = np.minimum((confidences * BINS).astype(np.int64), BINS - 1)
        np.add.at(self.characters, bins, lengths)
        np.add.at(self.correct, bins, np.asarray(correct, dtype=np.float64))
        np.add.at(self.confidence, bins, confidences * lengths)

    def ece(self) -> float | None:
        """Return the expected calibration error, or None before any region is added."""
        total = self.characters.sum()
        if total == 0:
            return None
        return float(np.abs(self.correct - self.confidence).sum() / total)

    def table(self) -> list[dict[str, float]]:
        """Return one row per non-empty bin: its range, size and scores."""
        rows = []
        for i in np.flatnonzero(self.characters):
            chars = self.characters[i]
            rows.append(
                {
                    "low": i / BINS,
                    "high": (i + 1) / BINS,
                    "characters": int(chars),
                    "mean_confidence": float(self.confidence[i] / chars),
                    "accuracy": float(self.correct[i] / chars),
                }
            )
        return rows


def region_scores(regions, truth, labels) -> tuple[list, list, list]:
    """Return the confidences, lengths and correctly labelled characters of ``regions``.

    ``truth`` is an array of label ids, or one label id for a whole file.
    """
    index = {label: i for i, label in enumerate(labels)}
    confidences, lengths, correct = [], [], []
    for region in regions:
        label = index[region.label]
        length = region.end - region.start
        if isinstance(truth, int):
            right = length if label == truth else 0
        else:
            right = int(np.sum(truth[region.start : region.end] == label))
        confidences.append(region.confidence)
        lengths.append(length)
        correct.append(right)
    return confidences, lengths, correct


def plot_reliability(tables: dict[str, list[dict]], path) -> None:
    """Draw each set's accuracy against mean confidence per bin, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="calibrated")
    for name, rows in tables.items():
        if rows:
            confidence = [row["mean_confidence"] for row in rows]
            accuracy = [row["accuracy"] for row in rows]
            ax.plot(confidence, accuracy, marker="o", label=name)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("mean region confidence (bins of 0.1)")
    ax.set_ylabel("share of characters labelled right")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
