"""Re-segmenting an edited document while reusing unchanged windows."""

from __future__ import annotations

import hashlib
import struct

import numpy as np

from .contract import encode
from .engine import Segmenter, SegmentOptions, check_size
from .regions import Region
from .runs import RunSummary
from .windows import Window, plan_windows


def window_key(ids: np.ndarray, window: Window) -> bytes:
    """Identify a window's result: a hash of its input ids plus its core offsets.

    The model labels each window on its own, so equal keys give equal summaries.
    """
    digest = hashlib.blake2b(
        ids[window.start : window.end].tobytes(), digest_size=16
    ).digest()
    core = struct.pack(
        "<II", window.core_start - window.start, window.core_end - window.start
    )
    return digest + core


class IncrementalSegmenter:
    """Segments successive versions of one document.

    Each :meth:`update` replans the windows of the full new text, runs only
    windows whose input changed, and keeps only the cache entries that the new
    text uses. Results equal :meth:`Segmenter.segment` on the same text. Not
    safe to call from several threads at once.
    """

    def __init__(self, segmenter: Segmenter) -> None:
        self.segmenter = segmenter
        self.windows_run = 0
        """Windows sent to the model by the last :meth:`update`."""
        self._cache: dict[bytes, RunSummary] = {}

    @property
    def cached_windows(self) -> int:
        return len(self._cache)

    @property
    def cached_bytes(self) -> int:
        """Approximate memory held by cached summaries."""
        return sum(summary.nbytes for summary in self._cache.values())

    def update(self, text: str, options: SegmentOptions | None = None) -> list[Region]:
        """Segment the full new ``text``, reusing cached window results."""
        opts = options or self.segmenter.options
        check_size(text, opts)
        ids = encode(text)
        plan = plan_windows(ids, self.segmenter.model.contract.window)
        keys = [window_key(ids, window) for window in plan]
        missing: dict[bytes, Window] = {}
        for key, window in zip(keys, plan, strict=True):
            if key not in self._cache and key not in missing:
                missing[key] = window
        computed = self.segmenter.summarize_windows(
            [(ids, window) for window in missing.values()], opts.batch_size
        )
        fresh = dict(zip(missing, computed, strict=True))
        previous = self._cache
        self._cache = {
            key: previous[key] if key in previous else fresh[key] for key in keys
        }
        self.windows_run = len(missing)
        return self.segmenter.decode([self._cache[key] for key in keys], opts)

    def clear(self) -> None:
        """Drop every cached window result."""
        self._cache = {}
