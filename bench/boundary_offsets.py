"""Count how far each true language switch lies from the nearest predicted one.

Not part of the test suite. Run from the repository root with the corpus built:

    nice -n 10 .venv/bin/python bench/boundary_offsets.py MODEL.onnx --documents 60

It builds the `mixed` and `python_scala` documents of `charseg-train evaluate`
from one split and segments them with the default options. Each true switch then
falls into one of three groups. A predicted switch within 3 characters is a hit
for boundary F1. Otherwise the nearest one is 4 to 20 characters away, or none is.
The mean signed offset of the switches within 20 shows whether predictions lean
early (negative) or late (positive).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from charseg_server.engine import Segmenter
from charseg_server.model import Model
from charseg_training.evaluate import evaluation_sets, regions_to_ids
from charseg_training.metrics import BOUNDARY_TOLERANCE, boundaries
from charseg_training.splice import Corpus

#: Offsets above the tolerance and up to this many characters count as near misses.
NEAR = 20


def offsets(segmenter: Segmenter, labels, documents) -> np.ndarray:
    """Return, per true switch, the signed offset of the nearest predicted switch."""
    found = []
    for text, truth in documents:
        pred = regions_to_ids(segmenter.segment(text), labels, len(text))
        predicted = boundaries(pred)
        for switch in boundaries(truth):
            if predicted.size:
                nearest = predicted[np.argmin(np.abs(predicted - switch))]
                found.append(int(nearest - switch))
            else:
                found.append(NEAR + 1)
    return np.asarray(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("--corpus", type=Path, default=Path("data/corpus"))
    parser.add_argument("--split", default="validation")
    parser.add_argument("--documents", type=int, default=60)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    model = Model.load(args.model, provider="cpu")
    labels = list(model.labels)
    corpus = Corpus.load(args.corpus, args.split, labels)
    sets = evaluation_sets(corpus, labels, args.documents, args.seed)
    segmenter = Segmenter(model)
    for name in ("mixed", "python_scala"):
        signed = offsets(segmenter, labels, sets[name])
        distance = np.abs(signed)
        hits = int(np.sum(distance <= BOUNDARY_TOLERANCE))
        near = int(np.sum((distance > BOUNDARY_TOLERANCE) & (distance <= NEAR)))
        print(
            f"{name}: {distance.size} true switches, {hits} within "
            f"{BOUNDARY_TOLERANCE}, {near} at {BOUNDARY_TOLERANCE + 1} to {NEAR}, "
            f"{distance.size - hits - near} farther or unmatched, mean signed "
            f"offset within {NEAR}: {signed[distance <= NEAR].mean():+.2f}"
        )


if __name__ == "__main__":
    main()
