"""The learning-rate schedule: exponential and cosine decay from a start step."""

import math

import pytest

from charseg_training.config import FitConfig
from charseg_training.schedule import RunSchedule, build_schedule


def rate(schedule, step):
    return float(schedule(step))


def test_exponential_halves_per_half_life():
    schedule = RunSchedule("exponential", 2e-3, half_life_steps=100)
    assert rate(schedule, 0) == pytest.approx(2e-3)
    assert rate(schedule, 100) == pytest.approx(1e-3)
    assert rate(schedule, 300) == pytest.approx(2.5e-4)


def test_cosine_decays_to_floor():
    schedule = RunSchedule("cosine", 1e-3, decay_steps=1000, final_fraction=0.1)
    assert rate(schedule, 0) == pytest.approx(1e-3)
    middle = 1e-3 * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi / 2)))
    assert rate(schedule, 500) == pytest.approx(middle)
    assert rate(schedule, 1000) == pytest.approx(1e-4)
    assert rate(schedule, 5000) == pytest.approx(1e-4)


def test_steps_before_start_keep_peak():
    schedule = RunSchedule("cosine", 1e-3, start_step=23000, decay_steps=1000)
    assert rate(schedule, 100) == pytest.approx(1e-3)
    assert rate(schedule, 23000) == pytest.approx(1e-3)
    assert rate(schedule, 24000) == pytest.approx(5e-5)


def test_schedule_config_round_trip():
    schedule = build_schedule(FitConfig(schedule="cosine", lr_start_step=7))
    copy = RunSchedule.from_config(schedule.get_config())
    assert copy.get_config() == schedule.get_config()
    assert copy.start_step == 7


def test_unknown_kind_rejected():
    with pytest.raises(ValueError, match="invalid schedule 'linear'"):
        RunSchedule("linear", 1e-3)
