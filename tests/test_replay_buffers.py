"""Replays writing large elementwise results into buffers the program keeps (buffers.py).

Results must be eager's bit for bit, and no tensor a call returned (or a variable holds)
may change when a later call reuses the buffers.
"""

from __future__ import annotations

import threading
import tracemalloc

import numpy as np
import pytest
from replay_checks import (  # noqa: F401 - replays_never_fall_back is a fixture
    OP_CASES,
    assert_same,
    float_inputs,
    op_program,
    replayed,
    replays_never_fall_back,
)

import tapeflow as tf
from tapeflow._compile import buffers, trace
from tapeflow._core.registry import REGISTRY

# Every test fails if a replay raised and ran eagerly instead (replay_checks).
pytestmark = pytest.mark.usefixtures("replays_never_fall_back")


N = 1 << 15  # float32: 128 KiB, above buffers.MIN_BYTES


def _x(seed: int, n: int = N, dtype=np.float32):
    return tf.constant(np.random.default_rng(seed).uniform(-2, 2, n).astype(dtype))


def _w4(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.sin(x) * x + tf.exp(-x * x))
    return y, tape.gradient(y, x)


def _plan(f, *args):
    """buffers.plan's result for `f`'s trace on `args`."""
    plans = []
    compile_ = trace.Trace.compile

    def spy(self, slots, **kw):
        plans.append(buffers.plan(self.steps, self.values, slots))
        return compile_(self, slots, **kw)

    trace.Trace.compile = spy
    try:
        tf.function(f)(*args)
    finally:
        trace.Trace.compile = compile_
    return plans[-1]


def test_w4_replays_into_buffers_bit_for_bit():
    f = tf.function(_w4, jit_compile=True)
    for seed in (0, 1, 0, 2):
        assert_same(f(_x(seed)), _w4(_x(seed)))
    assert replayed(f)
    buffered, _, specs = _plan(_w4, _x(0))
    assert len(buffered) >= 10  # the elementwise steps, forward and backward
    assert len(specs) <= 4  # colored by liveness: far fewer buffers than steps


def test_a_returned_tensor_is_never_overwritten_by_a_later_call():
    @tf.function
    def f(x):
        a = tf.sin(x)
        b = a * 2.0
        c = tf.exp(b) - a
        return a, tf.reshape(b, [2, -1]), c, tf.identity(c * c)

    first = f(_x(0))
    held = [t.numpy().copy() for t in first]
    for seed in (1, 2, 3):
        assert_same(f(_x(seed)), f.python_function(_x(seed)))
    for t, want in zip(first, held):
        np.testing.assert_array_equal(t.numpy(), want)
    assert replayed(f)


def test_views_of_buffers_keep_them_alive():
    @tf.function
    def f(x):
        a = tf.sin(x)
        view = tf.reshape(a, [4, -1])  # a view of a's buffer
        b = tf.exp(x) * 3.0  # must not reuse a's buffer while the view is live
        c = tf.cos(b)
        return tf.reduce_sum(view[1:] * 2.0) + tf.reduce_sum(c)

    for seed in (0, 1, 2):
        assert_same(f(_x(seed)), f.python_function(_x(seed)))
    assert replayed(f)


def test_a_variable_never_holds_a_buffer():
    v = tf.Variable(tf.zeros([N]))

    @tf.function
    def f(x):
        v.assign(tf.sin(x) * 2.0)
        v.assign_add(tf.exp(x) + 1.0)
        return tf.reduce_sum(tf.cos(v) * x)

    f(_x(0))
    f(_x(1))
    read = v.read_value()
    held = read.numpy().copy()
    out = f(_x(2))
    np.testing.assert_array_equal(read.numpy(), held)
    v2 = tf.Variable(tf.zeros([N]))
    v2.assign(tf.sin(_x(2)) * 2.0)
    v2.assign_add(tf.exp(_x(2)) + 1.0)
    np.testing.assert_array_equal(v.numpy(), v2.numpy())
    assert_same(out, tf.reduce_sum(tf.cos(v2) * _x(2)))


def test_a_replayed_step_allocates_only_what_it_returns():
    x = _x(0, n=1 << 18)  # 1 MiB per array

    def peak(f):
        f(x)
        f(x)
        tracemalloc.start()
        try:
            f(x)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    with_buffers = peak(tf.function(_w4, jit_compile=True))
    assert with_buffers < 1.5 * x.numpy().nbytes  # the gradient (returned), nothing else
    trace.REUSE_BUFFERS = False
    try:
        without = peak(tf.function(_w4, jit_compile=True))
    finally:
        trace.REUSE_BUFFERS = True
    assert without > 3 * x.numpy().nbytes


