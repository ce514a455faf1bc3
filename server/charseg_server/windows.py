"""Planning the windows that a text is labelled through.

All windows of a text have exactly the same length, because padding changes
the BiLSTM's outputs. A text of at most one window length is one window. A
longer text is cut into cores at content-anchored boundaries, so an edit moves
only the boundaries near it: every later core keeps its characters and, with
them, its cached result. Each core gets the window centred on it as far as the
text ends allow, so every core character has at least ``margin`` characters of
context on both sides except at the ends of the text.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from .contract import WindowGeometry, encode

#: Number of ids after a position that decide whether it is an anchor.
HASH_SPAN = 16
#: One line start in this many becomes an anchor candidate (on average).
LINE_ANCHOR_MODULUS = 3
#: Leading spaces and tabs skipped before hashing a line (deeper ones count).
MAX_INDENT = 64
#: Share of positions (one in this many) that are candidates where no line start is.
POSITION_ANCHOR_MODULUS = 64

_NEWLINE_ID = int(encode("\n")[0])
_INDENT_IDS = encode(" \t")
_HASH_BASE = 0x100000001B3
#: _HASH_BASE ** (HASH_SPAN - 1 - k) mod 2**64, the weight of the k-th id.
_HASH_POWERS = np.array(
    [pow(_HASH_BASE, HASH_SPAN - 1 - k, 2**64) for k in range(HASH_SPAN)],
    dtype=np.uint64,
)
_MIX = np.uint64(0xFF51AFD7ED558CCD)
_HASH_CHUNK = 16384
#: Positions per chunk of line-start candidates computed at once after an edit.
_CHUNK = 4096
#: How far past a position its anchor decision reads: the newline before a line
#: start, the indentation skipped and the hashed span.
_HORIZON = MAX_INDENT + HASH_SPAN + 1


@dataclass(frozen=True)
class Window:
    """One model input ``[start, start + length)`` and the core it labels."""

    start: int
    length: int
    core_start: int
    core_end: int

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class Edit:
    """The span in which two versions of a text differ, in positions of their ids.

    ``new[:start] == old[:start]`` and ``new[new_end:] == old[old_end:]``.
    """

    start: int
    old_end: int
    new_end: int

    @property
    def shift(self) -> int:
        return self.new_end - self.old_end

    @classmethod
    def between(cls, old: np.ndarray, new: np.ndarray) -> Edit:
        """Return the smallest edit that turns ``old`` into ``new``."""
        common = min(len(old), len(new))
        differ = np.flatnonzero(old[:common] != new[:common])
        start = int(differ[0]) if len(differ) else common
        tail = common - start
        old_tail = old[len(old) - tail :][::-1]
        new_tail = new[len(new) - tail :][::-1]
        differ = np.flatnonzero(old_tail != new_tail)
        same = int(differ[0]) if len(differ) else tail
        return cls(start, len(old) - same, len(new) - same)


def plan_windows(ids: np.ndarray, geometry: WindowGeometry) -> list[Window]:
    """Cut a text (its input ids) into windows whose cores tile it."""
    n = len(ids)
    if n == 0:
        return []
    if n <= geometry.length:
        return [Window(0, n, 0, n)]
    # One chunk of candidates for the whole text: vectorised work is cheapest.
    cores = _Planner(ids, geometry, chunk=n).cores(0, [])
    return [_window_for_core(start, end, n, geometry) for start, end in cores]


def replan_windows(
    ids: np.ndarray, geometry: WindowGeometry, previous: list[Window], edit: Edit
) -> list[Window]:
    """Return ``plan_windows(ids, geometry)``, given the plan before ``edit``.

    Cores whose boundaries were decided before the edit are kept, and planning
    resumes after them. It stops at the first boundary beyond the edit that the
    old plan also has, because the later cores of the old plan then apply,
    shifted. So the work done is in proportion to the text near the edit.
    """
    n = len(ids)
    if n <= geometry.length or len(previous) < 2:
        return plan_windows(ids, geometry)
    # A boundary depends on the ids up to ``_HORIZON`` past the core's end.
    kept_cores = 0
    limit = geometry.length - geometry.margin
    for window in previous[:-1]:
        if window.core_start + geometry.core + _HORIZON >= edit.start:
            break
        if n - window.core_start <= limit:
            break
        kept_cores += 1
    cores = [(w.core_start, w.core_end) for w in previous[:kept_cores]]
    anchor = previous[kept_cores].core_start if kept_cores else 0
    old_starts = {w.core_start: i for i, w in enumerate(previous)}

    def rejoin(candidate: int) -> list[tuple[int, int]] | None:
        if candidate < edit.new_end:
            return None
        index = old_starts.get(candidate - edit.shift)
        if index is None:
            return None
        return [
            (w.core_start + edit.shift, w.core_end + edit.shift)
            for w in previous[index:]
        ]

    cores = _Planner(ids, geometry, chunk=_CHUNK).cores(anchor, cores, rejoin)
    return [_window_for_core(start, end, n, geometry) for start, end in cores]


def _window_for_core(start: int, end: int, n: int, geometry: WindowGeometry) -> Window:
    window_start = min(max(start - geometry.margin, 0), n - geometry.length)
    return Window(window_start, geometry.length, start, end)


class _Planner:
    """Chooses core boundaries greedily, computing anchor candidates on demand.

    From anchor ``a``, the next anchor is the last candidate in
    ``[a + core // 2, a + core]``, else ``a + core``. Taking the last candidate
    keeps cores long (fewer windows per character) and still depends only on
    the content near the boundary, so the chain of anchors after an edit
    rejoins the old chain within a few cores. The last core, which needs no
    right context, runs to the end of the text once at most
    ``length - margin`` characters remain, so every earlier core ends at least
    ``margin`` characters before the end.
    """

    def __init__(self, ids: np.ndarray, geometry: WindowGeometry, chunk: int) -> None:
        self.ids = ids
        self.geometry = geometry
        self.chunk = chunk
        # Line-start candidates per chunk of positions; a list with bisect is
        # several times faster than numpy calls per step.
        self._chunks: dict[int, list[int]] = {}

    def cores(self, anchor: int, cores: list, rejoin=None) -> list[tuple[int, int]]:
        """Extend ``cores`` from ``anchor`` to the end of the text.

        ``rejoin(next_anchor)`` may return the remaining cores, which ends the
        planning early.
        """
        n = len(self.ids)
        core = self.geometry.core
        while n - anchor > self.geometry.length - self.geometry.margin:
            # At least one character, so a core of 1 still advances.
            low, high = anchor + max(core // 2, 1), anchor + core
            next_anchor = self._last_line_candidate(low, high)
            if next_anchor is None:
                next_anchor = _last_position_candidate(self.ids, low, high)
            if next_anchor is None:
                next_anchor = high
            cores.append((anchor, next_anchor))
            anchor = next_anchor
            rest = rejoin(anchor) if rejoin is not None else None
            if rest is not None:
                return cores + rest
        cores.append((anchor, n))
        return cores

    def _last_line_candidate(self, low: int, high: int) -> int | None:
        for chunk in range(high // self.chunk, low // self.chunk - 1, -1):
            candidates = self._line_candidates(chunk)
            index = bisect.bisect_right(candidates, high) - 1
            if index >= 0:
                return candidates[index] if candidates[index] >= low else None
        return None

    def _line_candidates(self, chunk: int) -> list[int]:
        if chunk not in self._chunks:
            self._chunks[chunk] = _line_anchor_candidates(
                self.ids, chunk * self.chunk, (chunk + 1) * self.chunk
            ).tolist()
        return self._chunks[chunk]


def _line_anchor_candidates(ids: np.ndarray, low: int, high: int) -> np.ndarray:
    """Return the line starts in ``[low, high)`` that are anchor candidates.

    A line start is a candidate when its line hashes to 0 mod
    ``LINE_ANCHOR_MODULUS``. A line hashes its first ``HASH_SPAN`` ids after
    the indentation: the lines of an indented block share their first 16
    characters, so hashing from the line start would make them all candidates
    or none. The end of the line is left out on purpose, so that typing at the
    end of a line (the usual edit) moves no anchor.
    """
    low, high = max(low, 1), min(high, len(ids))
    if low >= high:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(ids[low - 1 : high - 1] == _NEWLINE_ID) + low
    if len(starts) == 0:
        return starts
    hashes = span_hashes(ids, _skip_indentation(ids, starts))
    return starts[hashes % np.uint64(LINE_ANCHOR_MODULUS) == 0]


def _skip_indentation(ids: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Move each line start past up to ``MAX_INDENT`` spaces and tabs."""
    n = len(ids)
    positions = starts.copy()
    for _ in range(MAX_INDENT):
        current = ids[np.minimum(positions, n - 1)]
        blank = (positions < n) & np.isin(current, _INDENT_IDS)
        if not blank.any():
            break
        positions += blank
    return positions


def _last_position_candidate(ids: np.ndarray, low: int, high: int) -> int | None:
    """Return the last position in ``[low, high]`` that is a candidate, if any.

    The search goes backwards one block of ``POSITION_ANCHOR_MODULUS``
    positions at a time, which usually holds a candidate.
    """
    block_end = high + 1
    while block_end > low:
        block_start = max(low, block_end - POSITION_ANCHOR_MODULUS)
        positions = np.arange(block_start, block_end)
        hashes = span_hashes(ids, positions)
        hits = positions[hashes % np.uint64(POSITION_ANCHOR_MODULUS) == 0]
        if len(hits):
            return int(hits[-1])
        block_end = block_start
    return None


def span_hashes(ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Hash the ``HASH_SPAN`` ids from each position (zero past the end).

    A polynomial hash in wrap-around uint64 arithmetic, then a multiply-xorshift
    finaliser so the low bits are well mixed. Stable across runs and platforms.
    Positions go in chunks, so temporary arrays stay small on large texts.
    """
    hashes = np.empty(len(positions), dtype=np.uint64)
    for start in range(0, len(positions), _HASH_CHUNK):
        chunk = positions[start : start + _HASH_CHUNK]
        hashes[start : start + len(chunk)] = _hash_chunk(ids, chunk)
    return hashes


def _hash_chunk(ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
    n = len(ids)
    offsets = positions[:, None] + np.arange(HASH_SPAN)
    spans = np.where(offsets < n, ids[np.minimum(offsets, n - 1)], 0)
    hashes = (spans.astype(np.uint64) * _HASH_POWERS).sum(axis=1, dtype=np.uint64)
    hashes ^= hashes >> np.uint64(33)
    hashes *= _MIX
    hashes ^= hashes >> np.uint64(33)
    return hashes
