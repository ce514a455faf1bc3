"""Sliding windows for one-label tools, and the vote that labels characters.

A tool that names one language per input labels each window; every character
takes the label most windows over it voted for. A tie goes to the tied label
of the window whose centre is nearest the character, else to the tied label
with the lowest id.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

WINDOW_LENGTH = 200
WINDOW_STRIDE = 100


def plan_windows(
    length: int, window: int = WINDOW_LENGTH, stride: int = WINDOW_STRIDE
) -> list[tuple[int, int]]:
    """Return ``(start, end)`` windows covering ``[0, length)``.

    Windows start every ``stride`` characters; the last one is moved back to end
    at ``length``. A text shorter than ``window`` is one window.
    """
    if window < 1 or stride < 1:
        raise ValueError(f"window and stride must be >= 1, got {window}, {stride}")
    if length == 0:
        return []
    if length <= window:
        return [(0, length)]
    starts = list(range(0, length - window + 1, stride))
    if starts[-1] + window < length:
        starts.append(length - window)
    return [(start, start + window) for start in starts]


def vote(
    length: int,
    windows: Sequence[tuple[int, int]],
    labels: Sequence[int],
    num_labels: int,
) -> np.ndarray:
    """Return one label id per character from the windows' labels."""
    counts = np.zeros((length, num_labels), dtype=np.int64)
    nearest = np.zeros(length, dtype=np.int64)
    distance = np.full(length, np.inf)
    for (start, end), label in zip(windows, labels, strict=True):
        counts[start:end, label] += 1
        centre = (start + end - 1) / 2
        offsets = np.abs(np.arange(start, end) - centre)
        closer = offsets < distance[start:end]
        nearest[start:end][closer] = label
        distance[start:end][closer] = offsets[closer]
    if (counts.sum(axis=1) == 0).any():
        raise ValueError("the windows do not cover every character")
    top = counts.max(axis=1)
    winner = counts.argmax(axis=1)
    tied = (counts == top[:, None]).sum(axis=1) > 1
    rows = np.arange(length)
    use_nearest = tied & (counts[rows, nearest] == top)
    winner[use_nearest] = nearest[use_nearest]
    return winner
