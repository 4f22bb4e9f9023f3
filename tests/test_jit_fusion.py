"""Elementwise fusion under `tf.function(jit_compile=True)` (fusion.py, the `jit` extra).

Fused replays must be eager's bit for bit: the loops only do IEEE arithmetic in the
arrays' dtype, transcendentals stay NumPy's.
"""

from __future__ import annotations

import numpy as np
import pytest
from replay_checks import assert_same, replayed, replays_never_fall_back  # noqa: F401

import tapeflow as tf
from tapeflow._compile import buffers, fusion, trace

# The loops need the `jit` extra; chunked regions and their tests run without it.
needs_numba = pytest.mark.skipif(not fusion.available(), reason="needs numba (the jit extra)")


# Every test fails if a replay raised and ran eagerly instead (replay_checks).
pytestmark = pytest.mark.usefixtures("replays_never_fall_back")


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


@needs_numba
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


def _loops(f, *args) -> list:
    """The Numba loops of the program `f` replays for `args`, in regions or alone."""
    loops = []
    generate = trace.Trace._generate

    def spy(self, slots, dead, assigned, plan):
        for step in self.steps:
            if type(step[0]) is fusion.Fused:
                loops.append(step[0])
            elif type(step[0]) is fusion.Region:
                loops.extend(m[1] for m in step[0].members if m[0] == "loop")
        return generate(self, slots, dead, assigned, plan)

    trace.Trace._generate = spy
    try:
        g = tf.function(f, jit_compile=True)
        g(*args)
        g(*args)
    finally:
        trace.Trace._generate = generate
    return loops


@needs_numba
def test_without_numba_nothing_is_looped_and_results_are_the_same(monkeypatch):
    assert _loops(_w4, _x(0))
    monkeypatch.setattr(fusion, "available", lambda: False)
    assert not _loops(_w4, _x(0))
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


@needs_numba
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


def test_w4_is_one_chunked_region():
    assert _steps(_w4, _x(0)) == [fusion.FUSED_TYPE]  # its sum too


def _regions(f, *args) -> list:
    found = []
    generate = trace.Trace._generate

    def spy(self, slots, dead, assigned, plan):
        found.extend(s[0] for s in self.steps if type(s[0]) is fusion.Region)
        return generate(self, slots, dead, assigned, plan)

    trace.Trace._generate = spy
    try:
        g = tf.function(f, jit_compile=True)
        g(*args)
        g(*args)
    finally:
        trace.Trace._generate = generate
    return found


def test_a_region_given_other_layouts_runs_its_steps_whole():
    (region,) = _regions(_w4, _x(0))
    assert len(region.inputs) == 1 and len(region.outputs) == 2 and region.aliases
    wide = np.random.default_rng(1).uniform(-2, 2, 2 * N).astype(np.float32)
    strided = wide[::2]
    total, gradient = region(strided, None, None)
    want = _w4(tf.constant(strided))
    assert type(total) is np.float32 and total == want[0].numpy()
    np.testing.assert_array_equal(gradient, want[1].numpy())


@pytest.mark.parametrize("shape", [(N + 123,), (300, 1001), (7, 64, 601)])
def test_chunks_cover_any_shape_and_tail(shape, monkeypatch):
    monkeypatch.setattr(fusion, "CHUNK_BYTES", 40_000)  # not a divisor of any size here
    rng = np.random.default_rng(2)

    def body(x, y):
        a = tf.tanh(x * y - 0.5)
        b = tf.exp(-a * a) + tf.sqrt(tf.abs(y))
        return tf.reduce_sum(tf.sin(b) * a), tf.cos(b) - x

    f = tf.function(body, jit_compile=True)
    for _ in range(3):
        x = tf.constant(rng.uniform(-2, 2, shape).astype(np.float32))
        y = tf.constant(rng.uniform(-2, 2, shape).astype(np.float32))
        assert_same(f(x, y), body(x, y))
    assert _regions(body, x, y)


