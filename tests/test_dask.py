"""Tensors backed by Dask arrays: lazy values, gradients that build the Dask graph, printing
that computes only the summary, one-pass `tapeflow.experimental.compute`, a distributed cluster.

The registry-wide matrix is tests/test_dask_ops.py.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import tapeflow as tf
from tapeflow._core import backend
from tapeflow.experimental import compute

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


def test_compute_reads_the_data_once_for_a_loss_and_its_gradient():
    a = np.random.default_rng(1).standard_normal((8, 3))
    source = CountingArray(a)
    x = tf.constant(da.from_array(source, chunks=(2, 3)))
    w = tf.Variable([0.5, -1.0, 2.0], dtype=tf.float64)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.sigmoid(tf.linalg.matvec(x, w)))
    g = tape.gradient(loss, w)
    assert source.reads == 0
    loss_value, g_value, none, same = compute(loss, g, None, w)
    assert source.reads == 4  # each of the 4 blocks once, for both results
    assert none is None and same is w.value()
    s = 1 / (1 + np.exp(-(a @ w.numpy())))
    assert type(loss_value._value) is np.float64
    np.testing.assert_allclose(loss_value.numpy(), s.sum())
    np.testing.assert_allclose(g_value.numpy(), a.T @ (s * (1 - s)))
    loss.numpy(), g.numpy()
    assert source.reads == 12  # separately, the blocks are read once per result


def test_printing_a_large_tensor_computes_only_the_summary():
    a = np.arange(1_000_000.0).reshape(1000, 1000)
    source = CountingArray(a)
    t = tf.constant(da.from_array(source, chunks=(100, 100)))
    expected = tf.constant(a)
    assert str(t) == str(expected)
    assert source.reads == 4  # the four corner blocks of 100
    assert repr(t) == repr(expected)
    assert format(tf.reduce_sum(t), ".1f") == format(expected.numpy().sum(), ".1f")


@pytest.mark.parametrize(
    "shape", [(2, 3), (7,), (1001,), (3, 400), (2, 2, 300), (0, 5), ()], ids=str
)
def test_printed_text_is_numpys(shape):
    a = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
    t, expected = tf.constant(lazy(a, chunks=64)), tf.constant(a)
    assert str(t) == str(expected) and repr(t) == repr(expected)
    with np.printoptions(threshold=10, edgeitems=2):
        assert str(t) == str(expected)


def test_variable_holds_a_dask_value_through_updates():
    v = tf.Variable(lazy(np.ones(4)))
    v.assign_add(lazy(np.arange(4.0)))
    assert backend.is_dask(v.value()._value)
    assert type(v.numpy()) is np.ndarray
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0, 3.0, 4.0])
    assert "numpy=array([1., 2., 3., 4.])" in repr(v)


def test_shape_errors_are_raised_at_the_op_not_at_compute_time():
    x, y = tf.constant(lazy(np.ones((2, 3)))), tf.constant(lazy(np.ones((4,))))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"Incompatible shapes: \[2,3\] vs. \[4\]"
    ):
        x + y
    with pytest.raises(tf.errors.InvalidArgumentError, match="Matrix size-incompatible"):
        tf.matmul(x, x)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.reshape(x, (4, 2))


def test_value_dependent_shapes_compute_the_condition():
    a = np.array([[0.5, -1.0, 2.0], [3.0, -0.5, 0.0]])
    x = tf.constant(lazy(a))
    idx = tf.where(x > 0.0)
    assert idx.shape == (3, 2)
    np.testing.assert_array_equal(idx.numpy(), np.argwhere(a > 0))
    masked = tf.boolean_mask(x, x > 0.0)
    assert masked.shape == (3,) and backend.is_dask(masked._value)
    np.testing.assert_array_equal(masked.numpy(), a[a > 0])
    y, i = tf.unique(tf.constant(lazy(np.array([3, 1, 3, 2]))))
    np.testing.assert_array_equal(y.numpy(), [3, 1, 2])
    np.testing.assert_array_equal(i.numpy(), [0, 1, 0, 2])


def test_unknown_dims_of_a_dask_input_are_computed_at_conversion():
    a = np.arange(10.0)
    d = lazy(a, chunks=3)
    filtered = d[d > 4.0]  # Dask does not know its length
    assert np.isnan(filtered.shape[0])
    t = tf.constant(filtered)
    assert t.shape == (5,)
    np.testing.assert_array_equal(t.numpy(), a[a > 4.0])


def test_an_unsupported_dask_dtype_gives_tfs_error():
    with pytest.raises(ValueError, match="Failed to convert a NumPy array to a Tensor"):
        tf.constant(da.from_array(np.array(["a", "b"])))


@pytest.fixture(scope="module")
def cluster_client():
    """A two-worker dask.distributed cluster on loopback (the test skips if none starts)."""
    distributed = pytest.importorskip("distributed")
    try:
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=False,
            protocol="tcp://",  # real messages between scheduler and workers, on loopback
            host="127.0.0.1",
            dashboard_address=None,
        )
    except Exception as e:  # no sockets, a sandbox... anything that stops a cluster
        pytest.skip(f"cannot start a dask.distributed LocalCluster: {e}")
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_gradient_through_a_tape_on_a_local_cluster(cluster_client):
    from distributed import get_task_stream

    rng = np.random.default_rng(3)
    a = rng.standard_normal((40, 5))
    labels = (rng.uniform(size=40) > 0.5).astype(np.float64)
    x = tf.constant(da.from_array(a, chunks=(10, 5)))
    y = tf.constant(da.from_array(labels, chunks=10))
    w = tf.Variable(np.linspace(-0.5, 0.5, 5))
    with dask.config.set(scheduler=cluster_client.get), get_task_stream(cluster_client) as ts:
        with tf.GradientTape() as tape:
            logits = tf.linalg.matvec(x, w)
            loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
            # A forward that runs as one task on whole arrays ships tapeflow code too.
            loss = loss + 1e-3 * tf.reduce_sum(tf.gather_nd(x, [[0, 1], [2, 3]]))
        g = tape.gradient(loss, w)
        loss_value, g_value = compute(loss, g)
    assert len(ts.data) > 0  # the cluster's workers ran the graph
    p = 1 / (1 + np.exp(-(a @ w.numpy())))
    gathered = a[0, 1] + a[2, 3]
    expected = -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p)) + 1e-3 * gathered
    np.testing.assert_allclose(loss_value.numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(g_value.numpy(), a.T @ (p - labels) / len(labels), rtol=1e-12)


def test_where_on_dask_blends_each_block_bit_for_bit():
    rng = np.random.default_rng(3)
    x = rng.standard_normal(10_000).astype(np.float32)
    x[:4] = [np.nan, np.inf, -np.inf, -0.0]
    y = rng.standard_normal(10_000).astype(np.float32)
    cond = rng.random(10_000) < 0.5
    cases = [(x, y), (x, np.float32(-0.0)), (np.float32(np.nan), y)]
    for a, b in cases:
        expected = np.where(cond, a, b)
        got = tf.where(lazy(cond, 4096), lazy(a, 4096), lazy(b, 4096))
        assert backend.is_dask(got._value)
        np.testing.assert_array_equal(got.numpy().view(np.int32), expected.view(np.int32))


def test_where_gradient_on_dask_matches_numpy():
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((2, 6000))
    cond = x > 0
    grads = []
    for wrap in (np.asarray, lambda v: lazy(v, 2500)):
        tx, ty = tf.constant(wrap(x)), tf.constant(wrap(y))
        with tf.GradientTape() as tape:
            tape.watch([tx, ty])
            out = tf.reduce_sum(tf.where(tf.constant(wrap(cond)), tx, ty) * 3.0)
        grads.append([g.numpy() for g in tape.gradient(out, [tx, ty])])
    np.testing.assert_array_equal(grads[1][0], np.where(cond, 3.0, 0.0))
    np.testing.assert_array_equal(grads[1][1], np.where(cond, 0.0, 3.0))
    np.testing.assert_array_equal(grads[0], grads[1])


class _CuPyLike:
    """Stands in for a CuPy array where CuPy is absent: the seam reads the type's module."""

    __module__ = "cupy._core.core"
    shape, ndim, dtype = (2,), 1, np.dtype(np.float64)


def test_a_dask_array_with_a_cupy_array_is_tfs_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Cannot mix a dask array with a cupy"):
        backend.compute(lazy(np.ones(2)), _CuPyLike())
    with pytest.raises(tf.errors.InvalidArgumentError, match="Cannot mix"):
        backend.whole(np.add, lazy(np.ones(2)), _CuPyLike())
    assert backend.same_kind([np.ones(2), lazy(np.ones(2)), 1.0]) == "dask"


def test_a_host_only_forward_on_a_cupy_array_is_tfs_unimplemented():
    with pytest.raises(tf.errors.UnimplementedError, match=r"needs host \(NumPy\) arrays"):
        backend.whole(np.cross, _CuPyLike(), _CuPyLike())
    with pytest.raises(tf.errors.UnimplementedError, match=r"\[Op:Conv2D\]"):
        backend.host_only("Conv2D", np.ones(2), _CuPyLike())
    backend.host_only("Conv2D", np.ones(2), np.float32(1), 2.0)  # NumPy values pass
