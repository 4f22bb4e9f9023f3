"""Tensors backed by Dask arrays: lazy values, gradients that build the Dask graph, printing
that computes only the summary, one-pass `tf.experimental.compute`, a distributed cluster.

The registry-wide matrix is tests/test_dask_ops.py.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import tapeflow as tf
from tapeflow._core import backend

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")


@pytest.fixture(autouse=True)
def _synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


class CountingArray:
    """Counts the blocks Dask reads from it (not the empty slice it reads for metadata)."""

    def __init__(self, array):
        self.array = array
        self.reads = 0
        self.shape, self.dtype, self.ndim = array.shape, array.dtype, array.ndim

    def __getitem__(self, key):
        block = self.array[key]
        self.reads += block.size > 0
        return block


def lazy(array, chunks=2):
    return da.from_array(np.asarray(array), chunks=chunks)


def test_import_tapeflow_does_not_import_dask():
    code = "import sys, tapeflow; print('dask' in sys.modules, 'distributed' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_backend_of_each_kind():
    assert backend.backend_of(np.ones(2)) == "numpy"
    assert backend.backend_of(np.float32(1)) == "numpy"
    assert backend.backend_of(3.0) == "numpy"
    assert backend.backend_of(lazy([1.0])) == "dask"
    assert backend.is_foreign(lazy([1.0])) and not backend.is_foreign(np.ones(1))


def test_constant_convert_and_variable_keep_the_array_lazy():
    source = CountingArray(np.arange(6.0).reshape(2, 3))
    x = da.from_array(source, chunks=1)
    for t in (tf.constant(x), tf.convert_to_tensor(x), tf.Variable(x).value()):
        assert backend.is_dask(t._value)
        assert t.shape == (2, 3) and t.dtype == tf.float64
    assert source.reads == 0
    assert tf.constant(x, dtype=tf.float32).dtype == tf.float32
    assert backend.is_dask(tf.constant(x, dtype=tf.float32)._value)
    assert source.reads == 0


def test_constant_with_shape_reshapes_and_fills_lazily():
    t = tf.constant(lazy(np.arange(6.0)), shape=(2, 3))
    assert backend.is_dask(t._value) and t.shape == (2, 3)
    np.testing.assert_array_equal(t.numpy(), np.arange(6.0).reshape(2, 3))
    filled = tf.constant(lazy(np.array([7.0])), shape=(2, 2))
    assert backend.is_dask(filled._value)
    np.testing.assert_array_equal(filled.numpy(), np.full((2, 2), 7.0))
    with pytest.raises(TypeError, match="has 6 elements"):
        tf.constant(lazy(np.arange(6.0)), shape=(4,))


def test_numpy_and_asarray_compute_the_value():
    a = np.arange(6.0).reshape(2, 3)
    t = tf.sin(tf.constant(lazy(a)))
    assert backend.is_dask(t._value)
    out = t.numpy()
    assert type(out) is np.ndarray
    np.testing.assert_allclose(out, np.sin(a))
    out[0, 0] = 99.0  # the caller's own copy
    np.testing.assert_allclose(np.asarray(t), np.sin(a))
    s = tf.reduce_sum(t)
    assert backend.is_dask(s._value)
    assert type(s.numpy()) is np.float64  # rank 0: a NumPy scalar, as for NumPy tensors
    assert float(s) == pytest.approx(np.sin(a).sum())


def test_gradient_through_a_tape_builds_the_dask_graph():
    a = np.random.default_rng(0).standard_normal((6, 4))
    x = tf.constant(lazy(a, chunks=(2, 3)))
    w = tf.Variable(np.linspace(-1.0, 1.0, 4))
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(tf.linalg.matvec(x, w) - 1.0))
    g = tape.gradient(loss, w)
    assert backend.is_dask(loss._value) and backend.is_dask(g._value)
    r = a @ w.numpy() - 1.0
    np.testing.assert_allclose(g.numpy(), 2 * a.T @ r / len(r))
    np.testing.assert_allclose(loss.numpy(), np.mean(r**2))


def test_implicit_seed_of_a_dask_target_is_a_dask_array():
    x = tf.constant(lazy(np.array([1.0, 2.0, 3.0])))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x * x)
    g = tape.gradient(y, x)
    assert backend.is_dask(g._value)
    np.testing.assert_allclose(g.numpy(), [2.0, 4.0, 6.0])
