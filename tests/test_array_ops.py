"""Array ops beyond the registry's generated checks: NumPy references, sparse gradients,
second order through IndexedSlices, and batched (Jacobian) walks through gather."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf

RNG = np.random.default_rng(0)


def test_gather_matches_numpy_take_for_every_axis():
    x = RNG.standard_normal((3, 4, 5))
    idx = np.array([[2, 0], [1, 1]])
    for axis in range(3):
        idx_axis = idx % x.shape[axis]
        out = tf.gather(tf.constant(x), idx_axis, axis=axis)
        np.testing.assert_array_equal(out.numpy(), np.take(x, idx_axis, axis=axis))


def test_gather_batch_dims_matches_take_along_axis():
    x = RNG.standard_normal((2, 5))
    idx = np.array([[4, 0, 4], [1, 2, 3]])
    out = tf.gather(tf.constant(x), idx, axis=1, batch_dims=1)
    np.testing.assert_array_equal(out.numpy(), np.take_along_axis(x, idx, axis=1))


def test_gather_gradient_is_indexed_slices_for_tensors_and_variables():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    v = tf.Variable(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.gather(x, [0, 2, 0]) + tf.gather(v, [1, 1, 1])
    gx, gv = tape.gradient(y, [x, v])
    assert type(gx) is tf.IndexedSlices and type(gv) is tf.IndexedSlices
    assert gx.dense_shape.dtype == tf.int32 and gx.shape == x.shape
    np.testing.assert_array_equal(
        tf.convert_to_tensor(gx).numpy(), [[2.0, 2.0], [0.0, 0.0], [1.0, 1.0]]
    )
    np.testing.assert_array_equal(tf.convert_to_tensor(gv).numpy()[1], [3.0, 3.0])


def test_indexed_slices_arithmetic_densifies_and_negation_stays_sparse():
    s = tf.IndexedSlices(tf.ones((2, 2)), tf.constant([0, 0]), tf.constant([3, 2]))
    np.testing.assert_array_equal((tf.constant(1.0) + s).numpy()[0], [3.0, 3.0])
    assert type(-s) is tf.IndexedSlices
    with pytest.raises(TypeError):
        s + 1.0  # noqa: B018 - TF's IndexedSlices has no operators of its own
    with pytest.raises(ValueError, match="without dense_shape"):
        tf.convert_to_tensor(tf.IndexedSlices(tf.ones((1, 2)), tf.constant([0])))


@pytest.mark.parametrize("dense_shape", [[3, 1], (3, 1)], ids=["list", "tuple"])
def test_indexed_slices_with_a_python_dense_shape_convert_as_tf(dense_shape):
    # TF keeps dense_shape as passed: its conversion reads a list or tuple, its `shape`
    # raises (TF 2.21, checked: it calls dense_shape.get_shape()).
    s = tf.IndexedSlices(tf.constant([[1.0], [2.0]]), tf.constant([0, 2]), dense_shape)
    np.testing.assert_array_equal(tf.convert_to_tensor(s).numpy(), [[1.0], [0.0], [2.0]])
    name = type(dense_shape).__name__
    with pytest.raises(AttributeError, match=f"'{name}' object has no attribute 'get_shape'"):
        s.shape  # noqa: B018


def test_second_order_through_a_sparse_gradient():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(tf.gather(x, [0, 2, 2]) ** 3)
        g = tf.convert_to_tensor(inner.gradient(y, x))
    h = tf.convert_to_tensor(outer.gradient(g, x))  # gather again: sparse again
    # d/dx_i of 3 * count_i * x_i^2
    np.testing.assert_allclose(h.numpy(), [6.0, 0.0, 36.0])


def test_jacobian_through_gather_is_dense():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.gather(x, [2, 0])
    jac = tape.jacobian(y, x)
    np.testing.assert_array_equal(jac.numpy(), [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])


def test_scatter_nd_sums_duplicates_and_gradient_gathers():
    updates = tf.constant([1.0, 2.0, 4.0])
    with tf.GradientTape() as tape:
        tape.watch(updates)
        out = tf.scatter_nd([[1], [1], [0]], updates, [3])
        y = out * tf.constant([10.0, 20.0, 30.0])
    np.testing.assert_array_equal(out.numpy(), [4.0, 3.0, 0.0])
    np.testing.assert_array_equal(tape.gradient(y, updates).numpy(), [20.0, 20.0, 10.0])


@pytest.mark.parametrize("mode", ["REFLECT", "SYMMETRIC"])
def test_mirror_pad_matches_numpy(mode):
    x = RNG.standard_normal((3, 4))
    out = tf.pad(tf.constant(x), [[1, 2], [3, 0]], mode)
    np.testing.assert_array_equal(out.numpy(), np.pad(x, [[1, 2], [3, 0]], mode=mode.lower()))


def test_sort_gradient_routes_to_sorted_positions():
    x = tf.constant([3.0, 1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.sort(x, direction="DESCENDING") * tf.constant([1.0, 10.0, 100.0])
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [1.0, 100.0, 10.0])


def test_argsort_and_unique_dtypes_and_no_gradient():
    x = tf.constant([3.0, 1.0, 3.0])
    assert tf.argsort(x).dtype == tf.int32
    u = tf.unique(x)
    assert u.idx.dtype == tf.int32 and u.y.dtype == tf.float32
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cast(tf.argsort(x), tf.float32)
    assert tape.gradient(y, x) is None


@pytest.mark.parametrize(
    "equation, shapes",
    [
        ("ij,jk->ik", [(2, 3), (3, 4)]),
        ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),
        ("ij->", [(2, 3)]),
        ("ii->i", [(3, 3)]),
        ("bi,bj->bij", [(2, 3), (2, 4)]),
    ],
)
def test_einsum_value_and_gradient_match_numpy(equation, shapes):
    arrays = [RNG.standard_normal(s) for s in shapes]
    xs = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        tape.watch(xs)
        out = tf.einsum(equation, *xs)
        y = tf.reduce_sum(out * out)
    np.testing.assert_allclose(out.numpy(), np.einsum(equation, *arrays), rtol=1e-12)
    grads = tape.gradient(y, xs)
    eps = 1e-6
    for k, (a, g) in enumerate(zip(arrays, grads, strict=False)):
        assert g.shape == xs[k].shape
        direction = RNG.standard_normal(a.shape)
        moved = [a + eps * direction if i == k else b for i, b in enumerate(arrays)]
        back = [a - eps * direction if i == k else b for i, b in enumerate(arrays)]
        numeric = (
            np.sum(np.einsum(equation, *moved) ** 2) - np.sum(np.einsum(equation, *back) ** 2)
        ) / (2 * eps)
        np.testing.assert_allclose(np.sum(g.numpy() * direction), numeric, rtol=1e-6)


def test_tensordot_matches_numpy():
    a, b = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((4, 3, 5))
    out = tf.tensordot(tf.constant(a), tf.constant(b), [[1, 2], [1, 0]])
    np.testing.assert_allclose(out.numpy(), np.tensordot(a, b, [[1, 2], [1, 0]]), rtol=1e-12)


def test_repeat_and_boolean_mask_gradients_are_dense():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        r = tf.repeat(x, [1, 2], axis=0)
        m = tf.boolean_mask(x, [False, True])
    assert type(tape.gradient(r, x)) is not tf.IndexedSlices
    np.testing.assert_array_equal(tape.gradient(r, x).numpy(), [[1.0, 1.0], [2.0, 2.0]])
    np.testing.assert_array_equal(tape.gradient(m, x).numpy(), [[0.0, 0.0], [1.0, 1.0]])
