"""The learning-rate schedule of ``charseg-train fit``.

The schedule is a function of the run's config and the optimizer's step count,
so a resumed run follows the same curve. ``lr_start_step`` lets a long run
restart the schedule part way: steps before it are not counted, and the rate
climbs back to ``learning_rate`` from there.
"""

from __future__ import annotations

import keras
from keras import ops

from .config import FitConfig

SCHEDULES = ("exponential", "cosine")


@keras.saving.register_keras_serializable(package="charseg")
class RunSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """A Keras exponential or cosine decay that begins at step ``start_step``.

    ``exponential`` halves the rate every ``half_life_steps``. ``cosine`` falls
    from the peak to ``final_fraction`` of it over ``decay_steps`` and then
    stays there.
    """

    def __init__(
        self,
        kind: str,
        learning_rate: float,
        start_step: int = 0,
        half_life_steps: int = 6000,
        decay_steps: int = 24000,
        final_fraction: float = 0.05,
    ):
        schedules = keras.optimizers.schedules
        if kind == "exponential":
            self.decay = schedules.ExponentialDecay(
                learning_rate, half_life_steps, decay_rate=0.5
            )
        elif kind == "cosine":
            self.decay = schedules.CosineDecay(
                learning_rate, decay_steps, alpha=final_fraction
            )
        else:
            raise ValueError(
                f"invalid schedule {kind!r}: expected one of {', '.join(SCHEDULES)}"
            )
        self.kind = kind
        self.learning_rate = learning_rate
        self.start_step = start_step
        self.half_life_steps = half_life_steps
        self.decay_steps = decay_steps
        self.final_fraction = final_fraction

    def __call__(self, step):
        elapsed = ops.maximum(ops.cast(step, "float32") - self.start_step, 0.0)
        return self.decay(elapsed)

    def get_config(self) -> dict:
        return {
            "kind": self.kind,
            "learning_rate": self.learning_rate,
            "start_step": self.start_step,
            "half_life_steps": self.half_life_steps,
            "decay_steps": self.decay_steps,
            "final_fraction": self.final_fraction,
        }


def build_schedule(fit: FitConfig) -> RunSchedule:
    """Return the schedule that ``fit`` describes."""
    return RunSchedule(
        fit.schedule,
        fit.learning_rate,
        start_step=fit.lr_start_step,
        half_life_steps=fit.lr_half_life_steps,
        decay_steps=fit.lr_decay_steps,
        final_fraction=fit.lr_final_fraction,
    )
