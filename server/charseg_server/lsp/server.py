"""The charseg language server: its state and its LSP handlers."""

from __future__ import annotations

import asyncio
import json
import logging
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcMethodNotFound,
)
from pygls.lsp.server import LanguageServer

from charseg_server.lsp import client_support
from charseg_server.lsp.analysis import Analysis, Status
from charseg_server.lsp.code_actions import (
    MOVE_KIND,
    WRAP_KIND,
    build_code_actions,
    file_uri_exists,
)
from charseg_server.lsp.converter import strict_converter
from charseg_server.lsp.documents import DocumentStore
from charseg_server.lsp.hover import build_hover
from charseg_server.lsp.inference import InferenceHost
from charseg_server.lsp.inlay_hints import build_inlay_hints
from charseg_server.lsp.languages import label_for_language_id
from charseg_server.lsp.logs import (
    PACKAGE_LOGGER,
    ClientLogHandler,
    is_client_error,
    quiet_client_errors,
)
from charseg_server.lsp.outline import build_document_symbols, build_folding_ranges
from charseg_server.lsp.payload import REGIONS_METHOD
from charseg_server.lsp.positions import UTF16
from charseg_server.lsp.protocol import CharsegProtocol
from charseg_server.lsp.scheduler import AnalysisScheduler, Published
from charseg_server.lsp.settings import (
    SECTION,
    Settings,
    parse_settings,
    section_of,
    settings_to_json,
    unknown_language_ids,
)

logger = logging.getLogger(__name__)

#: Seconds to wait for the client's response to ``workspace/configuration``.
CONFIGURATION_TIMEOUT_S = 10.0

try:
    __version__ = version("charseg")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"


