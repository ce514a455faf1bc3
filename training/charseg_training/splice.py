"""Mixed documents spliced from single-language files.

A document is a list of ``(text, label)`` pieces. Pieces come from random files
at random offsets, so no two documents repeat. Besides plain splicing cut
anywhere, the generator builds the mixtures users meet: whole-line blocks, long
single-language stretches, code in Markdown fences, ``<script>`` and ``<style>``
in HTML, SQL in Python and Java string literals, and shell in YAML. Pair
documents alternate between two languages only, often two that share syntax
(Python and Scala, C and C++), so the model learns to tell near neighbours
apart at close range. A share ``p_focus`` of them use ``focus_pair``, with runs
of at most ``focus_max_run``. Look-alike pairs have runs of at most
``pair_max_run``. Host-block documents, a share ``p_block``, are files of one
language with whole-line blocks of a look-alike one pasted in: Scala in a Python
file, C in C++, JSON in JavaScript.

Offsets are code points (Python ``str`` indices), so an astral character counts
once and its label is one entry of the label array.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from charseg_server.contract import LABELS

from .corpus_rows import read_texts

Piece = tuple[str, str]


@dataclass
class Corpus:
    """Texts of one split, grouped by label."""

    files: dict[str, list[str]]

    @classmethod
    def load(cls, root: Path, split: str, labels=LABELS) -> Corpus:
        """Read ``root/<split>/<label>.jsonl``; labels without files are left out."""
        files: dict[str, list[str]] = {}
        for label in labels:
            path = Path(root) / split / f"{label}.jsonl"
            if not path.exists():
                continue
            texts = read_texts(path)
            if texts:
                files[label] = texts
        if not files:
            raise FileNotFoundError(
                f"no corpus files under {Path(root) / split}; "
                "run `charseg-train corpus` first"
            )
        return cls(files)

    @property
    def labels(self) -> list[str]:
        return sorted(self.files)

    def pick_label(self, rng: np.random.Generator, exclude: str | None = None) -> str:
        choices = [label for label in self.labels if label != exclude] or self.labels
        return choices[rng.integers(len(choices))]

    def pick_text(self, rng: np.random.Generator, label: str) -> str:
        texts = self.files[label]
        return texts[rng.integers(len(texts))]

    def snippet(self, rng: np.random.Generator, label: str, length: int) -> str:
        """Return ``length`` consecutive characters from a random offset."""
        text = self.pick_text(rng, label)
        if len(text) <= length:
            return text
        start = int(rng.integers(len(text) - length + 1))
        return text[start : start + length]

    def lines(self, rng: np.random.Generator, label: str, count: int) -> str:
        """Return up to ``count`` whole lines, each ending in a newline."""
        text = self.pick_text(rng, label)
        start = int(rng.integers(len(text)))
        start = text.rfind("\n", 0, start) + 1
        end = start
        for _ in range(count):
            newline = text.find("\n", end)
            if newline < 0:
                end = len(text)
                break
            end = newline + 1
        block = text[start:end]
        return block if block.endswith("\n") else block + "\n"


# Languages that share keywords or punctuation. Pair documents that are not
# focus pairs draw from this list half of the time and from any two labels
# otherwise.
CONFUSABLE_PAIRS = (
    ("python", "scala"),
    ("python", "ruby"),
    ("java", "kotlin"),
    ("java", "csharp"),
    ("java", "scala"),
    ("kotlin", "scala"),
    ("c", "cpp"),
    ("javascript", "typescript"),
    ("typescript", "kotlin"),
    ("html", "xml"),
    ("json", "javascript"),
    ("yaml", "markdown"),
    ("markdown", "plaintext"),
    ("yaml", "plaintext"),
    ("shellscript", "perl"),
    ("php", "javascript"),
    ("go", "rust"),
)


def _log_uniform(rng: np.random.Generator, low: int, high: int) -> int:
    return int(round(np.exp(rng.uniform(np.log(low), np.log(high)))))


class DocumentMaker:
    """Build random mixed documents of at least a given length."""

    def __init__(self, corpus: Corpus, config) -> None:
        self.corpus = corpus
        self.config = config

    def pieces(self, rng: np.random.Generator, length: int) -> list[Piece]:
        """Return pieces whose texts add up to at least ``length`` characters."""
        config = self.config
        roll = rng.uniform()
        if roll < config.p_pair:
            return self.pair(rng, length)
        roll -= config.p_pair
        if roll < config.p_block:
            return self.host_block(rng, length)
        roll -= config.p_block
        pieces: list[Piece] = []
        total = 0
        previous = None
        while total < length:
            if roll < config.p_single:
                label = previous or self.corpus.pick_label(rng)
                new = [(self.corpus.snippet(rng, label, length - total), label)]
            elif roll < config.p_single + config.p_lines:
                label = self.corpus.pick_label(rng, exclude=previous)
                count = _log_uniform(rng, 1, 40)
                new = [(self.corpus.lines(rng, label, count), label)]
            elif roll < config.p_single + config.p_lines + config.p_embedded:
                new = self.embedded(rng)
                label = new[-1][1]
            else:
                label = self.corpus.pick_label(rng, exclude=previous)
                size = _log_uniform(rng, config.min_run, config.max_run)
                new = [(self.corpus.snippet(rng, label, size), label)]
            new = [(text, label) for text, label in new if text]
            if not new:
                continue
            pieces.extend(new)
            total += sum(len(text) for text, _ in new)
            previous = label
        return pieces

    def _look_alike_pairs(self) -> list[tuple[str, str]]:
        files = self.corpus.files
        return [pair for pair in CONFUSABLE_PAIRS if all(x in files for x in pair)]

    def pair(self, rng: np.random.Generator, length: int) -> list[Piece]:
        """Return runs that alternate between two labels, cut anywhere."""
        known = self._look_alike_pairs()
        focus = list(self.config.focus_pair)
        has_focus = all(label in self.corpus.files for label in focus)
        roll = rng.uniform()
        longest = self.config.max_run
        if has_focus and roll < self.config.p_focus:
            labels = focus
            longest = self.config.focus_max_run
        # The other pair documents split evenly between the confusable list and
        # any two labels.
        elif known and roll < self.config.p_focus + (1 - self.config.p_focus) / 2:
            labels = list(known[rng.integers(len(known))])
            longest = self.config.pair_max_run
        else:
            first = self.corpus.pick_label(rng)
            labels = [first, self.corpus.pick_label(rng, exclude=first)]
        turn = int(rng.integers(2))
        pieces: list[Piece] = []
        total = 0
        while total < length:
            label = labels[turn]
            size = _log_uniform(rng, self.config.min_run, longest)
            text = self.corpus.snippet(rng, label, size)
            if text:
                pieces.append((text, label))
                total += len(text)
            turn = 1 - turn
        return pieces

    def host_block(
        self, rng: np.random.Generator, length: int, closed: bool = False
    ) -> list[Piece]:
        """Return host lines with whole-line blocks of a look-alike language.

        With ``closed``, host lines follow the last block too.
        """
        known = self._look_alike_pairs()
        focus = tuple(self.config.focus_pair)
        if all(label in self.corpus.files for label in focus):
            # Half of the documents use the focus pair.
            known += [focus] * max(1, len(known))
        if not known:
            return self.pair(rng, length)
        host, guest = known[rng.integers(len(known))]
        if rng.uniform() < 0.5:
            host, guest = guest, host
        pieces: list[Piece] = []
        total = 0
        while total < length:
            for label, low, high in ((host, 2, 40), (guest, 2, 25)):
                text = self._lines(rng, label, low, high)
                pieces.append((text, label))
                total += len(text)
        if closed:
            pieces.append((self._lines(rng, host, 2, 40), host))
        return pieces

    def embedded(self, rng: np.random.Generator) -> list[Piece]:
        """Return one embedding: fenced code, HTML script, SQL string or YAML shell."""
        builders = [
            (self._markdown_fence, ("markdown",)),
            (self._html_script, ("html", "javascript")),
            (self._html_style, ("html", "css")),
            (self._sql_in_python, ("python", "sql")),
            (self._sql_in_java, ("java", "sql")),
            (self._shell_in_yaml, ("yaml", "shellscript")),
        ]
        available = [
            build
            for build, needs in builders
            if all(label in self.corpus.files for label in needs)
        ]
        if not available:
            return []
        return available[rng.integers(len(available))](rng)

    def _lines(self, rng, label: str, low: int = 1, high: int = 15) -> str:
        return self.corpus.lines(rng, label, _log_uniform(rng, low, high))

    def _markdown_fence(self, rng) -> list[Piece]:
        code = self.corpus.pick_label(rng, exclude="markdown")
        info = code if rng.uniform() < 0.3 else ""
        return [
            (self._lines(rng, "markdown"), "markdown"),
            (f"```{info}\n", "markdown"),
            (self._lines(rng, code, 2, 30), code),
            ("```\n", "markdown"),
            (self._lines(rng, "markdown"), "markdown"),
        ]

    def _html_script(self, rng) -> list[Piece]:
        return [
            (self._lines(rng, "html") + "<script>\n", "html"),
            (self._lines(rng, "javascript", 2, 30), "javascript"),
            ("</script>\n" + self._lines(rng, "html"), "html"),
        ]

    def _html_style(self, rng) -> list[Piece]:
        return [
            (self._lines(rng, "html") + "<style>\n", "html"),
            (self._lines(rng, "css", 2, 30), "css"),
            ("</style>\n" + self._lines(rng, "html"), "html"),
        ]

    def _sql_in_python(self, rng) -> list[Piece]:
        return [
            (self._lines(rng, "python") + '    cursor.execute("""\n', "python"),
            (self._lines(rng, "sql", 1, 12), "sql"),
            ('""")\n' + self._lines(rng, "python"), "python"),
        ]

    def _sql_in_java(self, rng) -> list[Piece]:
        statement = self.corpus.lines(rng, "sql", 1).strip() or "SELECT 1"
        return [
            (self._lines(rng, "java") + '        String query = "', "java"),
            (statement.replace('"', "'"), "sql"),
            ('";\n' + self._lines(rng, "java"), "java"),
        ]

    def _shell_in_yaml(self, rng) -> list[Piece]:
        indent = " " * int(rng.integers(2, 9))
        shell = self._lines(rng, "shellscript", 1, 12)
        shell = "".join(indent + line for line in shell.splitlines(keepends=True))
        return [
            (self._lines(rng, "yaml") + "run: |\n", "yaml"),
            (shell, "shellscript"),
            (self._lines(rng, "yaml"), "yaml"),
        ]


def join_pieces(pieces: list[Piece], labels=LABELS) -> tuple[str, np.ndarray]:
    """Concatenate pieces into a text and its per-code-point label ids."""
    index = {label: i for i, label in enumerate(labels)}
    text = "".join(piece for piece, _ in pieces)
    ids = np.repeat(
        np.array([index[label] for _, label in pieces], dtype=np.int32),
        [len(piece) for piece, _ in pieces],
    )
    return text, ids


def make_window(
    maker: DocumentMaker, rng: np.random.Generator, length: int
) -> tuple[str, np.ndarray]:
    """Return a window of exactly ``length`` characters cut from a random document."""
    pieces = maker.pieces(rng, length + length // 2)
    text, ids = join_pieces(pieces, maker.config.labels)
    start = int(rng.integers(len(text) - length + 1))
    return text[start : start + length], ids[start : start + length]
