"""Conversion and array corner cases, as observed on TF 2.21 (found while building the
control-flow goldens): NumPy values cast to a requested dtype as NumPy's astype casts, an
empty stack is an empty float32 vector, an empty concat is the kernel's error, and eager
tensors' graph-only properties say why they are missing."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf


@pytest.mark.parametrize(
    "value, dtype, expected",
    [
        (np.array([1.5, -2.7]), tf.int32, [1, -2]),  # truncated toward zero
        (np.float64(1.5), tf.int32, 1),
        (np.float32(2.5), tf.int64, 2),
        (np.array([1 + 2j]), tf.float32, [1.0]),  # the imaginary part dropped
        (np.array([1.5, 0.0]), tf.bool, [True, False]),
        (np.array([2, 0]), tf.bool, [True, False]),
        (np.array([1.5]), tf.uint8, [1]),
        (np.array([300]), tf.uint8, [44]),  # wraps
    ],
)
def test_numpy_values_cast_to_a_requested_dtype_as_tf_does(value, dtype, expected):
    for convert in (tf.convert_to_tensor, tf.constant):
        t = convert(value, dtype=dtype)
        assert t.dtype == dtype
        assert t.numpy().tolist() == expected


def test_python_values_still_refuse_a_lossy_dtype():
    # TF 2.21: TypeError "Cannot convert [1.5] to EagerTensor of dtype int32".
    with pytest.raises(TypeError):
        tf.convert_to_tensor([1.5], dtype=tf.int32)


def test_an_empty_stack_is_an_empty_float_vector():
    t = tf.stack([])
    assert t.dtype == tf.float32 and t.shape == (0,)


def test_a_stack_of_mismatched_shapes_names_the_first_mismatch():
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.stack([tf.ones([2]), tf.ones([2]), tf.ones([3])])
    assert str(info.value) == (
        "Shapes of all inputs must match: values[0].shape = [2] != values[2].shape = [3] [Op:Pack]"
    )


def test_an_empty_concat_is_the_kernels_error():
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.concat([], 0)
    assert str(info.value).startswith(
        "OpKernel 'ConcatV2' has constraint on attr 'T' not in NodeDef '[N=0, Tidx=DT_INT32]'"
    )


@pytest.mark.parametrize("attribute", ["name", "op", "graph"])
def test_graph_only_properties_say_why(attribute):
    with pytest.raises(AttributeError) as info:
        getattr(tf.constant([1.0, 2.0]), attribute)
    assert str(info.value) == f"Tensor.{attribute} is undefined when eager execution is enabled."
    assert tf.Variable(1.0, name="v").name == "v:0"


@pytest.mark.parametrize(
    "make, shape",
    [
        (tf.zeros, tf.TensorShape([None, 2])),
        (tf.ones, tf.TensorShape(None)),
        (lambda s: tf.fill(s, 1.0), tf.TensorShape([None])),
        (lambda s: tf.reshape(tf.ones([2]), s), tf.TensorShape([None])),
    ],
)
def test_a_partially_known_shape_argument_is_tfs_value_error(make, shape):
    # TF 2.21: "Cannot convert a partially known TensorShape (None, 2) to a Tensor."
    with pytest.raises(ValueError) as info:
        make(shape)
    assert str(info.value) == f"Cannot convert a partially known TensorShape {shape} to a Tensor."
    assert tf.zeros(tf.TensorShape([2, 3])).shape == (2, 3)


# TF 2.21's dtype for lists mixing Python and NumPy scalars: a NumPy float (or complex) first
# carries its dtype; NumPy ints count as Python ints (int32, int64 when a value needs it,
# float32 when a float follows); a NumPy float after a Python number counts as a float.
# (tapeflow gave int64 [1, 2] for [np.int64(1), 2.5] and int32 [1, 0] for
# [np.int32(1), 2**40]: wrong numbers.)
@pytest.mark.parametrize(
    "value, dtype, expected",
    [
        ([1, np.float64(2.5)], "float32", [1.0, 2.5]),
        ([np.int64(1), 2.5], "float32", [1.0, 2.5]),
        ([np.float64(1.5), 2.0], "float64", [1.5, 2.0]),
        ([np.float32(1), 2.0], "float32", [1.0, 2.0]),
        ([np.int32(1), 2**40], "int64", [1, 2**40]),
        ([1, np.int64(2**40)], "int64", [1, 2**40]),
        ([[np.float64(1)], [2.0]], "float64", [[1.0], [2.0]]),
        ([np.float16(1), 2.0], "float16", [1.0, 2.0]),
        ([1, np.float32(2)], "float32", [1.0, 2.0]),
        ([np.int8(1), 2], "int32", [1, 2]),
        ([True, np.bool_(False)], "bool", [True, False]),
        (range(3), "int32", [0, 1, 2]),
        ([range(2), range(2)], "int32", [[0, 1], [0, 1]]),
    ],
)
def test_mixed_python_and_numpy_scalars_convert_as_tf(value, dtype, expected):
    t = tf.constant(value)
    assert t.dtype.name == dtype
    assert t.numpy().tolist() == expected
