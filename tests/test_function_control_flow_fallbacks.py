"""Constructs that used to make a `tf.function(jit_compile=True)` signature run eagerly and
now replay: tf.while_loop with maximum_iterations or shape-changing loop variables,
tf.case(exclusive=True). Each checked bit for bit against running the body eagerly."""

from __future__ import annotations

import numpy as np
import pytest
from replay_checks import assert_same as _assert_same
from replay_checks import replayed as _replayed

import tapeflow as tf


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


# -- TensorArrays as tf.while_loop variables: carried as a Flow, their methods steps ------------


def fibonacci(n):
    """TF's TensorArray docstring example (inside a function reads never clear)."""
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True, clear_after_read=False)
    ta = ta.write(0, 0.0).write(1, 1.0)

    def body(i, ta):
        return i + 1, ta.write(i, ta.read(i - 1) + ta.read(i - 2))

    _, ta = tf.while_loop(lambda i, ta: i < n, body, (tf.constant(2), ta))
    return ta.stack(), ta.size()


def test_tensor_array_loop_variables_replay_like_eager():
    f = _check(fibonacci, [(tf.constant(k),) for k in (6, 6, 9, 6)])
    np.testing.assert_array_equal(f(tf.constant(6))[0].numpy(), [0, 1, 1, 2, 3, 5])


def test_tensor_arrays_written_and_read_by_a_call_dependent_index_replay():
    def body(x, k):
        n = tf.shape(x)[0]  # a size computed in the function: guarded on replay
        out = tf.TensorArray(tf.float32, size=n)
        src = tf.TensorArray(tf.float32, size=n, clear_after_read=False).unstack(x)
        total = tf.TensorArray(tf.float32, size=0, dynamic_size=True)

        def step(i, acc, out, total):
            acc = acc + src.read(i % n) * 2.0  # a captured array read in the loop
            return i + 1, acc, out.write(i % n, acc), total.write(i, tf.reduce_sum(acc))

        _, acc, out, total = tf.while_loop(
            lambda i, *_: i < k, step, (tf.constant(0), tf.zeros([2]), out, total)
        )
        return acc, out.stack(), total.stack()

    x = tf.constant(np.arange(6.0, dtype=np.float32).reshape(3, 2))
    # 5 iterations each (the stacked length is what the trace has); other counts run eagerly.
    _check(body, [(x, tf.constant(5)), (x * 2.0, tf.constant(5)), (x, tf.constant(3))])


def test_a_tensor_array_error_on_replay_is_the_eager_error():
    def body(k):
        ta = tf.TensorArray(tf.float32, size=3)
        _, ta = tf.while_loop(
            lambda i, ta: i < k, lambda i, ta: (i + 1, ta.write(i, 1.0)), (tf.constant(0), ta)
        )
        return ta.stack()

    f = tf.function(body, jit_compile=True)
    _assert_same(f(tf.constant(2)), body(tf.constant(2)))
    with pytest.raises(tf.errors.OutOfRangeError) as replayed:
        f(tf.constant(4))
    with pytest.raises(tf.errors.OutOfRangeError) as eager:
        body(tf.constant(4))
    assert str(replayed.value) == str(eager.value)
    assert _replayed(f)


def _random_array_loop(rng):
    """Fixed or dynamic arrays written (and reread) in a loop, a captured array read at the
    loop index, a loop variable growing sometimes, the size taken."""
    dynamic, rereads, grows = rng.random() < 0.5, rng.random() < 0.5, rng.random() < 0.3
    element = rng.choice([[], [2]])

    def body(x, k):
        n = tf.shape(x)[0]
        out = tf.TensorArray(
            tf.float32,
            size=0 if dynamic else 8,
            dynamic_size=dynamic,
            clear_after_read=False,
            element_shape=element,
        )
        src = tf.TensorArray(tf.float32, size=n, clear_after_read=False).unstack(x)

        def step(i, acc, out, g):
            v = src.read(i % n)
            acc = acc + (v if element else tf.reduce_sum(v)) * 0.5
            out = out.write(i, acc)
            if rereads:
                acc = acc + out.read(i) * 0.25
            if grows:
                g = tf.concat([g, g[:1] * 0.5], 0)
            return i + 1, acc, out, g

        loop_vars = (tf.constant(0), tf.zeros(element), out, tf.ones([1]))
        _, acc, out, g = tf.while_loop(lambda i, *_: i < k, step, loop_vars)
        return acc, out.stack(), g, out.size()

    return body


def test_generated_tensor_array_loops_replay_like_eager():
    # Counts whose stacked length differs from the traced one run eagerly.
    import random

    x = tf.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
    for seed in range(16):
        body = _random_array_loop(random.Random(seed))
        f = tf.function(body, jit_compile=True)
        for k in (4, 4, 2, 6, 0):
            _assert_same(f(x, tf.constant(k)), body(x, tf.constant(k)))
        assert _replayed(f)


def test_conds_inside_vectorized_map_run_per_example_also_under_jit():
    # vectorized_map's recorder is a Trace too, which records no construct steps: a cond
    # with a per-example predicate runs per example there (it raised a KeyError), with a
    # tape inside as well, eagerly and inside a replayed function.
    w = tf.Variable([0.5, -1.0])

    def plain(x):
        return tf.cond(
            tf.reduce_sum(x) > 0,
            lambda: tf.reduce_sum(tf.sin(x) * w),
            lambda: tf.reduce_sum(x * w * w),
        )

    def with_tape(x):
        with tf.GradientTape() as tape:
            y = plain(x)
        return tape.gradient(y, w)

    xs = tf.constant(np.random.default_rng(9).standard_normal((5, 2)).astype(np.float32))
    for fn in (plain, with_tape):
        want = tf.stack([fn(x) for x in tf.unstack(xs)])
        _assert_same(tf.vectorized_map(fn, xs), want)
        f = tf.function(lambda xs, fn=fn: tf.vectorized_map(fn, xs), jit_compile=True)
        for _ in range(2):
            _assert_same(f(xs), want)
