"""Resuming the Viterbi pass after an edit gives the same path as a fresh one."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charseg_server.viterbi import decode, viterbi


def random_blocks(rng, count: int, labels: int, confident: float):
    """Blocks of runs whose emissions favour one label by ``confident`` nats."""
    blocks = []
    for _ in range(count):
        runs = int(rng.integers(1, 6))
        emissions = rng.normal(scale=2.0, size=(runs, labels))
        emissions[np.arange(runs), rng.integers(labels, size=runs)] += confident
        blocks.append(emissions)
    return blocks


def decode_blocks(blocks, penalty, previous=None, prefix=0, suffix=0, labels=1):
    return decode(
        np.concatenate(blocks) if blocks else np.zeros((0, labels)),
        [len(b) for b in blocks],
        penalty,
        previous,
        prefix,
        suffix,
    )


@settings(max_examples=150, deadline=None)
@given(
    count=st.integers(min_value=1, max_value=12),
    labels=st.integers(min_value=1, max_value=4),
    penalty=st.sampled_from([0.0, 1.0, 4.0, 8.0]),
    confident=st.sampled_from([0.0, 5.0, 40.0]),
    data=st.data(),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_resumed_decode_equals_fresh(count, labels, penalty, confident, data, seed):
    rng = np.random.default_rng(seed)
    old = random_blocks(rng, count, labels, confident)
    start = data.draw(st.integers(min_value=0, max_value=count))
    stop = data.draw(st.integers(min_value=start, max_value=count))
    inserted = random_blocks(rng, data.draw(st.integers(0, 3)), labels, confident)
    new = old[:start] + inserted + old[stop:]
    previous = decode_blocks(old, penalty)
    suffix = count - stop
    resumed = decode_blocks(new, penalty, previous, start, suffix, labels)
    fresh = decode_blocks(new, penalty, labels=labels)
    assert resumed.path.tolist() == fresh.path.tolist()
    assert np.array_equal(resumed.switched, fresh.switched)
    assert np.array_equal(resumed.boundary_scores, fresh.boundary_scores)


def test_confident_blocks_rejoin_old_pass():
    rng = np.random.default_rng(0)
    old = random_blocks(rng, 200, 5, confident=40.0)
    previous = decode_blocks(old, 8.0)
    new = old[:100] + random_blocks(rng, 1, 5, confident=40.0) + old[101:]
    resumed = decode_blocks(new, 8.0, previous, 100, 99)
    assert resumed.path.tolist() == decode_blocks(new, 8.0).path.tolist()
    assert previous.blocks_run == 200
    assert 1 <= resumed.blocks_run <= 3


def test_unsure_blocks_decode_right():
    # With no confident label the scores never settle at the floor, so the pass
    # may run to the end. The path must still equal the fresh one.
    rng = np.random.default_rng(1)
    old = random_blocks(rng, 50, 3, confident=0.0)
    previous = decode_blocks(old, 1e6)
    new = old[:10] + old[11:]
    resumed = decode_blocks(new, 1e6, previous, 10, 39)
    assert resumed.path.tolist() == decode_blocks(new, 1e6).path.tolist()


def test_decode_rejects_wrong_block_sizes():
    with pytest.raises(ValueError, match="invalid block sizes"):
        decode(np.zeros((3, 2)), [1, 1], 1.0)


def test_viterbi_is_one_block_decode():
    emissions = np.random.default_rng(2).normal(size=(30, 4))
    assert (
        viterbi(emissions, 2.0).tolist()
        == decode_blocks([emissions[:10], emissions[10:]], 2.0).path.tolist()
    )
