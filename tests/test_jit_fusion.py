"""Elementwise fusion under `tf.function(jit_compile=True)` (fusion.py, the `jit` extra).

Fused replays must be eager's bit for bit: the loops only do IEEE arithmetic in the
arrays' dtype, transcendentals stay NumPy's.
"""

from __future__ import annotations

import numpy as np
import pytest
from replay_checks import assert_same, replayed

import tapeflow as tf
from tapeflow._compile import buffers, fusion, trace

pytest.importorskip("numba")

N = 1 << 18  # float32: 1 MiB, fused (fusion.MIN_BYTES)


def _x(seed: int, n: int = N, dtype=np.float32):
    return tf.constant(np.random.default_rng(seed).uniform(-2, 2, n).astype(dtype))


def _steps(f, *args) -> list:
    """The op types of the program `f` replays for `args` (after fusion)."""
    seen = []
    generate = trace.Trace._generate

    def spy(self, slots, dead, assigned, plan):
        seen.append([step[4] for step in self.steps])
        return generate(self, slots, dead, assigned, plan)

    trace.Trace._generate = spy
    try:
        g = tf.function(f, jit_compile=True)
        g(*args)
        g(*args)
    finally:
        trace.Trace._generate = generate
    return seen[-1]


def _w4(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.sin(x) * x + tf.exp(-x * x))
    return y, tape.gradient(y, x)


def test_w4_fuses_and_replays_bit_for_bit():
    f = tf.function(_w4, jit_compile=True)
    for seed in (0, 1, 0, 2):
        assert_same(f(_x(seed)), _w4(_x(seed)))
    assert replayed(f)
    types = _steps(_w4, _x(0))
    assert fusion.FUSED_TYPE in types
    assert not {"AddV2", "Neg", "Sub"} & set(types)  # all in loops


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_chains_with_constants_and_returned_intermediates(dtype):
    def body(x, y):
        a = x * 0.9 + y  # a scalar constant in the loop
        b = a * a - x
        c = tf.exp(b)  # a transcendental between two loops
        d = -(c * a) + tf.square(y)
        return a, d, tf.reduce_sum(d * b)  # a is returned and used inside

    f = tf.function(body, jit_compile=True)
    first = f(_x(0, dtype=dtype), _x(1, dtype=dtype))
    held = [t.numpy().copy() for t in first]
    for seed in (2, 3):
        x, y = _x(seed, dtype=dtype), _x(seed + 10, dtype=dtype)
        assert_same(f(x, y), body(x, y))
    for t, want in zip(first, held):
        np.testing.assert_array_equal(t.numpy(), want)
    assert replayed(f)
    assert fusion.FUSED_TYPE in _steps(body, _x(0, dtype=dtype), _x(1, dtype=dtype))


def test_inputs_not_as_traced_run_the_steps_one_by_one():
    def body(m, b):
        t = tf.transpose(m)  # not C-contiguous: the loop is not used for it
        return (t * 2.0 + b) * t - b

    f = tf.function(body, jit_compile=True)
    rng = np.random.default_rng(0)
    for _ in range(3):
        m = tf.constant(rng.standard_normal((512, 512)).astype(np.float32))
        b = tf.constant(rng.standard_normal(512).astype(np.float32))
        assert_same(f(m, b), body(m, b))


def test_gradients_of_a_fused_function_replay_too():
    v = tf.Variable(_x(4))

    @tf.function(jit_compile=True)
    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum((v * x - 1.0) * (v * x - 1.0) + v)
        g = tape.gradient(loss, v)
        v.assign_sub(0.01 * g)
        return loss

    w = tf.Variable(_x(4))
    for seed in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum((w * _x(seed) - 1.0) * (w * _x(seed) - 1.0) + w)
        g = tape.gradient(loss, w)
        w.assign_sub(0.01 * g)
        assert_same(step(_x(seed)), loss)
        np.testing.assert_array_equal(v.numpy(), w.numpy())


def test_without_numba_the_replay_is_unfused(monkeypatch):
    monkeypatch.setattr(fusion, "available", lambda: False)
    assert fusion.FUSED_TYPE not in _steps(_w4, _x(0))
    f = tf.function(_w4, jit_compile=True)
    for seed in (0, 1):
        assert_same(f(_x(seed)), _w4(_x(seed)))


def test_plain_tf_function_does_not_fuse():
    seen = []
    generate = trace.Trace._generate

    def spy(self, slots, dead, assigned, plan):
        seen.extend(step[4] for step in self.steps)
        return generate(self, slots, dead, assigned, plan)

    trace.Trace._generate = spy
    try:
        f = tf.function(_w4)
        f(_x(0))
        f(_x(0))
    finally:
        trace.Trace._generate = generate
    assert seen and fusion.FUSED_TYPE not in seen


@pytest.mark.parametrize("seed", range(6))
def test_random_elementwise_programs_fuse_bit_for_bit(seed, monkeypatch):
    monkeypatch.setattr(buffers, "MIN_BYTES", 0)  # small arrays, many shapes of program
    monkeypatch.setattr(fusion, "MIN_BYTES", 0)
    rng = np.random.default_rng(seed)
    unary = [tf.negative, tf.square, tf.sin, tf.exp, tf.tanh, lambda t: t * 0.5]
    binary = [tf.add, tf.subtract, tf.multiply]
    plan = [(int(rng.integers(2)), int(rng.integers(6)), int(rng.integers(3))) for _ in range(12)]
    picks = [(int(rng.integers(100)), int(rng.integers(100))) for _ in range(12)]

    def body(x, y):
        live = [x, y]
        for (kind, u, b), (i, j) in zip(plan, picks):
            a = live[i % len(live)]
            if kind == 0:
                live.append(unary[u](a))
            else:
                live.append(binary[b](a, live[j % len(live)]))
        return live[-1], tf.reduce_sum(live[-2]), live[len(live) // 2]

    f = tf.function(body, jit_compile=True)
    for _ in range(3):
        x = tf.constant(rng.uniform(-1, 1, 64).astype(np.float32))
        y = tf.constant(rng.uniform(-1, 1, 64).astype(np.float32))
        assert_same(f(x, y), body(x, y))


def test_a_loop_given_other_layouts_runs_its_steps_with_their_forwards():
    def body(x):
        return (x * 0.5 + 1.0) * x - 2.0

    steps = []
    generate = trace.Trace._generate

    def spy(self, slots, dead, assigned, plan):
        steps.extend(self.steps)
        return generate(self, slots, dead, assigned, plan)

    trace.Trace._generate = spy
    try:
        f = tf.function(body, jit_compile=True)
        f(_x(0))
        f(_x(0))
    finally:
        trace.Trace._generate = generate
    (fused,) = [step[0] for step in steps if step[4] == fusion.FUSED_TYPE]
    wide = np.random.default_rng(1).uniform(-2, 2, 2 * N).astype(np.float32)
    strided = wide[::2]  # the traced shape and dtype, not C-contiguous
    (got,) = fused(strided, None)
    np.testing.assert_array_equal(got, body(tf.constant(strided)).numpy())
    (got,) = fused(strided.astype(np.float64), None)  # another dtype: NumPy's promotion
    np.testing.assert_array_equal(got, body(tf.constant(strided.astype(np.float64))).numpy())
