"""The ``blocks`` set of ``charseg-train tune``: look-alike blocks inside a host."""

import numpy as np
import pytest

from charseg_server.engine import SegmentOptions
from charseg_server.runs import summarize
from charseg_training.splice import Corpus
from charseg_training.tuning import Document, block_documents, kept_whole

LABELS = ["python", "scala", "sql"]
TEXTS = {
    "python": "def total(items):\n    return sum(item.price for item in items)\n" * 40,
    "scala": "def total(items: Seq[Item]): Long = items.map(_.price).sum\n" * 40,
    "sql": "SELECT SUM(price) FROM items;\n" * 40,
}


def test_block_documents_are_host_block_host():
    corpus = Corpus(dict(TEXTS))
    documents = list(block_documents(corpus, LABELS, 30, seed=1))
    assert len(documents) == 30
    for text, truth, host in documents:
        assert len(truth) == len(text)
        edges = np.flatnonzero(truth[1:] != truth[:-1]) + 1
        assert len(edges) == 2
        assert LABELS[truth[0]] == LABELS[truth[-1]] == host
        # The only look-alike pair here is Python and Scala, the focus pair.
        assert {LABELS[truth[0]], LABELS[truth[edges[0]]]} == {"python", "scala"}
        # The block is whole lines.
        assert text[edges[0] - 1] == "\n"
        assert text[edges[1] - 1] == "\n"


def test_block_documents_need_a_look_alike_pair():
    corpus = Corpus({"python": [TEXTS["python"]], "sql": [TEXTS["sql"]]})
    assert list(block_documents(corpus, LABELS, 5, seed=2)) == []


def _document(predicted: list[str], truth: np.ndarray) -> Document:
    """A Python-hosted document whose model output puts its mass on ``predicted``."""
    probs = np.full((len(predicted), len(LABELS)), 0.01)
    for i, label in enumerate(predicted):
        probs[i, LABELS.index(label)] = 0.98
    # Spaces are not word characters, so word snapping leaves every boundary.
    return Document(summarize(probs), " " * len(predicted), truth, "python")


@pytest.mark.parametrize(
    "predicted, whole",
    [
        (["python"] * 100 + ["scala"] * 100 + ["python"] * 100, 1.0),
        # Ends within five characters of the truth still count.
        (["python"] * 104 + ["scala"] * 98 + ["python"] * 98, 1.0),
        # An island of the host language splits the block.
        (
            ["python"] * 100
            + ["scala"] * 40
            + ["python"] * 20
            + ["scala"] * 40
            + ["python"] * 100,
            0.0,
        ),
        # A block that ends far from the truth is not kept whole.
        (["python"] * 100 + ["scala"] * 60 + ["python"] * 140, 0.0),
    ],
)
def test_kept_whole(predicted, whole):
    truth = np.array([0] * 100 + [1] * 100 + [0] * 100)
    document = _document(predicted, truth)
    assert kept_whole([document], LABELS, SegmentOptions()) == whole


def test_kept_whole_rejects_documents_without_one_block():
    document = _document(["python"] * 50, np.zeros(50, int))
    with pytest.raises(ValueError, match="one block"):
        kept_whole([document], LABELS, SegmentOptions())
