"""`tf.Variable`: mutable state whose reads are differentiable.

A variable keeps its current value as a tensor that carries the variable's own
id, so every read is the same node to a tape: gradients with respect to the
variable sum over all reads, as in TensorFlow. Assignments replace that tensor
(never mutate its array), so values recorded earlier on a tape stay intact.
Reading a trainable variable inside a tape makes the tape watch it.
"""

from __future__ import annotations

import threading

import numpy as np

from . import backend as _backend
from . import dtypes as _dtypes
from . import tape as _tape
from .tensor import (
    NO_COPY_MESSAGE,
    EagerTensor,
    Reference,
    _next_id,
    convert_to_tensor,
    host_copy,
    make,
    numpy_text,
)
from .tensor_shape import TensorShape

_READ_IN_PYTHON = "it reads a variable's value in Python"


class _NameScopes(threading.local):
    def __init__(self):
        self.stack: list = []


_scopes = _NameScopes()


class name_scope:  # noqa: N801 - TF's public name
    """A context manager that prefixes the names of variables created inside it.

    >>> with tf.name_scope("layer"):
    ...     tf.Variable(1.).name
    'layer/Variable:0'
    """

    def __init__(self, name: str):
        if not isinstance(name, str):
            raise ValueError(f"name for name_scope must be a string, got {name!r}")
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    def __enter__(self) -> str:
        _scopes.stack.append(self._name.rstrip("/"))
        return "/".join(_scopes.stack) + "/"

    def __exit__(self, *exc) -> None:
        _scopes.stack.pop()


def _scoped(name: str) -> str:
    return "/".join([*_scopes.stack, name])


