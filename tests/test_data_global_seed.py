"""An unseeded `Dataset.shuffle` after `tf.random.set_seed` takes TF's op seed pair.

Expected orders observed on TF 2.21 (tensorflow-cpu, eager).
"""

import pytest

import tapeflow as tf


@pytest.fixture(autouse=True)
def _clear_seed():
    yield
    tf.random.set_seed(None)


def _order(ds):
    return [int(v) for v in ds.as_numpy_iterator()]


def test_get_seed_rule():
    # observed on TF 2.21
    tf.random.set_seed(5)
    assert tf.compat.v1.random.get_seed(None) == (5, 1097127993)
    assert tf.compat.v1.random.get_seed(None) == (5, 1539898300)
    assert tf.compat.v1.random.get_seed(7) == (5, 7)
    tf.random.set_seed(2**40 + 3)
    assert tf.compat.v1.random.get_seed(2**33) == (515, 4)
    tf.random.set_seed(None)
    assert tf.compat.v1.random.get_seed(None) == (None, None)
    assert tf.compat.v1.random.get_seed(3) == (87654321, 3)
    tf.random.set_seed(0)
    assert tf.compat.v1.random.get_seed(0) == (0, 2**31 - 1)


def test_unseeded_shuffle_uses_global_seed_and_reshuffles():
    tf.random.set_seed(5)
    ds = tf.data.Dataset.range(10).shuffle(10)
    # observed on TF 2.21
    assert _order(ds) == [7, 5, 4, 1, 0, 9, 6, 3, 8, 2]
    assert _order(ds) == [9, 1, 6, 4, 2, 7, 0, 5, 8, 3]


def test_each_unseeded_shuffle_draws_the_next_op_seed():
    tf.random.set_seed(5)
    a = tf.data.Dataset.range(6).shuffle(6)
    b = tf.data.Dataset.range(6).shuffle(6)
    # observed on TF 2.21
    assert _order(a) == [3, 4, 1, 2, 5, 0]
    assert _order(b) == [1, 0, 4, 3, 2, 5]
    tf.random.set_seed(5)
    tf.compat.v1.random.get_seed(None)  # consumes the first op seed, as in TF
    assert _order(tf.data.Dataset.range(6).shuffle(6)) == [1, 0, 4, 3, 2, 5]


def test_large_seeds_are_truncated():
    tf.random.set_seed(2**40 + 3)
    # observed on TF 2.21
    assert _order(tf.data.Dataset.range(6).shuffle(6, seed=2**33)) == [3, 4, 0, 2, 5, 1]
