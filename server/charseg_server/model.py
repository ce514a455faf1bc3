"""Loading the ONNX tagger and running it on batches of windows.

Each loading failure has its own exception class, and every message names the
model path and what to do next. The model is loaded once per :class:`Model`.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from onnxruntime.capi import onnxruntime_pybind11_state as ort_state

from .contract import INPUT_NAME, OUTPUT_NAME, ContractError, ModelContract

log = logging.getLogger(__name__)

PROVIDERS = ("auto", "cpu", "cuda")

_CPU = "CPUExecutionProvider"
_CUDA = "CUDAExecutionProvider"
# onnxruntime's log severities: 2 (warning, its default) and 4 (fatal only).
_LOG_WARNING = 2
_LOG_FATAL_ONLY = 4

# Errors that onnxruntime raises for a file it cannot parse or build a graph from.
_ORT_LOAD_ERRORS = (
    ort_state.InvalidProtobuf,
    ort_state.InvalidGraph,
    ort_state.InvalidArgument,
    ort_state.NotImplemented,
    ort_state.Fail,
)


class ModelLoadError(Exception):
    """Raised when a model file cannot be used; the message names the path."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path


class ModelNotFoundError(ModelLoadError):
    """The model path does not exist."""


class NotAnOnnxModelError(ModelLoadError):
    """The file is not an ONNX model that onnxruntime can load."""


class ContractMissingError(ModelLoadError):
    """The ONNX model carries no charseg contract metadata."""


class ContractUnsupportedError(ModelLoadError):
    """The contract metadata is invalid or from an unsupported version."""


class ProviderUnavailableError(ModelLoadError):
    """The requested execution provider cannot run on this machine."""


def default_model_path() -> Path:
    """Return the path of the model bundled with this package."""
    return Path(__file__).resolve().parent / "models" / "default" / "model.onnx"


def available_providers() -> list[str]:
    """Return the execution providers that this onnxruntime build lists."""
    return list(ort.get_available_providers())


class Model:
    """An ONNX tagger with its contract and the provider that really runs it.

    ``runs`` and ``windows`` count the calls to :meth:`run` and the windows
    sent, for tests and benchmarks.
    """

    def __init__(
        self, path: Path, session: ort.InferenceSession, contract: ModelContract
    ) -> None:
        self.path = path
        self.contract = contract
        self.labels: tuple[str, ...] = contract.labels
        self._session = session
        self.provider = "cuda" if session.get_providers()[0] == _CUDA else "cpu"
        self.runs = 0
        self.windows = 0

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        provider: str = "auto",
        threads: int | None = None,
    ) -> Model:
        """Load the model at ``path`` (default: the bundled one).

        Args:
            path: an ``.onnx`` file, or a folder that contains ``model.onnx``.
            provider: ``auto`` (CUDA where it really runs, else CPU), ``cpu``
                or ``cuda`` (raises :class:`ProviderUnavailableError` where
                CUDA cannot run).
            threads: onnxruntime's ``intra_op_num_threads``; ``None`` keeps
                onnxruntime's default.
        """
        if provider not in PROVIDERS:
            raise ValueError(
                f"invalid provider {provider!r}: expected one of {', '.join(PROVIDERS)}"
            )
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be >= 1, got {threads}")
        started = time.perf_counter()
        model_path = _resolve_path(path)
        session = _create_session(model_path, provider, threads)
        contract = _read_contract(model_path, session)
        model = cls(model_path, session, contract)
        log.debug(
            "loaded %s in %.1f ms",
            model_path,
            (time.perf_counter() - started) * 1000,
        )
        log.info("model %s runs on %s", model_path, model.provider)
        return model

    def run(self, ids: np.ndarray) -> np.ndarray:
        """Label a batch: int32 ids of shape (B, T) to probabilities (B, T, L).

        Every row must be real text: onnxruntime cannot pad without changing
        the outputs, aborts the process on B == 0 and raises on T == 0.
        """
        if ids.ndim != 2 or ids.shape[0] == 0 or ids.shape[1] == 0:
            raise ValueError(
                f"ids must have shape (batch, length) with both > 0, got {ids.shape}"
            )
        batch = np.ascontiguousarray(ids, dtype=np.int32)
        (probs,) = self._session.run([OUTPUT_NAME], {INPUT_NAME: batch})
        self.runs += 1
        self.windows += batch.shape[0]
        return probs


def _resolve_path(path: str | Path | None) -> Path:
    model_path = default_model_path() if path is None else Path(path).expanduser()
    if model_path.is_dir():
        model_path = model_path / "model.onnx"
    if not model_path.is_file():
        raise ModelNotFoundError(
            model_path,
            f"model file not found: {model_path}. Pass the path of an .onnx file "
            "exported by charseg-train, or reinstall charseg to restore the "
            "bundled model.",
        )
    return model_path


