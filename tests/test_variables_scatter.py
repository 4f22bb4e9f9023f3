"""Variable.scatter_* and scatter_nd_* (TF's ResourceScatter* kernels).

Every expected value and error text below was observed on TF 2.21 (TF's kernel messages
carry a `{{function_node ...}}` prefix and a ` name: ` suffix that tapeflow omits, and its
attr errors add a NodeDef dump after the allowed list).
"""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf

InvalidArgumentError = tf.errors.InvalidArgumentError


def _v():
    return tf.Variable([1.0, 2.0, 3.0, 4.0])


def _m():
    return tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])


def _slices(values, indices):
    return tf.IndexedSlices(tf.constant(values), tf.constant(indices))


@pytest.mark.parametrize(
    "run, expected",
    [
        (lambda: _v().scatter_nd_update([[1], [3]], [10.0, 30.0]), [1, 10, 3, 30]),
        (lambda: _v().scatter_nd_add([[1], [3]], [10.0, 30.0]), [1, 12, 3, 34]),
        (lambda: _v().scatter_nd_sub([[1], [3]], [10.0, 30.0]), [1, -8, 3, -26]),
        (lambda: _v().scatter_nd_max([[1]], [10.0]), [1, 10, 3, 4]),
        (lambda: _v().scatter_nd_min([[1]], [0.0]), [1, 0, 3, 4]),
        (lambda: _v().scatter_nd_update([[1]], [1]), [1, 1, 3, 4]),  # Python ints convert
        (lambda: _v().scatter_nd_update([1], [1.0]), [1, 1, 3, 4]),  # rank-1 indices
        (lambda: _v().scatter_nd_update([[1], [1]], [5.0, 6.0]), [1, 6, 3, 4]),
        (lambda: _v().scatter_nd_add([[1], [1]], [5.0, 6.0]), [1, 13, 3, 4]),
        (lambda: _v().scatter_update(_slices([10.0, 20.0], [0, 2])), [10, 2, 20, 4]),
        (lambda: _v().scatter_add(_slices([10.0, 20.0], [0, 2])), [11, 2, 23, 4]),
        (lambda: _v().scatter_sub(_slices([10.0, 20.0], [0, 2])), [-9, 2, -17, 4]),
        (lambda: _v().scatter_max(_slices([10.0, 0.0], [0, 2])), [10, 2, 3, 4]),
        (lambda: _v().scatter_min(_slices([10.0, 0.0], [0, 2])), [1, 2, 0, 4]),
        (lambda: _v().scatter_mul(_slices([10.0, 0.0], [0, 2])), [10, 2, 0, 4]),
        (lambda: _v().scatter_add(_slices([1.0, 2.0], [1, 1])), [1, 5, 3, 4]),
        (lambda: _v().scatter_update(_slices(10.0, 1)), [1, 10, 3, 4]),
        (lambda: _v().scatter_update(_slices([[10.0]], [[1]])), [1, 10, 3, 4]),
        (lambda: _v().batch_scatter_update(_slices([10.0], [1])), [1, 10, 3, 4]),
        (lambda: tf.Variable([1.0, 2.0]).scatter_div(_slices([0.5], [0])), [2, 2]),
    ],
)
def test_scatter_updates_the_variable(run, expected):
    out = run()
    assert out.name == "UnreadVariable"
    np.testing.assert_array_equal(out.numpy(), np.array(expected, out.dtype.as_numpy_dtype))


