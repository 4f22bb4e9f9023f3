"""What the tf.function replay tests assert: that a function replayed, and bit-identical results.

Shared by tests/test_function_trace.py and the control-flow replay tests.
"""

from __future__ import annotations

import numpy as np

import tapeflow as tf
from tapeflow._compile.function import _Program


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