def _create_session(
    path: Path, provider: str, threads: int | None
) -> ort.InferenceSession:
    if provider == "cpu":
        return _open_session(path, [_CPU], threads)
    if provider == "cuda":
        return _open_cuda_session(path, threads)
    if _CUDA in available_providers():
        session = _probe_cuda_session(path, threads)
        if session.get_providers()[0] == _CUDA:
            return session
        log.debug("CUDA is listed but did not start for %s; using CPU", path)
    return _open_session(path, [_CPU], threads)


def _probe_cuda_session(path: Path, threads: int | None) -> ort.InferenceSession:
    """Open a session that requests CUDA, with onnxruntime's logs silenced.

    Where the CUDA libraries are missing, onnxruntime logs an error through its
    process-wide default logger and falls back to CPU. The probe silences that
    logger and then sets it back to onnxruntime's default level, warning.
    """
    ort.set_default_logger_severity(_LOG_FATAL_ONLY)
    try:
        return _open_session(path, [_CUDA, _CPU], threads)
    finally:
        ort.set_default_logger_severity(_LOG_WARNING)


def _open_cuda_session(path: Path, threads: int | None) -> ort.InferenceSession:
    if _CUDA not in available_providers():
        raise ProviderUnavailableError(
            path,
            f"CUDA was requested for {path}, but this onnxruntime build has no "
            "CUDA provider. Install onnxruntime-gpu, or use provider 'cpu' or "
            "'auto'.",
        )
    session = _open_session(path, [_CUDA, _CPU], threads)
    if session.get_providers()[0] != _CUDA:
        raise ProviderUnavailableError(
            path,
            f"CUDA was requested for {path}, but onnxruntime could not start its "
            "CUDA provider: the CUDA or cuDNN libraries, or a usable GPU, are "
            "missing (the onnxruntime log has the details). Use provider 'cpu' "
            "or 'auto'.",
        )
    return session


def _open_session(
    path: Path, providers: list[str], threads: int | None
) -> ort.InferenceSession:
    options = ort.SessionOptions()
    if threads is not None:
        options.intra_op_num_threads = threads
    # Idle worker threads sleep instead of spinning. On a 2-core machine shared
    # with other work, spinning cut 2-thread throughput from about 200,000 to
    # 150,000 input characters per second (onnxruntime 1.31).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return ort.InferenceSession(str(path), options, providers=providers)
    except _ORT_LOAD_ERRORS as exc:
        reason = str(exc).strip().rstrip(".")
        raise NotAnOnnxModelError(
            path,
            f"cannot load {path} as an ONNX model: {reason}. Check that the file "
            "is a model exported by charseg-train and was not truncated.",
        ) from exc


def _read_contract(path: Path, session: ort.InferenceSession) -> ModelContract:
    metadata = session.get_modelmeta().custom_metadata_map
    contract_keys = ModelContract().to_metadata().keys()
    if not any(key in metadata for key in contract_keys):
        raise ContractMissingError(
            path,
            f"{path} is an ONNX model without charseg contract metadata (labels, "
            "encoding, window size). Export it with charseg-train, which writes "
            "the contract into metadata_props.",
        )
    try:
        contract = ModelContract.from_metadata(metadata)
    except ContractError as exc:
        raise ContractUnsupportedError(
            path,
            f"unsupported charseg contract in {path}: {exc}. Use a model exported "
            "by a charseg-train release matching this server, or upgrade charseg.",
        ) from exc
    _check_signature(path, session, contract)
    return contract


def _check_signature(
    path: Path, session: ort.InferenceSession, contract: ModelContract
) -> None:
    inputs = [node.name for node in session.get_inputs()]
    outputs = {node.name: node.shape for node in session.get_outputs()}
    if INPUT_NAME not in inputs or OUTPUT_NAME not in outputs:
        raise ContractUnsupportedError(
            path,
            f"{path} must have input {INPUT_NAME!r} and output {OUTPUT_NAME!r}, "
            f"but has inputs {inputs} and outputs {list(outputs)}. Export it "
            "with charseg-train.",
        )
    label_dim = outputs[OUTPUT_NAME][-1]
    if isinstance(label_dim, int) and label_dim != len(contract.labels):
        raise ContractUnsupportedError(
            path,
            f"{path} outputs {label_dim} probabilities per character but its "
            f"contract lists {len(contract.labels)} labels. Re-export the model.",
        )
