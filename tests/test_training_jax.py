"""Training on the JAX backend, then resuming and exporting on TensorFlow.

A GPU machine may train with Keras on JAX and no TensorFlow at all. The
checkpoint it writes must resume there, continue on TensorFlow, and export to
ONNX with the same predictions.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from tiny_corpus import write_tiny_corpus

from charseg_server.contract import INPUT_NAME, OUTPUT_NAME, encode

JAX_FIT = Path(__file__).with_name("jax_fit.py")
PROBE = "SELECT x FROM t;\ndef f(a):\n    return a\n" * 3

pytestmark = pytest.mark.slow


def fit_on_jax(run: Path, config: Path, epochs: int, probs: Path) -> None:
    env = {**os.environ, "KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu"}
    argv = [sys.executable, str(JAX_FIT), str(run), str(config), str(epochs)]
    done = subprocess.run(
        [*argv, str(probs)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="module")
def jax_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("jax")
    config = write_tiny_corpus(root)
    run = root / "run"
    fit_on_jax(run, config, 2, root / "first.npy")
    fit_on_jax(run, config, 3, root / "probs.npy")
    return run, np.load(root / "probs.npy")


def test_jax_run_resumes(jax_run):
    run, _ = jax_run
    state = json.loads((run / "state.json").read_text())
    assert state["epochs"] == 3
    assert len((run / "history.csv").read_text().splitlines()) == 4


def test_jax_checkpoint_matches_on_tensorflow(jax_run):
    import keras

    from charseg_training.model import CUSTOM_OBJECTS

    run, jax_probs = jax_run
    assert keras.backend.backend() == "tensorflow"
    model = keras.models.load_model(
        run / "checkpoint.keras", custom_objects=CUSTOM_OBJECTS
    )
    probs = model.predict(encode(PROBE)[None, :], verbose=0)
    np.testing.assert_allclose(probs, jax_probs, atol=1e-5)


def test_jax_checkpoint_exports_to_onnx(jax_run):
    from charseg_training.cli import main

    run, jax_probs = jax_run
    out = run.parent / "jax.onnx"
    export = ["export", "--run", str(run), "--weights", "checkpoint.keras"]
    assert main([*export, "--out", str(out)]) == 0
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    probs = session.run([OUTPUT_NAME], {INPUT_NAME: encode(PROBE)[None, :]})[0]
    np.testing.assert_allclose(probs, jax_probs, atol=1e-4)


def test_tensorflow_continues_jax_run(jax_run):
    from charseg_training.cli import main

    run, _ = jax_run
    assert main(["fit", "--run", str(run), "--epochs", "4", "--quiet"]) == 0
    state = json.loads((run / "state.json").read_text())
    assert state["epochs"] == 4