class CharsegLanguageServer(LanguageServer):
    """A language server that labels the languages inside each open document."""

    def __init__(self, base_settings: Settings) -> None:
        super().__init__(
            name="charseg-lsp",
            version=__version__,
            protocol_cls=CharsegProtocol,
            converter_factory=strict_converter,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        #: Defaults with the command-line options and initializationOptions
        #: applied. Every settings update starts from these.
        self.base_settings = base_settings
        self.settings = base_settings
        self.documents = DocumentStore()
        self.inference = InferenceHost()
        self.scheduler = AnalysisScheduler(
            self.inference,
            self.documents,
            current_settings=lambda: self.settings,
            current_encoding=lambda: self.position_encoding,
            publish=self.publish,
        )
        self.client_log = ClientLogHandler(self)
        quiet_client_errors()
        #: The status each document was last notified about (tooLarge, binary,
        #: failed), so that each gets one message, not one per change.
        self.notices: dict[str, Status] = {}
        self.shutdown_requested = False
        self._loaded_model_key: tuple[str | None, str] | None = None
        self._checked_ignore_key: tuple | None = None

    def report_server_error(self, error: Exception, source: type) -> None:
        """Log an error outside any handler, such as a malformed message.

        pygls would also show each one to the user in a message box. These
        errors come from the client, not the user's document, so they go to the
        log only, and each gets one warning line. A message that failed to parse
        as JSON-RPC and a request for an unknown method were logged already.
        """
        if isinstance(error, json.JSONDecodeError):
            logger.warning("dropped a message that is not valid JSON: %s", error)
            return
        if isinstance(error, RecursionError):
            logger.warning("dropped a message nested too deeply to parse: %s", error)
            return
        if source is JsonRpcException and isinstance(error, JsonRpcException):
            return  # The protocol logged this message when it failed to parse.
        if isinstance(error, JsonRpcMethodNotFound):
            return  # pygls logs the unknown method as a warning.
        if is_client_error(error):
            logger.warning("%s: %s", source.__name__, error)
            return
        logger.error("%s: %s", source.__name__, error)

    @property
    def position_encoding(self) -> str:
        """The position encoding negotiated in ``initialize``, such as ``utf-16``."""
        encoding = self.workspace.position_encoding or UTF16
        return getattr(encoding, "value", encoding)

    async def apply_settings(self, section: dict[str, Any]) -> None:
        """Validate and apply a ``charseg`` settings section, then re-analyse."""
        settings, warnings = parse_settings(section, self.base_settings)
        for warning in warnings:
            logger.warning(warning)
        self.settings = settings
        logger.info("settings: %s", settings_to_json(settings))
        if settings.model_key != self._loaded_model_key:
            await self.load_model()
        self._check_ignored_languages()
        self.scheduler.schedule_all()

    def _check_ignored_languages(self) -> None:
        """Warn once per setting value about ignoreLanguages ids the model lacks."""
        model = self.inference.model
        if model is None:
            return
        labels = tuple(model.labels)
        key = (self.settings.ignore_languages, labels)
        if key == self._checked_ignore_key:
            return
        self._checked_ignore_key = key
        for warning in unknown_language_ids(
            self.settings, labels, label_for_language_id
        ):
            logger.warning(warning)

    def refresh_inlay_hints(self) -> None:
        """Ask the client to request inlay hints again, if it supports that."""
        if not client_support.supports_inlay_hint_refresh(self.client_capabilities):
            return
        future = self.workspace_inlay_hint_refresh(None)
        future.add_done_callback(_log_refresh_failure)

    async def pull_settings(self) -> dict[str, Any]:
        """Return the ``charseg`` section from ``workspace/configuration``, or {}."""
        if not client_support.supports_configuration_pull(self.client_capabilities):
            return {}
        params = types.ConfigurationParams(
            items=[types.ConfigurationItem(section=SECTION)]
        )
        try:
            result = await asyncio.wait_for(
                self.workspace_configuration_async(params), CONFIGURATION_TIMEOUT_S
            )
        except Exception as error:  # noqa: BLE001 - fall back to other settings
            logger.warning(
                "workspace/configuration failed (%r); using initializationOptions",
                error,
            )
            return {}
        first = result[0] if result else None
        section, warnings = section_of(first, "the workspace/configuration result")
        for warning in warnings:
            logger.warning(warning)
        return dict(section)

    async def load_model(self) -> None:
        """Load the model the settings name; on failure, tell the user and go on."""
        settings = self.settings
        self._loaded_model_key = settings.model_key
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(
                self.inference.executor,
                self.inference.load,
                settings.model_path,
                settings.provider,
            )
        except Exception as error:  # noqa: BLE001 - the server runs on without a model
            logger.error("could not load the model: %s", error)
            self.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Error,
                    message=(
                        f"charseg could not load its model: {_sentence(error)} "
                        "Language detection is off until charseg.modelPath and "
                        "charseg.provider name a model that loads."
                    ),
                )
            )
        finally:
            self.scheduler.ready.set()

    def publish(self, published: Published) -> None:
        """Send a current analysis: regions, diagnostics and any status message."""
        analysis = published.analysis
        self.protocol.notify(REGIONS_METHOD, published.payload)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=analysis.uri,
                version=analysis.version,
                diagnostics=published.diagnostics,
            )
        )
        self.report_status(analysis)

    def report_status(self, analysis: Analysis) -> None:
        """Show one message when a document becomes too large, binary or failing."""
        message = _status_message(analysis)
        if message is None:
            self.notices.pop(analysis.uri, None)
            return
        if self.notices.get(analysis.uri) == analysis.status:
            return
        self.notices[analysis.uri] = analysis.status
        logger.warning(message)
        self.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=message)
        )

    def forget(self, uri: str) -> None:
        """Drop all state of a closed document and clear its diagnostics."""
        self.scheduler.forget(uri)
        self.notices.pop(uri, None)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )


def _sentence(error: Exception) -> str:
    """Return the message of ``error`` ending with one full stop."""
    return str(error).rstrip(". ") + "."


