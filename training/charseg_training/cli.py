"""``charseg-train``: build the corpus, train, evaluate and export models.

Examples::

    charseg-train corpus                       # fetch and split real code
    charseg-train fit --run runs/default       # train or resume a run
    charseg-train export --run runs/default    # ONNX with parity check
    charseg-train evaluate --model runs/default/model.onnx
    charseg-train kit --out gpu-kit            # corpus and wheels for a GPU machine
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from pathlib import Path

from charseg_server.argtypes import integer_at_least, integer_between, parse_number

#: Upper bound for ``fit --workers``: each worker is a thread with its own batch.
MAX_WORKERS = 64


def _positive_minutes(value: str) -> float:
    minutes = parse_number(value, float)
    if not 0 < minutes < float("inf"):
        raise argparse.ArgumentTypeError(f"must be finite and > 0, got {value}")
    return minutes


def _add_fit(subparsers) -> None:
    parser = subparsers.add_parser("fit", help="train a model, or resume a run")
    parser.add_argument("--run", type=Path, required=True, help="run folder")
    parser.add_argument(
        "--config", type=Path, help="config JSON (default: the run's own, or defaults)"
    )
    parser.add_argument("--corpus", help="corpus folder (overrides the config)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one config setting, such as fit.batch_size=64 (repeatable; "
        "the value is JSON or a plain string)",
    )
    parser.add_argument(
        "--max-minutes",
        type=_positive_minutes,
        help="stop after the epoch that passes this",
    )
    parser.add_argument(
        "--epochs", type=integer_at_least(1), help="total epochs (overrides config)"
    )
    parser.add_argument(
        "--strategy",
        default="none",
        choices=["none", "mirrored", "multiworker", "data-parallel"],
        help="distribution: mirrored/multiworker on TensorFlow, data-parallel on JAX",
    )
    parser.add_argument(
        "--workers",
        type=integer_between(1, MAX_WORKERS),
        default=1,
        help="threads that prepare training batches ahead of the training step "
        "(1: prepare each batch when it is needed)",
    )
    parser.add_argument(
        "--restart-schedule",
        action="store_true",
        help="start the learning-rate schedule afresh from the checkpoint's step",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="one line per epoch, no progress bar"
    )


def _add_export(subparsers) -> None:
    parser = subparsers.add_parser("export", help="export a run to ONNX")
    parser.add_argument("--run", type=Path, required=True, help="run folder")
    parser.add_argument(
        "--weights",
        default="best.keras",
        help="model file inside the run folder (default: best.keras)",
    )
    parser.add_argument("--out", type=Path, help="ONNX path (default: RUN/model.onnx)")
    parser.add_argument(
        "--int8", action="store_true", help="also write model.int8.onnx"
    )


def _add_evaluate(subparsers) -> None:
    parser = subparsers.add_parser("evaluate", help="score a model on the test split")
    scored = parser.add_mutually_exclusive_group()
    scored.add_argument("--model", type=Path, help="ONNX model (default: bundled)")
    scored.add_argument(
        "--keras",
        type=Path,
        help="score this .keras file instead, through the same engine "
        "(its run folder must hold config.json)",
    )
    parser.add_argument("--corpus", type=Path, default=Path("data/corpus"))
    parser.add_argument("--split", default="test", help="corpus split to score")
    parser.add_argument("--out", type=Path, default=Path("eval"), help="report folder")
    parser.add_argument(
        "--documents", type=integer_at_least(1), default=200, help="per document set"
    )
    parser.add_argument("--seed", type=integer_at_least(0), default=7)


def _add_tune(subparsers) -> None:
    parser = subparsers.add_parser(
        "tune", help="measure smoothing settings on the validation split"
    )
    parser.add_argument("--model", type=Path, help="ONNX model (default: bundled)")
    parser.add_argument("--corpus", type=Path, default=Path("data/corpus"))
    parser.add_argument("--split", default="validation", help="corpus split to score")
    parser.add_argument(
        "--out", type=Path, default=Path("eval/tune.json"), help="JSON results file"
    )
    parser.add_argument(
        "--documents", type=integer_at_least(1), default=60, help="per document set"
    )
    parser.add_argument("--seed", type=integer_at_least(0), default=11)


def _add_curve(subparsers) -> None:
    parser = subparsers.add_parser("curve", help="plot a run's learning curve")
    parser.add_argument("--run", type=Path, required=True, help="run folder")
    parser.add_argument(
        "--out", type=Path, help="PNG path (default: RUN/learning_curve.png)"
    )
    parser.add_argument(
        "--mark",
        action="append",
        default=[],
        metavar="EPOCH=TEXT",
        help="label a change made at an epoch (repeatable)",
    )


def _python_version(value: str) -> str:
    if not re.fullmatch(r"3\.\d{1,2}", value):
        raise argparse.ArgumentTypeError(
            f"expected a version such as 3.12, got {value!r}"
        )
    return value


def _add_kit(subparsers) -> None:
    parser = subparsers.add_parser(
        "kit", help="pack the corpus and Keras wheels for training on a GPU machine"
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=Path("data/corpus"),
        help="corpus folder made by `charseg-train corpus`",
    )
    parser.add_argument("--out", type=Path, default=Path("gpu-kit"), help="kit folder")
    parser.add_argument(
        "--train-bytes-per-label",
        type=integer_at_least(1),
        default=8_000_000,
        help="bytes of training text kept per label (whole files, sampled)",
    )
    parser.add_argument(
        "--max-mib",
        type=integer_at_least(1),
        default=56,
        help="fail if the kit exceeds this many MiB",
    )
    parser.add_argument(
        "--python-version",
        type=_python_version,
        default="3.12",
        help="Python version of the GPU machine, for the wheels",
    )
    parser.add_argument(
        "--platform",
        action="append",
        help="wheel platform tag of the GPU machine (repeatable; default: "
        "manylinux tags for x86-64)",
    )
    parser.add_argument(
        "--no-wheels",
        action="store_true",
        help="pack only the corpus, for a machine that already has Keras",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="charseg-train",
        description="Build the corpus, train, evaluate and export charseg models.",
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"],
        help="Python logging level (default: %(default)s)",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    from .corpus import add_corpus_parser

    add_corpus_parser(subparsers)
    _add_fit(subparsers)
    _add_export(subparsers)
    _add_evaluate(subparsers)
    _add_tune(subparsers)
    _add_curve(subparsers)
    _add_kit(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        return args.handler(args) if hasattr(args, "handler") else _dispatch(args)
    except (OSError, ValueError) as error:
        # The user can fix missing or unreadable inputs and invalid settings, so
        # print the message without a traceback.
        print(f"charseg-train {args.command}: error: {error}", file=sys.stderr)
        return 2


def _dispatch(args) -> int:
    if args.command == "fit":
        from .commands import run_fit

        return run_fit(args)
    if args.command == "export":
        from .commands import run_export

        return run_export(args)
    if args.command == "evaluate":
        from .commands import run_evaluate

        return run_evaluate(args)
    if args.command == "curve":
        from .commands import run_curve

        return run_curve(args)
    if args.command == "kit":
        from .commands import run_kit

        return run_kit(args)
    if args.command == "tune":
        from .commands import run_tune

        return run_tune(args)
    raise AssertionError(f"unhandled command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