class Variable:
    """A variable: `tf.Variable(initial_value, trainable=True, name=None, dtype=None, shape=None)`.

    Creating a `tf.Variable` returns a `ResourceVariable`, as in TensorFlow.

    Args:
      initial_value: a tensor-like value, or a callable returning one.
      trainable: whether tapes watch it automatically when it is read.
      name: the name; variables are named `'<name>:0'` (`'Variable:0'` by default).
      dtype: the element type; Python values are converted to it.
      shape: an optional shape the initial value must be compatible with.

    >>> v = tf.Variable(1.)
    >>> v.assign_add(2.)
    >>> v
    <tf.Variable 'Variable:0' shape=() dtype=float32, numpy=3.0>
    """

    _is_tapeflow_variable = True
    __array_priority__ = 100

    def __new__(cls, *args, **kwargs):
        if cls is Variable:
            cls = ResourceVariable
        return object.__new__(cls)

    def __init__(
        self,
        initial_value=None,
        trainable=None,
        validate_shape=True,
        caching_device=None,
        name=None,
        variable_def=None,
        dtype=None,
        import_scope=None,
        constraint=None,
        synchronization=None,
        aggregation=None,
        shape=None,
        experimental_enable_variable_lifting=True,
    ):
        if initial_value is None:
            raise ValueError(
                "The `initial_value` arg to `tf.Variable` must be specified except when you are "
                "not providing a `variable_def`. You provided neither."
            )
        if callable(initial_value):
            initial_value = initial_value()
        if isinstance(initial_value, Variable):
            initial_value = initial_value.read_value()
        value = convert_to_tensor(initial_value, dtype=dtype)
        if shape is not None and not TensorShape(shape).is_compatible_with(value.shape):
            # TF formats the argument as given: [3] for a list, (3,) for a tuple or shape.
            raise ValueError(
                "In this `tf.Variable` creation, the initial value's shape "
                f"({value.shape}) is not compatible with the explicitly supplied `shape` "
                f"argument ({shape})."
            )
        self._id = _next_id()
        self._dtype = value._dtype
        # The static shape: what `shape` reports. A partly known one (tf.TensorShape(None),
        # [None, 2]) stays as given while assignments of compatible shapes change the
        # value's. `validate_shape` has no effect eagerly (observed on TF 2.21).
        self._shape = TensorShape(shape) if shape is not None else value.shape
        self._trainable = True if trainable is None else bool(trainable)
        self._name = _scoped("Variable" if name is None else name) + ":0"
        self._constraint = constraint
        # Serialises updates: assign_add's read-add-store must not interleave with another's.
        self._lock = threading.Lock()
        # No copy: conversion copied a NumPy array, and tensors are never written in place.
        # Under a tf.device scope the variable lives on the scope's device (TF's placement).
        self._set(_backend.moved(value._value) if _backend.scopes_entered else value._value)

    def _set(self, array) -> None:
        # Creating a variable inside a traced tf.function: not replayable (TF refuses too).
        _tape.side_effect("it creates a variable")
        self._put(array)

    def _put(self, array) -> None:
        self._tensor = make(array, self._dtype)
        self._tensor._id = self._id

    def _update(self, array, how: str, t) -> None:
        """Stores an assignment; a traced tf.function records it as a step (trace.py)."""
        before = self._tensor
        self._put(_backend.on_device_of(array, before._value))  # a variable keeps its device
        _tape.assign_variable(self, how, t, before)  # a trace or a call's journal may listen

    # -- reading --------------------------------------------------------------------

    def _convert(self, dtype=None) -> EagerTensor:
        """The current value as a tensor, read as TF reads it (tapes may watch it)."""
        if dtype is not None and _dtypes.as_dtype(dtype) is not self._dtype:
            raise ValueError(
                f"Incompatible type conversion requested to type '{_dtypes.as_dtype(dtype).name}' "
                f"for variable of type '{self._dtype.name}' (Variable: {self!r})"
            )
        if _tape.active:
            _tape.read_variable(self)
        return self._tensor

    def value(self) -> EagerTensor:
        """The current value as a tensor."""
        return self._convert()

    def read_value(self) -> EagerTensor:
        """The current value as a tensor."""
        return self._convert()

    def _read_in_python(self) -> None:
        # As TF (observed on 2.21): `v.numpy()`, `np.asarray(v)`, `float(v)`, `bool(v)`...
        # are reads, so a recording tape watches a trainable variable; the value then
        # leaves the tape (warn_on_numpy's hooks hear of it) and a trace cannot replay it.
        if _tape.active:
            _tape.read_variable(self)
        _tape.side_effect(_READ_IN_PYTHON)
        if _tape.value_hooks:
            for hook in _tape.value_hooks:
                hook(self, _READ_IN_PYTHON)

    def numpy(self):
        """A copy of the current value (a NumPy scalar for rank 0), as TF's."""
        self._read_in_python()
        return host_copy(self._tensor._value)  # a Dask value is computed

    def __array__(self, dtype=None, copy=None):
        # TF converts `v.numpy()`, so NumPy gets a writable copy (unlike a tensor's view).
        self._read_in_python()
        if copy is False:
            raise ValueError(NO_COPY_MESSAGE)
        return np.array(self._tensor._value, dtype=dtype)

    def __tf_tensor__(self, dtype=None, name=None) -> EagerTensor:
        return self._convert(dtype)

    # -- writing --------------------------------------------------------------------

    def _new_value(self, value, op_name: str, check_shape: bool = True):
        source = value._convert() if isinstance(value, Variable) else value
        t = convert_to_tensor(source, self._dtype)
        # The current value's shape is compatible with the variable's, so the same shape
        # needs no TensorShape check (the costly part of a small update). assign_add and
        # assign_sub leave the check to their kernels, which raise InvalidArgumentError.
        if (
            check_shape
            and t._value.shape != self._tensor._value.shape
            and not self._shape.is_compatible_with(t.shape)
        ):
            raise ValueError(
                f"Cannot {op_name} value to variable ' {self._name}': Shape mismatch.The variable "
                f"shape {self._shape}, and the assigned value shape {t.shape} are incompatible."
            )
        return t

    # Each update holds the variable's lock from reading the old value to storing the new
    # one, so concurrent updates from several threads are all applied (TF's are atomic).

    def assign(self, value, use_locking=None, name=None, read_value=True):
        """Sets the variable to `value` (same dtype, compatible shape); returns the variable."""
        t = self._new_value(value, "assign")  # a NumPy array is copied by the conversion
        with self._lock:
            if t._value.shape != self._tensor._value.shape:
                # Replays assume each slot's shape: a reshaping assignment runs eagerly.
                _tape.side_effect("it assigns a variable a value of another shape")
            self._update(t._value, "assign", t)
        return _UnreadVariable(self) if read_value else None

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        """Adds `delta` to the variable (atomically); returns the variable."""
        t = self._new_value(delta, "assign_add", check_shape=False)
        with self._lock:
            self._check_same_shape(t, "AssignAddVariableOp")
            old = self._tensor._value
            self._update(old + _backend.on_device_of(t._value, old), "add", t)
        return _UnreadVariable(self) if read_value else None

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        """Subtracts `delta` from the variable (atomically); returns the variable."""
        t = self._new_value(delta, "assign_sub", check_shape=False)
        with self._lock:
            self._check_same_shape(t, "AssignSubVariableOp")
            old = self._tensor._value
            self._update(old - _backend.on_device_of(t._value, old), "sub", t)
        return _UnreadVariable(self) if read_value else None

    def _strided_slice_assign(self, key: tuple, value, name=None):
        """`v[key].assign(value)` (TF's ResourceStridedSliceAssign); `key` is normalised
        (ints, slices and None for every dimension, see array_ops.normalize_index).

        `value` broadcasts to the slice's shape; an empty slice takes any value and
        changes nothing (observed on TF 2.21). Not differentiable, as in TF.
        """
        source = value._convert() if isinstance(value, Variable) else value
        t = convert_to_tensor(source, self._dtype)
        with self._lock:
            old = self._tensor._value
            region = np.shape(np.asarray(old)[key])
            if 0 in region:
                return _UnreadVariable(self)
            shape = np.shape(t._value)
            if len(shape) > len(region) or any(
                a != 1 and a != b for a, b in zip(shape[::-1], region[::-1])
            ):
                from .errors import invalid_argument

                raise invalid_argument(
                    f"Cannot broadcast input shape [{','.join(map(str, shape))}] into final "
                    f"shape [{','.join(map(str, region))}]",
                    "ResourceStridedSliceAssign",
                )
            new = np.array(old, copy=True)
            new[key] = t._value
            return self._store(new, "it assigns to a slice of a variable")

    # -- scatter updates (TF's ResourceScatter* and ResourceScatterNd* kernels) ----------
    # Not differentiable, as in TF; a traced tf.function runs them eagerly (not replayed).

    def scatter_nd_update(self, indices, updates, name=None):
        """Writes `updates` at the index vectors `indices` (the last axis indexes the
        variable); returns the variable.

        >>> v = tf.Variable([1., 2., 3., 4.])
        >>> v.scatter_nd_update([[1], [3]], [10., 30.]).numpy()
        array([ 1., 10.,  3., 30.], dtype=float32)
        """
        return self._scatter_nd(indices, updates, _SET, "ResourceScatterNdUpdate")

    def scatter_nd_add(self, indices, updates, name=None):
        """Adds `updates` at the index vectors `indices` (duplicates sum)."""
        return self._scatter_nd(indices, updates, np.add.at, "ResourceScatterNdAdd")

    def scatter_nd_sub(self, indices, updates, name=None):
        """Subtracts `updates` at the index vectors `indices` (duplicates sum)."""
        return self._scatter_nd(indices, updates, np.subtract.at, "ResourceScatterNdSub")

    def scatter_nd_max(self, indices, updates, name=None):
        """The elementwise maximum of the variable and `updates` at `indices`."""
        return self._scatter_nd(indices, updates, np.maximum.at, "ResourceScatterNdMax")

    def scatter_nd_min(self, indices, updates, name=None):
        """The elementwise minimum of the variable and `updates` at `indices`."""
        return self._scatter_nd(indices, updates, np.minimum.at, "ResourceScatterNdMin")

    def scatter_update(self, sparse_delta, use_locking=False, name=None):
        """Writes the `tf.IndexedSlices` `sparse_delta` into rows of the variable.

        >>> v = tf.Variable([1., 2., 3., 4.])
        >>> v.scatter_update(tf.IndexedSlices(tf.constant([10., 20.]), [0, 2])).numpy()
        array([10.,  2., 20.,  4.], dtype=float32)
        """
        return self._scatter(sparse_delta, _SET, "ResourceScatterUpdate")

    def scatter_add(self, sparse_delta, use_locking=False, name=None):
        """Adds the `tf.IndexedSlices` `sparse_delta` to rows of the variable."""
        return self._scatter(sparse_delta, np.add.at, "ResourceScatterAdd")

    def scatter_sub(self, sparse_delta, use_locking=False, name=None):
        """Subtracts the `tf.IndexedSlices` `sparse_delta` from rows of the variable."""
        return self._scatter(sparse_delta, np.subtract.at, "ResourceScatterSub")

    def scatter_mul(self, sparse_delta, use_locking=False, name=None):
        """Multiplies rows of the variable by the `tf.IndexedSlices` `sparse_delta`."""
        return self._scatter(sparse_delta, np.multiply.at, "ResourceScatterMul")

    def scatter_div(self, sparse_delta, use_locking=False, name=None):
        """Divides rows of the variable by `sparse_delta` (integers truncate toward zero,
        and, as in TF, no update may be 0, even for floats)."""
        return self._scatter(sparse_delta, _divide_at, "ResourceScatterDiv")

    def scatter_max(self, sparse_delta, use_locking=False, name=None):
        """The elementwise maximum of rows of the variable and `sparse_delta`."""
        return self._scatter(sparse_delta, np.maximum.at, "ResourceScatterMax")

    def scatter_min(self, sparse_delta, use_locking=False, name=None):
        """The elementwise minimum of rows of the variable and `sparse_delta`."""
        return self._scatter(sparse_delta, np.minimum.at, "ResourceScatterMin")

    def batch_scatter_update(self, sparse_delta, use_locking=False, name=None):
        """`scatter_update` per batch: `sparse_delta.indices` has shape `batch + [n]` and
        indexes axis `len(batch)` of the variable (TF's batch_scatter_update)."""
        _check_sparse_delta(sparse_delta)
        indices = np.asarray(_indices(sparse_delta.indices, "ResourceScatterNdUpdate"))
        if indices.ndim <= 1:
            return self.scatter_update(sparse_delta)
        grid = np.indices(indices.shape, dtype=indices.dtype)[:-1]
        nd = np.stack([*grid, indices], axis=-1)
        return self.scatter_nd_update(make(nd, _dtypes.as_dtype(nd.dtype)), sparse_delta.values)

    def _updates(self, updates):
        source = updates._convert() if isinstance(updates, Variable) else updates
        return np.asarray(convert_to_tensor(source, self._dtype)._value)

    def _store(self, new, what: str = "it scatters into a variable") -> _UnreadVariable:
        """Stores the updated array `new` (caller holds the lock). A traced tf.function
        does not replay sliced or scattered writes: it runs eagerly instead."""
        _tape.side_effect(what)
        self._update(new if new.ndim else new[()], "assign", make(new, self._dtype))
        return _UnreadVariable(self)

    def _scatter_nd(self, indices, updates, combine, op_type: str):
        from .errors import invalid_argument

        idx = np.asarray(_indices(indices, op_type))
        u = self._updates(updates)
        with self._lock:
            old = np.asarray(self._tensor._value)
            ps, us = old.shape, u.shape
            if old.ndim == 0:
                raise invalid_argument("Output must be at least 1-D, got shape: []", op_type)
            slice_dim = idx.shape[-1] if idx.ndim > 1 else 1
            batch_dim = idx.ndim - 1 if idx.ndim > 1 else 1
            ib, ub = idx.shape[:batch_dim], us[:batch_dim]
            # TF's order of checks; where TF reads dimensions a lower-rank tensor lacks
            # (scalar indices or updates) it prints garbage sizes, tapeflow prints 1.
            batch_error = invalid_argument(
                f"Dimensions [0,{batch_dim}) of indices[shape={_dims(idx.shape)}] = "
                f"{int(np.prod(ib))} must match dimensions [0,{batch_dim}) of "
                f"updates[shape={_dims(us)}] = {int(np.prod(ub))}",
                op_type,
            )
            if idx.ndim == 0 or u.ndim < batch_dim:
                raise batch_error
            if us[batch_dim:] != ps[slice_dim:] or len(us) - batch_dim != old.ndim - slice_dim:
                raise invalid_argument(
                    f"Dimensions [{slice_dim},{old.ndim}) of input[shape={_dims(ps)}] must "
                    f"match dimensions [{slice_dim},{len(us)}) of updates[shape={_dims(us)}]",
                    op_type,
                )
            if ib != ub:
                raise batch_error
            flat = idx.reshape(-1, slice_dim)
            bad = np.any((flat < 0) | (flat >= np.asarray(ps[:slice_dim])), axis=-1)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                vector = ", ".join(str(int(k)) for k in flat[i])
                raise invalid_argument(
                    f"indices[{i}] = [{vector}] does not index into shape {_dims(ps)}", op_type
                )
            new = old.copy()
            combine(new, tuple(flat.T), u.reshape((-1,) + ps[slice_dim:]))
            return self._store(new)

    def _scatter(self, sparse_delta, combine, op_type: str):
        from .errors import invalid_argument

        _check_sparse_delta(sparse_delta)
        idx = np.asarray(_indices(sparse_delta.indices, op_type))
        u = self._updates(sparse_delta.values)
        if combine is not _SET and self._dtype._kind not in "iufc":
            raise invalid_argument(
                f"Value for attr 'dtype' of {self._dtype.c_name} is not in the list of allowed "
                f"values: {_SCATTER_DTYPES}",
                op_type,
            )
        with self._lock:
            old = np.asarray(self._tensor._value)
            ps, us = old.shape, u.shape
            if us and us != idx.shape + ps[1:]:
                # TF's kernel checks only the rank here (and then writes past the row);
                # tapeflow raises TF's message for every mismatch.
                raise invalid_argument(
                    "Must have updates.shape = indices.shape + params.shape[1:] or "
                    f"updates.shape = [], got updates.shape {_dims(us)}, indices.shape "
                    f"{_dims(idx.shape)}, params.shape {_dims(ps)}",
                    op_type,
                )
            flat = idx.reshape(-1)
            n = ps[0] if ps else 0
            bad = (flat < 0) | (flat >= n)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise invalid_argument(f"indices[{i}] = {flat[i]} is not in [0, {n})", op_type)
            if combine is _divide_at and np.any(u == 0):
                raise invalid_argument("updates must not contain 0", op_type)
            new = old.copy()
            combine(new, flat, u if not us else u.reshape((-1,) + ps[1:]))
            return self._store(new)

    def _check_same_shape(self, t, op_type: str) -> None:
        if t._value.shape != self._tensor._value.shape:  # ndarrays and NumPy scalars
            from .errors import invalid_argument

            have, got = (",".join(map(str, np.shape(a))) for a in (self._tensor._value, t._value))
            raise invalid_argument(
                f"Cannot update variable with shape [{have}] using a Tensor with shape [{got}], "
                "shapes must be equal.",
                op_type,
            )

    # -- properties -----------------------------------------------------------------

    @property
    def name(self) -> str:
        return self._name

    @property
    def dtype(self):
        return self._dtype

    @property
    def shape(self) -> TensorShape:
        """The static shape given at creation (or the initial value's): for
        `shape=tf.TensorShape(None)` it stays `<unknown>` whatever is assigned."""
        return self._shape

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def initial_value(self):
        """Not available eagerly: TF raises RuntimeError (observed on TF 2.21)."""
        raise RuntimeError("This property is not supported when eager execution is enabled.")

    @property
    def constraint(self):
        return self._constraint

    @property
    def device(self) -> str:
        return self._tensor.device

    @property
    def synchronization(self) -> int:
        return 0  # tf.VariableSynchronization.AUTO

    @property
    def aggregation(self) -> int:
        return 0  # tf.VariableAggregation.NONE

    def ref(self) -> Reference:
        return Reference(self)

    experimental_ref = ref

    # -- Python protocols -------------------------------------------------------------

    def __repr__(self) -> str:
        return (
            f"<tf.Variable '{self._name}' shape={self.shape} dtype={self._dtype.name}, "
            f"numpy={numpy_text(self._tensor._value, is_repr=True)}>"
        )

    def __hash__(self):
        raise TypeError(
            f"Variable is unhashable. Instead, use variable.ref() as the key. (Variable: {self!r})"
        )

    def __bool__(self) -> bool:
        self._read_in_python()
        return bool(self._tensor)

    def __float__(self) -> float:
        self._read_in_python()
        return float(self._tensor)

    def __int__(self) -> int:
        self._read_in_python()
        return int(self._tensor)

    def __index__(self) -> int:
        self._read_in_python()
        return self._tensor.__index__()

    def __iter__(self):
        return iter(self._convert())

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return Variable(
            np.array(self._tensor._value, copy=True),
            trainable=self._trainable,
            name=self._name[:-2],
            dtype=self._dtype,
        )


