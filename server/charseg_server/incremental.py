"""Re-segmenting an edited document while reusing the work of the last version.

Between versions the segmenter keeps the text's ids, its window plan, a key
per window, each window's run summary and the Viterbi trellis. An update finds
the edited span, replans only the windows near it, runs the model only on
windows whose input changed, and resumes the Viterbi pass at the first changed
window. The result always equals :meth:`Segmenter.segment` on the new text.
"""

from __future__ import annotations

import hashlib
import struct

import numpy as np

from . import viterbi
from .contract import encode
from .engine import (
    Segmenter,
    SegmentOptions,
    check_size,
    emissions_of,
    regions_from_path,
)
from .newlines import FoldedText
from .regions import Region
from .runs import RunSummary, concatenate
from .windows import Edit, Window, plan_windows, replan_windows
from .wordsnap import snap_to_words


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
    """A segmenter for successive versions of one document.

    It is not safe to call from several threads at once.
    """

    def __init__(self, segmenter: Segmenter) -> None:
        self.segmenter = segmenter
        self.windows_run = 0
        """Windows sent to the model by the last :meth:`update`."""
        self.blocks_decoded = 0
        """Window cores the last :meth:`update` ran the Viterbi pass over."""
        self._cache: dict[bytes, RunSummary] = {}
        self._ids: np.ndarray | None = None
        self._plan: list[Window] = []
        self._keys: list[bytes] = []
        self._trellis: viterbi.Trellis | None = None
        self._decoded_with: tuple | None = None

    @property
    def cached_windows(self) -> int:
        return len(self._cache)

    @property
    def cached_bytes(self) -> int:
        """Approximate memory held between updates."""
        total = sum(summary.nbytes for summary in self._cache.values())
        if self._trellis is not None:
            total += self._trellis.nbytes
        if self._ids is not None:
            total += self._ids.nbytes
        return total

    def update(self, text: str, options: SegmentOptions | None = None) -> list[Region]:
        """Segment the full new ``text``, reusing what the last version computed."""
        opts = options or self.segmenter.options
        check_size(text, opts)
        folded = FoldedText.of(text)
        ids = encode(folded.text)
        geometry = self.segmenter.model.contract.window
        if self._ids is None:
            edit, plan = None, plan_windows(ids, geometry)
        else:
            edit = Edit.between(self._ids, ids)
            plan = replan_windows(ids, geometry, self._plan, edit)
        keys = self._keys_for(ids, plan, edit)
        self._run_missing(ids, plan, keys, opts)
        summaries = [self._cache[key] for key in keys]
        trellis, regions = self._decode(keys, summaries, opts)
        # Commit only after every step succeeded: the trellis must always
        # belong to the stored keys, or a later edit would reuse wrong rows.
        self._ids, self._plan, self._keys = ids, plan, keys
        self._trellis = trellis
        self._decoded_with = _decode_settings(opts, self.segmenter.labels)
        self.blocks_decoded = trellis.blocks_run if trellis is not None else 0
        regions = snap_to_words(regions, folded.text, opts.snap_reach, opts.min_region)
        return folded.unfold(regions)

    def clear(self) -> None:
        """Drop everything kept from earlier versions."""
        self._cache = {}
        self._ids, self._plan, self._keys = None, [], []
        self._trellis, self._decoded_with = None, None

    def _keys_for(
        self, ids: np.ndarray, plan: list[Window], edit: Edit | None
    ) -> list[bytes]:
        """Key each window, reusing old keys of windows the edit left alone."""
        old: dict[tuple[int, int, int, int], bytes] = {}
        if edit is not None:
            old = {
                _span(w, 0): key for w, key in zip(self._plan, self._keys, strict=True)
            }
        keys = []
        for window in plan:
            key = None
            if edit is not None and window.end <= edit.start:
                key = old.get(_span(window, 0))
            elif edit is not None and window.start >= edit.new_end:
                key = old.get(_span(window, -edit.shift))
            keys.append(key or window_key(ids, window))
        return keys

    def _run_missing(self, ids, plan, keys, opts: SegmentOptions) -> None:
        """Run the windows without a cached summary; keep only current entries."""
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

    def _decode(
        self, keys: list[bytes], summaries: list[RunSummary], opts: SegmentOptions
    ) -> tuple[viterbi.Trellis | None, list[Region]]:
        """Decode the summaries, resuming the last trellis where it applies."""
        if not summaries:
            return None, []
        labels = self.segmenter.labels
        summary = concatenate(summaries)
        previous = self._trellis
        if _decode_settings(opts, labels) != self._decoded_with:
            previous = None
        prefix, suffix = (0, 0)
        if previous is not None:
            prefix, suffix = _shared_ends(self._keys, keys)
        trellis = viterbi.decode(
            emissions_of(summary, labels, opts),
            [len(s.lengths) for s in summaries],
            opts.switch_penalty,
            previous,
            prefix,
            suffix,
        )
        return trellis, regions_from_path(trellis.path, summary, labels, opts)


def _decode_settings(opts: SegmentOptions, labels: tuple[str, ...]) -> tuple:
    """Return the options that change the Viterbi emissions or penalty."""
    if opts.host_language in labels:
        return (opts.switch_penalty, opts.host_language, opts.host_prior)
    return (opts.switch_penalty, None, None)


def _span(window: Window, shift: int) -> tuple[int, int, int, int]:
    return (
        window.start + shift,
        window.length,
        window.core_start + shift,
        window.core_end + shift,
    )


def _shared_ends(old: list[bytes], new: list[bytes]) -> tuple[int, int]:
    """Return how many leading and trailing keys the two lists share."""
    common = min(len(old), len(new))
    prefix = 0
    while prefix < common and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < common - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, suffix
