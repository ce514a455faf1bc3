"""``charseg-train curve``: plot a run's learning curve from ``history.csv``.

The x axis is characters trained (epochs times the characters per epoch of the
run's config). The y axis is window accuracy before smoothing: the mean over
each epoch's training batches, and on the fixed validation batches.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .config import TrainingConfig


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
    return {key: [float(row[key]) for row in rows] for key in rows[0]}


def plot_curve(run_dir: Path, out: Path, marks: list[tuple[int, str]]) -> None:
    """Write the learning curve of ``run_dir`` to ``out`` (PNG).

    ``marks`` are ``(epoch, text)`` pairs drawn as labelled vertical lines, for
    changes made during the run such as a new data mixture.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    history = read_history(run_dir)
    config = TrainingConfig.load(run_dir / "config.json")
    fit = config.fit
    per_epoch = fit.batch_size * fit.steps_per_epoch * config.data.sequence_length
    per_epoch /= 1e6
    millions = [(epoch + 1) * per_epoch for epoch in history["epoch"]]

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
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)


def parse_mark(value: str) -> tuple[int, str]:
    """Parse ``EPOCH=TEXT`` for ``--mark``."""
    epoch, separator, text = value.partition("=")
    if not separator or not epoch.strip().isdigit():
        raise ValueError(f"invalid mark {value!r}: expected EPOCH=TEXT, e.g. 63=pairs")
    return int(epoch), text
