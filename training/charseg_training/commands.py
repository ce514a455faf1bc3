"""The work behind each ``charseg-train`` subcommand."""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


def _load_config(args):
    from .config import TrainingConfig

    run_config = args.run / "config.json"
    explicit = getattr(args, "config", None)
    if explicit:
        config = TrainingConfig.load(explicit)
    elif run_config.exists():
        config = TrainingConfig.load(run_config)
    else:
        config = TrainingConfig()
    return config


def run_fit(args) -> int:
    from .train import fit

    config = _load_config(args).with_overrides(args.set)
    if args.corpus:
        config.data.corpus = args.corpus
    if args.epochs:
        config.fit.epochs = args.epochs
    max_seconds = args.max_minutes * 60 if args.max_minutes else None
    fit(
        config,
        args.run,
        max_seconds=max_seconds,
        strategy=args.strategy,
        restart_schedule=args.restart_schedule,
        workers=args.workers,
        verbose=2 if args.quiet else 1,
    )
    return 0


def parity_windows(config, count: int = 16) -> np.ndarray:
    """Return held-out windows for the parity check: validation text if present."""
    from .data import MixedDocuments
    from .splice import Corpus

    length = config.window_length
    try:
        corpus = Corpus.load(Path(config.data.corpus), "validation", config.data.labels)
    except FileNotFoundError:
        log.warning("no validation corpus: checking parity on random ids")
        rng = np.random.default_rng(0)
        return rng.integers(1, 159, size=(count, length), dtype=np.int32)
    data_config = dataclasses.replace(config.data, sequence_length=length)
    data = MixedDocuments(corpus, data_config, count, 1, seed=99, fixed=True)
    inputs, _ = data[0]
    return inputs


def run_export(args) -> int:
    import keras

    from charseg_server.contract import ModelContract

    from .export import check_parity, quantize_int8, to_onnx
    from .model import CUSTOM_OBJECTS

    weights = args.run / args.weights
    if weights.parent.resolve() != args.run.resolve():
        raise ValueError(
            f"--weights {args.weights} is not a file of the run folder {args.run}: "
            "export takes the labels from the run's config, which belongs to its "
            "own weights"
        )
    if not weights.exists():
        raise FileNotFoundError(
            f"no model at {weights}: train one with `charseg-train fit`"
        )
    if not (args.run / "config.json").exists():
        raise FileNotFoundError(
            f"no config.json in {args.run}: export takes the labels and the "
            "window geometry from the run's config"
        )
    config = _load_config(args)
    model = keras.models.load_model(weights, custom_objects=CUSTOM_OBJECTS)
    outputs = model.output_shape[-1]
    if outputs != len(config.data.labels):
        raise ValueError(
            f"{weights} outputs {outputs} probabilities, but the run's config "
            f"lists {len(config.data.labels)} labels"
        )
    contract = ModelContract(labels=tuple(config.data.labels), window=config.window)
    out = args.out or args.run / "model.onnx"
    # The model takes its final name only once it passes the parity check, so a
    # rejected export never replaces a good one. The name is resolved, so that a
    # link given as the output is written through, as a plain write would.
    final = out.resolve()
    candidate = final.with_name(final.name + ".part")
    try:
        to_onnx(model, contract, candidate)
        report = check_parity(model, candidate, parity_windows(config))
    except BaseException:
        candidate.unlink(missing_ok=True)
        raise
    candidate.replace(final)
    summary = {
        "weights": str(weights),
        "onnx": str(out),
        "bytes": out.stat().st_size,
        "parity_max_abs_diff": report.max_abs_diff,
        "parity_windows": report.windows,
    }
    if args.int8:
        int8 = quantize_int8(out, out.with_suffix(".int8.onnx"))
        summary["int8"] = str(int8)
        summary["int8_bytes"] = int8.stat().st_size
    (out.parent / "export.json").write_text(json.dumps(summary, indent=2) + "\n")
    if out.parent.resolve() != args.run.resolve():
        shutil.copy(args.run / "config.json", out.parent / "config.json")
    print(json.dumps(summary, indent=2))
    return 0


def run_evaluate(args) -> int:
    from .evaluate import evaluate_model

    report = evaluate_model(
        model_path=args.model,
        keras_path=args.keras,
        corpus_root=args.corpus,
        split=args.split,
        out_dir=args.out,
        documents=args.documents,
        seed=args.seed,
    )
    print(json.dumps(report["summary"], indent=2))
    return 0


def run_tune(args) -> int:
    from .tuning import markdown, tune

    rows = tune(
        model_path=args.model,
        corpus_root=args.corpus,
        split=args.split,
        out=args.out,
        documents=args.documents,
        seed=args.seed,
    )
    print(markdown(rows))
    return 0


def run_curve(args) -> int:
    from .curve import parse_mark, plot_curve

    out = args.out or args.run / "learning_curve.png"
    print(plot_curve(args.run, out, [parse_mark(mark) for mark in args.mark]))
    return 0


#: Wheel platforms of x86-64 Linux machines with glibc 2.17 or newer.
DEFAULT_PLATFORMS = [
    "manylinux_2_28_x86_64",
    "manylinux_2_27_x86_64",
    "manylinux_2_17_x86_64",
    "manylinux2014_x86_64",
]


def run_kit(args) -> int:
    from .kit import pack

    try:
        summary = pack(
            args.corpus,
            args.out,
            train_cap=args.train_bytes_per_label,
            wheels=not args.no_wheels,
            python_version=args.python_version,
            platforms=args.platform or DEFAULT_PLATFORMS,
            max_bytes=args.max_mib * 2**20,
        )
    except RuntimeError as error:
        log.error("%s", error)
        return 1
    mib = summary["kit_bytes"] / 2**20
    wheels = ", ".join(summary["wheels"]) or "none"
    print(f"{args.out}: {mib:.1f} MiB, wheels: {wheels}")
    return 0
