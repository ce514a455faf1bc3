"""End to end: huge and binary documents, a missing model, TCP and the CLI."""

import asyncio
import json
import socket
import subprocess
import sys
import time

import pytest
from lsp_harness import (
    MARKDOWN_TEXT,
    MIXED_FILE,
    SERVER_COMMAND,
    assert_tiles,
    capabilities,
    lsp_session,
    make_client,
)
from lsprotocol import types

BIG_URI = "file:///workspace/big.py"
SMALL_URI = "file:///workspace/small.md"
FIVE_MB = 5_000_000


def five_megabyte_text() -> str:
    """About 5 MB of distinct lines (repeated windows would be cached)."""
    mixed = MIXED_FILE.read_text()
    parts = []
    size = 0
    index = 0
    while size < FIVE_MB:
        part = f"# part {index} 😀\r\n{mixed}"
        parts.append(part)
        size += len(part)
        index += 1
    return "".join(parts)


async def test_too_large_document_gets_one_message():
    text = five_megabyte_text()
    async with lsp_session() as session:
        session.open(BIG_URI, text, "python")
        payload = await session.wait_regions(BIG_URI, 1)
        started = time.monotonic()
        version = session.replace(BIG_URI, 10, 10, "edit")
        second = await session.wait_regions(BIG_URI, version)
        edit_seconds = time.monotonic() - started
        hover = await session.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=BIG_URI),
                position=types.Position(line=3, character=0),
            )
        )
        messages = session.shown_messages()
    assert payload["status"] == "tooLarge"
    assert payload["regions"] == []
    assert second["status"] == "tooLarge"
    assert hover is None
    assert len(messages) == 1
    assert messages[0].type == types.MessageType.Warning
    assert BIG_URI in messages[0].message
    assert "charseg.maxDocumentSize" in messages[0].message
    assert edit_seconds < 10, f"an edit of a 5 MB document took {edit_seconds:.1f} s"


async def test_server_answers_while_analysing_five_megabytes():
    text = five_megabyte_text()
    options = {"maxDocumentSize": 10_000_000}
    async with lsp_session(
        initialization_options=options, server_args=("--log-level", "debug")
    ) as session:
        session.open(SMALL_URI, MARKDOWN_TEXT, "markdown")
        await session.wait_regions(SMALL_URI, 1)
        session.open(BIG_URI, text, "python")
        await session.wait_for(
            lambda: f"analysing {BIG_URI} version 1" in session.log_text(),
            what="the big analysis to start",
        )
        started = time.monotonic()
        symbols = await session.client.text_document_document_symbol_async(
            types.DocumentSymbolParams(
                text_document=types.TextDocumentIdentifier(uri=SMALL_URI)
            )
        )
        pulled = await session.request_regions(SMALL_URI)
        answer_seconds = time.monotonic() - started
        session.close(BIG_URI)
        still_running = f"analysed {BIG_URI}" not in session.log_text()
    assert still_running, "the 5 MB analysis ended before the requests were answered"
    assert answer_seconds < 5, f"requests took {answer_seconds:.1f} s during inference"
    assert len(symbols) == len(pulled["regions"])
    assert not session.regions(BIG_URI)


async def test_binary_document_gets_one_message():
    text = "\x00\x01ELF\x00\x00" * 2000
    async with lsp_session() as session:
        session.open(BIG_URI, text, "plaintext")
        payload = await session.wait_regions(BIG_URI, 1)
        version = session.replace(BIG_URI, 0, 0, "\x00")
        again = await session.wait_regions(BIG_URI, version)
        session.open(SMALL_URI, MARKDOWN_TEXT, "markdown")
        small = await session.wait_regions(SMALL_URI, 1)
        messages = session.shown_messages()
    assert payload["status"] == again["status"] == "binary"
    assert payload["regions"] == []
    assert len(messages) == 1
    assert "looks binary" in messages[0].message
    assert small["status"] == "ok"


async def test_missing_model_keeps_server_running(tmp_path):
    missing = tmp_path / "no-model.onnx"
    async with lsp_session(server_args=("--model", str(missing))) as session:
        await session.wait_for(session.shown_messages, what="an error message")
        session.open(SMALL_URI, MARKDOWN_TEXT, "markdown")
        payload = await session.wait_regions(SMALL_URI, 1)
        pulled = await session.request_regions(SMALL_URI)
        symbols = await session.client.text_document_document_symbol_async(
            types.DocumentSymbolParams(
                text_document=types.TextDocumentIdentifier(uri=SMALL_URI)
            )
        )
        (message,) = session.shown_messages()
    assert message.type == types.MessageType.Error
    assert str(missing) in message.message
    assert payload["status"] == "noModel"
    assert payload["regions"] == []
    assert pulled == payload
    assert list(symbols) == []


