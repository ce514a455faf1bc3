"""Run summaries, Viterbi decoding and short-region merging on hand-made arrays."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charseg_server.runs import MAX_RUNS_PER_CORE, concatenate, summarize
from charseg_server.smoothing import Segments, group_runs, merge_short
from charseg_server.viterbi import viterbi


def one_hot_probs(labels: list[int], num_labels: int = 3, peak: float = 0.9):
    """Probabilities with ``peak`` on each character's label, the rest shared."""
    rest = (1 - peak) / (num_labels - 1)
    probs = np.full((len(labels), num_labels), rest, dtype=np.float32)
    probs[np.arange(len(labels)), labels] = peak
    return probs


def brute_force_path(emissions: np.ndarray, penalty: float) -> float:
    runs, labels = emissions.shape
    best = -np.inf
    for path in itertools.product(range(labels), repeat=runs):
        score = sum(emissions[t, label] for t, label in enumerate(path))
        score -= penalty * sum(a != b for a, b in itertools.pairwise(path))
        best = max(best, score)
    return best


def path_score(emissions: np.ndarray, path: np.ndarray, penalty: float) -> float:
    score = emissions[np.arange(len(path)), path].sum()
    return score - penalty * np.count_nonzero(np.diff(path))


# --- summaries -------------------------------------------------------------


def test_summarize_splits_at_argmax_changes():
    probs = one_hot_probs([0] * 5 + [1] * 3 + [0] * 2)
    summary = summarize(probs)
    assert summary.lengths.tolist() == [5, 3, 2]
    assert summary.chars == 10


def test_summarize_sums_probabilities():
    probs = one_hot_probs([0] * 5 + [1] * 3)
    summary = summarize(probs)
    np.testing.assert_allclose(summary.prob_sums[0], probs[:5].sum(axis=0), rtol=1e-6)
    np.testing.assert_allclose(
        summary.log_prob_sums[1], np.log(probs[5:]).sum(axis=0), rtol=1e-6
    )


def test_summarize_zero_probability_is_finite():
    probs = np.array([[1.0, 0.0], [1.0, 0.0]], dtype=np.float32)
    summary = summarize(probs)
    assert np.isfinite(summary.log_prob_sums).all()


def test_summarize_rejects_empty_input():
    with pytest.raises(ValueError):
        summarize(np.zeros((0, 3), dtype=np.float32))


