"""Incremental segmentation: reuse of unchanged windows, equal to a full run."""

from __future__ import annotations

import random

import pytest
from engine_support import cpu_model, mixed_text, segmenter, short_lines

from charseg_server.contract import encode
from charseg_server.engine import DocumentTooLargeError, SegmentOptions
from charseg_server.incremental import IncrementalSegmenter, window_key
from charseg_server.windows import plan_windows

OPTIONS = {"switch_penalty": 2.0, "min_region": 2}


def edits(text: str) -> dict[str, str]:
    middle = len(text) // 2
    return {
        "insert top": "import os\n" + text,
        "delete top": text[1:],
        "insert middle": text[:middle] + "z" + text[middle:],
        "delete middle": text[:middle] + text[middle + 40 :],
        "insert end": text + "print('done')\n",
        "delete end": text[:-25],
    }


@pytest.mark.parametrize("edit", list(edits("x")))
def test_incremental_equals_full(edit):
    engine = segmenter(**OPTIONS)
    text = mixed_text(400, seed=7)
    incremental = IncrementalSegmenter(engine)
    assert incremental.update(text) == engine.segment(text)
    first_run = incremental.windows_run
    edited = edits(text)[edit]
    assert incremental.update(edited) == engine.segment(edited)
    assert 1 <= incremental.windows_run <= 4
    assert first_run > 10


def test_incremental_same_text_runs_nothing():
    engine = segmenter(**OPTIONS)
    text = mixed_text(200)
    incremental = IncrementalSegmenter(engine)
    first = incremental.update(text)
    assert incremental.update(text) == first
    assert incremental.windows_run == 0


def test_incremental_cache_holds_only_current_windows():
    engine = segmenter(**OPTIONS)
    text = mixed_text(400)
    incremental = IncrementalSegmenter(engine)
    incremental.update(text)
    incremental.update(text[: len(text) // 3])
    ids = encode(text[: len(text) // 3])
    plan = plan_windows(ids, cpu_model().contract.window)
    assert incremental.cached_windows == len({window_key(ids, w) for w in plan})
    assert incremental.cached_bytes > 0


def test_incremental_short_and_empty_text():
    engine = segmenter(**OPTIONS)
    incremental = IncrementalSegmenter(engine)
    assert incremental.update("x = 1\n") == engine.segment("x = 1\n")
    assert incremental.windows_run == 1
    assert incremental.update("") == []
    assert incremental.cached_windows == 0
    assert incremental.windows_run == 0


def test_incremental_options_change_reuses_windows():
    engine = segmenter(**OPTIONS)
    text = mixed_text(200)
    incremental = IncrementalSegmenter(engine)
    incremental.update(text)
    smooth = SegmentOptions(switch_penalty=1e9, min_region=0)
    assert incremental.update(text, smooth) == engine.segment(text, smooth)
    assert incremental.windows_run == 0


def test_incremental_too_large_keeps_cache():
    engine = segmenter(**OPTIONS)
    incremental = IncrementalSegmenter(engine)
    text = mixed_text(100)
    incremental.update(text)
    cached = incremental.cached_windows
    with pytest.raises(DocumentTooLargeError):
        incremental.update(text, SegmentOptions(max_chars=10))
    assert incremental.cached_windows == cached


def test_one_character_edit_in_large_file():
    # Short lines keep the two full runs (about 190 windows each) fast.
    text = short_lines(10_000)
    engine = segmenter(**OPTIONS)
    incremental = IncrementalSegmenter(engine)
    incremental.update(text)
    total_windows = incremental.windows_run
    cut = text.index("\n", len(text) // 2) + 5
    edited = text[:cut] + "q" + text[cut:]
    result = incremental.update(edited)
    assert total_windows > 150
    assert 1 <= incremental.windows_run <= 4
    assert incremental.blocks_decoded <= 6
    assert result == engine.segment(edited)


@pytest.mark.parametrize("host", [None, "python"])
def test_incremental_typing_session(host):
    # Random inserts, deletions and line breaks (with astral characters), each
    # checked against a full run of the same text.
    engine = segmenter(**OPTIONS)
    options = SegmentOptions(host_language=host, **OPTIONS)
    incremental = IncrementalSegmenter(engine)
    text = mixed_text(300, seed=3)
    rng = random.Random(5)
    for _ in range(25):
        cut = rng.randrange(len(text) + 1)
        kind = rng.choice(["insert", "delete", "newline", "paste"])
        if kind == "insert":
            text = text[:cut] + rng.choice("x(){};\U0001f600") + text[cut:]
        elif kind == "delete":
            text = text[:cut] + text[cut + rng.randrange(1, 30) :]
        elif kind == "newline":
            text = text[:cut] + "\n" + text[cut:]
        else:
            text = text[:cut] + mixed_text(12, seed=rng.randrange(99)) + text[cut:]
        assert incremental.update(text, options) == engine.segment(text, options)


def test_failed_update_leaves_state_consistent(monkeypatch):
    # A failure after the model ran must not pair the new trellis with the old
    # keys, or the next edit would copy rows of the wrong version.
    import charseg_server.incremental as incremental_module

    engine = segmenter(**OPTIONS)
    incremental = IncrementalSegmenter(engine)
    first = mixed_text(300, seed=1)
    second = "import sys\n" + first
    incremental.update(first)

    def fail(*args, **kwargs):
        raise MemoryError("injected")

    real = incremental_module.regions_from_path
    monkeypatch.setattr(incremental_module, "regions_from_path", fail)
    with pytest.raises(MemoryError):
        incremental.update(second)
    monkeypatch.setattr(incremental_module, "regions_from_path", real)
    assert incremental.update(first) == engine.segment(first)
    assert incremental.update(second) == engine.segment(second)
