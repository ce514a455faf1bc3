"""Per-character loss weights that stress the characters next to a language switch.

Most characters of a window sit deep inside a run of one language, where the
label is easy. The few characters beside a switch decide where a region starts
and ends, so weighting them up spends more of each batch's gradient on them.
"""

from __future__ import annotations

import numpy as np

from .metrics import boundaries

#: Distance given to every character of a row without a switch, beyond any reach.
NO_SWITCH = np.iinfo(np.int64).max


def distance_to_switch(labels: np.ndarray) -> np.ndarray:
    """Return, per character, how many characters lie between it and a switch.

    The two characters on either side of a switch get 0, their neighbours 1,
    and so on. In a row of one label every entry is ``NO_SWITCH``.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be one row, got shape {labels.shape}")
    n = labels.size
    switches = boundaries(labels)
    if switches.size == 0:
        return np.full(n, NO_SWITCH, dtype=np.int64)
    positions = np.arange(n)
    after = np.searchsorted(switches, positions, side="right")
    # Distance to the switch at or before each position, which starts its run.
    before_switch = switches[np.maximum(after - 1, 0)]
    left = np.where(after > 0, positions - before_switch, NO_SWITCH)
    # Distance to the last character before the next switch.
    next_switch = switches[np.minimum(after, switches.size - 1)]
    right = np.where(after < switches.size, next_switch - 1 - positions, NO_SWITCH)
    return np.minimum(left, right)


def switch_weights(labels: np.ndarray, extra: float, reach: int) -> np.ndarray:
    """Return loss weights for a batch of label rows, scaled to a mean of 1.

    A character within ``reach`` characters of a switch weighs ``1 + extra``
    times as much as the others. The mean of 1 keeps the loss on the scale it
    has without weights, so the learning rate keeps its meaning. NOTE: the
    scale is per batch, so a far character weighs a little less in a batch with
    many switches than in one with few.
    """
    if not (np.isfinite(extra) and extra >= 0):
        raise ValueError(f"extra must be finite and >= 0, got {extra}")
    labels = np.atleast_2d(labels)
    near = np.stack([distance_to_switch(row) < reach for row in labels])
    weights = 1.0 + extra * near.astype(np.float32)
    return (weights / weights.mean()).astype(np.float32)
