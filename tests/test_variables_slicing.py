"""Sliced Variable assignment (`v[key].assign(value)`, TF's ResourceStridedSliceAssign).

Every expected value and error text below was observed on TF 2.21 (TF prefixes its kernel
messages with `{{function_node ...}}` and appends ` name: strided_slice/_assign`; tapeflow
keeps the message and the `[Op:...]` tag).
"""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf


def _v():
    return tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def test_a_variables_slice_is_an_eager_tensor_with_assign():
    v = _v()
    s = v[0, 1]
    assert type(s).__name__ == "EagerTensor"
    assert repr(s) == "<tf.Tensor: shape=(), dtype=float32, numpy=2.0>"
    assert hasattr(s, "assign") and not hasattr(tf.constant(1.0), "assign")


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ((0, 1), 10.0, [[1, 10, 3], [4, 5, 6]]),
        ((Ellipsis, 0), [7.0, 8.0], [[7, 2, 3], [8, 5, 6]]),
        ((None, 0), [[0.0, 0.0, 0.0]], [[0, 0, 0], [4, 5, 6]]),
        ((0,), 3.0, [[3, 3, 3], [4, 5, 6]]),  # a scalar broadcasts
        ((slice(None), slice(None, None, 2)), [[9.0, 9.0], [9.0, 9.0]], [[9, 2, 9], [9, 5, 9]]),
        ((slice(None, None, -1), slice(1, None)), [[1.0, 1.0], [2.0, 2.0]], [[1, 2, 2], [4, 1, 1]]),
        ((slice(1, 1),), [[10.0, 20.0], [30.0, 40.0]], [[1, 2, 3], [4, 5, 6]]),  # empty: no-op
    ],
)
def test_sliced_assign_writes_the_slice(key, value, expected):
    v = _v()
    out = v[key].assign(value)
    assert out.name == "UnreadVariable" and isinstance(out, tf.Variable)
    np.testing.assert_array_equal(v.numpy(), np.array(expected, np.float32))
    np.testing.assert_array_equal(out.numpy(), v.numpy())


def test_sliced_assign_with_tensor_indices_and_newaxis():
    v = tf.Variable([[1, 2], [3, 4]])
    v[tf.constant(1)].assign([0, 0])
    v[0, tf.constant(1)].assign(7)
    v[:, None, 0].assign([[9], [8]])
    np.testing.assert_array_equal(v.numpy(), [[9, 7], [8, 0]])
    s = tf.Variable(3.0)
    s[...].assign(4.0)
    s[None].assign([5.0])
    assert s.numpy() == 5.0 and s.shape == ()


@pytest.mark.parametrize(
    "make_key, value, error, message",
    [
        (lambda v: v[0], [1.0, 2.0], tf.errors.InvalidArgumentError,
         "Cannot broadcast input shape [2] into final shape [3] [Op:ResourceStridedSliceAssign]"),
        (lambda v: v[0, 1], [1.0, 2.0], tf.errors.InvalidArgumentError,
         "Cannot broadcast input shape [2] into final shape [] [Op:ResourceStridedSliceAssign]"),
        (lambda v: v[1:], [[1.0], [2.0]], tf.errors.InvalidArgumentError,
         "Cannot broadcast input shape [2,1] into final shape [1,3] "
         "[Op:ResourceStridedSliceAssign]"),
        (lambda v: v[0], tf.constant([1, 2, 3]), ValueError,
         "Tensor conversion requested dtype float32 for Tensor with dtype int32: "
         "<tf.Tensor: shape=(3,), dtype=int32, numpy=array([1, 2, 3], dtype=int32)>"),
    ],
)  # fmt: skip
def test_bad_sliced_assign_raises_and_leaves_the_variable(make_key, value, error, message):
    v = _v()
    with pytest.raises(error) as info:
        make_key(v).assign(value)
    assert str(info.value) == message
    np.testing.assert_array_equal(v.numpy(), [[1, 2, 3], [4, 5, 6]])


def test_int_variable_slice_rejects_floats_as_tf():
    v = tf.Variable([[1, 2], [3, 4]])
    with pytest.raises(TypeError) as info:
        v[0].assign([1.5, 2.0])
    assert str(info.value) == "Cannot convert [1.5, 2.0] to EagerTensor of dtype int32"


_NO_ATTRIBUTE = "'EagerTensor' object has no attribute '{}'"


