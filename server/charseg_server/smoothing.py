"""From decoded run labels to spans: grouping runs and merging short regions.

The Viterbi pass that labels the runs lives in :mod:`charseg_server.viterbi`.
The functions take plain arrays (run lengths and summed statistics per run, see
:mod:`charseg_server.runs`) so they can be tested without a model.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Segments:
    """Consecutive spans with a label each and their summed probabilities.

    ``lengths`` (N,), ``labels`` (N,) label indices, ``prob_sums`` (N, labels).
    """

    lengths: np.ndarray
    labels: np.ndarray
    prob_sums: np.ndarray

    def confidences(self) -> np.ndarray:
        """Return the mean probability of each span's own label."""
        own = self.prob_sums[np.arange(len(self.labels)), self.labels]
        return own / self.lengths


def group_runs(
    path: np.ndarray, lengths: np.ndarray, prob_sums: np.ndarray
) -> Segments:
    """Join consecutive runs that ``path`` gives the same label."""
    if len(path) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Segments(empty, empty, np.zeros((0, prob_sums.shape[1])))
    starts = np.concatenate([[0], np.flatnonzero(np.diff(path)) + 1])
    return Segments(
        lengths=np.add.reduceat(lengths.astype(np.int64), starts),
        labels=path[starts],
        prob_sums=np.add.reduceat(prob_sums, starts, axis=0, dtype=np.float64),
    )


def merge_short(segments: Segments, min_region: int) -> Segments:
    """Merge spans shorter than ``min_region`` into a neighbour, shortest first.

    A short span joins the neighbour whose label has the larger summed
    probability over the span (the left one on a tie). When both neighbours
    then carry the same label, they join too. A sole remaining span is kept
    whatever its length.
    """
    merger = _Merger(segments)
    merger.run(min_region)
    return merger.result()


class _Merger:
    """A doubly linked list of spans with a heap of the short ones."""

    def __init__(self, segments: Segments) -> None:
        count = len(segments.lengths)
        self.lengths = [int(x) for x in segments.lengths]
        self.labels = [int(x) for x in segments.labels]
        self.sums = segments.prob_sums.astype(np.float64)
        self.previous = list(range(-1, count - 1))
        self.next = list(range(1, count + 1))
        if count:
            self.next[-1] = -1
        self.alive = [True] * count
        self.count = count

    def run(self, min_region: int) -> None:
        heap = [(n, i) for i, n in enumerate(self.lengths) if n < min_region]
        heapq.heapify(heap)
        while heap and self.count > 1:
            length, index = heapq.heappop(heap)
            if not self.alive[index] or self.lengths[index] != length:
                continue  # stale entry: the span grew or was absorbed
            target = self._choose_neighbour(index)
            other = self._other_neighbour(index, target)
            self._absorb(target, index)
            if other != -1 and self.labels[other] == self.labels[target]:
                self._absorb(target, other)
            if self.lengths[target] < min_region:
                heapq.heappush(heap, (self.lengths[target], target))

    def _choose_neighbour(self, index: int) -> int:
        left, right = self.previous[index], self.next[index]
        if left == -1:
            return right
        if right == -1:
            return left
        left_mass = self.sums[index, self.labels[left]]
        right_mass = self.sums[index, self.labels[right]]
        return right if right_mass > left_mass else left

    def _other_neighbour(self, index: int, target: int) -> int:
        left, right = self.previous[index], self.next[index]
        return right if target == left else left

    def _absorb(self, target: int, victim: int) -> None:
        """Add ``victim`` (adjacent to ``target``) to ``target`` and unlink it."""
        self.lengths[target] += self.lengths[victim]
        self.sums[target] += self.sums[victim]
        left, right = self.previous[victim], self.next[victim]
        if left != -1:
            self.next[left] = right
        if right != -1:
            self.previous[right] = left
        self.alive[victim] = False
        self.count -= 1

    def result(self) -> Segments:
        alive_indices = [i for i, alive in enumerate(self.alive) if alive]
        return Segments(
            lengths=np.array([self.lengths[i] for i in alive_indices], dtype=np.int64),
            labels=np.array([self.labels[i] for i in alive_indices], dtype=np.int64),
            prob_sums=self.sums[alive_indices],
        )
