"""Reductions and scans against NumPy references: values, dtypes, axes, keepdims, errors.

TF's gradient conventions for these ops (ties, zeros, infinities) are pinned by the
goldens replayed in tests/test_math_ops.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf

X = np.random.default_rng(0).uniform(-2.0, 2.0, (2, 3, 4))
AXES = [None, 0, -1, 1, [0, 2], (1, -1)]


def _np_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


REFERENCES = {
    "reduce_logsumexp": (
        tf.reduce_logsumexp,
        lambda x, axis, keepdims: np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims)),
    ),
    "reduce_variance": (tf.math.reduce_variance, np.var),
    "reduce_std": (tf.math.reduce_std, np.std),
    "reduce_euclidean_norm": (
        tf.math.reduce_euclidean_norm,
        lambda x, axis, keepdims: np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims)),
    ),
    "reduce_sum": (tf.reduce_sum, np.sum),
    "reduce_max": (tf.reduce_max, np.max),
    "reduce_prod": (tf.reduce_prod, np.prod),
}


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_reduction_matches_numpy(name, axis, keepdims):
    fn, reference = REFERENCES[name]
    for dtype, rtol in (("float32", 1e-5), ("float64", 1e-12)):
        x = X.astype(dtype)
        out = fn(tf.constant(x), axis=axis, keepdims=keepdims)
        want = reference(X, axis=_np_axis(axis), keepdims=keepdims)
        assert out.dtype.name == dtype
        assert out.shape == np.shape(want)
        np.testing.assert_allclose(out.numpy(), want, rtol=rtol, atol=rtol)


def test_logsumexp_is_stable_for_large_inputs():
    out = tf.reduce_logsumexp(tf.constant([[1000.0, 1000.0], [-1000.0, -1000.0]]), axis=1)
    np.testing.assert_allclose(out.numpy(), [1000 + np.log(2), -1000 + np.log(2)], rtol=1e-6)


def test_logsumexp_gradient_is_softmax():
    x = tf.constant([1.0, 2.0, 3.0], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_logsumexp(x)
    softmax = np.exp([1.0, 2.0, 3.0]) / np.sum(np.exp([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), softmax, rtol=1e-12)


def test_variance_of_complex_is_real():
    out = tf.math.reduce_variance(tf.constant([1 + 1j, 2.0 - 1j]))
    assert out.dtype == tf.float64
    np.testing.assert_allclose(out.numpy(), np.var([1 + 1j, 2 - 1j]))


@pytest.mark.parametrize("fn", [tf.math.reduce_std, tf.math.reduce_variance])
def test_moments_reject_integers(fn):
    with pytest.raises(TypeError, match="Input must be either real or complex"):
        fn(tf.constant([1, 2]))


@pytest.mark.parametrize(
    "fn",
    [
        tf.reduce_logsumexp,
        tf.math.reduce_std,
        tf.math.reduce_euclidean_norm,
        tf.math.count_nonzero,
        lambda x, axis: tf.reduce_any(x > 0, axis=axis),
    ],
)
def test_axis_out_of_range_raises(fn):
    with pytest.raises(tf.errors.InvalidArgumentError):
        fn(tf.constant([[1.0, 2.0]]), axis=2)


def test_reduce_all_any():
    x = tf.constant([[True, False], [True, True]])
    assert tf.reduce_all(x, axis=1).numpy().tolist() == [False, True]
    assert tf.reduce_any(x, axis=0, keepdims=True).numpy().tolist() == [[True, True]]
    assert tf.reduce_all(tf.zeros((0,), tf.bool)).numpy()
    assert not tf.reduce_any(tf.zeros((0,), tf.bool)).numpy()
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a bool tensor"):
        tf.reduce_all(tf.constant([1.0]))


def test_euclidean_norm_of_integers_truncates():
    out = tf.math.reduce_euclidean_norm(tf.constant([[3, 4], [1, 1]]), axis=1)
    assert out.dtype == tf.int32
    assert out.numpy().tolist() == [5, 1]


def test_count_nonzero():
    x = tf.constant([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0]])
    assert tf.math.count_nonzero(x).dtype == tf.int64
    assert tf.math.count_nonzero(x).numpy() == 3
    out = tf.math.count_nonzero(x, axis=1, keepdims=True, dtype=tf.int32)
    assert out.dtype == tf.int32
    assert out.numpy().tolist() == [[2], [1]]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "uint8", "bool"])
def test_argmax_argmin(dtype):
    x = np.array([[1, 3, 3], [4, 0, 2]]).astype(dtype)
    assert tf.argmax(tf.constant(x)).dtype == tf.int64
    assert tf.argmax(tf.constant(x)).numpy().tolist() == np.argmax(x, axis=0).tolist()
    assert tf.argmax(x, axis=1).numpy().tolist() == np.argmax(x, axis=1).tolist()
    assert tf.math.argmin(x, axis=-1).numpy().tolist() == np.argmin(x, axis=1).tolist()
    assert tf.argmax(x, axis=1, output_type=tf.int32).dtype == tf.int32


def test_argmax_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"range \[-1, 1\)"):
        tf.argmax(tf.constant([1, 2]), axis=1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="is empty"):
        tf.argmax(tf.zeros((0,)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="output_type"):
        tf.argmax(tf.constant([1, 2]), output_type=tf.float32)
    with pytest.raises(TypeError, match="axis must be int"):
        tf.argmax(tf.constant([[1, 2]]), axis=[1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in the list of allowed"):
        tf.argmax(tf.constant([1j]))


def test_top_k_matches_sorting():
    x = np.random.default_rng(2).standard_normal((3, 6))
    values, indices = tf.math.top_k(tf.constant(x), k=4)
    order = np.argsort(-x, axis=-1, kind="stable")[:, :4]
    assert indices.numpy().tolist() == order.tolist()
    np.testing.assert_array_equal(values.numpy(), np.take_along_axis(x, order, -1))
    unsorted = tf.math.top_k(tf.constant(x), k=4, sorted=False)
    assert sorted(unsorted.indices.numpy()[0].tolist()) == sorted(order[0].tolist())


def test_top_k_gradient_scatters_into_selected_positions():
    x = tf.constant([[1.0, 5.0, 3.0, 4.0]], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        values = tf.math.top_k(x, k=2).values
        y = tf.reduce_sum(values * tf.constant([[10.0, 1.0]], tf.float64))
    assert tape.gradient(y, x).numpy().tolist() == [[0.0, 10.0, 0.0, 1.0]]


def test_top_k_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least k columns"):
        tf.math.top_k(tf.constant([1.0, 2.0]), k=3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Need k >= 0"):
        tf.math.top_k(tf.constant([1.0, 2.0]), k=-1)
    with pytest.raises(tf.errors.InvalidArgumentError, match=">= 1-D"):
        tf.math.top_k(tf.constant(1.0))


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_scans_match_numpy(exclusive, reverse):
    x = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]])
    for fn, np_fn, identity in ((tf.cumsum, np.cumsum, 0.0), (tf.math.cumprod, np.cumprod, 1.0)):
        want = np.flip(x, 1) if reverse else x
        want = np_fn(want, axis=1)
        if exclusive:
            want = np.concatenate([np.full((2, 1), identity), want[:, :-1]], axis=1)
        want = np.flip(want, 1) if reverse else want
        out = fn(tf.constant(x), axis=1, exclusive=exclusive, reverse=reverse)
        np.testing.assert_allclose(out.numpy(), want)


def test_int_scans_keep_dtype():
    assert tf.cumsum(tf.constant([1, 2], tf.int8)).dtype == tf.int8
    assert tf.math.cumprod(tf.constant([3, 2], tf.int16)).numpy().tolist() == [3, 6]
