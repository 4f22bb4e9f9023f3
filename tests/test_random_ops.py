"""tf.random: TF's seed semantics (the repetition structure, not TF's bits), dtypes, errors,
gradients of the composites, and distribution sanity checks with fixed seeds."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.ops import random_ops


@pytest.fixture(autouse=True)
def _clear_global_seed():
    yield
    tf.random.set_seed(None)


def _u(**kwargs) -> float:
    return float(tf.random.uniform([1], **kwargs)[0])


def test_global_seed_sequence_repeats_after_set_seed():
    tf.random.set_seed(1234)
    first = [_u(), _u(), float(tf.random.normal([1])[0])]
    tf.random.set_seed(1234)
    assert [_u(), _u(), float(tf.random.normal([1])[0])] == first
    assert first[0] != first[1]


def test_op_seed_calls_give_a1_a2_and_restart_on_set_seed():
    # TF's documented example: the same op with the same seeds keeps an internal counter.
    tf.random.set_seed(1234)
    a1, a2 = _u(seed=1), _u(seed=1)
    assert a1 != a2
    tf.random.set_seed(1234)
    assert [_u(seed=1), _u(seed=1)] == [a1, a2]


def test_op_seed_without_global_seed_is_deterministic():
    random_ops.set_seed(None)
    first = [_u(seed=7), _u(seed=7)]
    tf.random.set_seed(None)  # clears the cached kernels, as TF's set_seed does
    assert [_u(seed=7), _u(seed=7)] == first


def test_seedless_calls_do_not_consume_each_others_sequence():
    # An op-seeded call does not advance the global op-seed sequence, and a seedless
    # call's values do not depend on the shapes drawn before it.
    tf.random.set_seed(5)
    plain = [_u(), _u(), _u()]
    tf.random.set_seed(5)
    mixed = [_u(), float(tf.random.uniform([7])[0]), _u(seed=1), _u()]
    assert [mixed[0], mixed[1], mixed[3]] == plain


def test_counters_are_per_op_type_and_dtype_and_shared_across_shapes():
    tf.random.set_seed(5)
    a1, a2 = _u(seed=1), _u(seed=1)
    tf.random.set_seed(5)
    assert _u(seed=1) == a1
    tf.random.normal([1], seed=1)  # a different kernel: does not advance uniform's
    tf.random.uniform([1], seed=1, dtype=tf.float64)  # nor does another dtype
    assert float(tf.random.uniform([3], seed=1, maxval=5.0)[0]) == pytest.approx(5 * a2)


def test_different_op_seeds_differ():
    tf.random.set_seed(3)
    assert _u(seed=1) != _u(seed=2)


def test_no_seed_is_nondeterministic():
    values = {_u() for _ in range(5)}
    assert len(values) == 5


def test_uniform_dtypes_and_errors():
    assert tf.random.uniform([2], dtype=tf.float64).dtype == tf.float64
    ints = tf.random.uniform([100], minval=-3, maxval=4, dtype=tf.int32, seed=1)
    assert ints.dtype == tf.int32 and ints.numpy().min() >= -3 and ints.numpy().max() <= 3
    with pytest.raises(ValueError, match="Must specify maxval for integer dtype tf.int32"):
        tf.random.uniform([2], dtype=tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Need minval < maxval, got 3 >= 1"):
        tf.random.uniform([2], minval=3, maxval=1, dtype=tf.int32)
    with pytest.raises(ValueError, match="Accepted dtypes"):
        tf.random.uniform([2], dtype=tf.bool)
    assert tf.random.normal([2], dtype=tf.float16).dtype == tf.float16
    with pytest.raises(TypeError):
        tf.random.normal([2], dtype=tf.int32)


def test_normal_and_uniform_are_differentiable_in_their_parameters():
    mean, stddev = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        z = tf.random.normal([1000], mean, stddev, seed=3)
        w = tf.random.uniform([1000], mean, stddev, seed=3)
        t = tf.random.truncated_normal([1000], mean, stddev, seed=3)
    g_mean, g_std = tape.gradient(z, [mean, stddev])
    assert g_mean.numpy() == 1000
    np.testing.assert_allclose(g_std.numpy(), np.sum((z.numpy() - 1.0) / 2.0), rtol=1e-4)
    g_min, g_max = tape.gradient(w, [mean, stddev])
    np.testing.assert_allclose(g_min.numpy() + g_max.numpy(), 1000, rtol=1e-5)
    assert tape.gradient(t, mean).numpy() == 1000


def test_shuffle_and_categorical_have_no_gradient():
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = tf.random.shuffle(x)
    assert tape.gradient(y, x) is None
    assert sorted(y.numpy().tolist()) == [1.0, 2.0, 3.0]


def test_shuffle_permutes_first_dimension():
    value = np.arange(20).reshape(10, 2)
    out = tf.random.shuffle(value, seed=4).numpy()
    assert sorted(out[:, 0].tolist()) == list(range(0, 20, 2))
    np.testing.assert_array_equal(out[:, 1] - out[:, 0], 1)
    assert tf.random.shuffle(3).numpy() == 3


def test_categorical_shape_dtype_and_errors():
    out = tf.random.categorical(tf.math.log([[0.5, 0.5], [1.0, 0.0]]), 5, seed=1)
    assert out.dtype == tf.int64 and out.shape == (2, 5)
    assert (out.numpy()[1] == 0).all()  # a zero-probability class is never drawn
    assert tf.random.categorical([[0.0, 0.0]], 3, dtype=tf.int32).dtype == tf.int32
    with pytest.raises(tf.errors.InvalidArgumentError, match="logits should be a matrix"):
        tf.random.categorical([0.0, 0.0], 3)


# -- distributions: fixed seeds, so these bounds are checked once, not re-drawn ---------------


def test_distribution_moments_with_fixed_seed():
    tf.random.set_seed(0)
    n = 200_000
    normal = tf.random.normal([n], 2.0, 3.0, dtype=tf.float64, seed=1).numpy()
    assert abs(normal.mean() - 2.0) < 0.03 and abs(normal.std() - 3.0) < 0.03
    uniform = tf.random.uniform([n], -1.0, 3.0, dtype=tf.float64, seed=1).numpy()
    assert uniform.min() >= -1 and uniform.max() < 3 and abs(uniform.mean() - 1.0) < 0.02
    truncated = tf.random.truncated_normal([n], dtype=tf.float64, seed=1).numpy()
    assert np.abs(truncated).max() <= 2.0
    assert abs(truncated.std() - 0.8796) < 0.01  # the std of N(0, 1) truncated to [-2, 2]
    counts = np.bincount(
        tf.random.categorical(tf.math.log([[0.2, 0.3, 0.5]]), n, seed=1).numpy()[0], minlength=3
    )
    np.testing.assert_allclose(counts / n, [0.2, 0.3, 0.5], atol=0.01)
    ints = tf.random.uniform([n], 0, 4, dtype=tf.int64, seed=1).numpy()
    np.testing.assert_allclose(np.bincount(ints) / n, 0.25, atol=0.01)


# -- tf.random.Generator and stateless ops --------------------------------------------------


def test_generator_from_seed_is_reproducible_and_advances():
    g1, g2 = tf.random.Generator.from_seed(1), tf.random.Generator.from_seed(1)
    first = g1.normal([3]).numpy()
    np.testing.assert_array_equal(first, g2.normal([3]).numpy())
    assert not np.array_equal(first, g1.normal([3]).numpy())
    g1.reset_from_seed(1)
    np.testing.assert_array_equal(first, g1.normal([3]).numpy())


def test_generator_methods():
    g = tf.random.Generator.from_seed(2)
    assert g.uniform([2], maxval=10, dtype=tf.int64).dtype == tf.int64
    assert g.uniform([2]).dtype == tf.float32
    seeds = g.make_seeds(3)
    assert seeds.shape == (2, 3) and seeds.dtype == tf.int64 and (seeds.numpy()[1] == 0).all()
    children = g.split(2)
    assert len(children) == 2
    assert not np.array_equal(children[0].normal([2]).numpy(), children[1].normal([2]).numpy())
    assert g.state.dtype == tf.int64 and g.state.shape == (3,)
    with pytest.raises(ValueError, match="both `None`"):
        g.uniform([2], minval=1, dtype=tf.int32)
    assert isinstance(tf.random.get_global_generator(), tf.random.Generator)


def test_stateless_ops_depend_only_on_the_seed():
    a = tf.random.stateless_uniform([3], seed=[1, 2]).numpy()
    np.testing.assert_array_equal(a, tf.random.stateless_uniform([3], seed=[1, 2]).numpy())
    assert not np.array_equal(a, tf.random.stateless_uniform([3], seed=[1, 3]).numpy())
    assert tf.random.stateless_normal([2, 2], seed=[0, 0]).shape == (2, 2)


def test_op_generator_follows_the_seed_rules():
    tf.random.set_seed(9)
    a = random_ops.op_generator("RandomUniform", 3, tf.float32).random()
    b = random_ops.op_generator("RandomUniform", 3, tf.float32).random()
    tf.random.set_seed(9)
    assert random_ops.op_generator("RandomUniform", 3, tf.float32).random() == a != b