@settings(max_examples=50, deadline=None)
@given(
    length=st.integers(min_value=1, max_value=1024),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_summarize_bounds_noisy_runs(length, seed):
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.ones(28), size=length).astype(np.float32)
    summary = summarize(probs)
    # The coarsening keeps at most 2 * length / 64 + 1 runs after its last step.
    assert len(summary.lengths) <= max(MAX_RUNS_PER_CORE, 2 * length // 64 + 1)
    assert summary.chars == length
    np.testing.assert_allclose(
        summary.prob_sums.sum(axis=0), probs.sum(axis=0), rtol=1e-4, atol=1e-4
    )


def test_concatenate_keeps_order():
    first = summarize(one_hot_probs([0, 0, 1]))
    second = summarize(one_hot_probs([2, 2]))
    joined = concatenate([first, second])
    assert joined.lengths.tolist() == [2, 1, 2]
    assert joined.prob_sums.shape == (3, 3)


# --- Viterbi -----------------------------------------------------------------


def test_viterbi_zero_penalty_is_argmax():
    rng = np.random.default_rng(1)
    emissions = rng.normal(size=(50, 4))
    path = viterbi(emissions, 0.0)
    assert path.tolist() == emissions.argmax(axis=1).tolist()


def test_viterbi_huge_penalty_keeps_one_label():
    rng = np.random.default_rng(2)
    emissions = rng.normal(size=(50, 4))
    path = viterbi(emissions, 1e9)
    assert set(path.tolist()) == {int(emissions.sum(axis=0).argmax())}


def test_viterbi_smooths_short_dip():
    # Run 1 prefers label 1 by 3 units; two switches would cost 2 * 8.
    emissions = np.array([[-1.0, -20.0], [-5.0, -2.0], [-1.0, -20.0]])
    assert viterbi(emissions, 8.0).tolist() == [0, 0, 0]
    assert viterbi(emissions, 1.0).tolist() == [0, 1, 0]


def test_viterbi_empty_input():
    assert viterbi(np.zeros((0, 3)), 8.0).tolist() == []


@settings(max_examples=60, deadline=None)
@given(
    runs=st.integers(min_value=1, max_value=6),
    labels=st.integers(min_value=1, max_value=3),
    penalty=st.sampled_from([0.0, 0.5, 2.0, 8.0]),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_viterbi_matches_brute_force(runs, labels, penalty, seed):
    rng = np.random.default_rng(seed)
    emissions = rng.normal(scale=3.0, size=(runs, labels))
    path = viterbi(emissions, penalty)
    assert path_score(emissions, path, penalty) == pytest.approx(
        brute_force_path(emissions, penalty)
    )


# --- grouping and merging ------------------------------------------------------


def test_group_runs_joins_equal_labels():
    path = np.array([0, 0, 1, 1, 0])
    lengths = np.array([2, 3, 1, 1, 4])
    sums = np.ones((5, 2))
    segments = group_runs(path, lengths, sums)
    assert segments.lengths.tolist() == [5, 2, 4]
    assert segments.labels.tolist() == [0, 1, 0]
    assert segments.prob_sums[:, 0].tolist() == [2, 2, 1]


def segments(lengths, labels, sums) -> Segments:
    return Segments(
        lengths=np.array(lengths),
        labels=np.array(labels),
        prob_sums=np.array(sums, dtype=np.float64),
    )


def test_merge_short_joins_likelier_neighbour():
    # The short middle span has more mass on label 2 (right) than label 0 (left).
    merged = merge_short(
        segments([20, 3, 20], [0, 1, 2], [[18, 1, 1], [0.5, 1.5, 1.0], [1, 1, 18]]),
        min_region=8,
    )
    assert merged.lengths.tolist() == [20, 23]
    assert merged.labels.tolist() == [0, 2]
    assert merged.prob_sums[1].tolist() == [1.5, 2.5, 19.0]


def test_merge_short_tie_goes_left():
    merged = merge_short(
        segments([20, 3, 20], [0, 1, 2], [[1, 0, 0], [1, 1, 1], [0, 0, 1]]), 8
    )
    assert merged.lengths.tolist() == [23, 20]


def test_merge_short_coalesces_equal_neighbours():
    merged = merge_short(
        segments([20, 3, 20], [0, 1, 0], [[1, 0], [1, 2], [1, 0]]), min_region=8
    )
    assert merged.lengths.tolist() == [43]
    assert merged.labels.tolist() == [0]


def test_merge_short_shortest_first():
    # Span 2 (length 2) goes first and joins span 3. Span 1 then has neighbours
    # 0 and 3 and joins span 0. Had span 1 gone first, it would have joined
    # span 2 (its label has more of span 1's mass than span 0's).
    merged = merge_short(
        segments(
            [30, 5, 2, 30],
            [0, 1, 2, 3],
            [[30, 0, 0, 0], [1, 3, 2, 0], [0, 0, 0, 2], [0, 0, 0, 30]],
        ),
        min_region=8,
    )
    assert merged.lengths.tolist() == [35, 32]
    assert merged.labels.tolist() == [0, 3]


def test_merge_short_keeps_sole_span():
    merged = merge_short(segments([3, 2], [0, 1], [[2, 1], [1, 1]]), min_region=8)
    assert merged.lengths.tolist() == [5]
    assert merged.labels.tolist() == [0]


def test_merge_short_zero_minimum_is_identity():
    original = segments([1, 1, 1], [0, 1, 0], [[1, 0], [0, 1], [1, 0]])
    merged = merge_short(original, min_region=0)
    assert merged.lengths.tolist() == [1, 1, 1]
    assert merged.labels.tolist() == [0, 1, 0]


@settings(max_examples=100, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.integers(1, 30), st.integers(0, 3)), min_size=1, max_size=40
    ),
    min_region=st.integers(0, 20),
)
def test_merge_short_properties(data, min_region):
    lengths = [length for length, _ in data]
    labels = [label for _, label in data]
    rng = np.random.default_rng(len(data))
    sums = rng.random((len(data), 4)) * np.array(lengths)[:, None]
    start = group_runs(np.array(labels), np.array(lengths), sums)
    merged = merge_short(start, min_region)
    assert merged.lengths.sum() == sum(lengths)
    np.testing.assert_allclose(merged.prob_sums.sum(axis=0), sums.sum(axis=0))
    assert (np.diff(merged.labels) != 0).all()
    if len(merged.lengths) > 1:
        assert (merged.lengths >= min_region).all()
