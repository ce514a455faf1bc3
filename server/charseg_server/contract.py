"""The model contract shared by training and serving.

A model file carries its own contract in ONNX ``metadata_props`` (see
:meth:`ModelContract.to_metadata`), so the server reads the labels, the input
encoding and the window geometry from the file instead of assuming them.

The input encoding maps every Unicode code point to an id:

* ``0`` is padding and never produced for real text;
* code points ``0..127`` (ASCII, including NUL, tab, CR and LF) get ids ``1..128``;
* every other code point, including astral characters and lone surrogates,
  shares one id per Unicode general category (``Lu``, ``So``, ``Cs``, ...).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

import numpy as np

CONTRACT_VERSION = 1
ENCODING_NAME = "ascii128-ucategory30-v1"

INPUT_NAME = "chars"
OUTPUT_NAME = "probs"

#: VS Code language identifiers, plus ``plaintext`` for prose and ``other``
#: for code in a language outside the set.
LABELS: tuple[str, ...] = (
    "python",
    "scala",
    "java",
    "kotlin",
    "javascript",
    "typescript",
    "c",
    "cpp",
    "csharp",
    "go",
    "rust",
    "ruby",
    "php",
    "shellscript",
    "sql",
    "html",
    "css",
    "markdown",
    "json",
    "yaml",
    "haskell",
    "lua",
    "r",
    "perl",
    "latex",
    "xml",
    "plaintext",
    "other",
)

#: The 30 Unicode general categories, in the order their bucket ids follow.
UNICODE_CATEGORIES: tuple[str, ...] = (
    "Lu", "Ll", "Lt", "Lm", "Lo",
    "Mn", "Mc", "Me",
    "Nd", "Nl", "No",
    "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po",
    "Sm", "Sc", "Sk", "So",
    "Zs", "Zl", "Zp",
    "Cc", "Cf", "Cs", "Co", "Cn",
)  # fmt: skip

PAD_ID = 0
ASCII_OFFSET = 1
CATEGORY_OFFSET = ASCII_OFFSET + 128
VOCAB_SIZE = CATEGORY_OFFSET + len(UNICODE_CATEGORIES)

_CATEGORY_ID = {name: CATEGORY_OFFSET + i for i, name in enumerate(UNICODE_CATEGORIES)}

_METADATA_PREFIX = "charseg."


class ContractError(ValueError):
    """Raised when a model's contract metadata is missing or unsupported."""


@dataclass(frozen=True)
class WindowGeometry:
    """Geometry of the overlapping windows that a long text is cut into.

    Each window is ``length`` characters long. Only the labels from its core are
    kept, and the core leaves at least ``margin`` characters of context on both
    sides, except at the ends of the text.
    """

    length: int = 1024
    margin: int = 96

    def __post_init__(self) -> None:
        if self.margin < 0:
            raise ValueError(f"window margin must be >= 0, got {self.margin}")
        if self.length <= 2 * self.margin:
            raise ValueError(
                f"window length {self.length} must exceed twice the margin "
                f"({2 * self.margin})"
            )

    @property
    def core(self) -> int:
        """Maximum number of characters labelled from one window."""
        return self.length - 2 * self.margin


@dataclass(frozen=True)
class ModelContract:
    """Labels, encoding and window geometry that a model was trained with."""

    labels: tuple[str, ...] = LABELS
    encoding: str = ENCODING_NAME
    vocab_size: int = VOCAB_SIZE
    window: WindowGeometry = WindowGeometry()
    version: int = CONTRACT_VERSION

    def to_metadata(self) -> dict[str, str]:
        """Return the contract as ONNX ``metadata_props`` key-value pairs."""
        values = {
            "contract_version": str(self.version),
            "labels": json.dumps(list(self.labels)),
            "encoding": self.encoding,
            "vocab_size": str(self.vocab_size),
            "window_length": str(self.window.length),
            "window_margin": str(self.window.margin),
        }
        return {_METADATA_PREFIX + key: value for key, value in values.items()}

    @classmethod
    def from_metadata(cls, metadata: dict[str, str]) -> ModelContract:
        """Parse ``metadata_props``; raise :class:`ContractError` if unusable."""
        values = {
            key[len(_METADATA_PREFIX) :]: value
            for key, value in metadata.items()
            if key.startswith(_METADATA_PREFIX)
        }
        if not values:
            raise ContractError("the model has no charseg contract metadata")
        try:
            version = int(values["contract_version"])
        except (KeyError, ValueError) as exc:
            raise ContractError(f"invalid or missing contract_version: {exc}") from exc
        if version != CONTRACT_VERSION:
            raise ContractError(
                f"contract version {version} is not supported "
                f"(this charseg reads version {CONTRACT_VERSION})"
            )
        if values.get("encoding") != ENCODING_NAME:
            raise ContractError(
                f"input encoding {values.get('encoding')!r} is not supported "
                f"(this charseg encodes {ENCODING_NAME!r})"
            )
        try:
            labels = tuple(json.loads(values["labels"]))
            window = WindowGeometry(
                length=int(values["window_length"]),
                margin=int(values["window_margin"]),
            )
            vocab_size = int(values["vocab_size"])
        except (KeyError, ValueError, TypeError) as exc:
            raise ContractError(f"invalid contract metadata: {exc!r}") from exc
        if not labels or not all(isinstance(label, str) for label in labels):
            raise ContractError(f"invalid label list: {values['labels']!r}")
        return cls(
            labels=labels,
            encoding=ENCODING_NAME,
            vocab_size=vocab_size,
            window=window,
            version=version,
        )


def category_id(char: str) -> int:
    """Return the input id of one non-ASCII character."""
    return _CATEGORY_ID[unicodedata.category(char)]


def code_points(text: str) -> np.ndarray:
    """Return the code points of ``text`` as uint32, lone surrogates included."""
    raw = text.encode("utf-32-le", "surrogatepass")
    return np.frombuffer(raw, dtype="<u4")


def encode(text: str) -> np.ndarray:
    """Map each code point of ``text`` to its input id (an int32 array)."""
    points = code_points(text)
    ids = points.astype(np.int32) + ASCII_OFFSET
    rare = points >= 128
    if rare.any():
        unique, inverse = np.unique(points[rare], return_inverse=True)
        bucket = np.array(
            [_CATEGORY_ID[unicodedata.category(chr(int(p)))] for p in unique],
            dtype=np.int32,
        )
        ids[rare] = bucket[inverse]
    return ids
