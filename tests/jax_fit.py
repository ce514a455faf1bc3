"""Train a run with the JAX backend, with TensorFlow out of reach.

The training test runs this file in a child process, since Keras picks its
backend once per process. It blocks every import of TensorFlow, so the run
proves that training needs only Keras and JAX, as on a GPU machine without
TensorFlow. Usage: ``jax_fit.py RUN CONFIG EPOCHS PROBS_OUT``.
"""

from __future__ import annotations

import importlib.abc
import os
import sys
from pathlib import Path

BLOCKED = ("tensorflow", "tf2onnx", "tf_keras")


class _BlockTensorFlow(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} must not be imported when training on JAX")
        return None


def main() -> int:
    run, config, epochs, probs_out = sys.argv[1:5]
    os.environ["KERAS_BACKEND"] = "jax"
    sys.meta_path.insert(0, _BlockTensorFlow())

    import keras
    import numpy as np

    from charseg_server.contract import encode
    from charseg_training.cli import main as train
    from charseg_training.model import CUSTOM_OBJECTS

    assert keras.backend.backend() == "jax"
    argv = ["fit", "--run", run, "--config", config, "--epochs", epochs, "--quiet"]
    if train(argv) != 0:
        return 1
    model = keras.models.load_model(
        Path(run) / "checkpoint.keras", custom_objects=CUSTOM_OBJECTS
    )
    ids = encode("SELECT x FROM t;\ndef f(a):\n    return a\n" * 3)[None, :]
    np.save(probs_out, np.asarray(model.predict(ids, verbose=0)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
