"""Devices: `tf.config`'s device listings, `tf.device` placement of creation ops on CuPy's
GPUs, `tf.identity` moves, soft placement, and the errors of values on the wrong device.

Each placement test runs twice: with real CuPy on a machine where it sees a GPU (skipped
otherwise, saying why), and with `SimulatedCuPy`, a NumPy-backed SIMULATION of CuPy that
is injected as the `cupy` module, so that tapeflow runs the very code path it runs with
CuPy (its module lookup, device count, `cupy.cuda.Device` and `cupy.array` calls, and
NumPy's dispatch to the array type) on a machine without a GPU. The simulation claims
two GPUs and, like CuPy, refuses host (NumPy) arrays as operands of its arrays.
"""

from __future__ import annotations

import contextlib
import importlib.util
import subprocess
import sys
import types

import numpy as np
import pytest

import tapeflow as tf
from tapeflow._core import backend
from tapeflow.config import LogicalDevice, PhysicalDevice

CPU = "/job:localhost/replica:0/task:0/device:CPU:0"
GPU = "/job:localhost/replica:0/task:0/device:GPU:{}"


# -- the simulation ---------------------------------------------------------------------------


class SimulatedArray:
    """A NumPy array standing for a CuPy array on simulated GPU `device.id`."""

    __array_priority__ = 100

    def __init__(self, data, device_id: int):
        self._data = data
        self.device = types.SimpleNamespace(id=device_id)

    shape = property(lambda self: self._data.shape)
    dtype = property(lambda self: self._data.dtype)
    ndim = property(lambda self: self._data.ndim)
    size = property(lambda self: self._data.size)

    def get(self):
        return self._data.copy()

    def copy(self):
        return SimulatedArray(self._data.copy(), self.device.id)

    def astype(self, dtype):
        return SimulatedArray(self._data.astype(dtype), self.device.id)

    def reshape(self, *shape):
        return SimulatedArray(self._data.reshape(*shape), self.device.id)

    def item(self):
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def __int__(self):
        return int(self._data)

    def __float__(self):
        return float(self._data)

    def __index__(self):
        return self._data.__index__()

    def __bool__(self):
        return bool(self._data)

    def __iter__(self):
        return (SimulatedArray(np.asarray(v), self.device.id) for v in self._data)

    def __len__(self):
        return len(self._data)

    def __getitem__(self, key):
        return SimulatedArray(np.asarray(self._data[_host(key)]), self.device.id)

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            "Implicit conversion to a NumPy array is not allowed. "
            "Please use `.get()` to construct a NumPy array explicitly."
        )

    def _wrap(self, result):
        if isinstance(result, (np.ndarray, np.generic)):
            return SimulatedArray(np.asarray(result), self.device.id)
        if isinstance(result, (tuple, list)):
            return type(result)(self._wrap(r) for r in result)
        return result

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        for x in inputs:
            if isinstance(x, np.ndarray):  # CuPy's refusal of host arrays
                raise TypeError(f"Unsupported type {type(x)}")
        if "out" in kwargs:
            return NotImplemented
        return self._wrap(getattr(ufunc, method)(*_host(inputs), **_host(kwargs)))

    def __array_function__(self, func, types_, args, kwargs):
        return self._wrap(func(*_host(args), **_host(kwargs)))

    __add__ = lambda self, other: np.add(self, other)  # noqa: E731
    __radd__ = lambda self, other: np.add(other, self)  # noqa: E731
    __sub__ = lambda self, other: np.subtract(self, other)  # noqa: E731
    __rsub__ = lambda self, other: np.subtract(other, self)  # noqa: E731
    __mul__ = lambda self, other: np.multiply(self, other)  # noqa: E731
    __rmul__ = lambda self, other: np.multiply(other, self)  # noqa: E731
    __truediv__ = lambda self, other: np.true_divide(self, other)  # noqa: E731
    __rtruediv__ = lambda self, other: np.true_divide(other, self)  # noqa: E731
    __matmul__ = lambda self, other: np.matmul(self, other)  # noqa: E731
    __rmatmul__ = lambda self, other: np.matmul(other, self)  # noqa: E731
    __pow__ = lambda self, other: np.power(self, other)  # noqa: E731
    __lt__ = lambda self, other: np.less(self, other)  # noqa: E731
    __le__ = lambda self, other: np.less_equal(self, other)  # noqa: E731
    __gt__ = lambda self, other: np.greater(self, other)  # noqa: E731
    __ge__ = lambda self, other: np.greater_equal(self, other)  # noqa: E731
    __neg__ = lambda self: np.negative(self)  # noqa: E731

    @property
    def T(self):  # noqa: N802 - NumPy's name
        return SimulatedArray(self._data.T, self.device.id)