class ResourceVariable(Variable):
    """The concrete variable class (what `tf.Variable(...)` creates)."""


def _shared(attribute: str) -> property:
    def get(self):
        return getattr(self._parent, attribute)

    def set(self, value):
        setattr(self._parent, attribute, value)

    return property(get, set)


class _UnreadVariable(ResourceVariable):
    """What `assign*` returns, as in TF: a view of the same variable named 'UnreadVariable'.

    It reads the variable's current value whenever it is used, and gradients
    with respect to it are gradients with respect to the variable.
    """

    def __init__(self, parent: Variable):
        self._parent = parent

    _tensor = _shared("_tensor")
    _id = _shared("_id")
    _dtype = _shared("_dtype")
    _shape = _shared("_shape")
    _trainable = _shared("_trainable")
    _constraint = _shared("_constraint")
    _lock = _shared("_lock")

    @property
    def name(self) -> str:
        return "UnreadVariable"

    @property
    def _name(self) -> str:
        return "UnreadVariable"


_SCATTER_DTYPES = (
    "float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, "
    "bfloat16, qint16, quint16, uint16, complex128, half, uint32, uint64"
)


def _set_at(array, index, values) -> None:
    array[index] = values  # duplicates: the last write wins, as in TF's CPU kernel


_SET = _set_at


def _divide_at(array, index, values) -> None:
    if array.dtype.kind in "iu":  # TF's integer division truncates toward zero
        divisor = np.ones_like(array)
        np.multiply.at(divisor, index, values)
        rows = np.unique(index)
        a, b = array[rows], divisor[rows]
        array[rows] = (a - np.fmod(a, b)) // b
    else:
        np.divide.at(array, index, values)


def _dims(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _indices(indices, op_type: str):
    t = convert_to_tensor(indices)
    if t._dtype not in (_dtypes.int32, _dtypes.int64):
        from .errors import invalid_argument

        raise invalid_argument(
            f"Value for attr 'Tindices' of {t._dtype.c_name} is not in the list of allowed "
            "values: int32, int64",
            op_type,
        )
    return t._value


def _check_sparse_delta(sparse_delta) -> None:
    from .indexed_slices import IndexedSlices

    if not isinstance(sparse_delta, IndexedSlices):
        raise TypeError(
            f"Argument `sparse_delta` must be a `tf.IndexedSlices`. Received arg: {sparse_delta}"
        )
