"""Sets cut from single-language files: spliced documents, whole files, snippets.

Every builder takes its own random generator, so a set of N documents is the
first N documents of a larger set built with the same seed.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .corpus import SourceFile, pick
from .rle import runs_from_pieces, single_run

RUN_LENGTHS = (20, 200)
SPLICED_LENGTHS = (800, 1600)
LINE_BLOCK_LINES = (1, 12)
WHOLE_FILE_CAP = 4000
SNIPPET_LINES = (1, 5)
SNIPPET_CHARS = (20, 300)
_MAX_TRIES = 100


def cut_anywhere(rng: np.random.Generator, text: str, length: int) -> str:
    """Return ``length`` consecutive characters of ``text`` from a random offset."""
    if len(text) <= length:
        return text
    start = int(rng.integers(len(text) - length + 1))
    return text[start : start + length]


def cut_lines(rng: np.random.Generator, text: str, count: int) -> str:
    """Return up to ``count`` whole lines from a random line, ending in a newline."""
    lines = text.splitlines(keepends=True)
    start = int(rng.integers(len(lines)))
    block = "".join(lines[start : start + count])
    return block if block.endswith("\n") else block + "\n"


def spliced(
    rng: np.random.Generator, files: dict[str, list[SourceFile]], by_lines: bool
) -> tuple[str, list]:
    """Return the text and truth runs of one spliced document.

    Neighbouring pieces always have different labels, so every piece boundary
    is a true label boundary. Pieces are cut at any offset with 20 to 200
    characters, or (``by_lines``) are blocks of 1 to 12 whole lines.
    """
    labels = sorted(files)
    target = int(rng.integers(SPLICED_LENGTHS[0], SPLICED_LENGTHS[1] + 1))
    pieces: list[tuple[str, str]] = []
    total = 0
    previous = None
    while total < target:
        label = pick(rng, [label for label in labels if label != previous])
        text = pick(rng, files[label]).text
        if by_lines:
            count = int(rng.integers(LINE_BLOCK_LINES[0], LINE_BLOCK_LINES[1] + 1))
            piece = cut_lines(rng, text, count)
        else:
            length = int(rng.integers(RUN_LENGTHS[0], RUN_LENGTHS[1] + 1))
            piece = cut_anywhere(rng, text, length)
        if not piece.strip():
            continue
        pieces.append((piece, label))
        total += len(piece)
        previous = label
    return "".join(text for text, _ in pieces), runs_from_pieces(pieces)


def capped(text: str, cap: int = WHOLE_FILE_CAP) -> str:
    """Return ``text`` cut after its last newline within ``cap`` characters.

    A text without a newline in that range is cut at exactly ``cap``.
    """
    if len(text) <= cap:
        return text
    newline = text.rfind("\n", 0, cap)
    return text[: newline + 1] if newline > 0 else text[:cap]


def label_cycle(rng: np.random.Generator, labels: list[str]) -> Iterator[str]:
    """Yield labels round-robin, in a new random order on each round."""
    while True:
        yield from rng.permutation(labels).tolist()


def whole_file(
    rng: np.random.Generator, files: dict[str, list[SourceFile]], label: str
) -> tuple[str, list, str]:
    """Return the capped text, truth runs and origin of one random file."""
    source = pick(rng, files[label])
    text = capped(source.text)
    return text, single_run(label, len(text)), source.origin


def snippet(
    rng: np.random.Generator, files: dict[str, list[SourceFile]], label: str
) -> tuple[str, list, str] | None:
    """Return 1 to 5 whole lines of 20 to 300 characters, or None if none found."""
    for _ in range(_MAX_TRIES):
        source = pick(rng, files[label])
        count = int(rng.integers(SNIPPET_LINES[0], SNIPPET_LINES[1] + 1))
        text = cut_lines(rng, source.text, count)
        if SNIPPET_CHARS[0] <= len(text) <= SNIPPET_CHARS[1] and text.strip():
            return text, single_run(label, len(text)), source.origin
    return None
