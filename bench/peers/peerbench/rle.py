"""Run-length encoding of per-code-point label sequences.

A sequence is stored as ``[[label, length], ...]`` with label names, so that
data and prediction files stay readable and independent of label order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Runs = list[list]


def encode_runs(ids: np.ndarray, labels: Sequence[str]) -> Runs:
    """Return the runs of equal ids in ``ids`` as ``[label name, length]`` pairs."""
    ids = np.asarray(ids)
    if ids.size == 0:
        return []
    edges = np.concatenate([[0], np.flatnonzero(ids[1:] != ids[:-1]) + 1, [ids.size]])
    return [
        [labels[int(ids[start])], int(end - start)]
        for start, end in zip(edges[:-1], edges[1:], strict=True)
    ]


def decode_runs(runs: Runs, labels: Sequence[str]) -> np.ndarray:
    """Return the label ids that ``runs`` encode; unknown names raise KeyError."""
    index = {label: i for i, label in enumerate(labels)}
    if not runs:
        return np.zeros(0, dtype=np.int64)
    ids = np.array([index[label] for label, _ in runs], dtype=np.int64)
    lengths = np.array([length for _, length in runs], dtype=np.int64)
    if (lengths <= 0).any():
        raise ValueError(f"run lengths must be positive, got {lengths.tolist()}")
    return np.repeat(ids, lengths)


def runs_from_pieces(pieces: Sequence[tuple[str, str]]) -> Runs:
    """Return the runs of ``(text, label)`` pieces, merging equal neighbours."""
    runs: Runs = []
    for text, label in pieces:
        if not text:
            continue
        if runs and runs[-1][0] == label:
            runs[-1][1] += len(text)
        else:
            runs.append([label, len(text)])
    return runs


def single_run(label: str, length: int) -> Runs:
    """Return the runs of a text of ``length`` code points with one label."""
    return [[label, length]] if length else []
