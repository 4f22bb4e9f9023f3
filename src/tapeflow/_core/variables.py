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

from . import dtypes as _dtypes
from . import tape as _tape
from .tensor import (
    NO_COPY_MESSAGE,
    EagerTensor,
    Reference,
    _next_id,
    convert_to_tensor,
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
            raise ValueError(
                f"The initial value's shape ({value.shape}) is not compatible with the explicitly "
                f"supplied `shape` argument ({TensorShape(shape)})."
            )
        self._id = _next_id()
        self._dtype = value._dtype
        self._shape = TensorShape(shape) if shape is not None else value.shape
        self._trainable = True if trainable is None else bool(trainable)
        self._name = _scoped("Variable" if name is None else name) + ":0"
        self._constraint = constraint
        self._initial = value
        # Serialises updates: assign_add's read-add-store must not interleave with another's.
        self._lock = threading.Lock()
        # No copy: conversion copied a NumPy array, and tensors are never written in place.
        self._set(value._value)

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
        self._put(array)
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

    def numpy(self):
        """A copy of the current value (a NumPy scalar for rank 0), as TF's."""
        _tape.side_effect(_READ_IN_PYTHON)
        value = self._tensor._value
        return value.copy() if type(value) is np.ndarray else value

    def __array__(self, dtype=None, copy=None):
        # TF converts `v.numpy()`, so NumPy gets a writable copy (unlike a tensor's view).
        _tape.side_effect(_READ_IN_PYTHON)
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
            if not self._shape.is_fully_defined():
                _tape.side_effect("it assigns a variable of unknown shape")
                self._shape = t.shape
            self._update(t._value, "assign", t)
        return _UnreadVariable(self) if read_value else None

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        """Adds `delta` to the variable (atomically); returns the variable."""
        t = self._new_value(delta, "assign_add", check_shape=False)
        with self._lock:
            self._check_same_shape(t, "AssignAddVariableOp")
            self._update(self._tensor._value + t._value, "add", t)
        return _UnreadVariable(self) if read_value else None

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        """Subtracts `delta` from the variable (atomically); returns the variable."""
        t = self._new_value(delta, "assign_sub", check_shape=False)
        with self._lock:
            self._check_same_shape(t, "AssignSubVariableOp")
            self._update(self._tensor._value - t._value, "sub", t)
        return _UnreadVariable(self) if read_value else None

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
        return self._tensor.shape

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def ndim(self) -> int:
        return self._tensor.ndim

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def initial_value(self) -> EagerTensor:
        return self._initial

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
        _tape.side_effect(_READ_IN_PYTHON)
        return bool(self._tensor)

    def __float__(self) -> float:
        _tape.side_effect(_READ_IN_PYTHON)
        return float(self._tensor)

    def __int__(self) -> int:
        _tape.side_effect(_READ_IN_PYTHON)
        return int(self._tensor)

    def __index__(self) -> int:
        _tape.side_effect(_READ_IN_PYTHON)
        return self._tensor.__index__()

    def __len__(self) -> int:
        return len(self._tensor)

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
    _initial = _shared("_initial")
    _lock = _shared("_lock")

    @property
    def name(self) -> str:
        return "UnreadVariable"

    @property
    def _name(self) -> str:
        return "UnreadVariable"
