"""The window planner: equal-length windows whose cores tile the text."""

from __future__ import annotations

import numpy as np
import pytest
from engine_support import mixed_text
from hypothesis import given, settings
from hypothesis import strategies as st

from charseg_server.contract import WindowGeometry, encode
from charseg_server.windows import (
    Edit,
    Window,
    plan_windows,
    replan_windows,
    span_hashes,
)

GEOMETRY = WindowGeometry(length=1024, margin=96)
SMALL = WindowGeometry(length=64, margin=8)


def check_plan(plan: list[Window], n: int, geometry: WindowGeometry) -> None:
    covered = np.zeros(n, dtype=int)
    for window in plan:
        covered[window.core_start : window.core_end] += 1
    assert (covered == 1).all(), "every character must be in exactly one core"
    lengths = {window.length for window in plan}
    assert lengths == {min(n, geometry.length)}
    for window in plan:
        assert 0 <= window.start <= window.core_start < window.core_end
        assert window.core_end <= window.end <= n
        if window.core_start > 0:
            assert window.core_start - window.start >= geometry.margin
        if window.core_end < n:
            assert window.end - window.core_end >= geometry.margin
    starts = [window.core_start for window in plan]
    assert starts == sorted(starts)


def test_plan_empty_text():
    assert plan_windows(encode(""), GEOMETRY) == []


@pytest.mark.parametrize("n", [1, 2, 500, 1023, 1024])
def test_plan_short_text_is_one_window(n):
    plan = plan_windows(encode("x" * n), GEOMETRY)
    assert plan == [Window(0, n, 0, n)]


@pytest.mark.parametrize("n", [1025, 1100, 2000, 5000, 100_000])
def test_plan_long_code_text(n):
    ids = encode(mixed_text(n // 20 + 10)[:n])
    plan = plan_windows(ids, GEOMETRY)
    check_plan(plan, n, GEOMETRY)
    assert len(plan) >= 2


def test_plan_single_line_text():
    # Without line breaks the planner falls back to content-defined positions.
    text = "".join(f'{{"key{i}": [{i}, {i * 7 % 13}]}}, ' for i in range(5000))
    ids = encode(text)
    plan = plan_windows(ids, GEOMETRY)
    check_plan(plan, len(ids), GEOMETRY)


def test_plan_cores_are_long():
    # Taking the last candidate keeps the average core well above half size.
    ids = encode(mixed_text(5000))
    plan = plan_windows(ids, GEOMETRY)
    average = len(ids) / len(plan)
    assert average > 0.75 * GEOMETRY.core


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=3000),
    newline_rate=st.sampled_from([0.0, 0.01, 0.05, 0.3]),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_plan_invariants_random(n, newline_rate, seed):
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, 140, n).astype(np.int32)
    ids[rng.random(n) < newline_rate] = encode("\n")[0]
    plan = plan_windows(ids, SMALL)
    if n == 0:
        assert plan == []
        return
    check_plan(plan, n, SMALL)


def _window_texts(ids: np.ndarray, plan: list[Window]) -> set[tuple[bytes, int, int]]:
    return {
        (
            ids[w.start : w.end].tobytes(),
            w.core_start - w.start,
            w.core_end - w.start,
        )
        for w in plan
    }


@pytest.mark.parametrize("where", ["top", "middle"])
def test_plan_stable_under_insertion(where):
    lines = mixed_text(10_000).split("\n")
    text = "\n".join(lines)
    index = 3 if where == "top" else 5000
    edited = "\n".join(lines[:index] + ["x = compute(y)"] + lines[index:])
    before_ids, after_ids = encode(text), encode(edited)
    before = plan_windows(before_ids, GEOMETRY)
    after = plan_windows(after_ids, GEOMETRY)
    changed = _window_texts(after_ids, after) - _window_texts(before_ids, before)
    assert len(after) > 300
    assert len(changed) <= 4, f"{len(changed)} of {len(after)} windows changed"


def test_plan_stable_under_deletion_near_top():
    text = mixed_text(10_000)
    edited = text[:100] + text[101:]
    before_ids, after_ids = encode(text), encode(edited)
    before = plan_windows(before_ids, GEOMETRY)
    after = plan_windows(after_ids, GEOMETRY)
    changed = _window_texts(after_ids, after) - _window_texts(before_ids, before)
    assert len(changed) <= 4


def test_span_hashes_depend_on_content_only():
    line = "value = compute(item)\n"
    ids = encode(line * 3)
    hashes = span_hashes(ids, np.array([0, len(line)]))
    assert hashes[0] == hashes[1]
    other = span_hashes(encode("valuE = compute(item)\n"), np.array([0]))
    assert other[0] != hashes[0]


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=2500),
    newline_rate=st.sampled_from([0.0, 0.01, 0.05, 0.3]),
    geometry=st.sampled_from([SMALL, WindowGeometry(length=256, margin=32)]),
    data=st.data(),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_replan_equals_full_plan(n, newline_rate, geometry, data, seed):
    rng = np.random.default_rng(seed)
    newline = encode("\n")[0]
    ids = rng.integers(1, 140, n).astype(np.int32)
    ids[rng.random(n) < newline_rate] = newline
    start = data.draw(st.integers(min_value=0, max_value=n))
    stop = data.draw(st.integers(min_value=start, max_value=min(n, start + 40)))
    inserted = rng.integers(1, 140, data.draw(st.integers(0, 40))).astype(np.int32)
    inserted[rng.random(len(inserted)) < 0.2] = newline
    edited = np.concatenate([ids[:start], inserted, ids[stop:]]).astype(np.int32)
    edit = Edit.between(ids, edited)
    replanned = replan_windows(edited, geometry, plan_windows(ids, geometry), edit)
    assert replanned == plan_windows(edited, geometry)


def test_edit_between_finds_span():
    old, new = encode("abcXYZdef"), encode("abcQdef")
    assert Edit.between(old, new) == Edit(start=3, old_end=6, new_end=4)
    assert Edit.between(old, old) == Edit(start=9, old_end=9, new_end=9)
    # A repeated character makes the span ambiguous, and the prefix wins.
    assert Edit.between(encode("aaa"), encode("aaaa")) == Edit(3, 3, 4)
    assert Edit(3, 3, 4).shift == 1


def test_plan_with_core_of_one_ends():
    # A core shorter than the margin cannot give the second core its full left
    # context, so only the tiling is checked.
    ids = encode("a\n" * 10)
    plan = plan_windows(ids, WindowGeometry(length=5, margin=2))
    assert [(w.core_start, w.core_end) for w in plan][:2] == [(0, 1), (1, 2)]
    assert plan[-1].core_end == len(ids)
    assert all(
        a.core_end == b.core_start for a, b in zip(plan[:-1], plan[1:], strict=True)
    )