SimulatedArray.__name__ = SimulatedArray.__qualname__ = "ndarray"
SimulatedArray.__module__ = "cupy._core.core"  # where tapeflow reads an array's kind


def _host(value):
    if isinstance(value, SimulatedArray):
        return value._data
    if isinstance(value, (tuple, list)):
        return type(value)(_host(v) for v in value)
    if isinstance(value, dict):
        return {k: _host(v) for k, v in value.items()}
    return value


def simulated_cupy(gpus: int = 2) -> types.ModuleType:
    """A `cupy` module of NumPy-backed arrays on `gpus` simulated GPUs (SIMULATION)."""
    cupy = types.ModuleType("cupy")
    current = [0]

    @contextlib.contextmanager
    def device(index):
        if not 0 <= index < gpus:
            raise RuntimeError(f"CUDA error: invalid device ordinal {index}")
        outer, current[0] = current[0], index
        try:
            yield
        finally:
            current[0] = outer

    def array(value, dtype=None, copy=True):
        return SimulatedArray(np.array(_host(value), dtype=dtype, copy=True), current[0])

    cupy.ndarray = SimulatedArray
    cupy.array = array
    cupy.asarray = array
    cupy.asnumpy = lambda a: a.get()

    def properties(index):
        return {"name": f"Simulated GPU {index}".encode(), "major": 8, "minor": 6}

    cupy.cuda = types.SimpleNamespace(
        Device=device,
        runtime=types.SimpleNamespace(getDeviceCount=lambda: gpus, getDeviceProperties=properties),
    )
    return cupy


# -- fixtures ---------------------------------------------------------------------------------


def _no_gpu_reason():
    """Why real CuPy cannot run here (None if it can)."""
    if importlib.util.find_spec("cupy") is None:
        return "CuPy is not installed (pip install 'tapeflow[cupy]' on a machine with a GPU)"
    import cupy

    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as e:  # CUDA's errors: no driver, no device
        return f"CuPy finds no GPU: {e}"
    return None if count else "CuPy finds no GPU"


_NO_GPU = _no_gpu_reason()


@pytest.fixture(autouse=True)
def _all_gpus_visible():
    backend.set_visible_gpus(None)  # another test may have hidden them
    yield
    backend.set_visible_gpus(None)


@pytest.fixture(
    params=[
        pytest.param("cupy", marks=pytest.mark.skipif(_NO_GPU is not None, reason=str(_NO_GPU))),
        "simulated",
    ]
)
def cp(request, monkeypatch):
    """The cupy module tapeflow will use: real CuPy, or the simulation injected as `cupy`."""
    if request.param == "cupy":
        import cupy

        return cupy
    fake = simulated_cupy()
    monkeypatch.setitem(sys.modules, "cupy", fake)
    return fake


@pytest.fixture
def cupy_without_gpu(monkeypatch):
    """The simulation of CuPy installed on a machine whose CUDA finds no GPU."""
    fake = simulated_cupy(gpus=0)
    monkeypatch.setitem(sys.modules, "cupy", fake)
    return fake


