"""Reliability: deep chains, memory release, and state left clean by errors."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import tapeflow as tf
from tapeflow._core import tape as tape_state


def test_hundred_thousand_op_chain_differentiates_without_recursion():
    x = tf.constant([0.5, 1.0, 1.5, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x
        for i in range(100_000):
            y = tf.sin(y) if i % 2 else y * 1.0001
    g = tape.gradient(y, x)
    assert g.shape == (4,) and np.all(np.isfinite(g.numpy()))


def test_nonpersistent_tape_releases_intermediates_after_gradient():
    x = tf.constant(np.ones(1000, dtype=np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        intermediate = x * 2.0
        y = tf.reduce_sum(intermediate * intermediate)
    ref = weakref.ref(intermediate)
    del intermediate
    tape.gradient(y, x)
    gc.collect()
    assert ref() is None


def test_persistent_tape_releases_on_del():
    x = tf.constant(np.ones(1000, dtype=np.float32))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        intermediate = tf.exp(x)
        y = tf.reduce_sum(intermediate)
    ref = weakref.ref(intermediate)
    del intermediate
    tape.gradient(y, x)
    assert ref() is not None  # still needed for further gradients
    del tape
    gc.collect()
    assert ref() is None


def test_unused_ops_outside_tapes_keep_nothing():
    x = tf.constant(np.ones(10, dtype=np.float32))
    y = x * 2.0
    ref = weakref.ref(y)
    del y
    assert ref() is None


def test_exception_inside_tape_context_leaves_no_active_tape():
    before = len(tape_state.active)
    with pytest.raises(ZeroDivisionError):
        with tf.GradientTape():
            with tf.GradientTape():
                raise ZeroDivisionError
    assert len(tape_state.active) == before and tape_state.state.tapes == []


def test_failed_op_is_not_recorded_and_tape_stays_usable():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        with pytest.raises(tf.errors.InvalidArgumentError, match="Incompatible shapes"):
            _ = x + tf.constant([1.0, 2.0, 3.0])
        y = x * 3.0
    assert len(tape._tape.entries) == 1
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [3.0, 3.0])


def test_failed_assign_leaves_variable_unchanged():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        v.assign_add(tf.constant([1.0, 2.0], tf.float64))
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])


def test_failed_gradient_call_leaves_the_tape_usable():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(AttributeError):
        tape.gradient(y, 3.0)
    assert tape.gradient(y, x).numpy() == 4.0
    with pytest.raises(RuntimeError, match="non-persistent"):
        tape.gradient(y, x)


def test_in_place_gradient_sums_never_touch_visible_buffers():
    # Large gradients are summed in place only when the walk alone owns the buffer.
    x = tf.constant(np.linspace(-1.0, 1.0, 10_000, dtype=np.float32))
    upstream = tf.constant(np.full(10_000, 2.0, dtype=np.float32))
    before = upstream.numpy().copy()
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x + x + tf.sin(x) * x + tf.identity(x)
    g = tape.gradient(y, x, output_gradients=upstream)
    expected = 2.0 * (3.0 + np.cos(x.numpy()) * x.numpy() + np.sin(x.numpy()))
    np.testing.assert_allclose(g.numpy(), expected, rtol=1e-5)
    np.testing.assert_array_equal(upstream.numpy(), before)
    # A second gradient from the same persistent tape sees the same values.
    np.testing.assert_allclose(
        tape.gradient(y, x, output_gradients=upstream).numpy(), expected, rtol=1e-5
    )
