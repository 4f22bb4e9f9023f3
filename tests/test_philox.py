"""TF's Philox4x32-10 words, bit for bit (values observed on TF 2.21)."""

from __future__ import annotations

import numpy as np

from tapeflow.ops import philox


def test_stateless_uniform_float32_words_are_tfs():
    got = philox.uniform_float32(philox.stateless_words(10, (7, 0)))
    want = [0.7470787763595581, 0.67218017578125, 0.057779550552368164, 0.6442131996154785,
            0.07030856609344482, 0.6681548357009888, 0.45644664764404297, 0.795683741569519,
            0.5727335214614868, 0.6769388914108276]  # fmt: skip
    assert got.tolist() == want
    got = philox.uniform_float32(philox.stateless_words(3, (123456789, 42)))
    assert got.tolist() == [0.9110962152481079, 0.10649347305297852, 0.340215802192688]


def test_glorot_uniform_seed_7_is_tfs():
    limit = np.float32(np.sqrt(6 / 5))
    got = philox.uniform_float32(philox.stateless_words(6, (7, 0))) * (limit + limit) - limit
    assert got[:3].tolist() == np.array([0.54132247, 0.3772279, -0.9688565], np.float32).tolist()


def test_many_blocks_equal_one_block_at_a_time():
    key, counter = philox.stateless_key_counter((3, 4))
    start = sum(w << (32 * i) for i, w in enumerate(counter))
    bulk = philox.blocks(philox._counters(start, 20), key)
    single = np.concatenate([philox.blocks(philox._counters(start + i, 1), key) for i in range(20)])
    assert np.array_equal(bulk, single)
    # A carry out of the low 64 bits of the counter reaches the high words.
    edge = philox._counters((1 << 64) - 2, 9)
    assert edge[2].tolist() == [0, 0, 1, 0] and edge[1].tolist() == [0xFFFFFFFF] * 2 + [0, 0]


def test_the_stream_reads_words_in_order():
    rng = philox.PhiloxRandom(5, 9)
    words = [rng() for _ in range(8)]
    block = philox.blocks(philox._counters(9 << 64, 2), (5, 0)).ravel().tolist()
    assert words == block
