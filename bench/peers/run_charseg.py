"""Run the charseg engine over the benchmark documents, in the project's venv.

    .venv/bin/python bench/peers/run_charseg.py

writes ``bench/results/charseg.jsonl`` and ``bench/results/charseg.meta.json``.
The engine runs with its default options on the CPU.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from importlib.metadata import version

from peerbench.paths import DATA_DIR, RESULTS_DIR
from peerbench.records import Prediction, read_documents, write_jsonl

from charseg_server.engine import Segmenter
from charseg_server.model import Model


def model_digest(model: Model) -> str:
    """Return the first 12 hex digits of the model file's SHA-256."""
    return hashlib.sha256(model.path.read_bytes()).hexdigest()[:12]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model", default=None, help="model file or folder (default: bundled)"
    )
    args = parser.parse_args()
    documents = read_documents(DATA_DIR)

    started = time.perf_counter()
    model = Model.load(args.model, provider="cpu")
    segmenter = Segmenter(model)
    load_seconds = time.perf_counter() - started

    predictions = []
    for document in documents:
        begun = time.perf_counter()
        regions = segmenter.segment(document.text)
        seconds = time.perf_counter() - begun
        runs = [[region.label, region.end - region.start] for region in regions]
        predictions.append(Prediction(document.id, "segment", runs, seconds))

    write_jsonl(RESULTS_DIR / "charseg.jsonl", predictions)
    meta = {
        "tool": "charseg",
        "version": f"{version('charseg')}, model sha256 {model_digest(model)}",
        "load_seconds": load_seconds,
        "wall_seconds": time.perf_counter() - started,
    }
    (RESULTS_DIR / "charseg.meta.json").write_text(json.dumps(meta, indent=1))
    print(f"charseg: {len(documents)} documents in {meta['wall_seconds']:.1f} s")


if __name__ == "__main__":
    main()
