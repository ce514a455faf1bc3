"""Time two or more ONNX models side by side on the same text.

Not part of the test suite. Run from the repository root:

    nice -n 10 .venv/bin/python bench/bench_models.py OLD.onnx NEW.onnx --mb 4

Speed on a shared machine drifts from hour to hour, so figures from separate
runs do not compare. This script takes turns between the models, several rounds
each on the same generated text, and prints each model's characters per second
and its best round's ratio to the first model's best round.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench_engine import make_text, timed

from charseg_server.engine import Segmenter
from charseg_server.model import Model


def measure(paths: list[Path], chars: int, rounds: int) -> dict[Path, list[float]]:
    """Measure each model's characters per second, one figure per round."""
    text = make_text(chars)
    segmenters = {path: Segmenter(Model.load(path, provider="cpu")) for path in paths}
    # ONNX Runtime allocates its buffers on the first batch, so that run is not timed.
    for segmenter in segmenters.values():
        segmenter.segment(text[:50_000])
    rates: dict[Path, list[float]] = {path: [] for path in paths}
    for _ in range(rounds):
        for path, segmenter in segmenters.items():
            wall, _ = timed(segmenter.segment, text)
            rates[path].append(len(text) / wall)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "models",
        nargs="+",
        type=Path,
        help="ONNX model files; the first is the baseline",
    )
    parser.add_argument(
        "--mb",
        type=float,
        default=4.0,
        help="size of the text in MB (default: %(default)s)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="timed runs per model (default: %(default)s)",
    )
    args = parser.parse_args()
    rates = measure(args.models, int(args.mb * 1_000_000), args.rounds)
    baseline = max(rates[args.models[0]])
    print("| model | characters per second, each round | best | ratio to first |")
    print("|---|---|---|---|")
    for path, values in rates.items():
        cells = ", ".join(f"{value:,.0f}" for value in values)
        best = max(values)
        print(f"| {path} | {cells} | {best:,.0f} | {best / baseline:.2f} |")


if __name__ == "__main__":
    main()
