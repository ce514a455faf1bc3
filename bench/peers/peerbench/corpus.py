"""Reading one split of the corpus: ``data/corpus/<split>/<label>.jsonl``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .records import read_jsonl


@dataclass(frozen=True)
class SourceFile:
    """A corpus file: its text and where it came from (package and path)."""

    label: str
    origin: str
    text: str
    #: The file before the corpus cut out its embedded code (Markdown fences,
    #: HTML script and style content); equal to ``text`` for other files.
    full_text: str = ""

    def __post_init__(self) -> None:
        if not self.full_text:
            object.__setattr__(self, "full_text", self.text)


def load_split(corpus_dir: Path, split: str, labels: tuple[str, ...]) -> dict:
    """Return ``{label: [SourceFile, ...]}``; labels without files are left out.

    Files with nothing but whitespace are dropped, because no tool can tell
    their language.
    """
    files: dict[str, list[SourceFile]] = {}
    for label in labels:
        path = corpus_dir / split / f"{label}.jsonl"
        if not path.exists():
            continue
        found = [
            SourceFile(
                label,
                f"{row['source']}:{row['path']}",
                row["text"],
                row.get("full_text", ""),
            )
            for row in read_jsonl(path)
            if row["text"].strip()
        ]
        if found:
            files[label] = found
    if not files:
        raise FileNotFoundError(f"no corpus files under {corpus_dir / split}")
    return files


def pick(rng: np.random.Generator, items: list):
    """Return one item of ``items``, uniformly at random."""
    return items[int(rng.integers(len(items)))]