def on_gpu(t, cp, index: int = 0) -> bool:
    return (
        isinstance(t._value, cp.ndarray)
        and backend.device_name(t._value) == GPU.format(index)
        and t.device.startswith(GPU.format(""))
    )


def on_cpu(t) -> bool:
    return backend.backend_of(t._value) == "numpy" and t.device == CPU


# -- listings ---------------------------------------------------------------------------------


def test_importing_tapeflow_never_imports_cupy_and_listing_imports_it_only_if_installed():
    code = (
        "import sys, tapeflow as tf; a = 'cupy' in sys.modules; "
        "tf.config.list_physical_devices(); tf.config.list_physical_devices('GPU'); "
        "print(a, 'cupy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    installed = importlib.util.find_spec("cupy") is not None
    assert out.stdout.split() == ["False", str(installed)]


def test_listings_name_the_cpu_then_each_gpu(cp):
    n = cp.cuda.runtime.getDeviceCount()
    cpu = PhysicalDevice(name="/physical_device:CPU:0", device_type="CPU")
    gpus = [PhysicalDevice(name=f"/physical_device:GPU:{i}", device_type="GPU") for i in range(n)]
    assert tf.config.list_physical_devices() == [cpu] + gpus
    assert tf.config.list_physical_devices("GPU") == gpus
    assert tf.config.list_physical_devices("CPU") == [cpu]
    assert tf.config.get_visible_devices("GPU") == gpus
    logical = [LogicalDevice(name=f"/device:GPU:{i}", device_type="GPU") for i in range(n)]
    assert tf.config.list_logical_devices("GPU") == logical
    assert tf.config.list_logical_devices()[0] == LogicalDevice("/device:CPU:0", "CPU")
    assert repr(gpus[0]) == "PhysicalDevice(name='/physical_device:GPU:0', device_type='GPU')"


def test_without_a_gpu_the_listings_have_none(cupy_without_gpu):
    assert tf.config.list_physical_devices("GPU") == []
    assert tf.config.list_logical_devices("GPU") == []
    assert tf.config.list_physical_devices() == [PhysicalDevice("/physical_device:CPU:0", "CPU")]


def test_device_details_name_a_gpu_and_its_compute_capability(cp):
    gpu = tf.config.list_physical_devices("GPU")[0]
    details = tf.config.experimental.get_device_details(gpu)
    props = cp.cuda.runtime.getDeviceProperties(0)
    name = props["name"].decode() if isinstance(props["name"], bytes) else props["name"]
    assert details == {"device_name": name, "compute_capability": (props["major"], props["minor"])}
    cpu = tf.config.list_physical_devices("CPU")[0]
    assert tf.config.experimental.get_device_details(cpu) == {}


def test_memory_growth_is_remembered_for_gpus_only(cp):
    gpu = tf.config.list_physical_devices("GPU")[0]
    assert tf.config.experimental.get_memory_growth(gpu) is False
    tf.config.experimental.set_memory_growth(gpu, True)
    assert tf.config.experimental.get_memory_growth(gpu) is True
    tf.config.experimental.set_memory_growth(gpu, False)
    cpu = tf.config.list_physical_devices("CPU")[0]
    with pytest.raises(ValueError, match="Cannot set memory growth on non-GPU"):
        tf.config.experimental.set_memory_growth(cpu, True)


# -- placement ------------------------------------------------------------------------------


def test_creation_ops_under_a_gpu_scope_make_gpu_tensors(cp):
    tf.random.set_seed(5)
    with tf.device("/GPU:0"):
        made = {
            "constant": tf.constant([1.0, 2.0]),
            "constant of NumPy": tf.constant(np.arange(3), dtype=tf.float64),
            "scalar": tf.constant(2.5),
            "convert_to_tensor": tf.convert_to_tensor(np.ones((2, 2), np.float32)),
            "zeros": tf.zeros((2, 3)),
            "ones": tf.ones(4, tf.int32),
            "fill": tf.fill((2,), 7.0),
            "eye": tf.eye(2),
            "normal": tf.random.normal((3,), seed=1),
            "uniform": tf.random.uniform((3,), seed=2),
            "stateless": tf.random.stateless_normal((3,), seed=(1, 2)),
            "generator": tf.random.Generator.from_seed(3).normal((3,)),
        }
        v = tf.Variable([1.0, 2.0])
    for name, t in made.items():
        assert on_gpu(t, cp), name
    assert on_gpu(v.read_value(), cp) and v.device == GPU.format(0)
    assert made["scalar"]._value.ndim == 0  # a rank-0 GPU value is a 0-d array
    # The same numbers as on the CPU (random ops draw on the host, then copy).
    tf.random.set_seed(5)
    np.testing.assert_array_equal(made["normal"].numpy(), tf.random.normal((3,), seed=1).numpy())
    np.testing.assert_array_equal(
        made["stateless"].numpy(), tf.random.stateless_normal((3,), seed=(1, 2)).numpy()
    )
    assert made["ones"].numpy().tolist() == [1, 1, 1, 1]
    assert str(made["constant"]) == "tf.Tensor([1. 2.], shape=(2,), dtype=float32)"


def test_ops_and_gradients_on_gpu_tensors_stay_on_the_gpu(cp):
    with tf.device("/GPU:0"):
        x = tf.constant([1.0, 2.0, 3.0])
        w = tf.Variable([[0.5], [0.25], [2.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.matmul(tf.reshape(x, (1, 3)), w) * x)
    gx, gw = tape.gradient(y, [x, w])
    assert on_gpu(y, cp) and on_gpu(gx, cp) and on_gpu(gw, cp)
    xs, ws = np.array([1.0, 2.0, 3.0]), np.array([[0.5], [0.25], [2.0]])
    np.testing.assert_allclose(y.numpy(), (xs @ ws).item() * xs.sum(), rtol=1e-6)
    np.testing.assert_allclose(gx.numpy(), (xs @ ws).item() + ws[:, 0] * xs.sum(), rtol=1e-6)


def test_a_cpu_scope_keeps_creation_on_the_host_inside_a_gpu_scope(cp):
    with tf.device("/GPU:0"):
        with tf.device("/CPU:0"):
            assert on_cpu(tf.constant([1.0])) and on_cpu(tf.zeros(2))
        with tf.device("/job:localhost"):  # no device type: the GPU scope's applies
            assert on_gpu(tf.constant([1.0]), cp)
        with tf.device(None):  # TF's reset to no scope
            assert on_cpu(tf.constant([1.0]))
        assert on_gpu(tf.constant([1.0]), cp)
    assert on_cpu(tf.constant([1.0])) and backend.scoped_device() is None


def test_identity_moves_a_tensor_to_the_scope_device(cp):
    host = tf.constant([1.0, 2.0])
    with tf.device("/GPU:0"):
        up = tf.identity(host)
    assert on_gpu(up, cp) and on_cpu(host)
    with tf.device("/CPU:0"):
        down = tf.identity(up)
    assert on_cpu(down)
    np.testing.assert_array_equal(down.numpy(), [1.0, 2.0])
    assert tf.identity(up) is not None and on_gpu(tf.identity(up), cp)  # no scope: stays


def test_a_gradient_through_identity_comes_back_to_the_source_device(cp):
    host = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(host)
        with tf.device("/GPU:0"):
            y = tf.reduce_sum(tf.identity(host) * 3.0)
    assert on_gpu(y, cp)
    g = tape.gradient(y, host)
    np.testing.assert_array_equal(g.numpy(), [3.0, 3.0])


def test_second_gpu_and_soft_placement_of_a_missing_one(cp):
    n = cp.cuda.runtime.getDeviceCount()
    with tf.device(f"/device:GPU:{n - 1}"):
        assert on_gpu(tf.constant([1.0]), cp, n - 1)
    with tf.device("/GPU:99"):  # TF's soft placement: another GPU
        assert on_gpu(tf.constant([1.0]), cp, 0)
    with tf.device("/gpu:*"):
        assert on_gpu(tf.ones(2), cp, 0)


def test_hidden_gpus_leave_gpu_scopes_on_the_cpu(cp):
    tf.config.set_visible_devices([], "GPU")
    assert tf.config.list_logical_devices("GPU") == []
    assert tf.config.get_visible_devices("GPU") == []
    assert len(tf.config.list_physical_devices("GPU")) >= 1  # still there physically
    with tf.device("/GPU:0"):
        assert on_cpu(tf.constant([1.0]))
    tf.config.set_visible_devices(tf.config.list_physical_devices("GPU")[-1:], "GPU")
    assert tf.config.list_logical_devices("GPU") == [LogicalDevice("/device:GPU:0", "GPU")]
    last = cp.cuda.runtime.getDeviceCount() - 1
    with tf.device("/GPU:0"):  # logical GPU 0 is the last physical one
        t = tf.constant([1.0])
    assert t._value.device.id == last and t.device == GPU.format(0)
    with pytest.raises(ValueError, match="Unrecognized device"):
        tf.config.set_visible_devices(["/GPU:0"], "GPU")


def test_scopes_are_per_thread(cp):
    import threading

    seen = []
    with tf.device("/GPU:0"):
        worker = threading.Thread(target=lambda: seen.append(on_cpu(tf.constant([1.0]))))
        worker.start()
        worker.join()
        assert on_gpu(tf.constant([1.0]), cp)
    assert seen == [True]


# -- no GPU -----------------------------------------------------------------------------------


def test_a_gpu_scope_without_cupy_runs_on_the_cpu():
    if backend.gpu_count():
        pytest.skip("this machine has a GPU: the scope places on it")
    with tf.device("/GPU:0"):
        t = tf.constant([1.0, 2.0]) + tf.random.normal((2,), seed=1)
        v = tf.Variable(tf.zeros(2))
    assert on_cpu(t) and on_cpu(v.read_value())


def test_a_gpu_scope_where_cupy_finds_no_gpu_runs_on_the_cpu(cupy_without_gpu):
    with tf.device("/GPU:0"):
        assert on_cpu(tf.constant([1.0])) and on_cpu(tf.identity(tf.ones(2)))


def test_strict_placement_refuses_a_missing_gpu_with_tfs_error(cp):
    n = cp.cuda.runtime.getDeviceCount()
    job = "/job:localhost/replica:0/task:0/device:"
    devices = ", ".join([f"{job}GPU:{i}" for i in range(n)] + [f"{job}CPU:0"])
    host = tf.ones(2)
    tf.config.set_soft_device_placement(False)
    try:
        with tf.device(f"/GPU:{n}"):
            with pytest.raises(tf.errors.InvalidArgumentError) as e:
                tf.constant([1.0])
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[Op:Identity\]"):
                tf.identity(host)
        with tf.device("/GPU:0"):  # an existing GPU is fine
            assert on_gpu(tf.constant([1.0]), cp)
    finally:
        tf.config.set_soft_device_placement(True)
    assert str(e.value) == (
        f"Could not satisfy device specification '{job}GPU:{n}'. enable_soft_placement=0. "
        f"Supported device types [GPU, CPU]. All available devices [{devices}]."
    )


# -- an op's inputs on two devices ----------------------------------------------------------


def test_an_op_on_a_host_and_a_gpu_tensor_runs_on_the_ops_device(cp):
    """TF's silent device policy: the host input is copied to the op's device (the GPU input's,
    or the scope's), so mixed ops and their gradients work."""
    host = tf.constant([1.0, 2.0])
    with tf.device("/GPU:0"):
        gpu = tf.constant([10.0, 20.0])
    total = gpu + host  # no scope: the GPU input's device
    assert on_gpu(total, cp) and total.numpy().tolist() == [11.0, 22.0]
    product = tf.multiply(host, gpu)
    assert on_gpu(product, cp) and product.numpy().tolist() == [10.0, 40.0]
    with tf.device("/CPU:0"):  # a CPU scope: the GPU input comes to the host
        assert on_cpu(gpu - host) and (gpu - host).numpy().tolist() == [9.0, 18.0]
    with tf.GradientTape() as tape:
        tape.watch(host)
        y = tf.reduce_sum(host * gpu)
    g = tape.gradient(y, host)
    assert g.numpy().tolist() == [10.0, 20.0]
    assert on_gpu(gpu * 2.0, cp) and on_gpu(gpu + tf.constant(1.0), cp)  # scalars mix
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[Op:AddV2\]"):
        gpu + tf.constant([1.0, 2.0, 3.0])  # a real error is still TF's


def test_a_tensors_device_names_its_gpu(cp):
    n = cp.cuda.runtime.getDeviceCount()
    with tf.device(f"/GPU:{n - 1}"):
        t = tf.constant([1.0])
    assert t.device == f"/job:localhost/replica:0/task:0/device:GPU:{n - 1}"
    assert tf.constant(1.0).device.endswith("device:CPU:0")


def test_on_op_device_copies_inputs_to_the_ops_device(cp):
    n = cp.cuda.runtime.getDeviceCount()
    host = np.array([1.0, 2.0])
    with cp.cuda.Device(n - 1):
        gpu = cp.array(np.array([3.0, 4.0]))
    # No scope: the first GPU input's device; scalars stay as they are.
    moved = backend.on_op_device((host, gpu, np.float64(2.0)))
    assert isinstance(moved[0], cp.ndarray) and moved[0].device.id == n - 1
    assert moved[1] is gpu and moved[2] == 2.0
    assert moved[0].get().tolist() == [1.0, 2.0]
    with tf.device("/CPU:0"):  # a CPU scope: everything to the host
        moved = backend.on_op_device((host, gpu))
    assert moved[0] is host and isinstance(moved[1], np.ndarray)
    assert moved[1].tolist() == [3.0, 4.0]
    with tf.device("/GPU:0"):  # a GPU scope: everything to that GPU
        moved = backend.on_op_device((host, gpu))
    assert all(isinstance(m, cp.ndarray) and m.device.id == 0 for m in moved)
    assert backend.on_op_device((host, np.ones(2))) is None  # nothing on a GPU
    if n == 1:
        assert backend.on_op_device((gpu, np.float64(1.0))) is None  # all on its device


def test_on_op_device_refuses_dask_with_cupy(cp):
    da = pytest.importorskip("dask.array")
    gpu = cp.array(np.ones(2))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Cannot mix a dask array with a cupy"):
        backend.on_op_device((da.ones(2, chunks=1), gpu))


def test_a_variable_keeps_its_device_across_assignments(cp):
    """TF keeps a variable on its device and copies what is assigned to it there."""
    host_value = tf.constant([1.0, 2.0])
    with tf.device("/GPU:0"):
        v = tf.Variable(host_value)  # a host tensor's value, placed on the scope's GPU
        gpu_value = tf.constant([5.0, 6.0])
    assert on_gpu(v.read_value(), cp)
    v.assign([3.0, 4.0])  # a host value
    assert on_gpu(v.read_value(), cp) and v.numpy().tolist() == [3.0, 4.0]
    v.assign_add(tf.constant([1.0, 1.0]))
    assert on_gpu(v.read_value(), cp) and v.numpy().tolist() == [4.0, 5.0]
    w = tf.Variable([0.0, 0.0])
    w.assign(gpu_value)  # a GPU value into a host variable: it stays on the host
    assert on_cpu(w.read_value()) and w.numpy().tolist() == [5.0, 6.0]