def test_scatter_on_a_matrix():
    np.testing.assert_array_equal(
        _m().scatter_nd_update([[1, 0]], [9.0]).numpy(), [[1, 2], [9, 4], [5, 6]]
    )
    np.testing.assert_array_equal(
        _m().scatter_nd_update([[1]], [[9.0, 9.0]]).numpy(), [[1, 2], [9, 9], [5, 6]]
    )
    np.testing.assert_array_equal(
        _m().scatter_nd_update([[[1]]], [[[1.0, 2.0]]]).numpy(), [[1, 2], [1, 2], [5, 6]]
    )
    np.testing.assert_array_equal(
        _m().scatter_nd_add([[1]], [[1, 2]]).numpy(), [[1, 2], [4, 6], [5, 6]]
    )
    np.testing.assert_array_equal(
        _m().scatter_update(_slices([[7.0, 8.0]], [1])).numpy(), [[1, 2], [7, 8], [5, 6]]
    )
    np.testing.assert_array_equal(
        _m().scatter_update(_slices(5.0, [1])).numpy(), [[1, 2], [5, 5], [5, 6]]
    )
    m = tf.Variable([[1, 2, 3], [4, 5, 6]])
    m.batch_scatter_update(_slices([[9], [8]], [[2], [0]]))
    np.testing.assert_array_equal(m.numpy(), [[1, 2, 9], [8, 5, 6]])


def test_integer_scatter_div_truncates_toward_zero():
    assert tf.Variable([7, 2]).scatter_div(_slices([2], [0])).numpy().tolist() == [3, 2]
    assert tf.Variable([-7, 2]).scatter_div(_slices([2], [0])).numpy().tolist() == [-3, 2]


_ND = "[Op:ResourceScatterNdUpdate]"


@pytest.mark.parametrize(
    "run, error, message",
    [
        (lambda: _v().scatter_nd_update([[4]], [1.0]), InvalidArgumentError,
         f"indices[0] = [4] does not index into shape [4] {_ND}"),
        (lambda: _v().scatter_nd_update([[-1]], [1.0]), InvalidArgumentError,
         f"indices[0] = [-1] does not index into shape [4] {_ND}"),
        (lambda: _v().scatter_nd_add([[7]], [1.0]), InvalidArgumentError,
         "indices[0] = [7] does not index into shape [4] [Op:ResourceScatterNdAdd]"),
        (lambda: _m().scatter_nd_update([[0, 1], [2, -1]], [1.0, 2.0]), InvalidArgumentError,
         f"indices[1] = [2, -1] does not index into shape [3,2] {_ND}"),
        (lambda: _v().scatter_nd_update([[1]], [1.0, 2.0]), InvalidArgumentError,
         "Dimensions [0,1) of indices[shape=[1,1]] = 1 must match dimensions [0,1) of "
         f"updates[shape=[2]] = 2 {_ND}"),
        (lambda: _m().scatter_nd_update([[1]], [1.0]), InvalidArgumentError,
         "Dimensions [1,2) of input[shape=[3,2]] must match dimensions [1,1) of "
         f"updates[shape=[1]] {_ND}"),
        (lambda: _m().scatter_nd_update([[1]], [[1.0, 2.0, 3.0]]), InvalidArgumentError,
         "Dimensions [1,2) of input[shape=[3,2]] must match dimensions [1,2) of "
         f"updates[shape=[1,3]] {_ND}"),
        (lambda: _m().scatter_nd_update([[1, 0, 0]], [1.0]), InvalidArgumentError,
         "Dimensions [3,2) of input[shape=[3,2]] must match dimensions [3,1) of "
         f"updates[shape=[1]] {_ND}"),
        (lambda: _m().scatter_nd_update([[[1]]], [[1.0, 2.0]]), InvalidArgumentError,
         "Dimensions [1,2) of input[shape=[3,2]] must match dimensions [1,2) of "
         f"updates[shape=[1,2]] {_ND}"),
        (lambda: _v().scatter_nd_update([[1.0]], [1.0]), InvalidArgumentError,
         f"Value for attr 'Tindices' of float is not in the list of allowed values: int32, "
         f"int64 {_ND}"),
        (lambda: tf.Variable(1.0).scatter_nd_update([[0]], [1.0]), InvalidArgumentError,
         f"Output must be at least 1-D, got shape: [] {_ND}"),
        (lambda: _v().scatter_update(_slices([10.0], [4])), InvalidArgumentError,
         "indices[0] = 4 is not in [0, 4) [Op:ResourceScatterUpdate]"),
        (lambda: _v().scatter_add(_slices([10.0], [4])), InvalidArgumentError,
         "indices[0] = 4 is not in [0, 4) [Op:ResourceScatterAdd]"),
        (lambda: _v().scatter_max(_slices([10.0], [-1])), InvalidArgumentError,
         "indices[0] = -1 is not in [0, 4) [Op:ResourceScatterMax]"),
        (lambda: _v().scatter_div(_slices([10.0, 0.0], [0, 2])), InvalidArgumentError,
         "updates must not contain 0 [Op:ResourceScatterDiv]"),
        (lambda: tf.Variable([1, 2]).scatter_div(_slices([0], [0])), InvalidArgumentError,
         "updates must not contain 0 [Op:ResourceScatterDiv]"),
        (lambda: _m().scatter_update(_slices([1.0, 2.0, 3.0], [1])), InvalidArgumentError,
         "Must have updates.shape = indices.shape + params.shape[1:] or updates.shape = [], "
         "got updates.shape [3], indices.shape [1], params.shape [3,2] "
         "[Op:ResourceScatterUpdate]"),
        (lambda: _m().scatter_update(tf.IndexedSlices(tf.constant([[1.0, 2.0]]),
                                                      tf.constant([1], tf.int8))),
         InvalidArgumentError,
         "Value for attr 'Tindices' of int8 is not in the list of allowed values: int32, "
         "int64 [Op:ResourceScatterUpdate]"),
        (lambda: tf.Variable([True]).scatter_add(_slices([True], [0])), InvalidArgumentError,
         "Value for attr 'dtype' of bool is not in the list of allowed values: float, double, "
         "int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, qint16, "
         "quint16, uint16, complex128, half, uint32, uint64 [Op:ResourceScatterAdd]"),
        (lambda: _v().scatter_update([1.0, 2.0]), TypeError,
         "Argument `sparse_delta` must be a `tf.IndexedSlices`. Received arg: [1.0, 2.0]"),
        (lambda: _v().scatter_update(_slices([10, 20], [0, 2])), ValueError,
         "Tensor conversion requested dtype float32 for Tensor with dtype int32: "
         "<tf.Tensor: shape=(2,), dtype=int32, numpy=array([10, 20], dtype=int32)>"),
    ],
)  # fmt: skip
def test_bad_scatter_raises_tfs_error(run, error, message):
    with pytest.raises(error) as info:
        run()
    assert str(info.value) == message


