"""Viterbi decoding over runs, resumable after an edit.

A labelling of runs scores the sum of its emissions (summed log-probabilities
of each run under its label) minus a penalty per change of label. The forward
pass keeps one score per label, shifted after every run so that the best one is
0. A score below ``-penalty`` is raised to ``-penalty``, because switching from
the best label is then at least as good as staying.

The runs come in blocks (one per window core). A :class:`Trellis` keeps the
forward pass of one decode with the scores at every block boundary, so a later
decode of an edited document can reuse it:

* blocks before the edit keep their forward rows, and the pass resumes from
  the stored scores at the first changed block;
* after the edit, as soon as the scores at a block boundary equal the old
  scores at the matching old boundary, every later row equals the old one and
  is copied. The raising to ``-penalty`` makes this happen quickly: after a
  confident run every label but the best sits exactly at ``-penalty``;
* the backtrack copies the old path wherever its label meets the old one.

So an edit costs time in proportion to the runs near it, not to the document.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Trellis:
    """The forward pass and best path of one decode.

    ``offsets`` (blocks + 1,) are the first run of each block and the run
    count. ``boundary_scores`` (blocks + 1, labels) are the shifted scores
    before each block and after the last. ``switched[t, label]`` is true where
    the best path that gives run ``t`` that label comes from another label,
    namely ``best_after[t - 1]``, the best label after run ``t - 1``. ``path``
    is the decoded label per run. ``blocks_run`` counts the blocks whose
    forward rows this decode computed rather than reused.
    """

    offsets: np.ndarray
    boundary_scores: np.ndarray
    switched: np.ndarray
    best_after: np.ndarray
    path: np.ndarray
    blocks_run: int

    @property
    def blocks(self) -> int:
        return len(self.offsets) - 1

    @property
    def nbytes(self) -> int:
        return sum(
            array.nbytes
            for array in (
                self.offsets,
                self.boundary_scores,
                self.switched,
                self.best_after,
                self.path,
            )
        )


def viterbi(emissions: np.ndarray, switch_penalty: float) -> np.ndarray:
    """Return the best label index per run of ``emissions`` (runs, labels).

    NOTE: decoding over runs lets the label change only where the argmax does
    (at run boundaries). That is exact when the best per-character path also
    changes label only at argmax change points; otherwise a boundary moves to
    the nearest run boundary.
    """
    return decode(emissions, [len(emissions)], switch_penalty).path


def decode(
    emissions: np.ndarray,
    block_runs: list[int],
    switch_penalty: float,
    previous: Trellis | None = None,
    same_prefix: int = 0,
    same_suffix: int = 0,
) -> Trellis:
    """Decode ``emissions`` whose runs come in blocks of ``block_runs`` runs.

    With ``previous``, the first ``same_prefix`` and the last ``same_suffix``
    blocks (which must not overlap) must have the same emissions and penalty
    as in the decode that made ``previous``. Their rows are then reused
    wherever the result cannot differ. Scores accumulate in float64.
    """
    runs, labels = emissions.shape
    offsets = np.concatenate([[0], np.cumsum(block_runs, dtype=np.int64)])
    if offsets[-1] != runs:
        raise ValueError(
            f"invalid block sizes: blocks hold {offsets[-1]} runs, "
            f"emissions have {runs}"
        )
    if previous is None:
        same_prefix = same_suffix = 0
    forward = _Forward(emissions, offsets, switch_penalty)
    if same_prefix:
        forward.copy_prefix(previous, same_prefix)
    joined = forward.run(
        same_prefix, previous if same_suffix else None, forward.blocks - same_suffix
    )
    path = _backtrack(forward, previous, same_prefix, joined)
    return Trellis(
        offsets,
        forward.scores,
        forward.switched,
        forward.best_after,
        path,
        forward.blocks_run,
    )


class _Forward:
    """The arrays of one forward pass, filled block by block."""

    def __init__(self, emissions: np.ndarray, offsets: np.ndarray, penalty: float):
        runs, labels = emissions.shape
        self.emissions = emissions
        self.offsets = offsets
        self.blocks = len(offsets) - 1
        self.floor = -float(penalty)
        self.switched = np.zeros((runs, labels), dtype=bool)
        self.best_after = np.zeros(runs, dtype=np.int64)
        # Before the first run every score is 0: no label is favoured.
        self.scores = np.zeros((self.blocks + 1, labels), dtype=np.float64)
        self.blocks_run = 0

    def copy_prefix(self, previous: Trellis, blocks: int) -> None:
        end = self.offsets[blocks]
        self.switched[:end] = previous.switched[:end]
        self.best_after[:end] = previous.best_after[:end]
        self.scores[: blocks + 1] = previous.boundary_scores[: blocks + 1]

    def run(
        self, first_block: int, previous: Trellis | None, suffix_from: int
    ) -> tuple[int, int] | None:
        """Fill the rows from ``first_block`` on.

        Returns ``(block, old block)`` where the pass joined ``previous``, whose
        rows from there on were copied, or ``None`` if it ran to the end.
        """
        for block in range(first_block, self.blocks):
            if previous is not None and block >= suffix_from:
                old = block - self.blocks + previous.blocks
                if np.array_equal(self.scores[block], previous.boundary_scores[old]):
                    self._copy_tail(previous, block, old)
                    return block, old
            self._run_block(block)
            self.blocks_run += 1
        return None

    def _run_block(self, block: int) -> None:
        score = self.scores[block].copy()
        floor, switched, emissions = self.floor, self.switched, self.emissions
        best_after = self.best_after
        for t in range(self.offsets[block], self.offsets[block + 1]):
            np.less(score, floor, out=switched[t])
            np.maximum(score, floor, out=score)
            score += emissions[t]
            best = int(score.argmax())
            score -= score[best]
            best_after[t] = best
        self.scores[block + 1] = score

    def _copy_tail(self, previous: Trellis, block: int, old: int) -> None:
        start, old_start = self.offsets[block], previous.offsets[old]
        self.switched[start:] = previous.switched[old_start:]
        self.best_after[start:] = previous.best_after[old_start:]
        self.scores[block:] = previous.boundary_scores[old:]


def _backtrack(
    forward: _Forward,
    previous: Trellis | None,
    same_prefix: int,
    joined: tuple[int, int] | None,
) -> np.ndarray:
    """Follow the best labels back from the last run."""
    runs = len(forward.best_after)
    path = np.empty(runs, dtype=np.int64)
    if runs == 0:
        return path
    t, label = runs - 1, int(forward.best_after[-1])
    if joined is not None:
        # From the join on, every row equals the old one, so the path does too.
        start = int(forward.offsets[joined[0]])
        path[start:] = previous.path[int(previous.offsets[joined[1]]) :]
        if start == 0:
            return path
        label = _step(forward, start, int(path[start]))
        t = start - 1
    prefix_end = int(forward.offsets[same_prefix]) if previous is not None else 0
    while t >= 0:
        if t < prefix_end and label == previous.path[t]:
            # The rows up to t are the old ones, so the rest of the path is too.
            path[: t + 1] = previous.path[: t + 1]
            break
        path[t] = label
        label = _step(forward, t, label)
        t -= 1
    return path


def _step(forward: _Forward, t: int, label: int) -> int:
    """Return the label of run ``t - 1`` on the best path through ``(t, label)``."""
    if t > 0 and forward.switched.item(t, label):
        return int(forward.best_after.item(t - 1))
    return label
