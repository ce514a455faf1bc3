"""``charseg-train fit``: train the tagger, with checkpoints and resume.

A run folder contains everything needed to continue a run later:

* ``config.json``: every hyperparameter;
* ``checkpoint.keras``: the latest model with its optimizer state;
* ``best.keras``: the model with the lowest validation loss of the latest
  ``fit`` call (validation batches can change between calls);
* ``history.csv``: one row per epoch (the learning curve);
* ``state.json``: epochs done, characters trained and training seconds, summed
  over every session of the run.

Running ``fit`` again on the same folder resumes from ``checkpoint.keras``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import math
import time
from pathlib import Path

import keras

from charseg_server.contract import LABELS

from .config import TrainingConfig
from .data import MixedDocuments
from .model import CUSTOM_OBJECTS, architecture, build_model
from .schedule import build_schedule
from .splice import Corpus

log = logging.getLogger(__name__)


class RunState(keras.callbacks.Callback):
    """Record cumulative progress in ``state.json`` after every epoch."""

    def __init__(self, path: Path, chars_per_epoch: int, max_seconds: float | None):
        super().__init__()
        self.path = path
        self.chars_per_epoch = chars_per_epoch
        self.max_seconds = max_seconds
        self.state = read_state(path)
        self.started = time.monotonic()
        self.epoch_started = self.started

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_started = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        now = time.monotonic()
        self.state["epochs"] = epoch + 1
        self.state["characters"] += self.chars_per_epoch
        self.state["seconds"] += now - self.epoch_started
        self.state["last_logs"] = {k: float(v) for k, v in (logs or {}).items()}
        write_state(self.path, self.state)
        if self.max_seconds is not None and now - self.started > self.max_seconds:
            log.info("time limit of %.0f s reached, stopping", self.max_seconds)
            self.model.stop_training = True


class FailOnNaN(keras.callbacks.Callback):
    """Stop the run when an epoch's loss is not finite, before it is saved.

    It must come before the checkpoint callbacks, so that ``checkpoint.keras``
    keeps the last epoch with finite weights. It checks once per epoch, which
    keeps the training step free of a per-batch device sync.
    """

    def on_epoch_end(self, epoch, logs=None):
        loss = float((logs or {}).get("loss", 0.0))
        if not math.isfinite(loss):
            raise ValueError(
                f"the training loss of epoch {epoch + 1} is {loss}: lower "
                "fit.learning_rate; checkpoint.keras keeps the last finite epoch"
            )


class LoggedEarlyStopping(keras.callbacks.EarlyStopping):
    """Early stopping on validation loss that logs why the run ended."""

    def on_train_end(self, logs=None):
        super().on_train_end(logs)
        if self.stopped_epoch > 0:
            log.info(
                "early stopping after epoch %d: validation loss has not improved "
                "for %d epochs (best %.4f at epoch %d)",
                self.stopped_epoch + 1,
                self.wait,
                self.best,
                self.best_epoch + 1,
            )


#: Advice for a run whose ``state.json`` is invalid.
_STATE_HELP = "restore the run's state.json, or start a new run folder"
#: The counters of ``state.json`` and the types each may have.
_STATE_COUNTERS = {"epochs": (int,), "characters": (int,), "seconds": (int, float)}


def read_state(path: Path) -> dict:
    """Return the run's progress from ``state.json``, or zeros for a new run.

    Raises ``ValueError`` naming the file when it is not a valid state.
    """
    if not path.exists():
        return {"epochs": 0, "characters": 0, "seconds": 0.0}
    try:
        state = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path} is not valid JSON ({exc}): {_STATE_HELP}") from exc
    if not isinstance(state, dict):
        state = {}
    for key, kinds in _STATE_COUNTERS.items():
        value = state.get(key)
        if type(value) not in kinds or value < 0:
            raise ValueError(
                f"{path} needs non-negative numbers epochs, characters and "
                f"seconds, but {key} is {value!r}: {_STATE_HELP}"
            )
    return state


def write_state(path: Path, state: dict) -> None:
    """Replace ``state.json`` in one step, so a stop mid-write cannot truncate it."""
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(state, indent=2) + "\n")
    partial.replace(path)


def check_run_files(checkpoint: Path, state: dict, state_path: Path) -> None:
    """Raise ``ValueError`` if the checkpoint and ``state.json`` disagree.

    Training on without one of them would restart the weights or the epoch count
    while the run's history carries on.
    """
    if state["epochs"] > 0 and not checkpoint.exists():
        raise ValueError(
            f"{state_path} records {state['epochs']} trained epochs, but "
            f"{checkpoint} is missing: restore it, or start a new run folder"
        )
    if checkpoint.exists() and not state_path.exists():
        raise ValueError(
            f"{checkpoint} has no state.json beside it, so the run's epoch count "
            "is unknown: restore state.json, or start a new run folder. A run "
            "stopped during its first epoch can delete checkpoint.keras to start "
            "over"
        )


def distribution_scope(strategy: str):
    """Return a context in which to build the model for ``strategy``.

    ``none`` trains on one device. On the TensorFlow backend, ``mirrored`` uses
    every local GPU and ``multiworker`` every worker named in ``TF_CONFIG``. On
    the JAX backend, ``data-parallel`` shards batches over all JAX devices.
    """
    if strategy == "none":
        return contextlib.nullcontext()
    backend = keras.backend.backend()
    if backend == "tensorflow" and strategy in ("mirrored", "multiworker"):
        import tensorflow as tf

        if strategy == "mirrored":
            return tf.distribute.MirroredStrategy().scope()
        return tf.distribute.MultiWorkerMirroredStrategy().scope()
    if backend == "jax" and strategy == "data-parallel":
        keras.distribution.set_distribution(keras.distribution.DataParallel())
        return contextlib.nullcontext()
    raise ValueError(f"strategy {strategy!r} is not available on the {backend} backend")


def check_resumable(config: TrainingConfig, saved_path: Path) -> None:
    """Raise ``ValueError`` if ``config`` describes another model than the run's.

    A resumed run keeps the network of its checkpoint, so a changed shape or
    label set would be saved in ``config.json`` without taking effect.
    """
    if not saved_path.exists():
        return
    saved = TrainingConfig.load(saved_path)
    changed = [
        f"model.{key}"
        for key, value in dataclasses.asdict(config.model).items()
        if getattr(saved.model, key) != value
    ]
    if tuple(saved.data.labels) != tuple(config.data.labels):
        changed.append("data.labels")
    if changed:
        raise ValueError(
            f"{', '.join(changed)} cannot change when a run resumes from its "
            "checkpoint: start a new run folder for another model"
        )


def resume_model(
    checkpoint: Path, config: TrainingConfig, restart_schedule: bool
) -> keras.Model:
    """Load ``checkpoint`` and give its optimizer the schedule of ``config``."""
    log.info("resuming from %s", checkpoint)
    try:
        model = keras.models.load_model(checkpoint, custom_objects=CUSTOM_OBJECTS)
    except Exception as exc:  # Keras raises several types for a damaged file.
        raise ValueError(
            f"cannot load {checkpoint}, which looks damaged ({exc}): restore it "
            "from a copy, or start a new run folder"
        ) from exc
    expected = build_model(config.model, len(config.data.labels))
    if architecture(model) != architecture(expected):
        raise ValueError(
            f"{checkpoint} contains another network than the config describes "
            "(its model settings or number of labels differ): restore the "
            "run's config.json, or start a new run folder"
        )
    if restart_schedule:
        config.fit.lr_start_step = int(model.optimizer.iterations.numpy())
        log.info("schedule restarts at step %d", config.fit.lr_start_step)
    model.optimizer.learning_rate = build_schedule(config.fit)
    return model


def compile_model(model: keras.Model, config: TrainingConfig) -> None:
    model.compile(
        optimizer=keras.optimizers.Adam(
            build_schedule(config.fit), clipnorm=config.fit.clipnorm
        ),
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )


def fit(
    config: TrainingConfig,
    run_dir: Path,
    *,
    max_seconds: float | None = None,
    strategy: str = "none",
    restart_schedule: bool = False,
    workers: int = 1,
    verbose: int = 1,
) -> keras.Model:
    """Train (or resume) the run in ``run_dir`` and return the latest model.

    On resume the learning-rate schedule comes from ``config``, not from the
    checkpoint. ``restart_schedule`` starts it afresh at the checkpoint's step.
    ``workers`` above 1 prepares training batches in that many threads while
    the model trains. Each batch is seeded by its epoch and index, so the
    batches stay the same whatever the number of workers.
    """
    run_dir.mkdir(parents=True, exist_ok=True)
    checkpoint = run_dir / "checkpoint.keras"
    state_path = run_dir / "state.json"
    labels = list(config.data.labels)
    if tuple(labels) != LABELS:
        log.warning("training on a custom label set: %s", labels)

    state = read_state(state_path)
    check_run_files(checkpoint, state, state_path)
    if state["epochs"] >= config.fit.epochs:
        raise ValueError(
            f"the run in {run_dir} has trained {state['epochs']} epochs already: "
            f"set --epochs above {state['epochs']} to train more"
        )
    if checkpoint.exists():
        check_resumable(config, run_dir / "config.json")
    with distribution_scope(strategy):
        if checkpoint.exists():
            model = resume_model(checkpoint, config, restart_schedule)
        else:
            if restart_schedule:
                log.warning(
                    "--restart-schedule has no effect on a new run, whose schedule "
                    "starts at its first step anyway"
                )
            # Seeds the initial weights, so a fresh run with the same config and
            # data starts from the same model.
            keras.utils.set_random_seed(config.fit.seed)
            model = build_model(config.model, len(labels))
            compile_model(model, config)

    corpus_root = Path(config.data.corpus)
    train_corpus = Corpus.load(corpus_root, "train", labels)
    val_corpus = Corpus.load(corpus_root, "validation", labels)
    for split, corpus in (("train", train_corpus), ("validation", val_corpus)):
        missing = [label for label in labels if label not in corpus.files]
        if missing:
            log.warning(
                "the %s split of %s has no text for %s: the model cannot learn "
                "these labels; rebuild the corpus with `charseg-train corpus`",
                split,
                corpus_root,
                ", ".join(missing),
            )
    fit_config = config.fit
    train_data = MixedDocuments(
        train_corpus,
        config.data,
        fit_config.batch_size,
        fit_config.steps_per_epoch,
        seed=fit_config.seed,
        epoch=state["epochs"],
        workers=workers,
    )
    val_data = MixedDocuments(
        val_corpus,
        config.data,
        fit_config.batch_size,
        fit_config.validation_batches,
        seed=fit_config.seed + 1,
        fixed=True,
    )
    chars_per_epoch = (
        fit_config.batch_size * fit_config.steps_per_epoch * config.data.sequence_length
    )
    # Saved once the corpus has loaded, so a run that fails on its inputs
    # leaves no config for the next `fit --run` to trust.
    config.save(run_dir / "config.json")
    callbacks = [
        FailOnNaN(),
        keras.callbacks.ModelCheckpoint(checkpoint),
        keras.callbacks.ModelCheckpoint(
            run_dir / "best.keras", monitor="val_loss", save_best_only=True
        ),
        LoggedEarlyStopping(
            monitor="val_loss", patience=fit_config.early_stopping_patience
        ),
        keras.callbacks.CSVLogger(run_dir / "history.csv", append=True),
        RunState(state_path, chars_per_epoch, max_seconds),
    ]
    model.fit(
        train_data,
        validation_data=val_data,
        epochs=fit_config.epochs,
        initial_epoch=state["epochs"],
        callbacks=callbacks,
        verbose=verbose,
    )
    return model