@pytest.mark.parametrize("numba", [pytest.param(True, marks=needs_numba), False])
def test_random_programs_in_many_chunks(numba, monkeypatch):
    monkeypatch.setattr(buffers, "MIN_BYTES", 0)
    monkeypatch.setattr(fusion, "MIN_BYTES", 0)
    monkeypatch.setattr(fusion, "CHUNK_BYTES", 64)  # 300 float32: pairwise leaves of 72-76
    if not numba:
        monkeypatch.setattr(fusion, "available", lambda: False)
    rng = np.random.default_rng(7)
    unary = [tf.negative, tf.square, tf.sin, tf.exp, tf.tanh, tf.cos, lambda t: t * 0.5]
    binary = [tf.add, tf.subtract, tf.multiply, tf.maximum]
    for _ in range(4):
        plan = [
            (int(rng.integers(3)), int(rng.integers(7)), int(rng.integers(4))) for _ in range(10)
        ]
        picks = [(int(rng.integers(100)), int(rng.integers(100))) for _ in range(10)]

        def body(x, y, plan=plan, picks=picks):
            live = [x, y]
            with tf.GradientTape() as tape:
                tape.watch([x, y])
                for (kind, u, b), (i, j) in zip(plan, picks):
                    a = live[i % len(live)]
                    if kind == 0:
                        live.append(unary[u](a))
                    elif kind == 1:
                        live.append(binary[b](a, live[j % len(live)]))
                    else:
                        live.append(tf.reduce_sum(a) * a)  # a reduction between runs
                total = tf.reduce_sum(live[-1])
            return live[-1], total, tape.gradient(total, [x, y]), live[len(live) // 2]

        f = tf.function(body, jit_compile=True)
        for _ in range(3):
            x = tf.constant(rng.uniform(-1, 1, 300).astype(np.float32))
            y = tf.constant(rng.uniform(-1, 1, 300).astype(np.float32))
            assert_same(f(x, y), body(x, y))
        assert replayed(f)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("size", [129, 1000, 77_777, 300_300, 4_000_000])
def test_chunk_sums_add_up_as_numpys_pairwise_sum(size, dtype):
    rng = np.random.default_rng(size)
    a = (rng.standard_normal(size) * 10.0 ** rng.uniform(-4, 4, size)).astype(dtype)
    want = np.add.reduce(a)
    for limit in (8, 1000, 32_768):
        tree = fusion._pairwise_tree(size, limit)
        bounds = fusion._leaves(tree, 0, [])
        assert bounds[0][0] == 0 and bounds[-1][1] == size
        assert all(a1 == b0 for (_, a1), (b0, _) in zip(bounds, bounds[1:]))
        got = fusion._combine(tree, iter([np.add.reduce(a[lo:hi]) for lo, hi in bounds]))
        assert type(got) is type(want) and got.tobytes() == want.tobytes()


def test_a_region_whose_sums_would_differ_runs_whole(monkeypatch):
    monkeypatch.setattr(fusion, "_sums_like_numpy", lambda *a: False)
    (region,) = _regions(_w4, _x(0))
    assert region.run is False
    f = tf.function(_w4, jit_compile=True)
    for seed in (0, 1):
        assert_same(f(_x(seed)), _w4(_x(seed)))


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_loops_keep_ieee_specials_bit_for_bit(dtype):
    tiny = np.finfo(dtype).smallest_subnormal
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, tiny, -tiny, 1e30, -1e-30, 1.0])
    rng = np.random.default_rng(3)

    def body(x, y):
        return (x * y + x) - tf.negative(y) * x * 0.1 - tf.square(y), tf.square(x - y) * 1e30

    f = tf.function(body, jit_compile=True)
    for _ in range(3):
        x = np.resize(np.concatenate([special, rng.standard_normal(N)]), N).astype(dtype)
        y = np.resize(np.concatenate([rng.permutation(special), rng.standard_normal(N)]), N)
        x, y = tf.constant(x), tf.constant(y.astype(dtype))
        got, want = f(x, y), body(x, y)
        for g, w in zip(got, want):
            assert g.numpy().tobytes() == w.numpy().tobytes()  # NaN payloads and signs too
    assert _loops(body, x, y)