def frame(message: object) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def read_frames(data: bytes) -> list[dict]:
    """Split a server's stdout into its JSON-RPC messages."""
    messages = []
    while data:
        header, _, rest = data.partition(b"\r\n\r\n")
        fields = dict(line.split(b": ", 1) for line in header.split(b"\r\n"))
        length = int(fields[b"Content-Length"])
        messages.append(json.loads(rest[:length]))
        data = rest[length:]
    return messages


def run_messages(session: list) -> tuple[subprocess.CompletedProcess, dict]:
    """Send ``session`` to a fresh server; return the process and replies by id."""
    result = subprocess.run(
        [*SERVER_COMMAND],
        input=b"".join(frame(message) for message in session),
        capture_output=True,
        timeout=60,
    )
    replies = {m["id"]: m for m in read_frames(result.stdout) if "id" in m}
    return result, replies


def test_malformed_messages_get_errors_not_popups():
    hover = {"textDocument": {"uri": SMALL_URI}, "position": {"line": -1}}
    session = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": hover},
        [],
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": 5}}},
        {"jsonrpc": "2.0", "id": 4, "method": "charseg/regions", "params": {}},
        {"jsonrpc": "2.0", "id": 5, "method": "charseg/regions"},
        {"jsonrpc": "2.0", "id": 6, "method": "foo/bar", "params": {}},
        {"id": 7, "method": "shutdown"},
        {"jsonrpc": "2.0", "id": 8, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": 5}, "position": {"line": "0", "character": 0}}},
        b"{not json",
        {"jsonrpc": "1.0", "id": 9, "method": "charseg/regions", "params": {
            "textDocument": {"uri": SMALL_URI}}},
        {"jsonrpc": "2.0", "id": 10, "method": "$/setTrace", "params": {
            "value": "off"}},
        b'{"jsonrpc": "2.0", "id": 11, "params": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        {"jsonrpc": "2.0", "id": 3, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]  # fmt: skip
    result, replies = run_messages(session)
    methods = [m.get("method") for m in read_frames(result.stdout)]
    assert replies[2]["error"]["code"] == -32602
    assert replies[4]["error"]["code"] == -32602
    assert replies[5]["error"]["code"] == -32602
    assert replies[6]["error"]["code"] == -32601
    assert replies[7]["error"]["code"] == -32600
    assert replies[8]["error"]["code"] == -32602
    assert replies[9]["error"]["code"] == -32600
    assert replies[10]["error"]["code"] == -32600
    assert "notification" in replies[10]["error"]["message"]
    assert 11 not in replies  # nested too deeply to read its id
    assert "result" in replies[3]
    assert "window/showMessage" not in methods
    assert result.returncode == 0
    # One warning line per bad message with its reason, and no parser traceback.
    log = result.stderr.decode()
    assert "Traceback" not in log
    assert "rejected request 2 (textDocument/hover): Invalid Params" in log
    assert "dropped textDocument/didOpen: Invalid Params" in log
    assert "missing @ $.params.textDocument.languageId" in log
    assert "expected str @ $.params.textDocument.uri" in log
    assert "expected int @ $.params.position.line" in log
    assert "not a JSON-RPC object: []" in log
    assert "charseg/regions needs params" in log
    assert "dropped a message that is not valid JSON" in log
    assert log.count("foo/bar") == 1
    assert 'rejected request 7 (shutdown): missing "jsonrpc": "2.0" field' in log
    assert "rejected request 9 (charseg/regions): Invalid Request: jsonrpc" in log
    assert "dropped a message nested too deeply to parse" in log
    assert " ERROR " not in log


def test_out_of_lifecycle_requests_rejected():
    hover = {
        "textDocument": {"uri": SMALL_URI},
        "position": {"line": 0, "character": 0},
    }
    initialize = {"capabilities": {}}
    early_open = {
        "textDocument": {
            "uri": SMALL_URI,
            "languageId": "python",
            "version": 1,
            "text": "x = 1\n",
        }
    }
    session = [
        {"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": hover},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": early_open},
        {"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": initialize},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 3, "method": "initialize", "params": initialize},
        {"jsonrpc": "2.0", "id": [7], "method": "textDocument/hover",
         "params": hover},
        {"jsonrpc": "2.0", "id": 4, "method": "shutdown"},
        {"jsonrpc": "2.0", "id": 5, "method": "textDocument/hover", "params": hover},
        {"jsonrpc": "2.0", "id": {"n": 1}, "method": "textDocument/hover",
         "params": hover},
        {"jsonrpc": "2.0", "id": 6, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]  # fmt: skip

    result, replies = run_messages(session)

    assert replies[1]["error"]["code"] == -32002
    assert "capabilities" in replies[2]["result"]
    assert replies[3]["error"]["code"] == -32600
    assert "result" in replies[4]
    assert replies[5]["error"]["code"] == -32600
    assert replies[6]["error"]["code"] == -32600
    assert replies[None]["error"]["code"] == -32600
    assert result.returncode == 0
    log = result.stderr.decode()
    assert "rejected request [7] (textDocument/hover): Invalid Request: id" in log
    assert " ERROR " not in log
    assert "rejected request 1 (textDocument/hover): ServerNotInitialized" in log
    assert "dropped textDocument/didOpen: it came before initialize" in log
    assert (
        "rejected request 3 (initialize): Invalid Request: already initialized" in log
    )
    assert "rejected request 5 (textDocument/hover): Invalid Request: the server" in log
    assert "Traceback" not in log


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_tcp_transport():
    port = free_port()
    command = [
        *SERVER_COMMAND[:-1],
        "--tcp",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(command, stderr=subprocess.PIPE)
    client, notifications = make_client()
    try:
        for _ in range(100):
            try:
                await client.start_tcp("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.1)
        else:
            raise AssertionError("the TCP server did not start listening")
        await client.initialize_session(
            types.InitializeParams(capabilities=capabilities())
        )
        text = MIXED_FILE.read_text()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=SMALL_URI, language_id="python", version=1, text=text
                )
            )
        )
        deadline = time.monotonic() + 60
        while not [n for n in notifications if n[0] == "charseg/regions"]:
            assert time.monotonic() < deadline, "no regions over TCP"
            await asyncio.sleep(0.05)
        payload = [p for m, p in notifications if m == "charseg/regions"][0]
        second_client_data = await asyncio.to_thread(second_connection_data, port)
        await client.shutdown_session()
        status = await asyncio.to_thread(server.wait, 30)
    finally:
        if server.poll() is None:
            server.kill()
        await client.stop()
        log = server.stderr.read().decode()
    assert_tiles(text, payload)
    assert second_client_data == b""
    assert status == 0
    assert "Traceback" not in log


