"""The LSP protocol class: pygls's, with charseg's document sync and encoding."""

from __future__ import annotations

import logging
import re
from typing import Any

from cattrs import transform_error
from cattrs.errors import ClassValidationError
from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)
from pygls.protocol import LanguageServerProtocol, lsp_method

from charseg_server.lsp.positions import choose_position_encoding

logger = logging.getLogger(__name__)

#: The only JSON-RPC version that LSP uses.
JSONRPC_VERSION = "2.0"


class CharsegProtocol(LanguageServerProtocol):
    """pygls's protocol with four changes.

    * The position encoding follows :func:`choose_position_encoding` (UTF-16 unless
      the client does not offer it) instead of pygls's first-offered rule.
    * Text synchronisation skips pygls's workspace copy of each document. The server
      keeps its own (:mod:`charseg_server.lsp.documents`), and pygls's copy would
      cost a second full-text update per change and can raise on edits it
      misplaces, which would stop the server's own handler from running.
    * A request whose params do not match the LSP types gets an error response.
      pygls only reports such a message as a server error, so the client would
      wait for the response forever. Each such message, and each message that
      is not a JSON-RPC object, is logged as one warning line with the reason.
    * Requests out of the LSP lifecycle get the error the specification names:
      ServerNotInitialized before ``initialize``, Invalid Request for a second
      ``initialize`` or any request after ``shutdown``. pygls handles the first
      two like any request and sends no response to requests after ``shutdown``.
      Notifications other than ``exit`` that come before ``initialize`` are
      dropped, as the specification says.
      A request with an id that is neither a string nor an integer also gets
      Invalid Request.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._initialize_received = False

    def structure_message(self, data: dict[str, Any]):
        method = data.get("method")
        if "jsonrpc" in data and "id" in data and _is_notification(method):
            # pygls would handle it as a notification and drop the id, so the
            # client would wait for a response forever.
            error = JsonRpcInvalidRequest(
                f"Invalid Request: {method} is a notification and takes no id"
            )
            self._reject(data["id"], method, error)
            raise error
        if (
            "jsonrpc" in data
            and "params" not in data
            and isinstance(method, str)
            and self.get_message_type(method) is None
        ):
            # JSON-RPC lets a request omit params, but pygls's generic message
            # types for custom methods such as charseg/regions require the field.
            data = {**data, "params": None}
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "id" in data and "method" in data:
                self._reject(data["id"], method, error)
            else:
                logger.warning("dropped %s: %s", method or "a response", _reason(error))
            raise

    def _reject(self, msg_id: Any, method: str, error: JsonRpcException) -> None:
        """Log a rejected request and send ``error`` as its response."""
        valid_id = _valid_id(msg_id)
        if not valid_id:
            error = JsonRpcInvalidRequest(_BAD_ID)
        reason = _reason(error)
        logger.warning("rejected request %s (%s): %s", msg_id, method, reason)
        if valid_id:
            self._send_response(msg_id, error=error.to_response_error())
            return
        # JSON-RPC requires a null id in the response to a request whose id is
        # invalid. pygls's response type would leave the id out.
        reply = {"code": error.code, "message": reason}
        self._send_data({"jsonrpc": "2.0", "id": None, "error": reply})

    def handle_message(self, message):
        if isinstance(message, dict) and "id" in message and "method" in message:
            # pygls passes a request without "jsonrpc": "2.0" through as a plain
            # dict. JSON-RPC requires an Invalid Request error for it.
            logger.warning(
                'rejected request %s (%s): missing "jsonrpc": "2.0" field',
                message["id"],
                message["method"],
            )
            error = JsonRpcInvalidRequest(_BAD_VERSION)
            self._send_response(message["id"], error=error.to_response_error())
            return None
        if not hasattr(message, "jsonrpc"):
            # A JSON array (a JSON-RPC batch, which LSP does not use), a scalar,
            # or an object without the JSON-RPC version.
            logger.warning(
                "dropped a message that is not a JSON-RPC object: %.80r", message
            )
            return None
        method = getattr(message, "method", None)
        if method is not None and hasattr(message, "id"):
            error = self._request_error(message.id, method, message.jsonrpc)
            if error is not None:
                self._reject(message.id, method, error)
                return None
        elif method not in (None, types.EXIT) and not self._initialize_received:
            # The specification has servers drop notifications before initialize.
            logger.warning("dropped %s: it came before initialize", method)
            return None
        return super().handle_message(message)

    def _request_error(
        self, msg_id: Any, method: str, version: str
    ) -> JsonRpcException | None:
        """Return the error for a request that must be rejected, or None."""
        if not _valid_id(msg_id):
            return JsonRpcInvalidRequest(_BAD_ID)
        if version != JSONRPC_VERSION:
            return JsonRpcInvalidRequest(_BAD_VERSION)
        return self._lifecycle_error(method)

    def _lifecycle_error(self, method: str) -> JsonRpcException | None:
        """Return the error for a request that the lifecycle forbids now, or None.

        Records the first ``initialize`` as received.
        """
        if self._shutdown:
            return JsonRpcInvalidRequest("Invalid Request: the server is shutting down")
        if method == types.INITIALIZE:
            if self._initialize_received:
                return JsonRpcInvalidRequest("Invalid Request: already initialized")
            self._initialize_received = True
            return None
        if not self._initialize_received:
            return JsonRpcServerNotInitialized(
                "ServerNotInitialized: initialize must come first"
            )
        return None

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        general = params.capabilities.general
        if general is not None and general.position_encodings:
            chosen = choose_position_encoding(general.position_encodings)
            general.position_encodings = [chosen]
        return (yield from super().lsp_initialize(params))

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if (
            handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)
        ) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


_SNAKE_PART = re.compile(r"_([a-z])")
_BAD_ID = "Invalid Request: id must be a string or an integer"
_BAD_VERSION = "Invalid Request: jsonrpc must be 2.0"


def _is_notification(method: Any) -> bool:
    """Return whether ``method`` is an LSP notification (a method without a result)."""
    entry = types.METHOD_TO_TYPES.get(method) if isinstance(method, str) else None
    return entry is not None and entry[1] is None


def _valid_id(msg_id: Any) -> bool:
    return isinstance(msg_id, int | str) and not isinstance(msg_id, bool)


def _reason(error: JsonRpcException) -> str:
    """Return why a message failed to parse, in one line.

    cattrs names fields by their Python attributes (``text_document``), so the
    paths are turned back into the protocol's camelCase (``textDocument``).
    """
    cause = error.__cause__
    if isinstance(cause, ClassValidationError):
        problems = [_camel_case_path(problem) for problem in transform_error(cause)]
        return f"{error.message}: {'; '.join(problems)}"
    return error.message if cause is None else f"{error.message}: {cause!r}"


def _camel_case_path(problem: str) -> str:
    message, at, path = problem.rpartition(" @ ")
    if not at:
        return problem
    return f"{message} @ {_SNAKE_PART.sub(lambda m: m.group(1).upper(), path)}"
