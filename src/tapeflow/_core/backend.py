"""Array backends: what kind of array a tensor holds, and the few things that depend on it.

A tensor's value is a NumPy array (or a NumPy scalar for rank 0) or, with the optional
extras, a Dask array (lazy, chunked, possibly on a cluster) or a CuPy array (on a GPU).
Op forwards call NumPy functions on the values; NumPy's dispatch protocols
(`__array_ufunc__`, `__array_function__`) route those calls to Dask or CuPy, so the same
forward builds a Dask graph or launches a GPU kernel. This module is the one place that
knows more than that:

- `backend_of(value)`: "numpy", "dask" or "cupy" (read from the type's module: the core
  never imports dask; where a Dask array exists, dask is imported already, and the few
  functions used here are read from `sys.modules`; cupy is imported only to answer a
  question about GPUs, and only when it is installed);
- `zeros_like` / `ones_like`: arrays of the same kind as a given value; `array`: a
  value as an array without moving it;
- `to_host` / `compute`: NumPy values, several Dask arrays computed in one pass;
- `printable`: only the elements NumPy's summary of a large array shows, on the host;
- `whole`: a NumPy-only forward as one lazy Dask task on whole arrays; `per_example`:
  one mapped over the chunks of a batch axis (convolutions, pools);
- `elementwise`: a NumPy kernel mapped over Dask blocks;
- `host_only`: TF's UnimplementedError for an op that needs host (NumPy) arrays;
- `same_kind`: TF's InvalidArgumentError for a Dask array with a CuPy one;
- devices: the GPUs CuPy sees (`gpu_count`, `visible_gpus`, `device_name`), the
  `tf.device` scopes (`enter_device`, `scoped_gpu`), and values placed on the scope's
  device (`placed` for creation ops, `moved` for `tf.identity`).

Rank-0 NumPy values stay NumPy scalars (the fast paths elsewhere rely on it); a rank-0
Dask or CuPy value is a 0-d array of its kind.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import math
import sys
import threading

import numpy as np

from .errors import UnimplementedError, invalid_argument, op_error

NUMPY = "numpy"
DASK = "dask"
CUPY = "cupy"

_NUMPY_TYPES = (np.ndarray, np.generic)


def _dask(module: str = "dask.array"):
    """A dask module, imported already by whoever made the Dask array at hand."""
    return sys.modules[module]


# The backend of each non-NumPy array type seen so far (a type's module is read once).
_KINDS: dict = {}


def backend_of(value) -> str:
    """The kind of array `value` is: "numpy" (also for Python scalars), "dask" or "cupy"."""
    if isinstance(value, _NUMPY_TYPES):
        return NUMPY
    t = type(value)
    kind = _KINDS.get(t)
    if kind is None:
        root = t.__module__.partition(".")[0]
        kind = root if root in (DASK, CUPY) else NUMPY
        _KINDS[t] = kind
    return kind


def is_foreign(value) -> bool:
    """True for an array that is not NumPy's but speaks its protocols (Dask, CuPy)."""
    return not isinstance(value, _NUMPY_TYPES) and backend_of(value) != NUMPY


def is_dask(value) -> bool:
    """True for a Dask array."""
    return backend_of(value) == DASK


def zeros_like(like, shape=None, dtype=None):
    """Zeros of `like`'s kind (and chunking, for Dask), with its shape and dtype by default."""
    return _filled(like, np.zeros, np.zeros_like, shape, dtype)


def ones_like(like, shape=None, dtype=None):
    """Ones of `like`'s kind, with its shape and dtype by default."""
    return _filled(like, np.ones, np.ones_like, shape, dtype)


def _filled(like, make, make_like, shape, dtype):
    if isinstance(like, _NUMPY_TYPES):
        dtype = like.dtype if dtype is None else dtype
        return make(np.shape(like) if shape is None else shape, dtype)
    if shape is None and backend_of(like) == DASK:
        # Block by block: Dask's own zeros_like tokenizes its arguments by pickling them,
        # which costs ten times more than mapping np.zeros_like over the blocks.
        dtype = like.dtype if dtype is None else np.dtype(dtype)
        return like.map_blocks(functools.partial(make_like, dtype=dtype), dtype=dtype)
    return make_like(like, dtype=dtype, shape=shape)


def to_host(value):
    """`value` as NumPy: a NumPy value unchanged, a Dask array computed, a CuPy one copied."""
    if isinstance(value, _NUMPY_TYPES):
        return value
    kind = backend_of(value)
    if kind == DASK:
        return np.asarray(value.compute())
    if kind == CUPY:
        return value.get()
    return np.asarray(value)


