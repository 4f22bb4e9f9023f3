"""`x[i]` with a call-dependent scalar int tensor `i` inside a traced tf.function: recorded
as a TensorIndex op whose index is an input, so the trace replays (no eager fallback) and
gives bit for bit what the eager body gives."""

from __future__ import annotations

import logging

import numpy as np
import pytest

import tapeflow as tf
from tapeflow._compile.function import _Program

X = tf.constant(np.arange(20.0).reshape(4, 5) * 0.37 - 2.0)


def _replayed(f) -> bool:
    traces = f._compiled.traces
    return bool(traces) and all(type(p) is _Program for p in traces.values())


def _assert_same(a, b):
    fa, fb = tf.nest.flatten(a), tf.nest.flatten(b)
    assert len(fa) == len(fb)
    for x, y in zip(fa, fb):
        if y is None:
            assert x is None
            continue
        x, y = tf.convert_to_tensor(x), tf.convert_to_tensor(y)
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_array_equal(x.numpy(), y.numpy())


def _check_replays(body, calls, caplog, jit_compile=False):
    """Every call of `tf.function(body)` equals `body` eagerly, from one trace replayed."""
    count = [0]

    def counted(*args):
        count[0] += 1
        return body(*args)

    f = tf.function(counted, jit_compile=jit_compile)
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tapeflow"):
        for args in calls:
            _assert_same(f(*args), body(*args))
    assert count[0] == 1  # traced once, then replayed
    assert _replayed(f)
    assert not [r for r in caplog.records if "eagerly" in r.getMessage()]
    return f


@pytest.mark.parametrize("jit_compile", [False, True])
@pytest.mark.parametrize("dtype", [tf.int32, tf.int64])
def test_plain_indices_replay_like_eager(caplog, jit_compile, dtype):
    def body(i):
        return X[i], X[i, 1], X[:, i], X[1, i], X[..., i], X[tf.newaxis, i], X[-i - 1]

    calls = [(tf.constant(v, dtype),) for v in (0, 3, 2, 1, -2, -4)]
    _check_replays(body, calls, caplog, jit_compile)


def test_two_tensor_indices_and_a_computed_index(caplog):
    def body(i, j):
        return X[i, j], X[i % 4, 4 - j % 5], X[[i, j]]

    calls = [(tf.constant(a), tf.constant(b)) for a, b in ((0, 0), (3, 4), (-1, 2), (2, -5))]
    _check_replays(body, calls, caplog)


def test_while_loop_body_indexes_by_its_counter(caplog):
    def body(n):
        return tf.while_loop(
            lambda i, s: i < n,
            lambda i, s: (i + 1, s + X[i] * X[-1 - i]),
            (tf.constant(0), tf.zeros([5], tf.float64)),
        )

    _check_replays(body, [(tf.constant(n),) for n in (1, 4, 2, 0, 3)], caplog)


