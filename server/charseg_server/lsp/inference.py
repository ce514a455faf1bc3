"""The model and the single worker thread that runs all inference.

One worker serialises model loads and document analyses, so a reload never races an
inference and each document's :class:`IncrementalSegmenter` is only used by one
thread. ONNX Runtime releases the GIL while it runs, so the event loop keeps
responding to requests meanwhile.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

from charseg_server.engine import DocumentTooLargeError, Segmenter, SegmentOptions
from charseg_server.incremental import IncrementalSegmenter
from charseg_server.lsp.analysis import Analysis, Snapshot, Status, snap_regions
from charseg_server.lsp.languages import PROSE_LABELS, label_for_language_id
from charseg_server.lsp.positions import LineIndex
from charseg_server.lsp.settings import Settings
from charseg_server.model import Model
from charseg_server.textio import binary_reason

logger = logging.getLogger(__name__)


class InferenceHost:
    """Owns the model and the per-document segmenters; methods run on the worker."""

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="charseg-inference"
        )
        self.model: Model | None = None
        self._segmenter: Segmenter | None = None
        self._incremental: dict[str, IncrementalSegmenter] = {}
        self._running = 0

    @property
    def busy(self) -> bool:
        """Whether the worker is running a job right now."""
        return self._running > 0

    def load(self, model_path: str | None, provider: str) -> Model:
        """Load the model, replacing the current one; raise ModelLoadError.

        :meth:`Model.load` logs the path, the provider that really runs and the
        load time.
        """
        self._running += 1
        try:
            self.model = None
            self._segmenter = None
            self._incremental.clear()
            model = Model.load(model_path, provider=provider)
            self.model = model
            self._segmenter = Segmenter(model, SegmentOptions())
            return model
        finally:
            self._running -= 1

    def forget(self, uri: str) -> None:
        """Drop the incremental state of a closed document."""
        self._incremental.pop(uri, None)

    def analyse(
        self, snapshot: Snapshot, settings: Settings, encoding: str
    ) -> Analysis:
        """Segment one document version.

        Errors of the engine become an analysis with status FAILED, not exceptions.
        """
        self._running += 1
        try:
            return self._analyse(snapshot, settings, encoding)
        finally:
            self._running -= 1

    def _analyse(
        self, snapshot: Snapshot, settings: Settings, encoding: str
    ) -> Analysis:
        labels = tuple(self.model.labels) if self.model is not None else ()
        index = LineIndex(snapshot.text)

        def result(status: Status, regions=(), detail: str = "") -> Analysis:
            return Analysis(
                snapshot=snapshot,
                status=status,
                regions=snap_regions(list(regions), index),
                labels=labels,
                settings=settings,
                encoding=encoding,
                index=index,
                detail=detail,
            )

        text = snapshot.text
        if len(text) > settings.max_document_size:
            return result(Status.TOO_LARGE, detail=f"{len(text):,} characters")
        binary = binary_reason(text)
        if binary is not None:
            return result(Status.BINARY, detail=binary)
        if self.model is None or self._segmenter is None:
            return result(Status.NO_MODEL, detail="no model is loaded")
        segmenter = self._incremental.get(snapshot.uri)
        if segmenter is None:
            segmenter = IncrementalSegmenter(self._segmenter)
            self._incremental[snapshot.uri] = segmenter
        options = SegmentOptions(
            host_language=_host_language(snapshot, labels),
            max_chars=settings.max_document_size,
        )
        logger.debug(
            "analysing %s version %d (%d characters)",
            snapshot.uri,
            snapshot.version,
            len(text),
        )
        started = time.perf_counter()
        try:
            regions = segmenter.update(text, options)
        except DocumentTooLargeError as error:
            return result(Status.TOO_LARGE, detail=str(error))
        except Exception as error:  # noqa: BLE001 - any engine failure is reported
            logger.exception(
                "analysis of %s version %d failed", snapshot.uri, snapshot.version
            )
            return result(Status.FAILED, detail=f"{type(error).__name__}: {error}")
        analysis = result(Status.OK, regions)
        logger.debug(
            "analysed %s version %d: %d characters, %d regions, %d windows run, "
            "%d cores decoded in %.1f ms",
            snapshot.uri,
            snapshot.version,
            len(text),
            len(analysis.regions),
            segmenter.windows_run,
            segmenter.blocks_decoded,
            (time.perf_counter() - started) * 1000,
        )
        return analysis


def _host_language(snapshot: Snapshot, labels: tuple[str, ...]) -> str | None:
    """Return the label the engine should favour, or None.

    Markdown and prose documents get none, because their code blocks are expected
    to be in other languages.
    """
    if snapshot.is_markdown:
        return None
    label = label_for_language_id(snapshot.language_id, labels)
    return None if label in PROSE_LABELS else label