def _log_refresh_failure(future) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.debug("workspace/inlayHint/refresh failed: %s", future.exception())


def _status_message(analysis: Analysis) -> str | None:
    uri = analysis.uri
    if analysis.status == Status.TOO_LARGE:
        limit = analysis.settings.max_document_size
        return (
            f"charseg skipped {uri} because it is too large ({analysis.detail}). "
            f"The limit is charseg.maxDocumentSize = {limit:,} characters."
        )
    if analysis.status == Status.BINARY:
        return f"charseg skipped {uri} because it looks binary: {analysis.detail}."
    if analysis.status == Status.FAILED:
        return (
            f"charseg could not analyse {uri}: {analysis.detail}. "
            "The charseg log has the details."
        )
    return None


def create_server(base_settings: Settings | None = None) -> CharsegLanguageServer:
    """Create a server with all handlers registered."""
    server = CharsegLanguageServer(base_settings or Settings())
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.SHUTDOWN)(shutdown)
    server.feature(types.EXIT)(exit_)
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    server.feature(REGIONS_METHOD)(regions)
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover)
    server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions())(
        inlay_hints
    )
    server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(document_symbols)
    server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)(folding_ranges)
    server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, MOVE_KIND, WRAP_KIND]
        ),
    )(code_actions)
    return server


def initialize(ls: CharsegLanguageServer, params: types.InitializeParams) -> None:
    """``initialize``: start logging to the client and read initializationOptions."""
    ls.client_log.attach(asyncio.get_running_loop())
    logging.getLogger(PACKAGE_LOGGER).addHandler(ls.client_log)
    section, warnings = section_of(
        params.initialization_options, "initializationOptions"
    )
    ls.base_settings, more = parse_settings(section, ls.base_settings)
    for warning in warnings + more:
        logger.warning(warning)
    client = params.client_info.name if params.client_info else "an unnamed client"
    logger.info(
        "charseg-lsp %s started for %s, position encoding %s",
        __version__,
        client,
        ls.position_encoding,
    )


async def initialized(ls: CharsegLanguageServer, params: types.InitializedParams):
    """``initialized``: read the settings, then load the model."""
    try:
        await ls.apply_settings(await ls.pull_settings())
    except asyncio.CancelledError:
        # An exit arrived while the settings or the model were loading. The event
        # loop is closing and cancels this handler, and pygls would log a traceback.
        logger.info("stopped loading the model, because the client sent exit")
    finally:
        ls.scheduler.ready.set()


def shutdown(ls: CharsegLanguageServer, params: None) -> None:
    """``shutdown``: stop scheduling analyses."""
    ls.shutdown_requested = True
    ls.scheduler.cancel_all()


def exit_(ls: CharsegLanguageServer, params: None) -> None:
    """``exit``: stop forwarding logs; pygls then ends the process loop."""
    ls.client_log.detach()
    logging.getLogger(PACKAGE_LOGGER).removeHandler(ls.client_log)


def did_open(ls: CharsegLanguageServer, params: types.DidOpenTextDocumentParams):
    """``textDocument/didOpen``: store the document and analyse it at once."""
    if ls.documents.get(params.text_document.uri) is not None:
        ls.scheduler.forget(params.text_document.uri)
    document = ls.documents.open(params.text_document)
    ls.notices.pop(document.uri, None)
    logger.debug(
        "opened %s (%s) version %d",
        document.uri,
        document.language_id,
        document.version,
    )
    ls.scheduler.schedule(document.uri, 0)


def did_change(ls: CharsegLanguageServer, params: types.DidChangeTextDocumentParams):
    """``textDocument/didChange``: apply the edits and restart the debounce timer."""
    uri = params.text_document.uri
    document = ls.documents.get(uri)
    if document is None:
        logger.warning("ignored a change to %s, which is not open", uri)
        return
    version = params.text_document.version
    if version <= document.version:
        # The text still follows the client, so the change is applied, but the
        # published versions then go back too.
        logger.warning(
            "%s went from version %d to %d; LSP versions must increase",
            uri,
            document.version,
            version,
        )
    try:
        document.apply_changes(params.content_changes, version, ls.position_encoding)
    except Exception:  # noqa: BLE001 - the next change or a reopen may resync
        logger.exception("could not apply the changes of %s version %d", uri, version)
        document.version = version
    ls.scheduler.schedule(uri, ls.settings.debounce_ms / 1000)


