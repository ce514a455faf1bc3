"""``charseg-train evaluate``: score a model through the serving engine.

The documents go through ``charseg_server.engine.Segmenter``, the code the
server runs (windows, Viterbi smoothing, minimum region length), so the numbers
are the product's numbers. A Keras model is scored through the same code by
wrapping it in :class:`KerasRunner`.

Document sets, all built from one corpus split with a fixed seed:

* ``mixed``: spliced documents over every label (the training mixture less
  its pair documents, so that scores stay comparable across model versions);
* ``python_scala``: Python and Scala only, runs of 20 to 200 characters cut
  anywhere;
* ``files``: whole single-language files (first 4,000 characters), which also
  give whole-file top-1 accuracy.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import numpy as np

from charseg_server.contract import ModelContract
from charseg_server.engine import Segmenter, SegmentOptions

from .calibration import plot_reliability, region_scores
from .config import DataConfig
from .metrics import Scores
from .splice import Corpus, DocumentMaker, join_pieces

log = logging.getLogger(__name__)

DOCUMENT_LENGTH = 3000
FILE_PREFIX = 4000


class KerasRunner:
    """Present a Keras model with the interface of ``charseg_server.model.Model``."""

    provider = "keras"

    def __init__(self, model, contract: ModelContract, path: Path | None = None):
        self.model = model
        self.contract = contract
        self.labels = contract.labels
        self.path = path

    def run(self, ids: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.predict_on_batch(ids.astype(np.int32)))


def regions_to_ids(regions, labels, length: int) -> np.ndarray:
    """Expand regions into one label id per code point."""
    index = {label: i for i, label in enumerate(labels)}
    out = np.empty(length, dtype=np.int64)
    for region in regions:
        out[region.start : region.end] = index[region.label]
    return out


def mixed_documents(corpus: Corpus, config: DataConfig, count: int, seed: int):
    """Yield ``(text, label ids)`` spliced documents."""
    maker = DocumentMaker(corpus, config)
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield join_pieces(maker.pieces(rng, DOCUMENT_LENGTH), config.labels)


def file_documents(corpus: Corpus, labels, count_per_label: int, seed: int):
    """Yield ``(text, label id)`` for whole files, a few per label."""
    rng = np.random.default_rng(seed)
    for label in corpus.labels:
        texts = corpus.files[label]
        picks = rng.choice(
            len(texts), size=min(count_per_label, len(texts)), replace=False
        )
        for i in picks:
            yield texts[int(i)][:FILE_PREFIX], labels.index(label)


def evaluation_sets(corpus: Corpus, labels, documents: int, seed: int) -> dict:
    """Return ``{set name: [(text, truth)]}`` for the document sets described above.

    ``truth`` is an array of label ids for spliced documents and one label id for
    a whole file.
    """
    base = DataConfig(labels=tuple(labels), p_pair=0.0)
    sets = {"mixed": list(mixed_documents(corpus, base, documents, seed))}
    if {"python", "scala"} <= set(corpus.files):
        pair = Corpus({k: corpus.files[k] for k in ("python", "scala")})
        config = replace(
            base, p_single=0.0, p_lines=0.0, p_embedded=0.0, min_run=20, max_run=200
        )
        sets["python_scala"] = list(mixed_documents(pair, config, documents, seed + 1))
    per_label = max(1, documents // max(len(corpus.files), 1))
    files = file_documents(corpus, labels, per_label, seed + 2)
    sets["files"] = [(text, label) for text, label in files if text]
    return sets


def add_prediction(scores: Scores, truth, regions, labels, length: int) -> None:
    """Score one document's regions: a whole file when ``truth`` is one label id."""
    pred = regions_to_ids(regions, labels, length)
    if isinstance(truth, int):
        scores.add_file(truth, pred)
    else:
        scores.add(truth, pred)
    scores.reliability.add(*region_scores(regions, truth, labels))


def score_sets(runner, corpus: Corpus, documents: int, seed: int, options=None):
    """Return ``{set name: Scores}`` for the document sets described above."""
    labels = list(runner.labels)
    segmenter = Segmenter(runner, options or SegmentOptions())
    results: dict[str, Scores] = {}
    for name, texts in evaluation_sets(corpus, labels, documents, seed).items():
        scores = Scores(len(labels))
        for text, truth in texts:
            add_prediction(scores, truth, segmenter.segment(text), labels, len(text))
        results[name] = scores
    return results


def write_report(results: dict[str, Scores], labels, out_dir: Path) -> dict:
    """Write ``report.json``, confusion matrices (text and PNG); return the report."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = {"summary": {}, "per_label": {}, "reliability": {}}
    for name, scores in results.items():
        report["summary"][name] = scores.summary()
        report["per_label"][name] = {
            labels[i]: row for i, row in scores.per_label().items()
        }
        report["reliability"][name] = scores.reliability.table()
        write_confusion(scores.confusion, labels, out_dir / f"confusion_{name}")
    (out_dir / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    plot_reliability(report["reliability"], out_dir / "reliability.png")
    return report


def write_confusion(matrix: np.ndarray, labels, stem: Path) -> None:
    """Write a row-normalised confusion matrix as text and as a PNG."""
    used = [i for i in range(len(labels)) if matrix[i].sum() or matrix[:, i].sum()]
    sub = matrix[np.ix_(used, used)]
    rows = sub / np.maximum(sub.sum(axis=1, keepdims=True), 1)
    names = [labels[i] for i in used]
    width = max(len(n) for n in names) if names else 4
    lines = [" " * width + " " + " ".join(f"{n[:5]:>5}" for n in names)]
    for name, row in zip(names, rows, strict=True):
        cells = " ".join(f"{100 * v:5.1f}" for v in row)
        lines.append(f"{name:>{width}} {cells}")
    stem.with_suffix(".txt").write_text("\n".join(lines) + "\n")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    size = max(4, 0.35 * len(names))
    fig, ax = plt.subplots(figsize=(size + 1, size))
    ax.imshow(rows, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(names)), names, rotation=90, fontsize=7)
    ax.set_yticks(range(len(names)), names, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    fig.tight_layout()
    fig.savefig(stem.with_suffix(".png"), dpi=110)
    plt.close(fig)


def load_runner(model_path: Path | None, keras_path: Path | None):
    """Return the ONNX model, or a Keras model wrapped to look like one."""
    if keras_path is None:
        from charseg_server.model import Model, ModelLoadError

        try:
            return Model.load(model_path, provider="cpu")
        except ModelLoadError as error:
            # The user can fix the path or the file: report it as a usage error.
            raise ValueError(str(error)) from None
    import keras

    from .config import TrainingConfig
    from .model import CUSTOM_OBJECTS

    config = TrainingConfig.load(keras_path.parent / "config.json")
    contract = ModelContract(labels=tuple(config.data.labels), window=config.window)
    model = keras.models.load_model(keras_path, custom_objects=CUSTOM_OBJECTS)
    return KerasRunner(model, contract, keras_path)


def evaluate_model(
    model_path: Path | None,
    keras_path: Path | None,
    corpus_root: Path,
    split: str,
    out_dir: Path,
    documents: int,
    seed: int,
) -> dict:
    """Score an ONNX model (the bundled one when both paths are None) or Keras."""
    # Fail on an unusable output folder before minutes of scoring, not after.
    out_dir.mkdir(parents=True, exist_ok=True)
    runner = load_runner(model_path, keras_path)
    corpus = Corpus.load(corpus_root, split, runner.labels)
    log.info("scoring %s on the %s split", runner.path, split)
    results = score_sets(runner, corpus, documents, seed)
    return write_report(results, list(runner.labels), out_dir)
