"""What the tf.function replay tests assert: that a function replayed, and bit-identical results.

Shared by tests/test_function_trace.py, the control-flow replay tests and the replay buffer
and fusion tests (test_replay_buffers.py, test_jit_fusion.py): the per-op programs every
op's sample cases replay, and the fixture that fails a test whose replay fell back.
"""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from tapeflow._compile.function import _Program
from tapeflow._core.registry import REGISTRY, load_all

load_all()  # every op family: this module goes through the whole registry


def replayed(f) -> bool:
    """True when every signature of `f` has a replayable program (none runs eagerly)."""
    traces = f._compiled.traces
    programs = [getattr(p, "program", p) for p in traces.values()]
    return bool(traces) and all(type(p) is _Program for p in programs)


def assert_same(a, b) -> None:
    """Bit-identical nested results (NaN equal to NaN), dtypes and shapes included."""
    fa, fb = tf.nest.flatten(a), tf.nest.flatten(b)
    assert len(fa) == len(fb)
    for x, y in zip(fa, fb):
        if x is None or y is None:
            assert x is None and y is None
            continue
        x, y = tf.convert_to_tensor(x), tf.convert_to_tensor(y)  # IndexedSlices too
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_array_equal(x.numpy(), y.numpy())


# -- every op's sample cases as replayed programs ------------------------------------------------


def _op_cases():
    """Two sample draws per case of every op with a sample: traced on one, replayed on both."""
    for name in sorted(REGISTRY):
        op = REGISTRY[name]
        if op.sample is None:
            continue
        first = op.sample(np.random.default_rng(0))
        second = op.sample(np.random.default_rng(1))
        for i, (a, b) in enumerate(zip(first, second)):
            yield pytest.param(op, a, b, id=f"{name}-{i}")


# `pytest.param(op, first, second)` per sample case of every op with a sample.
OP_CASES = list(_op_cases())


def float_inputs(op, case) -> list:
    """The inputs a program differentiates: float, not fixed, of a differentiable op."""
    return [
        i
        for i, a in enumerate(case.inputs)
        if np.asarray(a).dtype.kind == "f" and op.differentiable and i not in case.fixed
    ]


def op_program(op, attrs, floats):
    """Values, gradients and second derivatives of one op, all computed inside."""

    def body(*xs):
        watched = [xs[i] for i in floats]
        with tf.GradientTape() as outer:
            outer.watch(watched)
            with tf.GradientTape() as inner:
                inner.watch(watched)
                out = op(*xs, **attrs)
                outs = out if isinstance(out, tuple) else (out,)
                total = tf.add_n(
                    [tf.reduce_sum(o * o) for o in outs if o.dtype.is_floating]
                    or [tf.constant(0.0, tf.float64)]
                )
            grads = inner.gradient(total, watched)
            connected = [g for g in grads if g is not None]
            second = tf.add_n([tf.reduce_sum(g) for g in connected]) if connected else None
        hessian = outer.gradient(second, watched) if second is not None else None
        return outs, grads, hessian

    return body


@pytest.fixture
def replays_never_fall_back(monkeypatch):
    """Fails a test whose replays raised and ran eagerly instead (which would hide a
    wrong program behind eager's right answer); `failed` lists them for tests that
    expect one. Modules use it autouse: `pytestmark = pytest.mark.usefixtures(...)`."""
    failed: list = []
    call = _Program.call

    def checked(self, tensors):
        try:
            return call(self, tensors)
        except Exception as e:
            failed.append(e)
            raise

    monkeypatch.setattr(_Program, "call", checked)
    yield failed
    assert not failed, failed
