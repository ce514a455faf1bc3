"""Batches of spliced windows for Keras, as a backend-agnostic ``PyDataset``.

Each batch is drawn from a generator seeded by (seed, epoch, batch index), so
training data never repeats across epochs while validation batches stay fixed
and comparable from one epoch to the next. Training batches carry
per-character loss weights when the data config asks for them (see
``weights``); validation batches never do.
"""

from __future__ import annotations

import keras
import numpy as np

from charseg_server.contract import encode

from .splice import Corpus, DocumentMaker, make_window
from .weights import switch_weights


class MixedDocuments(keras.utils.PyDataset):
    """Endless spliced windows; ``fixed=True`` repeats the same batches."""

    def __init__(
        self,
        corpus: Corpus,
        data_config,
        batch_size: int,
        steps: int,
        seed: int,
        fixed: bool = False,
        epoch: int = 0,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.maker = DocumentMaker(corpus, data_config)
        self.length = data_config.sequence_length
        self.batch_size = batch_size
        self.steps = steps
        self.seed = seed
        self.fixed = fixed
        self.epoch = epoch
        self.switch_weight = 0.0 if fixed else data_config.switch_weight
        self.switch_reach = data_config.switch_reach

    def __len__(self) -> int:
        return self.steps

    def __getitem__(self, index: int) -> tuple[np.ndarray, ...]:
        epoch = 0 if self.fixed else self.epoch
        rng = np.random.default_rng([self.seed, epoch, index])
        inputs = np.empty((self.batch_size, self.length), dtype=np.int32)
        targets = np.empty((self.batch_size, self.length), dtype=np.int32)
        for row in range(self.batch_size):
            text, labels = make_window(self.maker, rng, self.length)
            inputs[row] = encode(text)
            targets[row] = labels
        if self.switch_weight > 0:
            weights = switch_weights(targets, self.switch_weight, self.switch_reach)
            return inputs, targets, weights
        return inputs, targets

    def on_epoch_end(self) -> None:
        if not self.fixed:
            self.epoch += 1
