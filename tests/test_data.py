"""tf.data against TF 2.21: every case of tests/data/tf_data_goldens.json (made by
tools/tf_goldens/make_data_goldens.py under real TF) replayed under tapeflow, plus the
planned (array-slicing) fast path and the shuffle kernel on TF's seeds."""

from __future__ import annotations

import json
import pathlib
import random
import re

import numpy as np
import pytest
from test_data_encode import run

import tapeflow as tf

GOLDENS = json.loads((pathlib.Path(__file__).parent / "data" / "tf_data_goldens.json").read_text())
CASES = GOLDENS["cases"]

# The global seed (`tf.random.set_seed`) reaches a shuffle through tapeflow's private seed rule,
# which tf.data may not import: these cases are checked on the kernel below, with the seeds
# TF's rule gives, until the rule is public.
GLOBAL_SEED_CASES = {name for name in CASES if name.startswith("globalseed_")}

# A mapped dataset's spec is read from the function's result on the first element: where TF's
# static shape inference says "unknown" for a value-dependent size, tapeflow shows the first
# element's size. The elements themselves match.
SPEC_FROM_FIRST_ELEMENT = {
    # tapeflow: TensorSpec(shape=(None, 1), ...); TF: (None, None) (tf.range(v)'s size)
    "padded_batch_ragged",
    "padded_batch_tuple",
    "padded_batch_dict",
}


def _message(text: str) -> str:
    # TF's eager errors carry the failing function's node name first and " name: " last.
    text = re.sub(r"^\{\{function_node [^}]*\}\} ", "", text)
    return re.sub(r" name: ?$", "", text)


def _without_reprs(value):
    if isinstance(value, dict):
        return {k: _without_reprs(v) for k, v in value.items() if k != "dataset"}
    if isinstance(value, list):
        return [_without_reprs(v) for v in value]
    return value


@pytest.mark.parametrize("name", sorted(set(CASES) - GLOBAL_SEED_CASES))
def test_matches_tf(name):
    want = CASES[name]
    tf.random.set_seed(None)
    got = {"code": want["code"], **run(want["code"], tf)}
    if "error" in want:
        assert got.get("error") == want["error"], got
        assert got["message"] == _message(want["message"])
        return
    assert "error" not in got, got
    if name in SPEC_FROM_FIRST_ELEMENT:
        assert _without_reprs(got["out"]) == _without_reprs(want["out"])
        return
    assert got["out"] == want["out"]


def _tf_seed_rule(global_seed, op_seed, prior_ops=0):
    """TF's random_seed.get_seed in eager mode (observed on TF 2.21), for the kernel tests."""
    if global_seed is not None:
        if op_seed is None:
            rng = random.Random(global_seed)
            for _ in range(prior_ops):
                rng.randint(0, 2**31 - 1)
            op_seed = rng.randint(0, 2**31 - 1)
        seeds = (global_seed % (2**31 - 1), op_seed % (2**31 - 1))
    else:
        seeds = (87654321, op_seed % (2**31 - 1))
    return (0, 2**31 - 1) if seeds == (0, 0) else seeds


def _values(encoded):
    if "elements" in encoded:
        return [e["value"] for e in encoded["elements"]]
    return [[e["value"] for e in epoch["list"]] for epoch in encoded["list"]]


# (case, global seed, op seed, op seeds drawn before, n, buffer, reshuffle, epochs)
KERNEL_CASES = [
    ("globalseed_5_only", 5, None, 0, 5, 5, True, 1),
    ("globalseed_0_seed42", 0, 42, 0, 5, 5, True, 2),
    ("globalseed_0_seed42_fixed", 0, 42, 0, 5, 5, False, 2),
    ("globalseed_0_seed0", 0, 0, 0, 7, 7, True, 1),
    ("globalseed_1_buffer3", 1, 1, 0, 10, 3, True, 1),
    ("globalseed_7_buffer2", 7, None, 0, 10, 2, True, 1),
    ("globalseed_after_uniform", 1, None, 1, 7, 7, True, 1),
]


@pytest.mark.parametrize("case", KERNEL_CASES, ids=[c[0] for c in KERNEL_CASES])
def test_shuffle_kernel_on_tf_seeds(case):
    from tapeflow.data import _shuffle

    name, global_seed, op_seed, prior, n, buffer, reshuffle, epochs = case
    seeds = _tf_seed_rule(global_seed, op_seed, prior)
    got = []
    for epoch in range(epochs):
        pair = _shuffle.epoch_seeds(*seeds, epoch) if reshuffle else seeds
        got.append(_shuffle.permutation(n, buffer, *pair).tolist())
    want = _values(CASES[name]["out"])
    assert got == (want if epochs > 1 else [want])


def test_the_stream_and_the_permutation_agree():
    from tapeflow.data import _shuffle

    for n, buffer in [(50, 7), (50, 50), (50, 80), (1, 1), (13, 1)]:
        stream = list(_shuffle.shuffle_stream(iter(range(n)), buffer, 11, 12))
        assert stream == _shuffle.permutation(n, buffer, 11, 12).tolist()


def test_global_seed_cases_are_all_kernel_checked():
    assert {c[0] for c in KERNEL_CASES} >= GLOBAL_SEED_CASES - {
        "globalseed_5_only_again",
        "globalseed_before_uniform",
    }


def _general(ds):
    """The same pipeline forced off the array plan (an identity map runs per element)."""
    return ds.map(lambda *parts: parts if len(parts) > 1 else parts[0])


def test_array_pipelines_are_planned():
    d = tf.data.Dataset.from_tensor_slices((np.zeros((4, 2)), np.arange(4)))
    planned = [
        d,
        d.shuffle(4, seed=1).repeat(2).take(5).skip(1).cache().prefetch(1),
        tf.data.Dataset.zip(d, d.shard(2, 1)),
        d.enumerate(),
        tf.data.Dataset.range(9),
    ]
    assert all(p._plan() is not None for p in planned)
    assert _general(d)._plan() is None


