"""The files the benchmark steps exchange: documents and predictions.

``bench/data/<split>/<set>.jsonl`` contains one document per line::

    {"id": "test/snippets/0003", "split": "test", "set": "snippets",
     "text": "...", "truth": [["python", 120], ["scala", 40]], "origin": "..."}

``bench/results/<tool>.jsonl`` contains one prediction per document and mode::

    {"id": "test/snippets/0003", "mode": "whole", "pred": [["python", 160]],
     "seconds": 0.0021}

Both ``truth`` and ``pred`` are run-length encoded labels, one per code point.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

SETS = (
    "spliced_python_scala",
    "spliced_all",
    "whole_files",
    "snippets",
    "markdown_fences",
    "html_inline",
)
#: Sets whose documents have one language, scored with whole-file top-1 as well.
SINGLE_LANGUAGE_SETS = ("whole_files", "snippets")


@dataclass
class Document:
    """A benchmark input and its true labels."""

    id: str
    split: str
    set: str
    text: str
    truth: list = field(default_factory=list)
    origin: str = ""

    def __post_init__(self) -> None:
        total = sum(length for _, length in self.truth)
        if total != len(self.text):
            raise ValueError(
                f"document {self.id}: truth covers {total} code points, "
                f"text has {len(self.text)}"
            )


@dataclass
class Prediction:
    """One tool's labels for one document in one mode, and the time they took."""

    id: str
    mode: str
    pred: list
    seconds: float


def write_jsonl(path: Path, rows: Iterable[object]) -> int:
    """Write dataclass rows as JSON lines; return the number written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(asdict(row)) + "\n")
            count += 1
    return count


def read_jsonl(path: Path) -> Iterator[dict]:
    """Yield the JSON object of each non-blank line of ``path``."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def read_documents(data_dir: Path) -> list[Document]:
    """Read every ``<split>/<set>.jsonl`` under ``data_dir``."""
    paths = sorted(data_dir.glob("*/*.jsonl"))
    if not paths:
        raise FileNotFoundError(
            f"no benchmark documents under {data_dir}; "
            "run bench/peers/build_data.py first"
        )
    return [Document(**row) for path in paths for row in read_jsonl(path)]


def read_predictions(path: Path) -> list[Prediction]:
    """Read one tool's prediction file."""
    return [Prediction(**row) for row in read_jsonl(path)]
