"""``charseg-train curve``: plot a run's learning curve from ``history.csv``.

The x axis is characters trained (epochs times the characters per epoch of the
run's config). The y axis is window accuracy before smoothing: the mean over
each epoch's training batches, and on the fixed validation batches.
"""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

from .config import TrainingConfig

log = logging.getLogger(__name__)

#: The columns of ``history.csv`` that the plot reads.
HISTORY_COLUMNS = (
    "epoch",
    "sparse_categorical_accuracy",
    "val_sparse_categorical_accuracy",
)


def read_history(run_dir: Path) -> dict[str, list[float]]:
    """Return the columns of ``run_dir/history.csv`` as lists of floats."""
    path = run_dir / "history.csv"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} not found: run `charseg-train fit --run {run_dir}` first"
        )
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ValueError(f"{path} is empty: no epoch has finished yet")
    missing = [column for column in HISTORY_COLUMNS if column not in rows[0]]
    if missing:
        raise ValueError(f"{path} lacks the columns {', '.join(missing)}")
    columns: dict[str, list[float]] = {column: [] for column in HISTORY_COLUMNS}
    for number, row in enumerate(rows, start=2):
        try:
            for column in HISTORY_COLUMNS:
                columns[column].append(float(row[column]))
        except (TypeError, ValueError):
            raise ValueError(f"{path}, line {number}: expected numbers") from None
    return columns


def plot_curve(run_dir: Path, out: Path, marks: list[tuple[int, str]]) -> Path:
    """Write the learning curve of ``run_dir`` to ``out`` and return the path.

    The image format follows the suffix of ``out``; a path without one gets
    ``.png``.

    ``marks`` are ``(epoch, text)`` pairs drawn as labelled vertical lines, for
    changes made during the run such as a new data mixture.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if out.is_dir():
        raise IsADirectoryError(f"--out {out} is a folder; name an image file")
    history = read_history(run_dir)
    last_epoch = int(history["epoch"][-1]) + 1
    for epoch, _ in marks:
        if epoch > last_epoch:
            raise ValueError(
                f"--mark {epoch} is past the last epoch of the run ({last_epoch})"
            )
    config = TrainingConfig.load(run_dir / "config.json")
    fit = config.fit
    per_epoch = fit.batch_size * fit.steps_per_epoch * config.data.sequence_length
    per_epoch /= 1e6
    millions = [(epoch + 1) * per_epoch for epoch in history["epoch"]]
    _check_characters(run_dir, millions[-1] * 1e6)

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(millions, history["sparse_categorical_accuracy"], label="training")
    ax.plot(millions, history["val_sparse_categorical_accuracy"], label="validation")
    for epoch, text in marks:
        ax.axvline(epoch * per_epoch, color="grey", linestyle="--", linewidth=1)
        ax.annotate(
            text,
            (epoch * per_epoch, 0.02),
            xycoords=("data", "axes fraction"),
            rotation=90,
            fontsize=8,
            color="grey",
            ha="right",
        )
    ax.set_xlabel("characters trained (millions)")
    ax.set_ylabel("window accuracy before smoothing")
    ax.grid(alpha=0.3)
    ax.legend(loc="center", bbox_to_anchor=(0.45, 0.45))
    fig.tight_layout()
    if not out.suffix:
        out = out.with_suffix(".png")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def _check_characters(run_dir: Path, plotted: float) -> None:
    """Warn when ``state.json`` counts other characters than the plotted axis.

    NOTE: the axis gives every epoch the characters of the current config, so
    it is off for a run whose windows per epoch changed on the way.
    """
    path = run_dir / "state.json"
    if not path.exists():
        return
    try:
        trained = json.loads(path.read_text()).get("characters")
    except (ValueError, AttributeError):
        return
    if isinstance(trained, int) and abs(trained - plotted) > 0.01 * max(trained, 1):
        log.warning(
            "the x axis ends at %.0f million characters, but %s records %.0f "
            "million: the characters per epoch changed during the run, so the "
            "axis is only approximate",
            plotted / 1e6,
            path,
            trained / 1e6,
        )


def parse_mark(value: str) -> tuple[int, str]:
    """Parse ``EPOCH=TEXT`` for ``--mark``."""
    epoch, separator, text = value.partition("=")
    if not separator or not epoch.strip().isdigit():
        raise ValueError(f"invalid mark {value!r}: expected EPOCH=TEXT, e.g. 63=pairs")
    return int(epoch), text