def test_failed_scatter_leaves_the_variable_unchanged():
    v = _v()
    v.scatter_nd_update([[1]], [9.0])
    for bad in (
        lambda: v.scatter_nd_update([[0], [9]], [1.0, 2.0]),  # second index out of range
        lambda: v.scatter_add(_slices([1.0, 2.0], [0, 4])),
        lambda: v.scatter_div(_slices([2.0, 0.0], [0, 1])),
    ):
        with pytest.raises(InvalidArgumentError):
            bad()
        np.testing.assert_array_equal(v.numpy(), [1, 9, 3, 4])


def test_tape_reads_the_scattered_value_and_scatter_is_not_differentiable():
    v = _v()
    u = tf.constant([10.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(u)
        out = v.scatter_nd_update([[0]], u * 2.0)
        y = tf.reduce_sum(v * v)
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [40, 4, 6, 8])
    assert tape.gradient(y, u) is None
    assert tape.gradient(tf.reduce_sum(out), u) is None


@pytest.mark.parametrize("jit_compile", [None, True])
def test_scatter_in_tf_function_matches_eager(jit_compile):
    v = tf.Variable([0.0, 0.0, 0.0])

    @tf.function(jit_compile=jit_compile)
    def step(i, x):
        v.scatter_nd_add(tf.reshape(i, [1, 1]), tf.reshape(x, [1]))
        return tf.reduce_sum(v)

    assert float(step(tf.constant(1), tf.constant(2.0))) == 2.0
    assert float(step(tf.constant(2), tf.constant(5.0))) == 7.0
    np.testing.assert_array_equal(v.numpy(), [0, 2, 5])
