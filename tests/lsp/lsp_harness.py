"""A test client for charseg-lsp: starts the real server over stdio and records.

Every notification the server sends is recorded in arrival order, so tests can
check what was published, in which order and for which version. Positions are
checked with :func:`offset_of`, a plain reference implementation that shares no
code with the server.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

REPO = Path(__file__).resolve().parents[2]
MIXED_FILE = REPO / "examples" / "python_scala_sql.py"
SERVER_COMMAND = [sys.executable, "-m", "charseg_server.lsp", "--stdio"]

#: Settings under which every foreign region gets a diagnostic.
REPORT_EVERYTHING = {"confidenceThreshold": 0, "minRegion": 1}

MARKDOWN_TEXT = (
    "# Release notes\n"
    "\n"
    "The new importer reads every file of the folder and keeps the newest.\n"
    "\n"
    "```\n"
    "import os\n"
    "for name in sorted(os.listdir('.')):\n"
    "    print(name)\n"
    "```\n"
    "\n"
    "object Main extends App {\n"
    '  val names = List("a", "b").map(_.toUpperCase)\n'
    '  println(names.mkString(", "))\n'
    "}\n"
    "\n"
    "```sql\n"
    "SELECT name, count(*) FROM files GROUP BY name;\n"
    "```\n"
)

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def to_plain(value: Any) -> Any:
    """Turn pygls's namedtuples (params of custom messages) into dicts and lists."""
    if hasattr(value, "_asdict"):
        return {key: to_plain(item) for key, item in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    return value


def units(char: str, encoding: str) -> int:
    """Code units of one code point; lone surrogates count as 3 UTF-8 bytes."""
    if encoding == "utf-8":
        return len(char.encode("utf-8", "surrogatepass"))
    if encoding == "utf-16":
        return len(char.encode("utf-16-le", "surrogatepass")) // 2
    return 1


def line_table(text: str) -> list[tuple[int, int]]:
    """Return ``(start, content_end)`` of each line; LSP ends lines at LF, CRLF, CR."""
    table = []
    start = 0
    for match in _LINE_BREAK.finditer(text):
        table.append((start, match.start()))
        start = match.end()
    table.append((start, len(text)))
    return table


def offset_of(text: str, position: dict | types.Position, encoding: str) -> int:
    """Convert a position to a code-point offset; raise if it is not valid.

    Invalid means: past the end of its line, inside a line break, or inside a
    character that takes several code units.
    """
    line, character = _line_character(position)
    table = line_table(text)
    if line >= len(table):
        raise AssertionError(f"line {line} is past the last line {len(table) - 1}")
    start, content_end = table[line]
    counted = 0
    offset = start
    while counted < character:
        if offset >= content_end:
            raise AssertionError(
                f"character {character} is past the end of line {line}"
            )
        counted += units(text[offset], encoding)
        offset += 1
    if counted != character:
        raise AssertionError(f"position {line}:{character} splits a character")
    return offset


def position_of(text: str, offset: int, encoding: str) -> types.Position:
    """Convert a code-point offset (not inside a CRLF) to a position."""
    for line, (start, content_end) in enumerate(line_table(text)):
        if offset <= content_end:
            column = sum(units(c, encoding) for c in text[start:offset])
            return types.Position(line=line, character=column)
    raise AssertionError(f"offset {offset} is inside a line break or past the end")


def end_position(text: str, encoding: str) -> dict:
    """Return the position of the end of ``text`` as a dict."""
    position = position_of(text, len(text), encoding)
    return {"line": position.line, "character": position.character}


def _line_character(position: dict | types.Position) -> tuple[int, int]:
    if isinstance(position, dict):
        return position["line"], position["character"]
    return position.line, position.character


def region_offsets(text: str, payload: dict, encoding: str) -> list[tuple[int, int]]:
    """Convert the ranges of a ``charseg/regions`` payload to offset pairs."""
    return [
        (
            offset_of(text, region["range"]["start"], encoding),
            offset_of(text, region["range"]["end"], encoding),
        )
        for region in payload["regions"]
    ]


def assert_tiles(text: str, payload: dict, encoding: str = "utf-16") -> None:
    """Assert that the payload's regions cover the whole text without gaps."""
    offsets = region_offsets(text, payload, encoding)
    if not text:
        assert offsets == []
        return
    assert offsets, "a non-empty text got no regions"
    assert offsets[0][0] == 0
    assert offsets[-1][1] == len(text)
    for (_, end), (start, _) in zip(offsets, offsets[1:], strict=False):
        assert start == end, f"regions do not meet: {end} != {start}"
    for start, end in offsets:
        assert start < end, "a region is empty"


def apply_text_edits(text: str, edits: list, encoding: str) -> str:
    """Apply LSP TextEdits (all relative to ``text``) as a client would."""
    spans = []
    for edit in edits:
        start = offset_of(text, edit.range.start, encoding)
        end = offset_of(text, edit.range.end, encoding)
        spans.append((start, end, edit.new_text))
    for start, end, new_text in sorted(spans, key=lambda s: (s[0], s[1]), reverse=True):
        text = text[:start] + new_text + text[end:]
    return text


class Session:
    """A connected client with what the server has sent so far."""

    def __init__(self, client: LanguageClient, encoding: str) -> None:
        self.client = client
        self.encoding = encoding
        #: ``(method, params)`` of every notification, in arrival order.
        self.notifications: list[tuple[str, Any]] = []
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}

    def regions(self, uri: str) -> list[dict]:
        """Return every ``charseg/regions`` payload for ``uri``, in order."""
        return [
            params
            for method, params in self.notifications
            if method == "charseg/regions" and params["uri"] == uri
        ]

    def diagnostics(self, uri: str) -> list[types.PublishDiagnosticsParams]:
        """Return every ``publishDiagnostics`` for ``uri``, in order."""
        return [
            params
            for method, params in self.notifications
            if method == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS and params.uri == uri
        ]

    def shown_messages(self) -> list[types.ShowMessageParams]:
        """Return every ``window/showMessage``, in order."""
        return [p for m, p in self.notifications if m == types.WINDOW_SHOW_MESSAGE]

    def log_text(self) -> str:
        """Return all ``window/logMessage`` texts, one per line."""
        return "\n".join(m.message for m in self.client.log_messages)

    def open(self, uri: str, text: str, language_id: str, version: int = 1) -> None:
        """Send ``didOpen``."""
        self.texts[uri] = text
        self.versions[uri] = version
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id=language_id, version=version, text=text
                )
            )
        )

    def replace(self, uri: str, start: int, end: int, new_text: str) -> int:
        """Send an incremental ``didChange`` replacing offsets ``[start, end)``."""
        text = self.texts[uri]
        edit_range = types.Range(
            start=position_of(text, start, self.encoding),
            end=position_of(text, end, self.encoding),
        )
        self.texts[uri] = text[:start] + new_text + text[end:]
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=edit_range, text=new_text
                    )
                ],
            )
        )
        return self.versions[uri]

    def close(self, uri: str) -> None:
        """Send ``didClose``."""
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=uri)
            )
        )

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 60, what: str = ""
    ) -> Any:
        """Poll ``predicate`` until it returns a true value; fail after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            await asyncio.sleep(0.02)

    async def wait_regions(self, uri: str, version: int, timeout: float = 60) -> dict:
        """Wait for the ``charseg/regions`` payload of one document version."""

        def find():
            matches = [p for p in self.regions(uri) if p["version"] == version]
            return matches[-1] if matches else None

        return await self.wait_for(find, timeout, f"regions of {uri} v{version}")

    async def wait_diagnostics(
        self, uri: str, version: int, timeout: float = 60
    ) -> list[types.Diagnostic]:
        """Wait for the diagnostics of one document version."""

        def find():
            matches = [p for p in self.diagnostics(uri) if p.version == version]
            return matches[-1] if matches else None

        published = await self.wait_for(find, timeout, f"diagnostics of {uri}")
        return list(published.diagnostics)

    async def request_regions(self, uri: str) -> dict | None:
        """Send the ``charseg/regions`` request."""
        result = await self.client.protocol.send_request_async(
            "charseg/regions", {"textDocument": {"uri": uri}}
        )
        return to_plain(result)


def make_client() -> tuple[LanguageClient, list[tuple[str, Any]]]:
    """Create a test client that records notifications in arrival order."""
    client = LanguageClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    record_diagnostics = features.pop(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    record_message = features.pop(types.WINDOW_SHOW_MESSAGE)
    register_lsp_features(client, features)
    notifications: list[tuple[str, Any]] = []

    @client.feature("charseg/regions")
    def on_regions(params):
        notifications.append(("charseg/regions", to_plain(params)))

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams):
        notifications.append((types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, params))
        record_diagnostics(client, params)

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def on_message(params: types.ShowMessageParams):
        notifications.append((types.WINDOW_SHOW_MESSAGE, params))
        record_message(client, params)

    @client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
    def on_inlay_refresh(params):
        notifications.append((types.WORKSPACE_INLAY_HINT_REFRESH, params))

    return client, notifications


def capabilities(encodings: list[str] | None = None) -> types.ClientCapabilities:
    """VS Code's capabilities, optionally offering position encodings.

    pytest-lsp stores those of VS Code 1.65, which predates LSP 3.17's inlay hints,
    so they are added as current VS Code declares them.
    """
    caps = client_capabilities("visual-studio-code")
    caps.workspace.inlay_hint = types.InlayHintWorkspaceClientCapabilities(
        refresh_support=True
    )
    caps.text_document.inlay_hint = types.InlayHintClientCapabilities()
    if encodings is not None:
        caps.general = types.GeneralClientCapabilities(position_encodings=encodings)
    return caps


@asynccontextmanager
async def lsp_session(
    initialization_options: dict | None = None,
    encodings: list[str] | None = None,
    server_args: tuple[str, ...] = (),
    configuration: dict | None = None,
    client_caps: types.ClientCapabilities | None = None,
) -> AsyncIterator[Session]:
    """Start charseg-lsp over stdio, initialise it and shut it down afterwards."""
    client, notifications = make_client()
    if configuration is not None:
        client.set_configuration(configuration, section="charseg")
    await client.start_io(*SERVER_COMMAND, *server_args)
    stopped = False
    try:
        result = await client.initialize_session(
            types.InitializeParams(
                capabilities=client_caps or capabilities(encodings),
                initialization_options=initialization_options,
                root_uri=REPO.as_uri(),
            )
        )
        encoding = str(result.capabilities.position_encoding or "utf-16")
        session = Session(client, encoding)
        session.notifications = notifications
        session.initialize_result = result
        yield session
        await asyncio.wait_for(client.shutdown_session(), 30)
        stopped = True
    finally:
        # pygls's stop() waits for the server process to end, so a test that
        # fails before the shutdown must end the process itself.
        process = client._server
        if not stopped and process is not None and process.returncode is None:
            process.terminate()
        await client.stop()
