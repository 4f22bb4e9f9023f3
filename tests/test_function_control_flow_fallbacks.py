"""Constructs that used to make a `tf.function(jit_compile=True)` signature run eagerly and
now replay: tf.while_loop with maximum_iterations or shape-changing loop variables,
tf.case(exclusive=True). Each checked bit for bit against running the body eagerly."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from tapeflow._compile.function import _Program


def _replayed(f) -> bool:
    traces = f._compiled.traces
    return bool(traces) and all(type(p) is _Program for p in traces.values())


def _assert_same(a, b):
    fa, fb = tf.nest.flatten(a), tf.nest.flatten(b)
    assert len(fa) == len(fb)
    for x, y in zip(fa, fb):
        x, y = tf.convert_to_tensor(x), tf.convert_to_tensor(y)
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_array_equal(x.numpy(), y.numpy())


def _check(body, calls):
    f = tf.function(body, jit_compile=True)
    for args in calls:
        _assert_same(f(*args), body(*args))
    assert _replayed(f) and f.experimental_get_tracing_count() == 1, body.__name__
    return f


def test_maximum_iterations_replays_with_a_call_dependent_bound():
    def body(x, n):
        doubled = tf.while_loop(lambda y: y < 100.0, lambda y: [y * 2.0], [x], maximum_iterations=n)
        counted = tf.while_loop(
            lambda i, y: True,
            lambda i, y: (i + 1, y - 1.0),
            (tf.constant(0), x),
            maximum_iterations=3,
        )
        return doubled, counted

    calls = [(tf.constant(v), tf.constant(k)) for v, k in ((1.0, 3), (2.0, 10), (0.5, 0), (3.0, 2))]
    _check(body, calls)
    calls64 = [(tf.constant(1.5), tf.constant(k, tf.int64)) for k in (4, 1, 9)]
    _check(body, calls64)


def test_maximum_iterations_under_a_tape_replays_its_gradient():
    def body(x, n):
        with tf.GradientTape() as tape:
            tape.watch(x)
            (y,) = tf.while_loop(
                lambda y: y < 50.0, lambda y: [y * y + x], [x], maximum_iterations=n
            )
        return y, tape.gradient(y, x)

    _check(body, [(tf.constant(v), tf.constant(k)) for v, k in ((1.5, 4), (1.1, 2), (2.0, 6))])


def test_shape_changing_loop_variables_replay_per_shape():
    def body(x):
        (y,) = tf.while_loop(
            lambda y: tf.reduce_sum(y) < 10.0,
            lambda y: [tf.concat([y, y * 0.5], 0)],
            [x],
            shape_invariants=[tf.TensorShape([None])],
        )
        return y, tf.shape(y)

    f = tf.function(body, jit_compile=True)
    # [1.0] grows to 5 doublings; [1.5] and [1.25] take the same shapes, so they replay;
    # [20.0] (no iteration) and [4.0] end with other shapes: those calls run eagerly.
    for value in ([1.0], [1.5], [20.0], [4.0], [1.25]):
        x = tf.constant(value)
        _assert_same(f(x), body(x))
    assert _replayed(f) and f.experimental_get_tracing_count() == 1


def test_exclusive_case_replays_and_still_raises_tfs_error():
    def body(x):
        pairs = [(x < 0, lambda: -x), (x > 2, lambda: x * 10.0), (x > 5, lambda: x)]
        return tf.case(pairs, default=lambda: x + 0.5, exclusive=True)

    f = _check(body, [(tf.constant(v),) for v in (1.0, -1.0, 3.0, 0.0)])
    with pytest.raises(tf.errors.InvalidArgumentError, match="exclusive=True") as replayed:
        f(tf.constant(7.0))
    with pytest.raises(tf.errors.InvalidArgumentError) as eager:
        body(tf.constant(7.0))
    assert str(replayed.value) == str(eager.value)
    assert f(tf.constant(4.0)).numpy() == 40.0  # nothing broken by the failed call