def compute(*values) -> tuple:
    """The NumPy values of `values`, the Dask arrays among them computed in one pass
    (None stays None).

    One `dask.compute` call shares the work common to several graphs (a loss and its
    gradients read the same chunks of data once), on whichever scheduler is active.
    """
    same_kind([v for v in values if v is not None])
    lazy = [i for i, v in enumerate(values) if backend_of(v) == DASK]
    out = list(values)
    if lazy:
        results = _dask("dask").compute(*[values[i] for i in lazy])
        for i, r in zip(lazy, results):
            out[i] = np.asarray(r)
    return tuple(v if v is None else to_host(v) for v in out)


def printable(value) -> tuple:
    """`(array, options)`: a NumPy array that prints under `np.printoptions(**options)` as
    `value` would, computing only the elements NumPy's summary of `value` shows.

    An array larger than NumPy's print threshold is printed as its first and last
    `edgeitems` entries along each long axis; those are the only entries read here. The
    result keeps one more entry in the middle of each long axis (never shown), so that it
    is summarised along the same axes as the full array.
    """
    if isinstance(value, _NUMPY_TYPES):
        return value, {}
    options = np.get_printoptions()
    shape = np.shape(value)
    if math.prod(shape) <= options["threshold"]:
        return to_host(value), {}
    edge = options["edgeitems"]
    part = value
    for axis, d in enumerate(shape):
        if d > 2 * edge + 1:
            index = np.r_[0:edge, d - edge - 1 : d]
            part = part[(slice(None),) * axis + (index,)]
    return to_host(part), {"threshold": 0}


def host_only(op_type: str, *values) -> None:
    """Raises TF's UnimplementedError if any of `values` is not a NumPy value.

    For ops whose forward needs host arrays (SciPy, or NumPy paths no protocol dispatches).
    """
    for v in values:
        if is_foreign(v):
            raise op_error(
                UnimplementedError,
                f"{op_type} needs host (NumPy) arrays; its input is a {backend_of(v)} array. "
                "Convert it with tf.constant(t.numpy()) first",
                op_type,
            )


def same_kind(values) -> str:
    """The one backend of several values (NumPy values go with any other kind).

    Raises:
      InvalidArgumentError: for a Dask value with a CuPy one (tapeflow moves neither).
    """
    found = NUMPY
    for v in values:
        kind = backend_of(v)
        if kind == NUMPY or kind == found:
            continue
        if found != NUMPY:
            raise invalid_argument(
                f"Cannot mix a {found} array with a {kind} array in one op: move one of "
                "them with tf.constant(t.numpy()) first"
            )
        found = kind
    return found


def array(value):
    """`np.asarray(value)` for NumPy and Python values; a Dask or CuPy array unchanged.

    What a forward calls where it needs an array's methods but must not move the data.
    """
    if type(value) is np.ndarray or backend_of(value) == NUMPY:
        return np.asarray(value)
    return value


def elementwise(fn, *args, dtype):
    """`fn(*args)` applied to the NumPy blocks of Dask arrays, with NumPy's broadcasting
    across them (Dask's own `elemwise`): for a forward whose NumPy kernel is faster than
    the function Dask's dispatch would run on each block."""
    return _dask().core.elemwise(fn, *args, dtype=dtype)


def reduce_sum(x, axis, keepdims: bool, dtype):
    """`np.add.reduce` (NumPy's fast path), or the array's own sum (Dask's `__array_ufunc__`
    does not take ufunc reductions)."""
    if isinstance(x, _NUMPY_TYPES):
        return np.add.reduce(x, axis=axis, keepdims=keepdims, dtype=dtype)
    return np.sum(x, axis=axis, keepdims=keepdims, dtype=dtype)


def _stand_in(value):
    """A NumPy value of `value`'s shape and dtype that costs no memory (a zero-stride view)."""
    return np.broadcast_to(np.zeros((), value.dtype), value.shape)


