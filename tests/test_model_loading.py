"""Model loading: each failure gets its own error, and providers report truly."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from engine_support import cpu_model

from charseg_server.contract import LABELS, ModelContract
from charseg_server.model import (
    ContractMissingError,
    ContractUnsupportedError,
    Model,
    ModelLoadError,
    ModelNotFoundError,
    NotAnOnnxModelError,
    ProviderUnavailableError,
    default_model_path,
)

onnx = pytest.importorskip("onnx")


def copy_with_metadata(tmp_path: Path, changes: dict[str, str | None]) -> Path:
    """Copy the bundled model, changing (or with None, removing) metadata keys."""
    proto = onnx.load(str(default_model_path()))
    metadata = {entry.key: entry.value for entry in proto.metadata_props}
    for key, value in changes.items():
        if value is None:
            metadata.pop(key, None)
        else:
            metadata[key] = value
    del proto.metadata_props[:]
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    path = tmp_path / "model.onnx"
    onnx.save(proto, str(path))
    return path


def identity_model(tmp_path: Path) -> Path:
    """Write a tiny valid ONNX model with no metadata at all."""
    helper = onnx.helper
    tensor = onnx.TensorProto
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "identity",
        [helper.make_tensor_value_info("x", tensor.FLOAT, [1])],
        [helper.make_tensor_value_info("y", tensor.FLOAT, [1])],
    )
    proto = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9
    )
    path = tmp_path / "identity.onnx"
    onnx.save(proto, str(path))
    return path


def test_default_model_path_exists():
    path = default_model_path()
    assert path.name == "model.onnx"
    assert path.is_file()


def test_load_default_model():
    model = Model.load(provider="cpu")
    assert model.path == default_model_path()
    assert model.provider == "cpu"
    assert model.labels == LABELS
    assert model.contract.window.length == 1024
    assert model.contract.window.margin == 96


def test_load_folder_with_model(tmp_path):
    shutil.copy(default_model_path(), tmp_path / "model.onnx")
    model = Model.load(tmp_path, provider="cpu")
    assert model.path == tmp_path / "model.onnx"


def test_missing_file(tmp_path):
    path = tmp_path / "absent.onnx"
    with pytest.raises(ModelNotFoundError) as caught:
        Model.load(path)
    assert str(path) in str(caught.value)
    assert caught.value.path == path


def test_folder_without_model(tmp_path):
    with pytest.raises(ModelNotFoundError) as caught:
        Model.load(tmp_path)
    assert "model.onnx" in str(caught.value)


def test_text_file_named_onnx(tmp_path):
    path = tmp_path / "notes.onnx"
    path.write_text("this is not a model\n")
    with pytest.raises(NotAnOnnxModelError) as caught:
        Model.load(path)
    assert str(path) in str(caught.value)
    assert "charseg-train" in str(caught.value)


def test_truncated_model(tmp_path):
    path = tmp_path / "model.onnx"
    path.write_bytes(default_model_path().read_bytes()[:5000])
    with pytest.raises(NotAnOnnxModelError):
        Model.load(path)


def test_model_without_metadata(tmp_path):
    path = identity_model(tmp_path)
    with pytest.raises(ContractMissingError) as caught:
        Model.load(path)
    assert str(path) in str(caught.value)
    assert "metadata" in str(caught.value)


def test_stripped_real_model(tmp_path):
    keys = dict.fromkeys(ModelContract().to_metadata())
    path = copy_with_metadata(tmp_path, keys)
    with pytest.raises(ContractMissingError):
        Model.load(path)


def test_unsupported_contract_version(tmp_path):
    path = copy_with_metadata(tmp_path, {"charseg.contract_version": "99"})
    with pytest.raises(ContractUnsupportedError) as caught:
        Model.load(path)
    assert "99" in str(caught.value)
    assert str(path) in str(caught.value)


def test_unsupported_encoding(tmp_path):
    path = copy_with_metadata(tmp_path, {"charseg.encoding": "bytes-v9"})
    with pytest.raises(ContractUnsupportedError) as caught:
        Model.load(path)
    assert "bytes-v9" in str(caught.value)


def test_label_count_mismatch(tmp_path):
    path = copy_with_metadata(tmp_path, {"charseg.labels": '["python", "scala"]'})
    with pytest.raises(ContractUnsupportedError) as caught:
        Model.load(path)
    assert "28" in str(caught.value)


def test_contract_on_wrong_graph(tmp_path):
    source = identity_model(tmp_path)
    proto = onnx.load(str(source))
    for key, value in ModelContract().to_metadata().items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    path = tmp_path / "wrong_graph.onnx"
    onnx.save(proto, str(path))
    with pytest.raises(ContractUnsupportedError) as caught:
        Model.load(path)
    assert "'chars'" in str(caught.value)


def test_errors_share_base_class():
    for error in (
        ModelNotFoundError,
        NotAnOnnxModelError,
        ContractMissingError,
        ContractUnsupportedError,
        ProviderUnavailableError,
    ):
        assert issubclass(error, ModelLoadError)


def test_invalid_provider():
    with pytest.raises(ValueError, match="provider"):
        Model.load(provider="tpu")


def test_invalid_threads():
    with pytest.raises(ValueError, match="threads"):
        Model.load(provider="cpu", threads=0)


def test_cuda_provider_matches_auto_probe():
    # Where auto finds no working CUDA, an explicit cuda request must fail;
    # on a machine with a GPU it must run on CUDA.
    auto = Model.load(provider="auto")
    if auto.provider == "cpu":
        with pytest.raises(ProviderUnavailableError) as caught:
            Model.load(provider="cuda")
        assert "CUDA" in str(caught.value)
        assert "cpu" in str(caught.value)
    else:
        assert Model.load(provider="cuda").provider == "cuda"


def test_auto_probe_is_silent():
    code = (
        "from charseg_server.model import Model\n"
        "print(Model.load(provider='auto').provider)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() in ("cpu", "cuda")
    assert "onnxruntime" not in result.stderr
    assert "CUDAExecutionProvider" not in result.stderr


def test_run_shapes_and_counters():
    model = Model.load(provider="cpu")
    ids = np.full((3, 50), 10, dtype=np.int32)
    probs = model.run(ids)
    assert probs.shape == (3, 50, len(LABELS))
    assert probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, rtol=1e-4)
    assert model.runs == 1
    assert model.windows == 3


@pytest.mark.parametrize("shape", [(0, 10), (2, 0), (10,)])
def test_run_rejects_empty_batches(shape):
    # An empty batch would abort the process inside onnxruntime.
    with pytest.raises(ValueError, match="shape"):
        cpu_model().run(np.zeros(shape, dtype=np.int32))
