"""The character-level BiLSTM tagger, written against Keras 3 only.

The model uses ``keras.layers`` and ``keras.ops`` alone, so it trains on the
TensorFlow or the JAX backend. Export to ONNX needs the TensorFlow backend.

Input: int32 ids of shape (batch, length), from ``charseg_server.contract.encode``.
Output: per-character label probabilities of shape (batch, length, labels).
The network is stateless: each window is labelled on its own.
"""

from __future__ import annotations

import keras
from keras import layers, ops

from charseg_server.contract import INPUT_NAME, OUTPUT_NAME, VOCAB_SIZE

from .config import ModelConfig
from .schedule import RunSchedule


@keras.saving.register_keras_serializable(package="charseg")
class CropToLength(layers.Layer):
    """Crop the time axis of ``inputs[0]`` to the length of ``inputs[1]``.

    Upsampling a strided sequence gives ``stride * ceil(n / stride)`` steps, one
    too many for odd ``n``; cropping restores one output per character.
    """

    def call(self, inputs):
        values, reference = inputs
        return values[:, : ops.shape(reference)[1], :]

    def compute_output_shape(self, input_shapes):
        values, reference = input_shapes
        return (values[0], reference[1], values[2])


#: Pass to ``keras.models.load_model`` to read a saved charseg model.
CUSTOM_OBJECTS = {
    "charseg>CropToLength": CropToLength,
    "charseg>RunSchedule": RunSchedule,
}


def _bilstm_stack(x, config: ModelConfig, name: str):
    for i in range(config.lstm_layers):
        # Default activations keep the export on native ONNX LSTM operators.
        lstm = layers.LSTM(
            config.lstm_units,
            return_sequences=True,
            use_cudnn=config.use_cudnn,
            dropout=config.dropout,
        )
        x = layers.Bidirectional(lstm, name=f"{name}_{i}")(x)
    return x


def build_model(config: ModelConfig, num_labels: int) -> keras.Model:
    """Build the tagger described by ``config`` with ``num_labels`` outputs."""
    chars = keras.Input(shape=(None,), dtype="int32", name=INPUT_NAME)
    # No mask_zero: a mask turns the ONNX LSTM into a slow Loop, and serving
    # never pads (windows of a request have equal real lengths).
    x = layers.Embedding(VOCAB_SIZE, config.embed_dim, name="embedding")(chars)
    if config.shape == "bilstm":
        x = _bilstm_stack(x, config, "bilstm")
    elif config.shape == "strided":
        local = layers.Conv1D(
            config.conv_filters,
            config.conv_kernel,
            padding="same",
            activation="relu",
            name="conv_local",
        )(x)
        short = layers.Conv1D(
            config.conv_filters,
            config.stride,
            strides=config.stride,
            padding="same",
            activation="relu",
            name="conv_stride",
        )(local)
        context = _bilstm_stack(short, config, "bilstm")
        context = layers.UpSampling1D(config.stride, name="upsample")(context)
        context = CropToLength(name="crop")([context, chars])
        x = layers.Concatenate(name="merge")([local, context])
        x = layers.Dense(config.conv_filters, activation="relu", name="mix")(x)
    else:
        raise ValueError(f"unknown model shape {config.shape!r}: use bilstm or strided")
    probs = layers.Dense(num_labels, activation="softmax", name=OUTPUT_NAME)(x)
    return keras.Model(chars, probs, name=f"charseg_{config.shape}")


#: Layer settings that change what a network computes without changing its
#: weight shapes, so ``architecture`` compares them too.
_SHAPE_SETTINGS = ("strides", "size", "dropout", "recurrent_dropout")


def _settings(config: dict) -> dict:
    """Return the ``_SHAPE_SETTINGS`` in a layer config, nested ones included."""
    found = {}
    for key, value in config.items():
        if isinstance(value, dict):
            found.update(_settings(value))
        elif key in _SHAPE_SETTINGS:
            # A loaded layer may store a list where a new one stores a tuple.
            found[key] = tuple(value) if isinstance(value, list) else value
    return found


def architecture(model: keras.Model) -> list[tuple]:
    """Describe ``model`` by its layers' types, weight shapes and settings.

    Two models with equal descriptions compute the same kind of function, so a
    checkpoint can be compared with the network that a config describes.
    """
    return [
        (
            type(layer).__name__,
            [tuple(weight.shape) for weight in layer.weights],
            sorted(_settings(layer.get_config()).items()),
        )
        for layer in model.layers
    ]
