"""tf.test.compute_gradient: TF's layout, dtypes, default step and errors.

Expected arrays were observed with TF 2.21.
"""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf


def _check(result, theoretical, numerical, dtype):
    assert isinstance(result, tuple) and len(result) == 2
    for got, want in zip(result, (theoretical, numerical)):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            assert g.dtype == dtype and g.shape == np.shape(w)
            np.testing.assert_array_equal(g, np.asarray(w, dtype))


def test_layout_is_one_row_per_output_and_one_column_per_input_element():
    # observed with TF 2.21
    x, w = tf.constant([[1.0, 2.0]]), tf.constant([[1.0], [3.0]])
    result = tf.test.compute_gradient(lambda a, b: tf.matmul(a, b), [x, w])
    _check(result, [[[1, 3]], [[1, 2]]], [[[1, 3]], [[1, 2]]], np.float32)
    result = tf.test.compute_gradient(lambda a: a * a, [tf.constant([1.0, 2.0])])
    _check(result, [[[2, 0], [0, 4]]], [[[2, 0], [0, 4]]], np.float32)


def test_default_step_is_two_to_the_minus_ten():
    # observed with TF 2.21: the numerical derivative of x**3 at 1 is 3 + delta**2 = 3 + 2**-20.
    result = tf.test.compute_gradient(
        lambda a: tf.reduce_sum(a**3), [tf.constant([[1.0, 2.0]], tf.float64)]
    )
    _check(result, [[[3, 12]]], [[[3 + 2.0**-20, 12 + 2.0**-20]]], np.float64)


def test_explicit_delta_and_float32_rounding():
    # observed with TF 2.21: in float32, 12 + 2**-20 rounds to 12; delta 0.1 gives 12.0099945.
    _check(
        tf.test.compute_gradient(lambda a: a**3, [tf.constant(2.0)]), [[[12]]], [[[12]]], np.float32
    )
    result = tf.test.compute_gradient(lambda a: a**3, [tf.constant(2.0)], delta=0.1)
    _check(result, [[[12]]], [[[np.float32(12.0099945)]]], np.float32)


def test_float16_differences_are_taken_in_float16():
    # observed with TF 2.21: 2 + 2**-10 rounds to 2 in float16, so the estimate is 6.
    result = tf.test.compute_gradient(lambda a: a**3, [tf.constant([2.0], tf.float16)])
    _check(result, [[[12]]], [[[6]]], np.float16)


def test_argument_conversion_and_dtype_of_the_result():
    # observed with TF 2.21: Python floats become float32, NumPy arrays keep their dtype,
    # and the Jacobians take the argument's dtype even when the output's differs.
    _check(tf.test.compute_gradient(lambda a: a**3, [2.0]), [[[12]]], [[[12]]], np.float32)
    t, n = tf.test.compute_gradient(lambda a: a**3, [np.array([2.0, 1.0])])
    assert t[0].dtype == n[0].dtype == np.float64
    result = tf.test.compute_gradient(lambda a: tf.cast(a, tf.float64), [tf.constant([2.0, 1.0])])
    _check(result, [np.eye(2)], [np.eye(2)], np.float32)
    result = tf.test.compute_gradient(lambda a: a**3, [tf.Variable([2.0])])
    _check(result, [[[12]]], [[[12]]], np.float32)


def test_unconnected_argument_gets_zeros():
    # observed with TF 2.21
    result = tf.test.compute_gradient(
        lambda a, b: a * 2.0, [tf.constant([2.0, 1.0]), tf.constant(1.0)]
    )
    _check(result, [2 * np.eye(2), [[0], [0]]], [2 * np.eye(2), [[0], [0]]], np.float32)


def test_complex_values_count_as_real_and_imaginary_parts():
    # observed with TF 2.21: d(z**3) at 2+i is 3z**2 = 9+12i, as a real 2x2 block.
    z = tf.constant([2.0 + 1j, 1.0], tf.complex128)
    theoretical, numerical = tf.test.compute_gradient(lambda a: a**3, [z])
    expected = [[9, -12, 0, 0], [12, 9, 0, 0], [0, 0, 3, 0], [0, 0, 0, 3]]
    np.testing.assert_allclose(theoretical[0], expected, atol=1e-12)
    np.testing.assert_allclose(numerical[0], expected, atol=1e-5)
    assert theoretical[0].dtype == np.float64
    real_to_complex = tf.test.compute_gradient(
        lambda a: tf.cast(a, tf.complex64) ** 2, [tf.constant([2.0, 1.0])]
    )
    _check(
        real_to_complex,
        [[[4, 0], [0, 0], [0, 2], [0, 0]]],
        [[[4, 0], [0, 0], [0, 2], [0, 0]]],
        np.float32,
    )
    complex_to_real = tf.test.compute_gradient(
        lambda a: tf.math.real(a) ** 2, [tf.constant([2.0 + 1j], tf.complex64)]
    )
    _check(complex_to_real, [[[4, 0]]], [[[4, 0]]], np.float32)


def test_theoretical_matches_numerical_on_a_composite():
    rng = np.random.default_rng(0)
    x = tf.constant(rng.standard_normal((2, 3)))
    w = tf.constant(rng.standard_normal((3, 4)))
    theoretical, numerical = tf.test.compute_gradient(
        lambda a, b: tf.tanh(tf.matmul(a, b)) * tf.exp(-tf.reduce_sum(a)), [x, w]
    )
    assert [j.shape for j in theoretical] == [(8, 6), (8, 12)]
    for t, n in zip(theoretical, numerical):
        np.testing.assert_allclose(t, n, rtol=1e-5, atol=1e-6)  # central differences: O(delta**2)


def test_bad_arguments():
    # observed with TF 2.21 (TF names its own tensor class)
    with pytest.raises(
        ValueError, match="`x` must be a list or tuple of values convertible to a Tensor"
    ):
        tf.test.compute_gradient(lambda a: a, tf.constant([2.0]))
    with pytest.raises(
        AssertionError, match="Cannot compute gradient for unsupported type int32 of argument 0"
    ):
        tf.test.compute_gradient(lambda a: a, [tf.constant([2, 1])])
    with pytest.raises(AttributeError, match="'tuple' object has no attribute 'shape'"):
        tf.test.compute_gradient(lambda a: (a, 2 * a), [tf.constant([2.0])])