def whole(fn, *values, n_outputs: int = 1, stand_in=_stand_in, **kwargs):
    """`fn(*values, **kwargs)` for a NumPy-only forward, as one lazy Dask task on whole arrays.

    The result is a Dask array (a tuple of `n_outputs` of them) of the shapes and dtypes
    `fn` gives on stand-ins for the Dask values (zero-stride zeros, or `stand_in(value)`);
    the task computes every Dask input whole, so it is lazy and runs on any scheduler, but
    is not split into chunks. Errors that depend on values (a singular matrix) are raised
    when the result is computed. A CuPy value raises (`host_only`). The stand-in run
    allocates the outputs once, on the host, while the graph is built: this suits the ops
    that use it (scatters, gathers, small matrices), not outputs too large for memory.
    """
    kind = same_kind(values)
    if kind != DASK:
        host_only(getattr(fn, "__name__", "op"), *values)
    probe = fn(*[stand_in(v) if is_dask(v) else v for v in values], **kwargs)
    probes = probe if n_outputs != 1 else (probe,)
    dask, da = _dask("dask"), _dask()
    task = dask.delayed(fn, pure=True, nout=None if n_outputs == 1 else n_outputs)(
        *values, **kwargs
    )
    tasks = (task,) if n_outputs == 1 else tuple(task[i] for i in range(n_outputs))
    outs = tuple(
        da.from_delayed(t, shape=np.shape(p), dtype=np.asarray(p).dtype)
        for t, p in zip(tasks, probes)
    )
    return outs[0] if n_outputs == 1 else outs


def reshape(x, shape: tuple):
    """`np.reshape`, also for a Dask array whose chunks the new shape does not split evenly
    (Dask refuses those): the trailing axes are then made whole chunks first, and the whole
    array one chunk only if that is not enough."""
    try:
        return np.reshape(x, shape)
    except NotImplementedError:
        if not is_dask(x):
            raise
    try:
        return np.reshape(x.rechunk({a: -1 for a in range(1, x.ndim)}), shape)
    except NotImplementedError:
        return np.reshape(x.rechunk(-1), shape)


def any_foreign(*values) -> bool:
    """True if any of `values` is a Dask or CuPy array (`is_foreign` inlined: forwards call
    it on every op)."""
    for v in values:
        if not isinstance(v, _NUMPY_TYPES) and backend_of(v) != NUMPY:
            return True
    return False


def matrix_stand_in(value):
    """A stand-in for `whole` that linear algebra accepts: identity matrices (zero-stride)."""
    if value.ndim < 2:
        return _stand_in(value)
    eye = np.eye(value.shape[-2], value.shape[-1], dtype=value.dtype)
    return np.broadcast_to(eye, value.shape)


def per_example(fn, *values, batched: tuple, summed: bool = False, **kwargs):
    """`fn(*values, **kwargs)` for a NumPy-only forward over a batch of 4-D examples
    (NHWC convolutions and pools), mapped over the batch axis's Dask chunks.

    The inputs at the positions in `batched` are split along axis 0 as the first of them
    is chunked (their other axes whole in each task); the others are passed whole to every
    task. The outputs of the tasks are concatenated along axis 0, or, with `summed` (a
    gradient with respect to filters: a sum over examples), added up. Shapes come from
    `fn` on a one-example stand-in. Inputs of other ranks (batched cotangents) fall back to
    `whole`.
    """
    lead = [values[i] for i in batched]
    if (
        same_kind(values) != DASK
        or any(np.ndim(v) != 4 for v in lead)
        or len({np.shape(v)[0] for v in lead}) != 1
    ):
        return whole(fn, *values, **kwargs)
    da = _dask()
    chunks = da.asarray(lead[0]).chunks[0]
    probe = fn(
        *[
            np.broadcast_to(np.zeros((), v.dtype), (1,) + v.shape[1:])
            if i in batched
            else (_stand_in(v) if is_dask(v) else v)
            for i, v in enumerate(values)
        ],
        **kwargs,
    )
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    # "0" indexes the batch chunks; every other axis gets its own letter, so an input's
    # axes are concatenated whole in each task and the output's are new.
    out_shape = probe.shape if summed else probe.shape[1:]
    out_letters = "".join(next(letters) for _ in out_shape)
    args = []
    for i, v in enumerate(values):
        if i in batched:
            v = da.asarray(v).rechunk((chunks,) + tuple((d,) for d in v.shape[1:]))
            index = "0" + "".join(next(letters) for _ in range(v.ndim - 1))
        else:
            index = "".join(next(letters) for _ in range(np.ndim(v)))
        args += [v, index]
    out = da.blockwise(
        functools.partial(_call_on_blocks, fn, summed, kwargs),
        "0" + out_letters,
        *args,
        new_axes=dict(zip(out_letters, out_shape)),
        adjust_chunks={"0": 1} if summed else None,
        concatenate=True,
        dtype=probe.dtype,
        meta=np.empty((0,) * (len(out_shape) + 1), probe.dtype),
    )
    return out.sum(axis=0, dtype=probe.dtype) if summed else out


def _call_on_blocks(fn, summed: bool, kwargs: dict, *blocks):
    out = fn(*blocks, **kwargs)
    return out[None] if summed else out


