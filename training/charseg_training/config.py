"""Every hyperparameter of a training run, saved beside each model.

Defaults are the shape and schedule of the bundled model. A run stores its final
config as ``config.json`` in the run folder, and ``charseg-train fit --config``
reads one back; unknown keys are rejected by name.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

from charseg_server.contract import LABELS, WindowGeometry

from .config_checks import check_config


@dataclass
class ModelConfig:
    """Network shape."""

    # "bilstm": embedding, stacked BiLSTM, softmax.
    # "strided": a convolution stem halves the sequence before the BiLSTM and the
    # output is upsampled back to one prediction per character.
    shape: str = "strided"
    embed_dim: int = 32
    conv_filters: int = 64
    conv_kernel: int = 5
    stride: int = 2
    lstm_units: int = 64
    lstm_layers: int = 2
    dropout: float = 0.0
    # cuDNN kernels do not apply on CPU and the generic kernel trains faster there.
    use_cudnn: bool = False


@dataclass
class DataConfig:
    """Mixed-document generator."""

    corpus: str = "data/corpus"
    sequence_length: int = 1024
    min_run: int = 20
    max_run: int = 600
    # Probabilities of each document style; the rest is plain splicing.
    p_pair: float = 0.15
    p_single: float = 0.25
    p_lines: float = 0.2
    p_embedded: float = 0.2
    # Host files of one language with whole-line blocks of a look-alike one.
    p_block: float = 0.0
    # The pair that p_focus of the pair documents alternate between: the
    # reference case of telling two languages apart at close range.
    focus_pair: tuple[str, str] = ("python", "scala")
    p_focus: float = 0.0
    # Maximum run length in a focus pair document. Shorter runs mean more
    # boundaries per window.
    focus_max_run: int = 600
    # Maximum run length in pair documents of two look-alike languages.
    pair_max_run: int = 600
    # Extra loss weight of the characters within switch_reach characters of a
    # language switch in a training window. With 0 every character weighs the same.
    switch_weight: float = 0.0
    switch_reach: int = 8
    labels: tuple[str, ...] = LABELS


@dataclass
class FitConfig:
    """Optimiser, schedule and stopping."""

    batch_size: int = 16
    steps_per_epoch: int = 200
    epochs: int = 1000
    validation_batches: int = 40
    # "exponential" halves the rate every lr_half_life_steps. "cosine" lowers it
    # to lr_final_fraction of the peak over lr_decay_steps.
    schedule: str = "exponential"
    learning_rate: float = 2e-3
    lr_half_life_steps: int = 6000
    lr_decay_steps: int = 24000
    lr_final_fraction: float = 0.05
    # Optimizer step at which the schedule starts (set by `fit --restart-schedule`).
    lr_start_step: int = 0
    clipnorm: float = 1.0
    early_stopping_patience: int = 8
    seed: int = 1


@dataclass
class TrainingConfig:
    """A whole run: model, data, fit, and the serving window geometry."""

    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    fit: FitConfig = field(default_factory=FitConfig)
    window_length: int = 1024
    window_margin: int = 96

    @property
    def window(self) -> WindowGeometry:
        return WindowGeometry(self.window_length, self.window_margin)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def from_dict(cls, values: dict) -> TrainingConfig:
        """Build a config from JSON values, checking each key, type and range."""
        if not isinstance(values, dict):
            raise ValueError(f"a config must be a JSON object, got {values!r}")
        sections = {"model": ModelConfig, "data": DataConfig, "fit": FitConfig}
        defaults = cls()
        kwargs = {}
        for key, value in values.items():
            if key in sections:
                kwargs[key] = _build(sections[key], value, key)
            elif key in ("window_length", "window_margin"):
                kwargs[key] = _checked_value(key, getattr(defaults, key), value)
            else:
                raise ValueError(f"unknown config key {key!r}")
        config = cls(**kwargs)
        check_config(config)
        return config

    @classmethod
    def load(cls, path: Path) -> TrainingConfig:
        """Read a config file; raise ``ValueError`` naming it if it is not JSON."""
        try:
            data = json.loads(Path(path).read_text())
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path} is not a valid JSON config: {exc}") from exc
        return cls.from_dict(data)

    def with_overrides(self, assignments: list[str]) -> TrainingConfig:
        """Return a copy with ``KEY=VALUE`` assignments such as ``fit.batch_size=64``.

        A key names an existing setting, with its section for the nested ones.
        The value is read as JSON, or kept as a string where it is not JSON, and
        must have the setting's type: a number for a number, a list for a list.
        """
        values = self.to_dict()
        for assignment in assignments:
            key, value = _parse_assignment(assignment)
            *sections, name = key.split(".")
            target = values
            for section in sections:
                target = target.get(section)
                if not isinstance(target, dict):
                    raise ValueError(f"unknown config key {key!r}")
            if name not in target or isinstance(target[name], dict):
                raise ValueError(f"unknown config key {key!r}")
            target[name] = _checked_value(key, target[name], value)
        return TrainingConfig.from_dict(values)


def _parse_assignment(assignment: str) -> tuple[str, object]:
    key, sep, text = assignment.partition("=")
    if not sep or not key:
        raise ValueError(f"expected KEY=VALUE, got {assignment!r}")
    try:
        return key, json.loads(text)
    except json.JSONDecodeError:
        return key, text


def _checked_value(key: str, current: object, value: object) -> object:
    """Return ``value`` for ``key`` if its type matches the current setting."""
    numbers = (int, float)
    if isinstance(current, bool) or isinstance(value, bool):
        ok = isinstance(current, bool) and isinstance(value, bool)
    elif isinstance(current, float):
        ok = isinstance(value, numbers)
    elif isinstance(current, int):
        ok = isinstance(value, int)
    elif isinstance(current, list | tuple):
        ok = isinstance(value, list | tuple)
    else:
        ok = isinstance(value, type(current))
    if not ok:
        kind = type(current).__name__
        raise ValueError(f"{key} expects a value of type {kind}, got {value!r}")
    return float(value) if isinstance(current, float) else value


def _build(section: type, values: dict, prefix: str):
    if not isinstance(values, dict):
        raise ValueError(
            f"config section {prefix} must be a JSON object, got {values!r}"
        )
    defaults = section()
    names = {f.name for f in dataclasses.fields(section)}
    unknown = sorted(set(values) - names)
    if unknown:
        raise ValueError(f"unknown config keys in {prefix}: {', '.join(unknown)}")
    checked = {}
    for key, value in values.items():
        value = _checked_value(f"{prefix}.{key}", getattr(defaults, key), value)
        checked[key] = tuple(value) if isinstance(value, list | tuple) else value
    return section(**checked)