def test_layouts_and_broadcasts_are_eagers():
    @tf.function
    def f(x, m, b):
        t = tf.transpose(m)  # a view: not C-contiguous
        s = tf.sin(t) + b  # F-ordered in eager: the buffered step must not change that
        return tf.reduce_sum(s, axis=0), tf.reduce_sum(tf.exp(m) * b[:, None], axis=1), x * 2.0

    rng = np.random.default_rng(0)
    for _ in range(3):
        m = tf.constant(rng.standard_normal((256, 200)).astype(np.float32))
        b = tf.constant(rng.standard_normal(256).astype(np.float32))
        assert_same(f(_x(0), m, b), f.python_function(_x(0), m, b))
    assert replayed(f)


def test_shapes_that_change_between_replays_fall_back_to_fresh_arrays():
    @tf.function
    def f(x):
        kept = tf.boolean_mask(x, x > 0.0)  # its size depends on the values
        return tf.reduce_sum(tf.exp(kept) * kept), tf.sin(x) * 2.0

    for n_positive in (N // 2, N // 4, N // 2, 100):
        x = tf.constant(np.where(np.arange(N) < n_positive, 1.5, -1.5).astype(np.float32))
        assert_same(f(x), f.python_function(x))


def test_concurrent_calls_do_not_share_buffers():
    f = tf.function(_w4, jit_compile=True)
    inputs = [_x(seed, n=1 << 18) for seed in range(4)]  # NumPy lets go of the GIL
    f(inputs[0])
    wants = [_w4(x) for x in inputs]
    errors = []

    def run(i):
        try:
            for _ in range(10):
                assert_same(f(inputs[i]), wants[i])
        except Exception as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_a_failed_replay_leaves_the_next_one_right(replays_never_fall_back):  # noqa: F811
    @tf.function
    def f(x, i):
        y = tf.exp(tf.sin(x) * 2.0)
        return tf.gather(y * 3.0 - x, i) + tf.cos(y)[0]  # an index out of range raises

    good = tf.constant([0, 5, N - 1])
    assert_same(f(_x(0), good), f.python_function(_x(0), good))
    with pytest.raises(tf.errors.InvalidArgumentError):
        f(_x(1), tf.constant([0, 5, N]))
    assert len(replays_never_fall_back) == 1  # the replay raised, the eager call too
    replays_never_fall_back.clear()
    assert_same(f(_x(2), good), f.python_function(_x(2), good))
    assert replayed(f)


@pytest.mark.parametrize("op_type", sorted(buffers._KERNELS))
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_each_kernel_is_its_forward_bit_for_bit(op_type, dtype):
    op = REGISTRY[op_type]
    rng = np.random.default_rng(5)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-40, -1e-300, 1.0, -1.0, 700.0])
    values = [
        np.concatenate([special, rng.standard_normal(5000) * 4]).astype(dtype)
        for _ in range(op.n_inputs)
    ]
    specs = tuple((v.shape, v.dtype) for v in values)
    step = buffers.kernel(op_type, op.forward, specs)
    with np.errstate(all="ignore"):
        want = op.forward(*values)
        out = np.empty_like(want)
        got = step(*values, out)
    assert got is out
    assert want.dtype == got.dtype and want.flags.c_contiguous
    np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))


def test_multiply_by_a_broadcast_one_stays_exact():
    ones = np.broadcast_to(np.float32(1), (N,))
    y = np.arange(N, dtype=np.float32)
    step = buffers.kernel("Mul", REGISTRY["Mul"].forward, (((N,), y.dtype), ((N,), y.dtype)))
    got = step(ones, y, np.empty(N, np.float32))
    np.testing.assert_array_equal(got, y)
    assert not np.may_share_memory(got, y)  # a buffered step's output aliases nothing


@pytest.mark.parametrize("op, first, second", OP_CASES)
def test_every_op_replays_like_eager_with_buffers_for_any_size(op, first, second, monkeypatch):
    # Buffers for every elementwise output, however small: the whole registry's samples
    # (values, gradients, second derivatives) through buffered replays.
    monkeypatch.setattr(buffers, "MIN_BYTES", 0)
    body = op_program(op, first.attrs, float_inputs(op, first))
    compiled = tf.function(body)
    held = None
    for inputs in (first.inputs, second.inputs, first.inputs, second.inputs):
        xs = [tf.constant(a) for a in inputs]
        try:
            want = body(*xs)
        except Exception as e:  # noqa: BLE001 - the compiled call must fail alike
            with pytest.raises(type(e)):
                compiled(*xs)
            continue
        got = compiled(*xs)
        assert_same(got, want)
        if held is None:
            held = (got, want)
    if held is not None:
        assert_same(*held)  # the first call's results, after three more calls
