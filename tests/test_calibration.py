"""Reliability of region confidence: bins, expected calibration error, region scores."""

import numpy as np
import pytest

from charseg_server.regions import Region
from charseg_training.calibration import Reliability, region_scores


def test_calibrated_regions_zero_error():
    reliability = Reliability()
    # 20 characters at 0.95 with 19 right, and 10 at 0.55 with 5.5 right.
    reliability.add([0.95, 0.55], [20, 10], [19, 5.5])
    assert reliability.ece() == pytest.approx(0.0)


def test_error_weights_gap_by_characters():
    reliability = Reliability()
    reliability.add([0.9], [100], [60])  # 90% confident, 60% right
    reliability.add([0.25], [100], [25])  # exact
    # |60 - 90| + |25 - 25| over 200 characters.
    assert reliability.ece() == pytest.approx(30 / 200)

    rows = reliability.table()
    assert [(row["low"], row["high"]) for row in rows] == [(0.2, 0.3), (0.9, 1.0)]
    assert rows[1]["accuracy"] == pytest.approx(0.6)
    assert rows[1]["mean_confidence"] == pytest.approx(0.9)
    assert rows[1]["characters"] == 100


def test_confidence_one_in_top_bin():
    reliability = Reliability()
    reliability.add([1.0, 0.0], [5, 5], [5, 0])
    assert [row["low"] for row in reliability.table()] == [0.0, 0.9]
    assert reliability.ece() == pytest.approx(0.0)


def test_empty_reliability_has_no_error():
    assert Reliability().ece() is None
    assert Reliability().table() == []


def test_confidence_outside_unit_interval():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        Reliability().add([1.5], [3], [3])


def test_region_scores_count_correct_characters():
    labels = ["python", "scala"]
    truth = np.array([0, 0, 0, 1, 1, 1, 1, 0])
    regions = [Region(0, 4, "python", 0.8), Region(4, 8, "scala", 0.6)]
    assert region_scores(regions, truth, labels) == ([0.8, 0.6], [4, 4], [3, 3])


def test_region_scores_of_a_whole_file():
    labels = ["python", "scala"]
    regions = [Region(0, 3, "python", 0.9), Region(3, 10, "scala", 0.7)]
    assert region_scores(regions, 1, labels) == ([0.9, 0.7], [3, 7], [0, 7])
