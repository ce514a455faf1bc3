"""Debounced, per-document analysis that never publishes an outdated version.

Each change restarts the document's debounce timer and cancels its pending task.
When the timer fires, the text is copied into a :class:`Snapshot` and analysed on
the inference worker. The result is published only if the same open document is
still at the snapshot's version when the worker returns. Otherwise it is dropped,
because a newer analysis is already scheduled. Versions that the client sends only
increase, so the published versions of a document never decrease.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lsprotocol import types

from charseg_server.lsp.analysis import Analysis, Snapshot, Status
from charseg_server.lsp.diagnostics import build_diagnostics
from charseg_server.lsp.documents import Document, DocumentStore
from charseg_server.lsp.inference import InferenceHost
from charseg_server.lsp.payload import regions_payload
from charseg_server.lsp.positions import LineIndex
from charseg_server.lsp.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Published:
    """An analysis with its notification payload and diagnostics, built off the loop."""

    analysis: Analysis
    payload: dict[str, Any]
    diagnostics: list[types.Diagnostic]


def prepare(
    host: InferenceHost, snapshot: Snapshot, settings: Settings, encoding: str
) -> Published:
    """Analyse a snapshot and build what gets sent; runs on the inference worker."""
    analysis = host.analyse(snapshot, settings, encoding)
    return Published(analysis, regions_payload(analysis), build_diagnostics(analysis))


def prepare_failure(snapshot: Snapshot, settings: Settings, encoding: str, detail: str):
    """Build an empty result for a snapshot whose analysis raised."""
    analysis = Analysis(
        snapshot=snapshot,
        status=Status.FAILED,
        regions=(),
        labels=(),
        settings=settings,
        encoding=encoding,
        index=LineIndex(snapshot.text),
        detail=detail,
    )
    return Published(analysis, regions_payload(analysis), [])


class AnalysisScheduler:
    """Schedules analyses and hands each current result to ``publish``."""

    def __init__(
        self,
        host: InferenceHost,
        documents: DocumentStore,
        current_settings: Callable[[], Settings],
        current_encoding: Callable[[], str],
        publish: Callable[[Published], None],
    ) -> None:
        self._host = host
        self._documents = documents
        self._settings = current_settings
        self._encoding = current_encoding
        self._publish = publish
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._results: dict[str, Published] = {}
        self._events: dict[str, asyncio.Event] = {}
        #: Set once the first model load has finished or failed; analyses wait for it.
        self.ready = asyncio.Event()

    def schedule(self, uri: str, delay_s: float) -> None:
        """(Re)start the analysis of ``uri`` after ``delay_s`` seconds."""
        pending = self._tasks.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self._tasks[uri] = asyncio.get_running_loop().create_task(
            self._run(uri, delay_s), name=f"charseg analysis of {uri}"
        )

    def schedule_all(self) -> None:
        """Analyse every open document again, without delay."""
        for document in self._documents:
            self.schedule(document.uri, 0)

    def forget(self, uri: str) -> None:
        """Stop work on a closed document and release its state."""
        pending = self._tasks.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self._results.pop(uri, None)
        self._wake(uri)
        self._host.executor.submit(self._host.forget, uri)

    def cancel_all(self) -> None:
        """Cancel all pending analyses, for shutdown."""
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()

    async def current(self, uri: str) -> Published | None:
        """Wait for the analysis of the document's version at the time of the call.

        Returns None if the document is not open, or closes or changes meanwhile.
        """
        document = self._documents.get(uri)
        if document is None:
            return None
        version = document.version
        while True:
            if self._documents.get(uri) is not document or document.version != version:
                return None
            published = self._results.get(uri)
            if published is not None and published.analysis.version == version:
                return published
            event = self._events.setdefault(uri, asyncio.Event())
            await event.wait()

    def _wake(self, uri: str) -> None:
        event = self._events.pop(uri, None)
        if event is not None:
            event.set()

    async def _run(self, uri: str, delay_s: float) -> None:
        if delay_s > 0:
            await asyncio.sleep(delay_s)
        await self.ready.wait()

        document = self._documents.get(uri)
        if document is None:
            return
        snapshot = Snapshot(uri, document.version, document.language_id, document.text)
        settings, encoding = self._settings(), self._encoding()
        loop = asyncio.get_running_loop()
        try:
            published = await loop.run_in_executor(
                self._host.executor, prepare, self._host, snapshot, settings, encoding
            )
        except asyncio.CancelledError:
            # A running inference cannot stop; its result is discarded here.
            logger.debug(
                "cancelled the analysis of %s version %d", uri, snapshot.version
            )
            raise
        except Exception as error:  # noqa: BLE001 - reported, then an empty result
            logger.exception("analysis of %s version %d failed", uri, snapshot.version)
            detail = f"{type(error).__name__}: {error}"
            published = prepare_failure(snapshot, settings, encoding, detail)

        if self._tasks.get(uri) is asyncio.current_task():
            del self._tasks[uri]
        if not self._is_current(document, snapshot):
            logger.debug(
                "dropped the analysis of %s version %d: the document changed or closed",
                uri,
                snapshot.version,
            )
            return

        self._results[uri] = published
        self._wake(uri)
        self._publish(published)

    def _is_current(self, document: Document, snapshot: Snapshot) -> bool:
        current = self._documents.get(snapshot.uri)
        return current is document and current.version == snapshot.version
