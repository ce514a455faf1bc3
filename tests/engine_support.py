"""Shared helpers for the engine and CLI tests: the real model and sample texts."""

from __future__ import annotations

import functools
import random

from charseg_server.engine import Segmenter, SegmentOptions
from charseg_server.model import Model


@functools.cache
def cpu_model() -> Model:
    """Load the bundled model once per test session, on the CPU."""
    return Model.load(provider="cpu")


def segmenter(**options: object) -> Segmenter:
    """Return a segmenter over the shared model with the given options."""
    return Segmenter(cpu_model(), SegmentOptions(**options))


_PYTHON_LINES = [
    "def load(path):",
    "    with open(path, encoding='utf-8') as handle:",
    "        return json.load(handle)",
    "for index, item in enumerate(items):",
    "    total += item.price * item.count",
    "class Parser:",
    "    def __init__(self, source: str) -> None:",
    "        self.source = source",
    "if __name__ == '__main__':",
    "    main(sys.argv[1:])",
]
_SCALA_LINES = [
    "object Main extends App {",
    "  val xs = List(1, 2, 3).map(_ * 2)",
    "  def area(r: Double): Double = math.Pi * r * r",
    "  case class Point(x: Int, y: Int)",
    "  xs.foreach(println)",
    "}",
]
_PROSE_LINES = [
    "The parser reads the file once and keeps the offsets.",
    "Vóór de release: één test faalt — zie 🐍 en 𝄞 hieronder.",
    "",
]


def code_lines(count: int, seed: int = 0) -> list[str]:
    """Return ``count`` lines mixing Python, Scala and prose, all distinct."""
    rng = random.Random(seed)
    pools = [_PYTHON_LINES, _SCALA_LINES, _PROSE_LINES]
    lines = []
    pool = pools[0]
    for number in range(count):
        if number % 40 == 0:
            pool = rng.choice(pools)
        line = rng.choice(pool)
        lines.append(f"{line}  # {number}" if line else line)
    return lines


def mixed_text(lines: int, seed: int = 0) -> str:
    """Return a text of ``lines`` lines (see :func:`code_lines`)."""
    return "\n".join(code_lines(lines, seed)) + "\n"


def short_lines(count: int) -> str:
    """Return ``count`` distinct short Python lines (about 14 characters each)."""
    return "".join(f"v{number} = f({number % 97})\n" for number in range(count))
