"""Range checks for a training config, run whenever a config is loaded or changed.

A value out of range would otherwise train silently on nonsense (a batch of
zero windows, a NaN learning rate) or fail deep inside Keras with a traceback.
Each check raises ``ValueError`` with the setting's name and value.
"""

from __future__ import annotations

import math

from charseg_server.contract import LABELS, WindowGeometry

MODEL_SHAPES = ("strided", "bilstm")
DOCUMENT_STYLES = ("p_pair", "p_block", "p_single", "p_lines", "p_embedded")
#: Step counts become int64 tensors in the schedule, and seeds seed NumPy and Keras.
MAX_STEPS = 2**62
MAX_SEED = 2**32 - 1


def _at_least(name: str, value: int, minimum: int) -> None:
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")


def _at_most(name: str, value: float, maximum: float) -> None:
    if value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")


def _positive(name: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be finite and > 0, got {value}")


def _fraction(name: str, value: float) -> None:
    if not 0 <= value <= 1:
        raise ValueError(f"{name} must be from 0 to 1, got {value}")


def check_model(model) -> None:
    if model.shape not in MODEL_SHAPES:
        expected = ", ".join(MODEL_SHAPES)
        raise ValueError(f"model.shape must be one of {expected}, got {model.shape!r}")
    for name in ("embed_dim", "conv_filters", "conv_kernel", "stride", "lstm_units"):
        _at_least(f"model.{name}", getattr(model, name), 1)
    _at_least("model.lstm_layers", model.lstm_layers, 1)
    if not 0 <= model.dropout < 1:
        raise ValueError(f"model.dropout must be >= 0 and < 1, got {model.dropout}")


def check_data(data) -> None:
    if not data.corpus:
        raise ValueError("data.corpus must name the corpus folder")
    _at_least("data.sequence_length", data.sequence_length, 1)
    _at_least("data.min_run", data.min_run, 1)
    for name in ("max_run", "focus_max_run", "pair_max_run"):
        _at_least(f"data.{name}", getattr(data, name), data.min_run)

    _at_least("data.switch_reach", data.switch_reach, 1)
    if not (math.isfinite(data.switch_weight) and data.switch_weight >= 0):
        raise ValueError(
            f"data.switch_weight must be finite and >= 0, got {data.switch_weight}"
        )

    for name in (*DOCUMENT_STYLES, "p_focus"):
        _fraction(f"data.{name}", getattr(data, name))
    total = sum(getattr(data, name) for name in DOCUMENT_STYLES)
    if total > 1 + 1e-9:
        styles = " + ".join(f"data.{name}" for name in DOCUMENT_STYLES)
        raise ValueError(f"{styles} must be <= 1, got {total}")

    for name in ("labels", "focus_pair"):
        values = getattr(data, name)
        if not all(isinstance(value, str) for value in values):
            raise ValueError(f"data.{name} must list label names, got {list(values)}")
    labels = list(data.labels)
    unknown = [label for label in labels if label not in LABELS]
    if unknown or not labels:
        invalid = unknown or labels
        raise ValueError(f"data.labels must list known labels, got {invalid}")
    if len(set(labels)) != len(labels):
        raise ValueError(f"data.labels lists a label twice: {labels}")

    pair = list(data.focus_pair)
    if len(pair) != 2 or pair[0] == pair[1]:
        raise ValueError(f"data.focus_pair must name two labels, got {pair}")
    missing = [label for label in pair if label not in labels]
    if data.p_focus > 0 and missing:
        raise ValueError(f"data.focus_pair names labels outside data.labels: {missing}")


def check_fit(fit) -> None:
    for name in ("batch_size", "steps_per_epoch", "epochs", "validation_batches"):
        _at_least(f"fit.{name}", getattr(fit, name), 1)
    for name in ("lr_half_life_steps", "lr_decay_steps"):
        _at_least(f"fit.{name}", getattr(fit, name), 1)
    _at_least("fit.lr_start_step", fit.lr_start_step, 0)
    _at_least("fit.early_stopping_patience", fit.early_stopping_patience, 0)
    for name in ("lr_half_life_steps", "lr_decay_steps", "lr_start_step"):
        _at_most(f"fit.{name}", getattr(fit, name), MAX_STEPS)
    _at_least("fit.seed", fit.seed, 0)
    _at_most("fit.seed", fit.seed, MAX_SEED)
    _positive("fit.learning_rate", fit.learning_rate)
    _at_most("fit.learning_rate", fit.learning_rate, 1)
    _positive("fit.clipnorm", fit.clipnorm)
    _positive("fit.lr_final_fraction", fit.lr_final_fraction)
    _at_most("fit.lr_final_fraction", fit.lr_final_fraction, 1)


def check_config(config) -> None:
    """Raise ``ValueError`` for the first setting of ``config`` that is out of range."""
    check_model(config.model)
    check_data(config.data)
    check_fit(config.fit)
    # The serving windows check their own geometry.
    WindowGeometry(config.window_length, config.window_margin)
