"""Running a one-label tool over documents, whole and in sliding windows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .records import Document, Prediction
from .rle import encode_runs, single_run
from .windows import WINDOW_LENGTH, WINDOW_STRIDE, plan_windows, vote


class Peer(Protocol):
    """A tool that names one language for a whole input."""

    name: str
    version: str

    def guess(self, text: str) -> tuple[str, float]:
        """Return a charseg label for ``text`` and the seconds the tool took."""
        ...


def predict_whole(peer: Peer, document: Document) -> Prediction:
    """Label every character of the document with the tool's one guess."""
    label, seconds = peer.guess(document.text)
    return Prediction(
        document.id, "whole", single_run(label, len(document.text)), seconds
    )


def predict_windows(
    peer: Peer,
    document: Document,
    labels: Sequence[str],
    window: int = WINDOW_LENGTH,
    stride: int = WINDOW_STRIDE,
) -> Prediction:
    """Label each character by the vote of the windows over it."""
    windows = plan_windows(len(document.text), window, stride)
    index = {label: i for i, label in enumerate(labels)}
    guesses = []
    seconds = 0.0
    for start, end in windows:
        label, took = peer.guess(document.text[start:end])
        guesses.append(index[label])
        seconds += took
    ids = vote(len(document.text), windows, guesses, len(labels))
    return Prediction(document.id, "windows", encode_runs(ids, labels), seconds)


def run_peer(
    peer: Peer,
    documents: Sequence[Document],
    labels: Sequence[str],
    window: int = WINDOW_LENGTH,
    stride: int = WINDOW_STRIDE,
) -> list[Prediction]:
    """Return the whole-document and the window predictions of every document."""
    predictions = []
    for document in documents:
        predictions.append(predict_whole(peer, document))
        predictions.append(predict_windows(peer, document, labels, window, stride))
    return predictions
