"""Export a trained Keras model to ONNX with its contract, and check parity.

The ONNX graph takes int32 ``chars`` of shape (batch, length), both dynamic, and
returns float32 ``probs`` of shape (batch, length, labels). The LSTM layers
become native ONNX ``LSTM`` operators.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx

from charseg_server.contract import INPUT_NAME, OUTPUT_NAME, ModelContract

log = logging.getLogger(__name__)

# tf2onnx handles opsets 13 to 18 for these models.
OPSET = 15
PARITY_MAX_ABS = 1e-4


class ParityError(ValueError):
    """Raised when the ONNX model does not reproduce the Keras model."""


@dataclass
class ParityReport:
    max_abs_diff: float
    argmax_agreement: float
    windows: int


def to_onnx(model, contract: ModelContract, path: Path) -> onnx.ModelProto:
    """Convert ``model`` with tf2onnx and write it with contract metadata."""
    import tensorflow as tf
    import tf2onnx

    signature = [tf.TensorSpec([None, None], tf.int32, name=INPUT_NAME)]
    proto, _ = tf2onnx.convert.from_keras(model, input_signature=signature, opset=OPSET)
    _rename_output(proto, OUTPUT_NAME)
    set_metadata(proto, contract)
    onnx.checker.check_model(proto)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(proto, str(path))
    ops = {node.op_type for node in proto.graph.node}
    log.info("exported %s (%d bytes), operators: %s", path, path.stat().st_size, ops)
    return proto


def set_metadata(proto: onnx.ModelProto, contract: ModelContract) -> None:
    """Replace the charseg entries of ``metadata_props`` with ``contract``."""
    kept = [p for p in proto.metadata_props if not p.key.startswith("charseg.")]
    del proto.metadata_props[:]
    proto.metadata_props.extend(kept)
    for key, value in contract.to_metadata().items():
        entry = proto.metadata_props.add()
        entry.key = key
        entry.value = value


def _rename_output(proto: onnx.ModelProto, name: str) -> None:
    old = proto.graph.output[0].name
    if old == name:
        return
    for node in proto.graph.node:
        node.output[:] = [name if out == old else out for out in node.output]
    proto.graph.output[0].name = name


def check_parity(model, onnx_path: Path, windows: np.ndarray) -> ParityReport:
    """Compare Keras and ONNX Runtime outputs on ``windows``; raise on mismatch."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    expected = np.asarray(model.predict(windows, verbose=0))
    actual = session.run([OUTPUT_NAME], {INPUT_NAME: windows.astype(np.int32)})[0]
    report = ParityReport(
        max_abs_diff=float(np.max(np.abs(expected - actual))),
        argmax_agreement=float(
            np.mean(expected.argmax(axis=-1) == actual.argmax(axis=-1))
        ),
        windows=len(windows),
    )
    if not (np.all(np.isfinite(expected)) and np.all(np.isfinite(actual))):
        raise ParityError(
            f"the model outputs NaN or infinite probabilities on {report.windows} "
            "held-out windows: its weights are broken, so export an earlier "
            "checkpoint"
        )
    if not report.max_abs_diff <= PARITY_MAX_ABS or report.argmax_agreement < 1.0:
        raise ParityError(
            f"ONNX output differs from Keras on {report.windows} windows: max "
            f"absolute difference {report.max_abs_diff:.2e} (limit "
            f"{PARITY_MAX_ABS:.0e}), argmax agreement {report.argmax_agreement:.5f}"
        )
    log.info(
        "parity ok on %d windows: max abs diff %.2e",
        report.windows,
        report.max_abs_diff,
    )
    return report


def quantize_int8(fp32_path: Path, int8_path: Path) -> Path:
    """Write a dynamic int8 (QUInt8, per tensor) variant of ``fp32_path``."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(fp32_path),
        str(int8_path),
        weight_type=QuantType.QUInt8,
        per_channel=False,
    )
    # Copy the contract explicitly, so it survives even if a quantizer release
    # drops metadata_props.
    source = onnx.load(str(fp32_path))
    target = onnx.load(str(int8_path))
    del target.metadata_props[:]
    target.metadata_props.extend(source.metadata_props)
    onnx.save(target, str(int8_path))
    return int8_path
