"""tapeflow.experimental.tape_stats on a known tape, and its errors for bad use."""

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.experimental import tape_stats


def test_stats_of_a_known_tape():
    x = tf.constant(np.ones((10, 10), np.float32))  # 400 bytes
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * 2.0  # Mul: x, the constant 2.0 (4 bytes), y (400 bytes)
        z = tf.reduce_sum(y)  # Sum: y and z (4 bytes); its axes are an attribute
    stats = tape_stats(tape, top=2)
    assert stats.entries == 2
    assert stats.tensors_held == 4
    assert stats.bytes_held == 400 + 4 + 400 + 4
    assert stats.largest_holders == [
        (400, "Mul", 0, (10, 10), "float32"),
        (400, "Mul", 0, (10, 10), "float32"),
    ]
    assert z is not None


def test_released_or_unused_tape_raises_clearly():
    x = tf.constant(1.0)
    with pytest.raises(ValueError, match="never entered"):
        tape_stats(tf.GradientTape())
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(ValueError, match="already computed a gradient"):
        tape_stats(tape)
    with pytest.raises(TypeError, match="Expected a tf.GradientTape"):
        tape_stats(object())
