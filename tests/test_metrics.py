"""Scoring functions on hand-computed cases."""

import numpy as np
import pytest

from charseg_training.metrics import (
    Scores,
    boundaries,
    bucket_name,
    match_boundaries,
    run_bucket_counts,
    run_lengths,
    switch_latencies,
)


def test_boundaries_of_three_runs():
    assert boundaries(np.array([0, 0, 1, 1, 1, 2])).tolist() == [2, 5]


def test_boundaries_of_empty_and_single():
    assert boundaries(np.array([], dtype=int)).tolist() == []
    assert boundaries(np.array([4])).tolist() == []


def test_run_lengths():
    assert run_lengths(np.array([0, 0, 1, 1, 1, 2])).tolist() == [2, 3, 1]
    assert run_lengths(np.array([], dtype=int)).tolist() == []


def test_match_boundaries_within_tolerance():
    truth = np.array([10, 50, 100])
    pred = np.array([12, 47, 60, 104])
    # 10~12 and 50~47 match; 100 vs 104 is 4 away; 60 matches nothing.
    assert match_boundaries(truth, pred, tolerance=3) == 2


def test_match_boundaries_one_to_one():
    assert match_boundaries(np.array([10]), np.array([9, 10, 11])) == 1


def test_switch_latency_counts_late_characters():
    truth = np.array([0] * 5 + [1] * 5)
    pred = np.array([0] * 7 + [1] * 3)
    assert switch_latencies(truth, pred) == [2]


def test_switch_latency_never_switching_counts_run():
    truth = np.array([0] * 3 + [1] * 4)
    pred = np.zeros(7, dtype=int)
    assert switch_latencies(truth, pred) == [4]


def test_scores_accuracy_and_f1():
    scores = Scores(num_labels=3)
    truth = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    pred = np.array([0, 0, 0, 1, 1, 1, 1, 2])
    scores.add(truth, pred)
    assert scores.accuracy() == pytest.approx(6 / 8)
    per_label = scores.per_label()
    # label 0: tp 3, predicted 3, actual 4
    assert per_label[0]["precision"] == pytest.approx(1.0)
    assert per_label[0]["recall"] == pytest.approx(0.75)
    assert per_label[0]["f1"] == pytest.approx(2 * 0.75 / 1.75)
    # label 1: tp 3, predicted 4, actual 4
    assert per_label[1]["f1"] == pytest.approx(0.75)
    # label 2 never true: precision 0, support 0, left out of the macro mean
    assert per_label[2]["support"] == 0
    assert scores.macro_f1() == pytest.approx((2 * 0.75 / 1.75 + 0.75) / 2)


def test_scores_boundary_f1():
    scores = Scores(num_labels=2)
    truth = np.array([0] * 10 + [1] * 10)
    pred = np.array([0] * 12 + [1] * 5 + [0] * 3)
    scores.add(truth, pred)
    # true boundary 10; predicted 12 (match) and 17 (spurious)
    assert scores.boundary_f1() == pytest.approx(2 * 0.5 * 1.0 / 1.5)


def test_scores_short_regions_per_10k():
    scores = Scores(num_labels=2)
    pred = np.array([0] * 100 + [1] * 3 + [0] * 97)
    scores.add(np.zeros(200, dtype=int), pred)
    assert scores.short_regions == 1
    assert scores.short_regions_per_10k() == pytest.approx(50.0)


def test_scores_file_top1_uses_majority():
    scores = Scores(num_labels=3)
    scores.add_file(1, np.array([1, 1, 2]))
    scores.add_file(0, np.array([2, 2, 0]))
    assert scores.file_accuracy() == pytest.approx(0.5)


def test_scores_sum_counts_over_documents():
    scores = Scores(num_labels=2)
    scores.add(np.array([0, 0]), np.array([0, 1]))
    scores.add(np.array([1, 1, 1, 1]), np.array([1, 1, 1, 1]))
    assert scores.accuracy() == pytest.approx(5 / 6)


def test_scores_shape_mismatch_raises():
    with pytest.raises(ValueError, match="shape mismatch"):
        Scores(num_labels=2).add(np.array([0, 1]), np.array([0]))


def test_run_buckets_count_by_true_run():
    truth = np.array([0] * 10 + [1] * 60 + [0] * 600)
    pred = truth.copy()
    pred[10:40] = 0
    pred[100:200] = 1
    counts = run_bucket_counts(truth, pred)
    assert counts[1].tolist() == [10, 60, 0, 0, 600]
    assert counts[0].tolist() == [10, 30, 0, 0, 500]


def test_run_accuracy_skips_empty_buckets():
    scores = Scores(num_labels=2)
    scores.add(np.array([0] * 10 + [1] * 60), np.array([0] * 40 + [1] * 30))
    scores.add(np.array([1] * 20), np.array([1] * 20))
    assert scores.accuracy_by_run_length() == {
        "1-49": pytest.approx(1.0),
        "50-99": pytest.approx(0.5),
    }
    assert scores.summary()["accuracy_by_run_length"]["50-99"] == pytest.approx(0.5)


def test_bucket_names():
    assert bucket_name(0) == "1-49"
    assert bucket_name(2) == "100-199"
    assert bucket_name(4) == "500+"


def test_run_buckets_of_empty_document():
    assert run_bucket_counts(np.array([]), np.array([])).sum() == 0