# -- devices: CuPy's GPUs and tf.device scopes ---------------------------------------------
#
# TF places each op on a device; tapeflow's device is its values' kind: NumPy values are on
# the CPU, a CuPy array is on the GPU CuPy allocated it on. `tf.device` scopes push
# (device_type, index) pairs here; creation from host values (`placed`) and `tf.identity`
# (`moved`) read the innermost one. A scope naming a GPU that does not exist falls back as
# TF's soft placement does (any other GPU, else the CPU), so without CuPy or a GPU the
# scope keeps everything on the CPU. cupy is imported only when the cupy extra is
# installed and a GPU is asked about.

_CUPY_ABSENT = []  # [True] once `find_spec` found no cupy (installing it later needs a restart)
_gpu_count_of: dict = {}  # the cupy module seen -> its device count
_visible_gpus = None  # tf.config.set_visible_devices' GPU indices; None: all of them
soft_placement = True  # tf.config.set_soft_device_placement's flag (TF's eager default)
_scopes = threading.local()
scopes_entered = 0  # scopes entered and not left, in any thread: 0 skips the lookup
_scopes_lock = threading.Lock()


def cupy_module():
    """The cupy module if the cupy extra is installed (imported here on first use), else
    None; also None when importing it fails (CUDA libraries missing)."""
    module = sys.modules.get(CUPY)
    if module is not None or _CUPY_ABSENT:
        return module
    if importlib.util.find_spec(CUPY) is None:
        _CUPY_ABSENT.append(True)
        return None
    try:
        return importlib.import_module(CUPY)
    except ImportError:
        _CUPY_ABSENT.append(True)
        return None


def gpu_count() -> int:
    """The number of GPUs CuPy sees (0 without CuPy, or when CUDA finds no device)."""
    cupy = cupy_module()
    if cupy is None:
        return 0
    count = _gpu_count_of.get(cupy)
    if count is None:
        try:
            count = int(cupy.cuda.runtime.getDeviceCount())
        except Exception:  # CUDA's own errors (no driver, no device) have several classes
            count = 0
        _gpu_count_of.clear()
        _gpu_count_of[cupy] = count
    return count


def visible_gpus() -> tuple:
    """The physical indices of the GPUs ops may run on, in logical order (logical GPU k
    is physical GPU `visible_gpus()[k]`)."""
    count = gpu_count()
    if _visible_gpus is None:
        return tuple(range(count))
    return tuple(i for i in _visible_gpus if i < count)


def set_visible_gpus(indices) -> None:
    """Makes only the physical GPUs `indices` visible (None: all of them)."""
    global _visible_gpus
    _visible_gpus = None if indices is None else tuple(indices)


def device_name(value) -> str:
    """TF's full name of the device holding `value`: its GPU for a CuPy array (by its
    logical index), else the CPU."""
    if isinstance(value, _NUMPY_TYPES) or backend_of(value) != CUPY:
        return "/job:localhost/replica:0/task:0/device:CPU:0"
    physical = value.device.id
    visible = visible_gpus()
    index = visible.index(physical) if physical in visible else physical
    return f"/job:localhost/replica:0/task:0/device:GPU:{index}"


def enter_device(device_type, index, reset: bool = False) -> None:
    """Pushes a `tf.device` scope: its device type ("CPU", "GPU", ...) and index, each None
    where the name leaves it out (then the enclosing scope's applies, TF's merge of device
    specs); `reset` (`tf.device(None)`) starts again from no device."""
    global scopes_entered
    stack = getattr(_scopes, "stack", None)
    if stack is None:
        stack = _scopes.stack = []
    outer = (None, None) if reset or not stack else stack[-1]
    stack.append(
        (
            outer[0] if device_type is None else device_type,
            outer[1] if index is None else index,
        )
    )
    with _scopes_lock:
        scopes_entered += 1


def exit_device() -> None:
    """Pops the innermost `tf.device` scope of this thread."""
    global scopes_entered
    _scopes.stack.pop()
    with _scopes_lock:
        scopes_entered -= 1


def scoped_device():
    """The innermost `tf.device` scope's (device_type, index) in this thread, or None."""
    if not scopes_entered:
        return None
    stack = getattr(_scopes, "stack", None)
    return stack[-1] if stack else None


