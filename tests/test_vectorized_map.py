"""tf.vectorized_map's behaviour beyond the goldens: the replay's special paths."""

from __future__ import annotations

import itertools
import logging

import numpy as np
import pytest

import tapeflow as tf
from tapeflow._core import tape as _tape


def _loop(fn, *elems):
    rows = [fn(*[e[i] for e in elems]) for i in range(elems[0].shape[0])]
    return np.stack([r.numpy() for r in rows])


@pytest.mark.parametrize(
    "transpose_a, transpose_b", list(itertools.product([False, True], repeat=2))
)
@pytest.mark.parametrize("k", [1, 3])
def test_matmul_fast_paths_match_the_loop(transpose_a, transpose_b, k):
    rng = np.random.default_rng(0)
    a = tf.constant(rng.normal(size=(4,) + ((k, 2) if transpose_a else (2, k))))
    b = tf.constant(rng.normal(size=(4,) + ((5, k) if transpose_b else (k, 5))))

    def fn(x, y):
        return tf.matmul(x, y, transpose_a=transpose_a, transpose_b=transpose_b)

    both = tf.vectorized_map(lambda e: fn(*e), (a, b), fallback_to_while_loop=False)
    np.testing.assert_allclose(both.numpy(), _loop(fn, a, b), rtol=1e-12)
    shared = b[0]
    left = tf.vectorized_map(lambda x: fn(x, shared), a, fallback_to_while_loop=False)
    np.testing.assert_allclose(left.numpy(), _loop(lambda x: fn(x, shared), a), rtol=1e-12)


def test_a_value_read_in_python_runs_fn_per_example():
    x = tf.constant([1.0, -2.0, 3.0])

    def fn(v):
        return v * 2.0 if float(v) > 0 else -v  # a Python branch on the value

    np.testing.assert_array_equal(tf.vectorized_map(fn, x).numpy(), [2.0, 2.0, 6.0])


def test_an_op_without_a_rule_warns_with_tfs_text(caplog):
    x = tf.constant(np.eye(2)[None].repeat(3, 0) * np.array([1.0, 2.0, 3.0])[:, None, None])
    with caplog.at_level(logging.WARNING, logger="tapeflow"):
        out = tf.vectorized_map(lambda m: tf.linalg.det(m) + 1.0, x)
    np.testing.assert_allclose(out.numpy(), [2.0, 5.0, 10.0])
    assert [r.getMessage() for r in caplog.records] == [
        "Using a while_loop for converting MatrixDeterminant cause there is no registered "
        "converter for this op."
    ]


def test_random_ops_draw_per_example():
    out = tf.vectorized_map(lambda v: v + tf.random.uniform([2]), tf.zeros([4, 2]))
    assert out.shape == (4, 2)
    assert len({tuple(r) for r in out.numpy().tolist()}) == 4


def test_outer_tapes_see_only_the_replay_and_keep_nothing_on_error():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.vectorized_map(lambda r: tf.reduce_sum(r * r), x)
        recorded = len(tape._tape.entries)
        with pytest.raises(ValueError, match="No pfor vectorization defined for MatrixDeterminant"):
            tf.vectorized_map(
                lambda r: tf.linalg.det(tf.reshape(r * r, [1, 1, 2])[..., :1]),
                x,
                fallback_to_while_loop=False,
            )
        assert len(tape._tape.entries) == recorded
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 2 * x.numpy())
    assert not _tape.state.tapes and _tape.state.trace is None


def test_inside_a_compiled_function_it_matches_eager():
    w = tf.Variable([[1.0, -1.0], [0.5, 2.0]])

    def grads(e):
        with tf.GradientTape() as t:
            loss = tf.reduce_sum(tf.tanh(tf.matmul(e[None], w)))
        return t.gradient(loss, w)

    x = tf.constant([[1.0, 2.0], [3.0, -1.0], [0.0, 1.0]])
    compiled = tf.function(lambda v: tf.vectorized_map(grads, v), jit_compile=True)
    np.testing.assert_allclose(compiled(x).numpy(), tf.vectorized_map(grads, x).numpy())
    np.testing.assert_allclose(compiled(x * 2.0).numpy(), tf.vectorized_map(grads, x * 2.0).numpy())
