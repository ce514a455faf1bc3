"""Loss weights near language switches, and the batches that carry them."""

import json

import numpy as np
import pytest
from tiny_corpus import LANGUAGES, write_tiny_corpus

from charseg_training.config import DataConfig
from charseg_training.data import MixedDocuments
from charseg_training.splice import Corpus
from charseg_training.weights import NO_SWITCH, distance_to_switch, switch_weights


def test_distance_counts_both_sides():
    labels = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
    # Switches come before offsets 3 and 5, so the run of two 1s touches both.
    assert distance_to_switch(labels).tolist() == [2, 1, 0, 0, 0, 0, 1, 2, 3]


def test_one_label_has_no_switch():
    assert distance_to_switch(np.array([4, 4, 4])).tolist() == [NO_SWITCH] * 3
    assert distance_to_switch(np.array([], dtype=np.int64)).tolist() == []


def test_reach_past_row_length():
    # A reach longer than the row still leaves rows without a switch far.
    weights = switch_weights(np.array([[0, 0, 0, 0], [0, 0, 1, 1]]), 2.0, 8)
    assert weights[0].tolist() == [weights[0, 0]] * 4
    assert weights[1, 0] == pytest.approx(3 * weights[0, 0])


def test_bad_inputs_are_rejected():
    with pytest.raises(ValueError, match="extra must be finite and >= 0"):
        switch_weights(np.array([[0, 1]]), -1.0, 8)
    with pytest.raises(ValueError, match="labels must be one row"):
        distance_to_switch(np.array([[0, 0], [1, 1]]))


def test_weights_stress_switches():
    labels = np.array([[0, 0, 0, 0, 1, 1, 1, 1], [2] * 8])
    weights = switch_weights(labels, extra=2.0, reach=2)
    assert weights.dtype == np.float32
    assert weights.mean() == pytest.approx(1.0)
    # Offsets 2 to 5 lie within 2 characters of the switch and weigh 3 times more.
    near, far = weights[0, 2], weights[0, 0]
    assert near == pytest.approx(3 * far)
    assert weights[0].tolist() == [far, far, near, near, near, near, far, far]
    assert np.all(weights[1] == far)


def test_zero_extra_is_uniform():
    weights = switch_weights(np.array([[0, 1, 1, 0]]), extra=0.0, reach=8)
    assert weights.tolist() == [[1.0, 1.0, 1.0, 1.0]]


def _dataset(root, fixed, switch_weight):
    write_tiny_corpus(root)
    corpus = Corpus.load(root / "corpus", "train", list(LANGUAGES))
    config = DataConfig(
        sequence_length=96,
        labels=tuple(LANGUAGES),
        switch_weight=switch_weight,
        switch_reach=3,
        # Plain splicing of short runs: every 96-character window has a switch.
        p_single=0.0,
        p_lines=0.0,
        p_embedded=0.0,
        p_pair=0.0,
        max_run=30,
    )
    return MixedDocuments(corpus, config, batch_size=4, steps=2, seed=3, fixed=fixed)


def test_training_batches_have_weights(tmp_path):
    inputs, targets, weights = _dataset(tmp_path, False, 2.0)[0]
    assert inputs.shape == targets.shape == weights.shape == (4, 96)
    np.testing.assert_allclose(weights, switch_weights(targets, 2.0, 3))
    # Every row has a switch, so no row is uniform.
    assert np.all(weights.max(axis=1) > weights.min(axis=1))


def test_validation_batches_unweighted(tmp_path):
    batch = _dataset(tmp_path, True, 2.0)[0]
    assert len(batch) == 2


def _train_losses(root, switch_weight):
    from charseg_training.cli import main

    config = write_tiny_corpus(root)
    run = root / "run"
    argv = ["fit", "--run", str(run), "--config", str(config), "--quiet"]
    assert main([*argv, "--set", f"data.switch_weight={switch_weight}"]) == 0
    saved = json.loads((run / "config.json").read_text())
    assert saved["data"]["switch_weight"] == switch_weight
    rows = (run / "history.csv").read_text().splitlines()[1:]
    return [float(row.split(",")[1]) for row in rows]


def test_fit_with_switch_weights(tmp_path):
    plain = _train_losses(tmp_path / "plain", 0.0)
    weighted = _train_losses(tmp_path / "weighted", 3.0)
    assert len(weighted) == 2
    assert np.all(np.isfinite(weighted))
    # Both runs share the seed and the batches, so only the weights differ.
    assert not np.allclose(plain, weighted)