def scoped_gpu():
    """The physical GPU the innermost `tf.device` scope places ops on, or None for the CPU:
    a GPU scope's GPU, soft-placed as TF places it (an index beyond the visible GPUs takes
    the first; no visible GPU, the CPU).

    Raises:
      InvalidArgumentError: TF's "Could not satisfy device specification" for a device
        that does not exist when soft placement is off
        (`tf.config.set_soft_device_placement(False)`).
    """
    device = scoped_device()
    if device is None:
        return None
    kind, index = device
    visible = visible_gpus()
    exists = (kind == "CPU" and index in (None, 0)) or (
        kind == "GPU" and (index or 0) < len(visible)
    )
    if not exists and kind is not None and not soft_placement:
        raise _unsatisfiable(kind, index, visible)
    if kind != "GPU" or not visible:
        return None
    return visible[index or 0] if exists else visible[0]


def _unsatisfiable(kind: str, index, visible: tuple):
    job = "/job:localhost/replica:0/task:0/device:"
    devices = [f"{job}GPU:{k}" for k in range(len(visible))] + [f"{job}CPU:0"]
    types = "GPU, CPU" if visible else "CPU"
    return invalid_argument(
        f"Could not satisfy device specification '{job}{kind}:{index or 0}'"
        f". enable_soft_placement=0. Supported device types [{types}]. All available devices "
        f"[{', '.join(devices)}]."
    )


def to_gpu(value, gpu: int):
    """`value` copied to physical GPU `gpu` as a CuPy array (a rank-0 value as a 0-d array);
    a CuPy array already there is returned as it is."""
    cupy = cupy_module()
    if backend_of(value) == CUPY:
        if value.device.id == gpu:
            return value
        value = value.get()  # another GPU's array: through the host, the one sure way
    with cupy.cuda.Device(gpu):
        return cupy.array(value)


def placed(value):
    """A host value a creation op made (`tf.constant`, `tf.zeros`, a random sample, ...),
    on the device of the innermost `tf.device` scope: a CuPy array under a GPU scope when
    CuPy sees a GPU, else `value` itself. The hot path pays one global's test."""
    if not scopes_entered:
        return value
    gpu = scoped_gpu()
    if gpu is None or not isinstance(value, _NUMPY_TYPES):
        return value
    return to_gpu(value, gpu)


def on_device_of(value, like):
    """`value` on the device holding `like` (a variable's value: TF keeps a variable on its
    device and copies what is assigned to it): to `like`'s GPU, or to the host for a host
    `like`. Host and Dask values with a host or Dask `like` stay as they are."""
    if isinstance(value, _NUMPY_TYPES) and isinstance(like, _NUMPY_TYPES):
        return value  # the common case, first
    if backend_of(like) == CUPY:
        return value if is_dask(value) else to_gpu(value, like.device.id)
    if backend_of(value) == CUPY and isinstance(like, _NUMPY_TYPES):
        host = value.get()
        return host[()] if host.ndim == 0 else host
    return value


def moved(value):
    """`value` on the innermost `tf.device` scope's device, as `tf.identity` copies its
    input there: to a GPU under a GPU scope (with one), to the host under a CPU scope or
    a GPU scope without a GPU; a Dask value, or one outside any scope, stays."""
    if not scopes_entered or is_dask(value):
        return value
    device = scoped_device()
    gpu = scoped_gpu()
    if device is None or device[0] not in ("CPU", "GPU"):
        return value
    if gpu is not None:
        return to_gpu(value, gpu)
    if backend_of(value) == CUPY:
        host = value.get()
        return host[()] if host.ndim == 0 else host
    return value


def on_op_device(values: tuple):
    """The inputs of an op that mixes host values with CuPy arrays, each copied to the op's
    device as TF's silent device policy copies inputs: the innermost `tf.device` scope's
    device (a CPU scope's is the host), else the GPU of the first CuPy input. None when
    there is nothing to move (no CuPy input, or every input on the op's device already).

    For the registry's forward path, where a forward fails on mixed inputs (CuPy refuses
    host arrays): run it again on the moved values; NumPy-only ops never get here.

    Raises:
      InvalidArgumentError: for a Dask value with a CuPy one (`same_kind`).
    """
    if same_kind(values) != CUPY:
        return None
    device = scoped_device()
    if device is not None and device[0] in ("CPU", "GPU"):
        gpu = scoped_gpu()
    else:
        gpu = next(v.device.id for v in values if backend_of(v) == CUPY)
    out, changed = [], False
    for v in values:
        if gpu is None:
            w = v.get() if backend_of(v) == CUPY else v
            w = w[()] if isinstance(w, np.ndarray) and w.ndim == 0 else w
        elif isinstance(v, np.ndarray) or (backend_of(v) == CUPY and v.device.id != gpu):
            w = to_gpu(v, gpu)
        else:
            w = v  # a Python or NumPy scalar: CuPy takes it as it is
        changed = changed or w is not v
        out.append(w)
    return tuple(out) if changed else None
