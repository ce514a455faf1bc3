"""The segmentation engine on the real model: tiling, invariances and limits.

These checks hold for any model with the contract, trained or not.
"""

from __future__ import annotations

import pytest
from engine_support import cpu_model, mixed_text, segmenter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charseg_server.engine import DocumentTooLargeError, Segmenter, SegmentOptions
from charseg_server.regions import Region, check_tiling

SPECIAL = ["\r\n", "\x00", "\n", "\t", "\r", "𝄞", "🐍", "\ud800", "\udfff", "\ufeff"]
text_pieces = st.one_of(
    st.characters(),
    st.characters(categories=["Cs"]),  # lone surrogates
    st.sampled_from(SPECIAL),
    st.sampled_from(["def f(x):\n", "    return x\n", "val y = 2\n", "SELECT 1;"]),
)
texts = st.lists(text_pieces, max_size=120).map("".join)

engine_settings = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def check_regions(regions: list[Region], text: str, labels: tuple[str, ...]) -> None:
    check_tiling(regions, len(text))
    for region in regions:
        assert region.label in labels
        assert 0.0 < region.confidence <= 1.0 + 1e-6


@engine_settings
@given(text=texts)
def test_segment_tiles_short_text(text):
    regions = segmenter().segment(text)
    check_regions(regions, text, cpu_model().labels)


@settings(max_examples=5, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=1000),
    noise=st.lists(st.sampled_from(SPECIAL), min_size=1, max_size=30),
    positions=st.lists(st.floats(min_value=0, max_value=1), min_size=30, max_size=30),
)
def test_segment_tiles_long_text(seed, noise, positions):
    text = mixed_text(120, seed)
    for piece, where in zip(noise, positions, strict=False):
        cut = int(where * len(text))
        text = text[:cut] + piece + text[cut:]
    assert len(text) > 2 * 1024
    regions = segmenter().segment(text)
    check_regions(regions, text, cpu_model().labels)


def test_segment_empty_text():
    assert segmenter().segment("") == []


def test_segment_counts_code_points():
    text = "a\ud83d\ude00b𝄞\r\n\x00"  # surrogate pair as two lone surrogates
    regions = segmenter().segment(text)
    assert regions[-1].end == len(text) == 8


def test_segment_many_without_texts():
    assert segmenter().segment_many([]) == []
    assert segmenter().segment_many(["", ""]) == [[], []]


def test_segment_one_character():
    regions = segmenter().segment("x")
    assert len(regions) == 1
    assert (regions[0].start, regions[0].end) == (0, 1)


def test_segment_shorter_than_min_region():
    regions = segmenter(min_region=50, switch_penalty=0.0).segment("x = 1\ny = 2\n")
    assert len(regions) == 1


def test_min_region_respected():
    text = mixed_text(200)
    regions = segmenter(min_region=40, switch_penalty=0.0).segment(text)
    check_tiling(regions, len(text))
    if len(regions) > 1:
        assert min(len(region) for region in regions) >= 40


def test_huge_switch_penalty_gives_one_region():
    text = mixed_text(100)
    regions = segmenter(switch_penalty=1e9, min_region=0).segment(text)
    assert len(regions) == 1


def test_zero_penalty_gives_more_regions():
    text = mixed_text(100)
    smooth = segmenter(switch_penalty=1e9, min_region=0).segment(text)
    rough = segmenter(switch_penalty=0.0, min_region=0).segment(text)
    assert len(rough) >= len(smooth)


def test_host_prior_dominates():
    text = mixed_text(100)
    options = SegmentOptions(host_language="rust", host_prior=1000.0)
    regions = segmenter().segment(text, options)
    assert [region.label for region in regions] == ["rust"]


def test_unknown_host_language_is_ignored():
    text = mixed_text(50)
    plain = segmenter().segment(text)
    unknown = segmenter(host_language="dockerfile", host_prior=1000.0).segment(text)
    assert unknown == plain


