"""Logging to stderr and to the client's log (``window/logMessage``)."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError
from pygls.lsp.server import LanguageServer

#: Logger of the whole charseg server package.
PACKAGE_LOGGER = "charseg_server"

LEVELS = ("debug", "info", "warning", "error")

_MESSAGE_TYPES = (
    (logging.ERROR, types.MessageType.Error),
    (logging.WARNING, types.MessageType.Warning),
    (logging.INFO, types.MessageType.Info),
)


def message_type(level: int) -> types.MessageType:
    """Return the LSP message type for a logging level."""
    for threshold, kind in _MESSAGE_TYPES:
        if level >= threshold:
            return kind
    return types.MessageType.Log


#: Loggers through which pygls reports messages that it could not handle.
_PYGLS_LOGGERS = ("pygls.protocol.json_rpc", "pygls.server", "charseg_server.lsp.tcp")


def is_client_error(error: BaseException | None) -> bool:
    """Return whether ``error`` rejects a client's message, such as invalid params."""
    return isinstance(error, JsonRpcException) and not isinstance(
        error, JsonRpcInternalError
    )


class ClientErrorFilter(logging.Filter):
    """Drop pygls's tracebacks for messages that the client got wrong.

    The server logs one line for each such message instead, naming the fields at
    fault. A traceback of the parser would only bury that line.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Unable to deserialize message"):
            return False
        error = record.exc_info[1] if record.exc_info else None
        if record.getMessage() == "Unable to handle message":
            # Each is logged as one line elsewhere: by the protocol for a message
            # that is not valid JSON-RPC, by the server's error handler for one
            # that is not valid JSON or is nested too deeply to parse.
            return not isinstance(
                error, JsonRpcException | json.JSONDecodeError | RecursionError
            )
        return not is_client_error(error)


_CLIENT_ERROR_FILTER = ClientErrorFilter()


def quiet_client_errors() -> None:
    """Install :class:`ClientErrorFilter` on pygls's loggers (idempotent)."""
    for name in _PYGLS_LOGGERS:
        logging.getLogger(name).addFilter(_CLIENT_ERROR_FILTER)


def configure_stderr_logging(level: str) -> None:
    """Log charseg at ``level`` and other libraries at WARNING, to stderr.

    pygls logs every message it sends at INFO, so it stays at WARNING: at INFO a
    5 MB document would be written to stderr on every change.
    """
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger(PACKAGE_LOGGER).setLevel(level.upper())


class ClientLogHandler(logging.Handler):
    """Forward records of the charseg loggers as ``window/logMessage``.

    Records from the inference worker thread are handed to the event loop, because
    pygls writes to the transport without a lock. Nothing is sent before
    :meth:`attach`, since LSP allows no notification before ``initialize``.
    """

    def __init__(self, server: LanguageServer) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))
        self._server = server
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._sending = threading.local()

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start sending records, from now on, on ``loop``."""
        self._loop = loop
        self._loop_thread = threading.get_ident()

    def detach(self) -> None:
        """Stop sending records, for shutdown."""
        self._loop = None

    def emit(self, record: logging.LogRecord) -> None:
        loop = self._loop
        if loop is None or getattr(self._sending, "active", False):
            return
        try:
            params = types.LogMessageParams(
                type=message_type(record.levelno), message=self.format(record)
            )
            if threading.get_ident() == self._loop_thread:
                self._send(params)
            else:
                loop.call_soon_threadsafe(self._send, params)
        except RuntimeError:
            pass  # the loop has closed: the session is over
        except Exception:  # noqa: BLE001 - logging must not raise
            self.handleError(record)

    def _send(self, params: types.LogMessageParams) -> None:
        if self._loop is None:
            return
        self._sending.active = True
        try:
            self._server.window_log_message(params)
        finally:
            self._sending.active = False
