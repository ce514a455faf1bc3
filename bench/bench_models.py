"""Time two or more ONNX models side by side on the same text.

Not part of the test suite. Run from the repository root:

    nice -n 10 .venv/bin/python bench/bench_models.py OLD.onnx NEW.onnx --mb 4

Speed on a shared machine drifts from hour to hour, so a figure measured today
does not compare with one measured last week. This script takes turns between
the models, several rounds each on the same generated text, and prints each
model's characters per second and its ratio to the first model.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench_engine import make_text

from charseg_server.engine import Segmenter
from charseg_server.model import Model


def measure(paths: list[Path], chars: int, rounds: int) -> dict[Path, list[float]]:
    """Return each model's characters per second, one figure per round."""
    text = make_text(chars)
    engines = {path: Segmenter(Model.load(path, provider="cpu")) for path in paths}
    for engine in engines.values():
        engine.segment(text[:50_000])  # warm-up: first-batch allocations
    rates: dict[Path, list[float]] = {path: [] for path in paths}
    for _ in range(rounds):
        for path, engine in engines.items():
            start = time.perf_counter()
            engine.segment(text)
            rates[path].append(len(text) / (time.perf_counter() - start))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("models", nargs="+", type=Path, help="ONNX model files")
    parser.add_argument("--mb", type=float, default=4.0, help="text size in MB")
    parser.add_argument("--rounds", type=int, default=3, help="turns per model")
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
