"""The model contract: label set, input encoding and metadata round trip."""

import json
import unicodedata

import numpy as np
import pytest

from charseg_server import contract
from charseg_server.contract import (
    ASCII_OFFSET,
    CATEGORY_OFFSET,
    LABELS,
    PAD_ID,
    VOCAB_SIZE,
    ContractError,
    ModelContract,
    WindowGeometry,
    encode,
)

REQUIRED_LABELS = [
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
]


def test_labels_cover_required_set():
    assert set(REQUIRED_LABELS) <= set(LABELS)


def test_labels_are_unique():
    assert len(set(LABELS)) == len(LABELS)


def test_encode_empty_text():
    ids = encode("")
    assert ids.dtype == np.int32
    assert ids.shape == (0,)


def test_encode_ascii_is_code_point_plus_offset():
    text = "def f(x):\n\treturn x\r\n"
    assert encode(text).tolist() == [ord(c) + ASCII_OFFSET for c in text]


def test_encode_crlf_keeps_both_characters():
    assert encode("a\r\nb").tolist() == [
        ord("a") + 1,
        ord("\r") + 1,
        ord("\n") + 1,
        ord("b") + 1,
    ]


def test_encode_nul_has_its_own_id():
    ids = encode("\x00")
    assert ids.tolist() == [ASCII_OFFSET]
    assert ids[0] != PAD_ID


def test_encode_astral_emoji_is_one_id():
    ids = encode("a😀b")
    assert len(ids) == 3
    assert ids[1] == contract.category_id("😀")
    assert unicodedata.category("😀") == "So"


def test_encode_combining_mark_uses_mark_bucket():
    text = "e\u0301"
    ids = encode(text)
    assert len(ids) == 2
    assert ids[1] == CATEGORY_OFFSET + contract.UNICODE_CATEGORIES.index("Mn")


def test_encode_lone_surrogates():
    text = "x\ud800y\udfff"
    ids = encode(text)
    surrogate = CATEGORY_OFFSET + contract.UNICODE_CATEGORIES.index("Cs")
    assert ids.tolist() == [ord("x") + 1, surrogate, ord("y") + 1, surrogate]


def test_encode_rare_letters_share_category_buckets():
    upper = encode("ÀΩЖ")
    lower = encode("àωж")
    assert len(set(upper.tolist())) == 1
    assert len(set(lower.tolist())) == 1
    assert upper[0] != lower[0]


def test_encode_every_id_is_in_vocabulary():
    sample = "".join(chr(cp) for cp in range(0, 0x3000, 7)) + "\U0010ffff\U0001f600"
    ids = encode(sample)
    assert len(ids) == len(sample)
    assert ids.min() >= 1
    assert ids.max() < VOCAB_SIZE


def test_encode_unassigned_code_point():
    ids = encode("\U000e0fff")
    assert ids[0] == CATEGORY_OFFSET + contract.UNICODE_CATEGORIES.index("Cn")


def test_window_geometry_core():
    geometry = WindowGeometry(length=100, margin=10)
    assert geometry.core == 80


@pytest.mark.parametrize("length,margin", [(20, 10), (10, 20), (50, -1)])
def test_window_geometry_rejects_invalid(length, margin):
    with pytest.raises(ValueError):
        WindowGeometry(length=length, margin=margin)


def test_metadata_round_trip():
    original = ModelContract(window=WindowGeometry(512, 64))
    parsed = ModelContract.from_metadata(original.to_metadata())
    assert parsed == original


def test_metadata_values_are_strings():
    metadata = ModelContract().to_metadata()
    assert all(isinstance(v, str) for v in metadata.values())
    assert json.loads(metadata["charseg.labels"]) == list(LABELS)


def test_metadata_missing_raises():
    with pytest.raises(ContractError, match="no charseg contract"):
        ModelContract.from_metadata({"producer": "x"})


def test_metadata_unsupported_version_raises():
    metadata = ModelContract().to_metadata()
    metadata["charseg.contract_version"] = "99"
    with pytest.raises(ContractError, match="version 99"):
        ModelContract.from_metadata(metadata)


def test_metadata_unknown_encoding_raises():
    metadata = ModelContract().to_metadata()
    metadata["charseg.encoding"] = "bytes-v9"
    with pytest.raises(ContractError, match="bytes-v9"):
        ModelContract.from_metadata(metadata)


def test_metadata_bad_window_raises():
    metadata = ModelContract().to_metadata()
    metadata["charseg.window_length"] = "ten"
    with pytest.raises(ContractError):
        ModelContract.from_metadata(metadata)
