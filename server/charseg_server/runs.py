"""Run-length summaries of per-character label probabilities.

Keeping one float32 per label and character would cost 112 bytes per character
with 28 labels, about 1.1 GB for a 10 MB document. A summary instead keeps, per
run of equal argmax label, the summed probabilities and log-probabilities.
Smoothing needs only those sums, and a run boundary is the only place where
the smoothed label may change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Maximum runs kept per window core; noisier cores are coarsened.
MAX_RUNS_PER_CORE = 16
#: Run lengths below which neighbouring short runs are grouped, tried in order.
_COARSENING_STEPS = (4, 8, 16, 32, 64)
#: Floor for probabilities before taking logs, so a zero gives a finite cost.
_MIN_PROBABILITY = 1e-30


@dataclass(frozen=True)
class RunSummary:
    """Consecutive runs of characters with their summed label statistics.

    ``lengths`` has shape (R,); ``prob_sums`` and ``log_prob_sums`` have shape
    (R, labels) and hold float32 sums over each run's characters.
    """

    lengths: np.ndarray
    prob_sums: np.ndarray
    log_prob_sums: np.ndarray

    @property
    def chars(self) -> int:
        return int(self.lengths.sum())

    @property
    def nbytes(self) -> int:
        return self.lengths.nbytes + self.prob_sums.nbytes + self.log_prob_sums.nbytes


def summarize(probs: np.ndarray, max_runs: int = MAX_RUNS_PER_CORE) -> RunSummary:
    """Summarize probabilities of shape (chars, labels) into argmax runs.

    Where the argmax changes more than ``max_runs`` times, consecutive runs
    shorter than a threshold are grouped into one run, with the threshold
    doubling until at most ``max_runs`` runs remain. A threshold ``k`` leaves
    at most ``2 * chars / k + 1`` runs, and the last threshold is 64.
    """
    if len(probs) == 0:
        raise ValueError("cannot summarize zero characters")
    argmax = probs.argmax(axis=1)
    starts = np.flatnonzero(np.diff(argmax)) + 1
    starts = np.concatenate([[0], starts])
    steps = iter(_COARSENING_STEPS)
    while len(starts) > max_runs:
        threshold = next(steps, None)
        if threshold is None:
            break
        starts = _group_short_runs(starts, len(probs), threshold)
    lengths = np.diff(np.append(starts, len(probs))).astype(np.int32)
    logs = np.log(np.maximum(probs, _MIN_PROBABILITY))
    return RunSummary(
        lengths=lengths,
        prob_sums=np.add.reduceat(probs, starts, axis=0, dtype=np.float32),
        log_prob_sums=np.add.reduceat(logs, starts, axis=0, dtype=np.float32),
    )


def _group_short_runs(starts: np.ndarray, total: int, threshold: int) -> np.ndarray:
    """Merge each maximal sequence of runs shorter than ``threshold`` into one."""
    lengths = np.diff(np.append(starts, total))
    short = lengths < threshold
    previous_short = np.concatenate([[False], short[:-1]])
    keep = ~(short & previous_short)
    return starts[keep]


def concatenate(summaries: Sequence[RunSummary]) -> RunSummary:
    """Join summaries of consecutive spans into one."""
    return RunSummary(
        lengths=np.concatenate([s.lengths for s in summaries]),
        prob_sums=np.concatenate([s.prob_sums for s in summaries]),
        log_prob_sums=np.concatenate([s.log_prob_sums for s in summaries]),
    )