@pytest.mark.parametrize(
    "run, missing",
    [
        (lambda v: v[1:].assign_add([[1.0, 1.0, 1.0]]), "assign_add"),
        (lambda v: v[:, ::2].assign_sub(1.0), "assign_sub"),
        (lambda v: tf.constant([1.0, 2.0])[0].assign(3.0), "assign"),
        (lambda v: v[0][0].assign(5.0), "assign"),
    ],
)
def test_only_assign_exists_and_only_on_a_variables_slice(run, missing):
    # TF attaches only `assign` to a variable's slice: no assign_add/assign_sub, and a
    # slice of a slice or of a constant has none (TF's text names ops.EagerTensor in full).
    with pytest.raises(AttributeError) as info:
        run(_v())
    assert str(info.value) == _NO_ATTRIBUTE.format(missing)


@pytest.mark.parametrize(
    "run, message",
    [
        (lambda v: v[5].assign(3), "slice index 5 of dimension 0 out of bounds."),
        (lambda v: v[0, 0, 0].assign(5),
         "Index out of range using input dim 2; input has only 2 dims"),
        (lambda v: v[..., ...].assign(5), "Multiple ellipses in slice spec not allowed"),
        (lambda v: v[0:2:0].assign(5), "strides[0] must be non-zero"),
        (lambda v: tf.Variable(1.0)[0].assign(5.0), "Attempting to slice scalar input."),
    ],
)  # fmt: skip
def test_bad_index_raises_strided_slices_error(run, message):
    v = tf.Variable([[1, 2], [3, 4]])
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        run(v)
    assert str(info.value) == message + " [Op:StridedSlice]"
    np.testing.assert_array_equal(v.numpy(), [[1, 2], [3, 4]])


def test_tape_sees_sliced_assignment_as_tf():
    v = _v()
    with tf.GradientTape() as tape:
        v[0].assign([0.0, 0.0, 0.0])
        z = tf.reduce_sum(v * v)  # reads the new value
    np.testing.assert_array_equal(tape.gradient(z, v).numpy(), [[0, 0, 0], [8, 10, 12]])

    with tf.GradientTape(persistent=True) as tape:
        w = tf.constant([1.0, 2.0])
        tape.watch(w)
        v2 = tf.Variable([0.0, 0.0, 0.0])
        s = v2[1:]
        before = tf.reduce_sum(s * s)
        z = tf.reduce_sum(s.assign(w))
    assert tape.gradient(z, w) is None  # assignment is not differentiable
    np.testing.assert_array_equal(tape.gradient(z, v2).numpy(), [1, 1, 1])
    np.testing.assert_array_equal(tape.gradient(before, v2).numpy(), [0, 0, 0])


@pytest.mark.parametrize("jit_compile", [None, True])
def test_sliced_assign_inside_tf_function_matches_eager(jit_compile):
    v = tf.Variable([1.0, 2.0, 3.0])

    @tf.function(jit_compile=jit_compile)
    def step(x):
        v[1:].assign(x)
        return tf.reduce_sum(v)

    assert float(step(tf.constant([5.0, 6.0]))) == 12.0
    assert float(step(tf.constant([7.0, 8.0]))) == 16.0
    np.testing.assert_array_equal(v.numpy(), [1, 7, 8])


def test_strided_slice_with_var_assigns_to_that_variable():
    # Observed on TF 2.21, including its wart: without a name (on the call or the
    # assign) the assign builds `None + "_assign"` and raises TypeError.
    v = _v()
    s = tf.strided_slice(v, [0, 1], [2, 3], var=v)
    np.testing.assert_array_equal(s.numpy(), [[2, 3], [5, 6]])
    with pytest.raises(TypeError) as info:
        s.assign([[0.0, 0.0], [9.0, 9.0]])
    assert str(info.value) == "unsupported operand type(s) for +: 'NoneType' and 'str'"
    s.assign([[0.0, 0.0], [9.0, 9.0]], name="q")
    tf.strided_slice(v, [1], [2], shrink_axis_mask=1, var=v, name="s").assign(7.0)
    np.testing.assert_array_equal(v.numpy(), [[1, 0, 0], [7, 7, 7]])
    w = tf.Variable(tf.zeros([2, 3]))
    tf.strided_slice(v, [1], [2], shrink_axis_mask=1, var=w, name="s").assign(7.0)
    np.testing.assert_array_equal(w.numpy(), [[0, 0, 0], [7, 7, 7]])
    with pytest.raises(AttributeError):
        tf.strided_slice(v, [1], [2]).assign(7.0)
