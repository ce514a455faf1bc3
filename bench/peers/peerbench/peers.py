"""The peer tools behind one interface: a text in, one charseg label out.

Each class imports its tool when created, so the other modules (and their
tests) run without the peers' packages.
"""

from __future__ import annotations

import time

from .guesslang_rule import vscode_language
from .node_client import NodeClient
from .paths import NODE_SCRIPT, PEERS_DIR
from .peer_labels import (
    GUESSLANG,
    HIGHLIGHTJS,
    MAGIKA,
    pygments_label,
    to_label,
)


class PygmentsPeer:
    """Pygments ``guess_lexer``, which scores the text with every lexer."""

    name = "pygments"

    def __init__(self) -> None:
        import pygments
        from pygments.lexers import guess_lexer
        from pygments.util import ClassNotFound

        self.version = pygments.__version__
        self._guess_lexer = guess_lexer
        self._not_found = ClassNotFound

    def guess(self, text: str) -> tuple[str, float]:
        started = time.perf_counter()
        try:
            lexer = self._guess_lexer(text)
        except self._not_found:
            return "plaintext", time.perf_counter() - started
        seconds = time.perf_counter() - started
        return pygments_label(lexer.aliases), seconds


class MagikaPeer:
    """Magika's content type of the text's UTF-8 bytes (default prediction mode)."""

    name = "magika"

    def __init__(self) -> None:
        import magika

        self._magika = magika.Magika()
        self.version = f"{magika.__version__} ({self._magika.get_model_name()})"

    def guess(self, text: str) -> tuple[str, float]:
        data = text.encode("utf-8", "surrogatepass")
        started = time.perf_counter()
        result = self._magika.identify_bytes(data)
        seconds = time.perf_counter() - started
        return to_label(MAGIKA, str(result.output.label)), seconds


class HighlightJsPeer:
    """highlight.js ``highlightAuto`` limited to the languages charseg labels."""

    name = "highlightjs"

    def __init__(self) -> None:
        self._client = NodeClient(
            NODE_SCRIPT, ["hljs", ",".join(HIGHLIGHTJS)], PEERS_DIR
        )
        self.version = self._client.hello["version"]

    def guess(self, text: str) -> tuple[str, float]:
        reply = self._client.ask(text)
        return to_label(HIGHLIGHTJS, reply["language"]), reply["ms"] / 1000

    def close(self) -> None:
        self._client.close()


class GuesslangPeer:
    """guesslang's model from @vscode/vscode-languagedetection, with VS Code's rule.

    A text that VS Code's rule finds no language for counts as ``plaintext``,
    the language VS Code keeps for an untitled document.
    """

    name = "guesslang"

    def __init__(self) -> None:
        self._client = NodeClient(NODE_SCRIPT, ["guesslang"], PEERS_DIR)
        self.version = self._client.hello["version"]

    def guess(self, text: str) -> tuple[str, float]:
        reply = self._client.ask(text)
        results = [(language, confidence) for language, confidence in reply["results"]]
        return to_label(GUESSLANG, vscode_language(results)), reply["ms"] / 1000

    def close(self) -> None:
        self._client.close()


PEERS = {
    peer.name: peer
    for peer in (PygmentsPeer, MagikaPeer, HighlightJsPeer, GuesslangPeer)
}