def did_close(ls: CharsegLanguageServer, params: types.DidCloseTextDocumentParams):
    """``textDocument/didClose``: forget the document and clear its diagnostics."""
    uri = params.text_document.uri
    if ls.documents.close(uri) is not None:
        ls.forget(uri)


async def did_change_configuration(
    ls: CharsegLanguageServer, params: types.DidChangeConfigurationParams
) -> None:
    """``workspace/didChangeConfiguration``: use the sent settings or pull them."""
    sent = params.settings
    if isinstance(sent, dict) and isinstance(sent.get(SECTION), dict):
        section = dict(sent[SECTION])
    else:
        if sent is not None:
            _, warnings = section_of(sent, "didChangeConfiguration settings")
            for warning in warnings:
                logger.warning("%s; pulling the settings from the client", warning)
        section = await ls.pull_settings()
    await ls.apply_settings(section)
    ls.refresh_inlay_hints()


async def _current(ls: CharsegLanguageServer, uri: str) -> Analysis | None:
    published = await ls.scheduler.current(uri)
    if published is None or published.analysis.status != Status.OK:
        return None
    return published.analysis


async def regions(ls: CharsegLanguageServer, params: Any) -> dict[str, Any] | None:
    """``charseg/regions`` request: the regions of the document's current version.

    Returns null if the document is not open or changes before its analysis ends.
    """
    text_document = getattr(params, "textDocument", None)
    uri = getattr(text_document, "uri", None)
    if not isinstance(uri, str):
        raise JsonRpcInvalidParams("charseg/regions needs params {textDocument: {uri}}")
    published = await ls.scheduler.current(uri)
    return None if published is None else published.payload


async def hover(ls: CharsegLanguageServer, params: types.HoverParams):
    """``textDocument/hover``: the region under the cursor."""
    analysis = await _current(ls, params.text_document.uri)
    if analysis is None:
        return None
    markdown = client_support.supports_markdown_hover(ls.client_capabilities)
    return build_hover(analysis, params.position, markdown)


async def inlay_hints(ls: CharsegLanguageServer, params: types.InlayHintParams):
    """``textDocument/inlayHint``: language names at region starts."""
    analysis = await _current(ls, params.text_document.uri)
    return [] if analysis is None else build_inlay_hints(analysis, params.range)


async def document_symbols(
    ls: CharsegLanguageServer, params: types.DocumentSymbolParams
):
    """``textDocument/documentSymbol``: one symbol per region."""
    analysis = await _current(ls, params.text_document.uri)
    if analysis is None:
        return []
    hierarchical = client_support.supports_hierarchical_symbols(ls.client_capabilities)
    return build_document_symbols(analysis, hierarchical)


async def folding_ranges(ls: CharsegLanguageServer, params: types.FoldingRangeParams):
    """``textDocument/foldingRange``: one range per multi-line region."""
    analysis = await _current(ls, params.text_document.uri)
    return [] if analysis is None else build_folding_ranges(analysis)


async def code_actions(ls: CharsegLanguageServer, params: types.CodeActionParams):
    """``textDocument/codeAction``: fence labels, moves to new files, wrapping."""
    capabilities = ls.client_capabilities
    if not client_support.supports_code_action_literals(capabilities):
        return []
    analysis = await _current(ls, params.text_document.uri)
    if analysis is None:
        return []
    can_create = client_support.supports_file_creation(capabilities)
    return build_code_actions(analysis, params, can_create, file_uri_exists)
