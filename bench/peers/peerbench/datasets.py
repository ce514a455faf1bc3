"""Building the benchmark sets from one corpus split."""

from __future__ import annotations

import numpy as np

from .corpus import SourceFile
from .html_set import html_document
from .markdown_set import markdown_document
from .records import SETS, Document
from .splice_sets import label_cycle, snippet, spliced, whole_file


def build_set(
    name: str,
    split: str,
    files: dict[str, list[SourceFile]],
    count: int,
    seed: int,
) -> list[Document]:
    """Return up to ``count`` documents of set ``name``.

    The Markdown and HTML sets can return fewer, because they take only the
    real documents that have fenced blocks or inline elements. The Python and
    Scala set is empty where the split lacks either language.
    """
    rng = np.random.default_rng([seed, SETS.index(name)])
    rows = list(_generate(name, rng, files, count))
    return [
        Document(f"{split}/{name}/{i:04d}", split, name, text, truth, origin)
        for i, (text, truth, origin) in enumerate(rows)
    ]


def _generate(name, rng, files, count):
    if name == "spliced_python_scala":
        if not {"python", "scala"} <= files.keys():
            return
        pair = {label: files[label] for label in ("python", "scala")}
        for _ in range(count):
            yield (*spliced(rng, pair, by_lines=False), "cut anywhere")
    elif name == "spliced_all":
        for i in range(count):
            by_lines = i % 2 == 1
            origin = "cut at lines" if by_lines else "cut anywhere"
            yield (*spliced(rng, files, by_lines), origin)
    elif name == "whole_files":
        labels = label_cycle(rng, sorted(files))
        for _ in range(count):
            yield whole_file(rng, files, next(labels))
    elif name == "snippets":
        yield from _snippets(rng, files, count)
    elif name == "markdown_fences":
        yield from _real(rng, files.get("markdown", []), markdown_document, count)
    elif name == "html_inline":
        yield from _real(rng, files.get("html", []), html_document, count)
    else:
        raise ValueError(f"unknown set {name!r}; expected one of {SETS}")


def _snippets(rng, files, count):
    labels = label_cycle(rng, sorted(files))
    produced = 0
    while produced < count:
        row = snippet(rng, files, next(labels))
        if row is not None:
            produced += 1
            yield row


def _real(rng, sources: list[SourceFile], make, count):
    """Yield usable real documents in a seeded random order.

    Each file is read as it was before the corpus cut out its embedded code.
    """
    produced = 0
    for index in rng.permutation(len(sources)).tolist():
        if produced == count:
            return
        result = make(sources[index].full_text)
        if result is not None:
            produced += 1
            yield (*result, sources[index].origin)