PLANNED = [
    lambda d: d.shuffle(37, seed=4).batch(8),
    lambda d: d.shuffle(10, seed=4, reshuffle_each_iteration=False).batch(8, drop_remainder=True),
    lambda d: d.repeat(3).batch(16),
    lambda d: d.shuffle(100, seed=9).repeat(2).batch(7),
    lambda d: d.repeat().shuffle(20, seed=2).take(90).batch(11),
    lambda d: d.skip(5).take(20).prefetch(2).batch(6),
    lambda d: d.take(-1).skip(-1).batch(3),
    lambda d: d.cache().shuffle(50, seed=1).batch(10),
    lambda d: d.shuffle(50, seed=1).cache().batch(10),
    lambda d: tf.data.Dataset.zip((d, d.shuffle(50, seed=3))).batch(8),
    lambda d: tf.data.Dataset.zip(d.take(30), d.repeat().skip(7)).shuffle(9, seed=5).batch(4),
    lambda d: d.enumerate(5).shuffle(20, seed=1).batch(4),
    lambda d: tf.data.Dataset.zip({"a": d, "r": tf.data.Dataset.range(60)}).shard(3, 2).batch(5),
]


@pytest.mark.parametrize("index", range(len(PLANNED)))
def test_array_plans_give_the_element_by_element_order(index):
    x = np.arange(50 * 3, dtype=np.float32).reshape(50, 3)
    y = np.arange(50, dtype=np.int64)
    build = PLANNED[index]
    fast = build(tf.data.Dataset.from_tensor_slices((x, y)))
    slow = build(_general(tf.data.Dataset.from_tensor_slices((x, y))))
    for _ in range(2):  # a second epoch reshuffles (or replays the cache) the same way
        got = [tf.nest.flatten(e) for e in fast.as_numpy_iterator()]
        want = [tf.nest.flatten(e) for e in slow.as_numpy_iterator()]
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert len(g) == len(w)
            for a, b in zip(g, w):
                assert a.dtype == b.dtype
                np.testing.assert_array_equal(a, b)
    assert repr(fast.element_spec) == repr(slow.element_spec)


def test_reading_a_map_spec_does_not_move_the_shuffle_on():
    tf.random.set_seed(None)  # as the golden was recorded: an earlier test may have set one
    d = tf.data.Dataset.range(7).shuffle(7, seed=3)
    m = d.map(lambda v: v * 2)
    assert repr(m.element_spec) == "TensorSpec(shape=(), dtype=tf.int64, name=None)"
    first = CASES["shuffle_epochs"]["out"]["list"][0]["list"]
    assert [int(v) for v in m] == [2 * e["value"] for e in first]


def test_map_functions_run_eagerly_per_element():
    calls = []

    def f(v):
        calls.append(tf.executing_eagerly())
        return v + 1

    ds = tf.data.Dataset.range(4).map(f)
    assert [int(v) for v in ds] == [1, 2, 3, 4]
    assert calls == [True] * 4


def test_iterators_and_structures():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    ds = tf.data.Dataset.from_tensor_slices({"x": x, "y": np.arange(3)}).batch(2)
    it = iter(ds)
    first = it.get_next()
    assert list(first) == ["x", "y"] and isinstance(first["x"], tf.Tensor)
    assert next(it)["x"].shape == (1, 2)
    with pytest.raises(StopIteration):
        next(it)
    with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):
        it.get_next()
    assert repr(ds.as_numpy_iterator()).startswith("NumpyIterator(iterator=<")


@pytest.mark.parametrize(
    "seed, seed2, first, count",
    [(0, 0, 0, 9), (87654321, 3, 0, 14), (2**40 + 5, 2**63 + 11, 3, 10), (5, 1097127993, 7, 1)],
)
def test_shuffle_words_are_the_philox_stream_read_one_word_at_a_time(seed, seed2, first, count):
    from tapeflow.data import _shuffle
    from tapeflow.ops.philox import PhiloxRandom

    stream = PhiloxRandom(seed, seed2)
    one_by_one = [stream() for _ in range(first + count)][first:]
    assert _shuffle.words(seed, seed2, first, count) == one_by_one


def test_take_and_repeat_of_nothing_draw_no_shuffle_seeds():
    # TF makes no input iterator for take(0) / repeat(0) (see the draws_* goldens), so the
    # shuffle's next iterator still gets the first epoch's seeds.
    d = tf.data.Dataset.range(7).shuffle(7, seed=3)
    assert list(d.take(0)) == [] and list(d.prefetch(1).repeat(0)) == []
    assert list(_general(d).take(0)) == []
    first = [e["value"] for e in CASES["shuffle_epochs"]["out"]["list"][0]["list"]]
    assert [int(v) for v in d] == first


def test_slices_copy_the_arrays():
    x = np.arange(4)
    ds = tf.data.Dataset.from_tensor_slices(x)
    x[0] = 100
    assert [int(v) for v in ds] == [0, 1, 2, 3]


def test_a_jit_compiled_map_function_is_traced_once():
    calls = []

    def f(x, y):
        calls.append(1)  # a Python side effect: runs when tracing only
        return x * 2.0, y

    g = tf.function(f, jit_compile=True)
    x = np.arange(10, dtype="float32").reshape(5, 2)
    ds = tf.data.Dataset.from_tensor_slices((x, np.arange(5))).map(g)
    assert [a.numpy().tolist() for a, _ in ds] == (x * 2).tolist()
    assert len(calls) == 1 and g.experimental_get_tracing_count() == 1