def test_options_argument_overrides_defaults():
    text = mixed_text(100)
    engine = segmenter(switch_penalty=0.0, min_region=0)
    override = SegmentOptions(switch_penalty=1e9, min_region=0)
    assert len(engine.segment(text, override)) == 1


@pytest.mark.parametrize("batch_size", [1, 3, 7])
def test_labels_independent_of_batch_size(batch_size):
    text = mixed_text(300, seed=4)
    reference = segmenter(batch_size=64, switch_penalty=2.0, min_region=2)
    other = segmenter(batch_size=batch_size, switch_penalty=2.0, min_region=2)
    assert other.segment(text) == reference.segment(text)


def test_labels_independent_of_request_split():
    documents = [
        mixed_text(150, seed=1),
        "print('short')\n",
        mixed_text(60, seed=2),
        "",
        mixed_text(90, seed=3)[:1024],
        mixed_text(90, seed=3)[:900],
    ]
    engine = segmenter(batch_size=5, switch_penalty=2.0, min_region=2)
    alone = [engine.segment(document) for document in documents]
    together = engine.segment_many(documents)
    halves = engine.segment_many(documents[:3]) + engine.segment_many(documents[3:])
    assert together == alone
    assert halves == alone


def test_model_sees_unpadded_batches(monkeypatch):
    model = cpu_model()
    shapes = []
    real_run = model.run

    def recording_run(ids):
        shapes.append(ids.shape)
        return real_run(ids)

    monkeypatch.setattr(model, "run", recording_run)
    documents = [mixed_text(300), "x = 1\n" * 100, "y = 2\n" * 120]
    segmenter(batch_size=4).segment_many(documents)
    assert {length for _, length in shapes} == {1024, 600, 720}
    assert max(batch for batch, _ in shapes) == 4
    assert sum(batch for batch, length in shapes if length == 600) == 1


def test_document_too_large():
    engine = segmenter(max_chars=10)
    engine.segment("x" * 10)
    with pytest.raises(DocumentTooLargeError) as caught:
        engine.segment("x" * 11)
    message = str(caught.value)
    assert "11" in message
    assert "10" in message
    assert "max_chars" in message
    assert caught.value.length == 11
    assert caught.value.limit == 10


def test_default_limit_rejects_before_work():
    model = cpu_model()
    before = model.runs
    huge = "x" * (SegmentOptions().max_chars + 1)
    with pytest.raises(DocumentTooLargeError):
        Segmenter(model).segment(huge)
    assert model.runs == before


def test_segment_many_checks_every_size_first():
    model = cpu_model()
    before = model.runs
    with pytest.raises(DocumentTooLargeError):
        segmenter(max_chars=100).segment_many(["short", "y" * 101])
    assert model.runs == before


@pytest.mark.parametrize(
    "changes",
    [
        {"switch_penalty": -1.0},
        {"switch_penalty": float("nan")},
        {"switch_penalty": float("inf")},
        {"host_prior": float("nan")},
        {"min_region": -1},
        {"max_chars": -5},
        {"batch_size": 0},
    ],
)
def test_invalid_options(changes):
    with pytest.raises(ValueError):
        SegmentOptions(**changes)


def test_region_serialisation():
    region = Region(3, 10, "python", 0.91234567)
    assert region.to_dict() == {
        "start": 3,
        "end": 10,
        "label": "python",
        "confidence": 0.912346,
    }
    assert region.to_list() == [3, 10, "python", 0.912346]
    assert len(region) == 7


@pytest.mark.parametrize(
    "regions, length",
    [
        ([Region(0, 3, "a", 1.0)], 4),
        ([Region(0, 2, "a", 1.0), Region(3, 4, "b", 1.0)], 4),
        ([Region(0, 2, "a", 1.0), Region(2, 4, "a", 1.0)], 4),
        ([Region(0, 0, "a", 1.0)], 0),
        ([], 3),
    ],
)
def test_check_tiling_rejects(regions, length):
    with pytest.raises(ValueError):
        check_tiling(regions, length)