def test_while_loop_body_indexes_by_its_counter_under_a_tape(caplog):
    # A fixed trip count: a loop under a tape whose count changes between calls runs
    # eagerly for reasons of its own (trace.py), with or without tensor indices.
    def body(k, x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            _, s = tf.while_loop(
                lambda i, s: i < 3,
                lambda i, s: (i + 1, s + x[(i + k) % 4] * x[k]),
                (tf.constant(0), tf.zeros([5], tf.float64)),
            )
            loss = tf.reduce_sum(tf.sin(s))
        return s, tape.gradient(loss, x)

    calls = [(tf.constant(k), X) for k in (1, 0, 3, -2, 2)]
    _check_replays(body, calls, caplog)


def test_gradients_scatter_into_zeros_and_second_order(caplog):
    def body(i, x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.reduce_sum(x[i] ** 3) + x[i, 2] * x[0, i]
            g = inner.gradient(y, x)
            z = tf.reduce_sum(g * g)
        return y, g, outer.gradient(z, x)

    calls = [(tf.constant(v), X) for v in (1, 3, 0, -1)]
    _check_replays(body, calls, caplog)
    # the first-order gradient is the slice scattered into zeros
    x = tf.constant(np.ones((3, 2)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.function(lambda i: x[i] * 2.0)(tf.constant(1))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [[0, 0], [2, 2], [0, 0]])


def test_forward_mode_through_a_traced_index(caplog):
    def body(i, x):
        with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x) * 0.5) as acc:
            y = x[i] * x[i]
        return y, acc.jvp(y)

    calls = [(tf.constant(v), X) for v in (2, 0, -3)]
    _check_replays(body, calls, caplog)


def test_a_variable_indexed_by_a_tensor_replays(caplog):
    v = tf.Variable(np.arange(6.0).reshape(3, 2))

    def body(i):
        v.assign_add(tf.ones([3, 2], tf.float64))
        return v[i], v[i, 0] * 2.0

    f = tf.function(body)
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tapeflow"):
        got = [f(tf.constant(k)) for k in (0, 2, 1, -1)]
    assert _replayed(f)
    assert not [r for r in caplog.records if "eagerly" in r.getMessage()]
    base = np.arange(6.0).reshape(3, 2)
    for n, (k, (row, item)) in enumerate(zip((0, 2, 1, -1), got)):
        np.testing.assert_array_equal(row.numpy(), base[k] + n + 1)
        assert item.numpy() == (base[k, 0] + n + 1) * 2.0


def test_assigning_a_tensor_indexed_variable_slice_stays_correct():
    v = tf.Variable(np.zeros((3, 2)))

    @tf.function
    def f(i):
        v[i].assign(tf.constant([1.0, 2.0], tf.float64))
        return v[i]

    for k in (0, 2, -2):
        np.testing.assert_array_equal(f(tf.constant(k)).numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(v.numpy(), [[1, 2], [1, 2], [1, 2]])


@pytest.mark.parametrize("jit_compile", [False, True])
def test_out_of_range_at_replay_raises_tf_error_and_changes_nothing(jit_compile):
    v = tf.Variable(np.arange(4.0))
    x = tf.constant(np.arange(12.0).reshape(4, 3))

    @tf.function(jit_compile=jit_compile)
    def f(i):
        v.assign_add(tf.ones([4], tf.float64))
        return x[i] + v[i]

    f(tf.constant(1))
    assert _replayed(f)
    before = v.numpy().copy()
    for bad, shown in ((4, 4), (5, 5), (-5, -1), (-9, -5)):
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            f(tf.constant(bad))
        assert e.value.message == (
            f"slice index {shown} of dimension 0 out of bounds. [Op:StridedSlice]"
        )
        np.testing.assert_array_equal(v.numpy(), before)
    np.testing.assert_array_equal(f(tf.constant(-4)).numpy(), x.numpy()[0] + before[0] + 1)
    assert _replayed(f)


def test_out_of_range_while_tracing_raises_the_eager_error():
    @tf.function
    def f(i):
        return X[0, i]

    with pytest.raises(tf.errors.InvalidArgumentError) as e:
        f(tf.constant(7))
    assert e.value.message == "slice index 7 of dimension 1 out of bounds. [Op:StridedSlice]"
    np.testing.assert_array_equal(f(tf.constant(4)).numpy(), X.numpy()[0, 4])


def test_tensor_slice_bounds_still_give_eager_results():
    @tf.function
    def f(i):
        return X[i : i + 2], X[:, i:]

    for k in (0, 2, 3):
        _assert_same(f(tf.constant(k)), (X[k : k + 2], X[:, k:]))


def test_bad_index_types_keep_tf_type_errors():
    @tf.function
    def f(i):
        return X[i]

    with pytest.raises(TypeError, match="Only integers, slices"):
        f(tf.constant([0, 1]))
    with pytest.raises(TypeError, match="Only integers, slices"):
        f(tf.constant(1.0))


def test_eager_indexing_keeps_its_path(monkeypatch):
    from tapeflow.ops import array_ops

    def never(*args):
        raise AssertionError("eager indexing went through traced_index")

    monkeypatch.setattr(array_ops, "traced_index", never)
    i = tf.constant(2)
    _assert_same(X[i], tf.constant(X.numpy()[2]))
    _assert_same(X[:, i], tf.constant(X.numpy()[:, 2]))


def test_an_int_variable_as_index_replays(caplog):
    k = tf.Variable(0)

    def body(step):
        k.assign((k + step) % 4)
        return X[k], X[1, k]

    f = tf.function(body)
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tapeflow"):
        got = [f(tf.constant(s)) for s in (1, 2, 3, 3)]
    assert _replayed(f)
    assert not [r for r in caplog.records if "eagerly" in r.getMessage()]
    for (row, item), want in zip(got, (1, 3, 2, 1)):
        np.testing.assert_array_equal(row.numpy(), X.numpy()[want])
        assert item.numpy() == X.numpy()[1, want]


def test_vectorized_map_with_per_example_indices_does_not_warn(caplog):
    # TF 2.21 converts x[i] with a per-example i without its while_loop warning.
    idx = tf.constant([0, 3, -1, 2])
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="tapeflow"):
        with tf.GradientTape() as tape:
            tape.watch(X)
            y = tf.vectorized_map(lambda i: X[i] * X[i, 1], idx)
        g = tape.gradient(y, X)
    assert not [r for r in caplog.records if "while_loop" in r.getMessage()]
    x = X.numpy()
    want = np.stack([x[k] * x[k, 1] for k in (0, 3, -1, 2)])
    np.testing.assert_array_equal(y.numpy(), want)
    eager = tf.GradientTape()
    with eager:
        eager.watch(X)
        z = tf.stack([X[k] * X[k, 1] for k in (0, 3, -1, 2)])
    np.testing.assert_array_equal(g.numpy(), eager.gradient(z, X).numpy())