def second_connection_data(port: int) -> bytes:
    """Connect while another client is served; return what the server sends.

    A server that kept the connection open would time out the read.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        return connection.recv(1024)


def test_tcp_port_in_use_is_one_line_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [*SERVER_COMMAND[:-1], "--tcp", "--host", "127.0.0.1", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("port", "message"),
    [
        ("70000", "must be from 1 to 65535, got 70000"),
        ("-1", "must be from 1 to 65535, got -1"),
        ("http", "expected an integer, got 'http'"),
    ],
)
def test_tcp_port_out_of_range(port, message):
    result = subprocess.run(
        [sys.executable, "-m", "charseg_server.lsp", "--tcp", "--port", port],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_help_and_version():
    run = [sys.executable, "-m", "charseg_server.lsp"]
    help_text = subprocess.run(
        [*run, "--help"], capture_output=True, text=True, check=True
    ).stdout
    for option in (
        "--stdio",
        "--tcp",
        "--port",
        "--model",
        "--provider",
        "--log-level",
    ):
        assert option in help_text
    version = subprocess.run(
        [*run, "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert version.startswith("charseg-lsp ")


def test_cli_rejects_unknown_provider():
    result = subprocess.run(
        [sys.executable, "-m", "charseg_server.lsp", "--provider", "tpu"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "invalid choice: 'tpu'" in result.stderr


def test_exit_without_shutdown_returns_one():
    body = b'{"jsonrpc": "2.0", "method": "exit"}'
    message = b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    result = subprocess.run(
        [*SERVER_COMMAND], input=message, capture_output=True, timeout=60
    )
    assert result.returncode == 1


def test_tcp_exit_while_model_loads():
    port = free_port()
    address = ["--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        [*SERVER_COMMAND[:-1], "--tcp", *address], stderr=subprocess.PIPE
    )
    try:
        for _ in range(100):
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the TCP server did not start listening")
        with connection:
            initialize = {"processId": None, "capabilities": {}}
            connection.sendall(
                frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                       "params": initialize})
            )  # fmt: skip
            connection.recv(65536)  # the initialize result
            # The model starts loading on initialized, and exit comes right behind.
            connection.sendall(
                frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
                + frame({"jsonrpc": "2.0", "method": "exit"})
            )
            status = server.wait(30)
    finally:
        if server.poll() is None:
            server.kill()
        log = server.stderr.read().decode()
    assert status == 1  # exit without shutdown
    assert "Traceback" not in log
