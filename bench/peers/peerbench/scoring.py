"""Scores per tool variant and set, from documents and predictions.

A variant is a tool in one mode: ``pygments, whole`` labels each document with
one guess, ``pygments, windows`` votes over sliding windows. The majority
baseline labels every character with the document's most frequent true label:
no tool that gives a document one label can score higher on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from charseg_training.metrics import Scores

from .records import SINGLE_LANGUAGE_SETS, Document, Prediction
from .rle import decode_runs, single_run

MAJORITY = "majority label"


@dataclass
class SetResult:
    """Summed scores and tool seconds of one variant on one set of one split."""

    scores: Scores
    seconds: float = 0.0
    documents: int = 0

    def ms_per_1000_chars(self) -> float:
        return 1e6 * self.seconds / max(self.scores.characters, 1)


@dataclass
class Table:
    """Results keyed by ``(variant, split, set)``, with variants in order."""

    results: dict = field(default_factory=dict)
    variants: list[str] = field(default_factory=list)

    def get(self, variant: str, split: str, name: str) -> SetResult | None:
        return self.results.get((variant, split, name))


def variant_name(tool: str, mode: str) -> str:
    """Return the row name of a tool in one mode."""
    return tool if mode in ("segment", "oracle") else f"{tool}, {mode}"


def majority_label(truth: np.ndarray) -> int:
    """Return the most frequent label id; ties go to the lowest id."""
    return int(np.bincount(truth).argmax())


def majority_predictions(
    documents: Iterable[Document], labels: Sequence[str]
) -> list[Prediction]:
    """Return the majority baseline's prediction for each document."""
    predictions = []
    for document in documents:
        truth = decode_runs(document.truth, labels)
        label = labels[majority_label(truth)]
        runs = single_run(label, len(document.text))
        predictions.append(Prediction(document.id, "oracle", runs, 0.0))
    return predictions


def add_tool(
    table: Table,
    tool: str,
    documents: Sequence[Document],
    predictions: Sequence[Prediction],
    labels: Sequence[str],
) -> None:
    """Score one tool's predictions of ``documents`` into ``table``.

    Raises ValueError if a document lacks a prediction in one of the tool's
    modes, or if a prediction's length differs from its document's.
    """
    by_key = {(p.id, p.mode): p for p in predictions}
    modes = sorted({p.mode for p in predictions})
    for mode in modes:
        variant = variant_name(tool, mode)
        if variant not in table.variants:
            table.variants.append(variant)
        for document in documents:
            prediction = by_key.get((document.id, mode))
            if prediction is None:
                raise ValueError(f"{tool} has no {mode} prediction of {document.id}")
            result = table.results.setdefault(
                (variant, document.split, document.set),
                SetResult(Scores(len(labels))),
            )
            _add_document(result, document, prediction, labels)


def _add_document(
    result: SetResult,
    document: Document,
    prediction: Prediction,
    labels: Sequence[str],
) -> None:
    truth = decode_runs(document.truth, labels)
    pred = decode_runs(prediction.pred, labels)
    if pred.shape != truth.shape:
        raise ValueError(
            f"prediction of {document.id} has {pred.size} labels, "
            f"the text has {truth.size} code points"
        )
    if document.set in SINGLE_LANGUAGE_SETS:
        result.scores.add_file(int(truth[0]), pred)
    else:
        result.scores.add(truth, pred)
    result.seconds += prediction.seconds
    result.documents += 1
