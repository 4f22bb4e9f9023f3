"""Eager tensors: immutable wrappers of a NumPy value, and conversion into them.

A tensor holds `_value` (an ndarray, or a NumPy scalar for rank 0, which keeps
scalar arithmetic cheap), its `DType` and an `_id` from a global counter; tapes
key tensors by that id, never by `id()`. Operators are attached to the class
by `ops/operators.py`, once the ops exist.

Conversion follows TensorFlow: Python floats become float32, ints int32 (int64
when they do not fit), bools bool, complex complex128; NumPy values keep their
dtype; a requested dtype never silently truncates a Python value.
"""

from __future__ import annotations

import itertools
import math
import os
import warnings

import numpy as np

from . import backend as _backend
from . import dtypes as _dtypes
from . import tape as _tape
from .accel import compiled as _compiled
from .dtypes import DType
from .errors import ResourceExhaustedError, invalid_argument, op_error
from .tensor_shape import TensorShape

# The compiled core's counter when it runs (one counter: ids order all tensors).
_next_id = _compiled.next_id if _compiled else itertools.count(1).__next__
new_id = _next_id  # a fresh tensor id: ids grow, so it also marks a point in time
_from_np = _dtypes._BY_NP.__getitem__
_np_scalar_types = (np.generic,)
_np_types = (np.ndarray, np.generic)
_GRAPH_ONLY = frozenset(("name", "op", "graph"))  # EagerTensor's properties that raise
# NumPy's own message when `copy=False` cannot be honoured.
NO_COPY_MESSAGE = (
    "Unable to avoid copy while creating an array as requested.\n"
    "If using `np.array(obj, copy=False)` replace it with `np.asarray(obj)` to allow a copy "
    "when needed (no behavior change in NumPy 1.x).\n"
    "For more details, see https://numpy.org/devdocs/numpy_2_0_migration_guide.html"
    "#adapting-to-changes-in-the-copy-keyword."
)


class Tensor:
    """The base class of tensors (`tf.Tensor`); eager tensors are `EagerTensor`s."""

    __slots__ = ()

    # NumPy defers binary operators to us, so `np.float32(2) * t` is a Tensor.
    __array_priority__ = 100


class EagerTensor(*((_compiled.TensorBase,) if _compiled else ()), Tensor):
    """A concrete, immutable eager tensor. Create tensors with `tf.constant`."""

    # `_slice_of`: (variable, key, name) on `v[key]`, read by `assign`; unset on others.
    # On the compiled path the fields are `_compiled.TensorBase`'s C struct (not tracked by
    # the garbage collector: a tensor is never part of a cycle).
    __slots__ = () if _compiled else ("_value", "_dtype", "_id", "_slice_of", "__weakref__")

    def __init__(self, value, dtype=None):
        t = convert_to_tensor(value, dtype)
        self._value = t._value
        self._dtype = t._dtype
        self._id = _next_id()

    # -- basic properties ---------------------------------------------------------

    @property
    def shape(self) -> TensorShape:
        return TensorShape._from_tuple(np.shape(self._value))

    def get_shape(self) -> TensorShape:
        return self.shape

    def set_shape(self, shape) -> None:
        if not self.shape.is_compatible_with(shape):
            raise ValueError(
                f"Tensor's shape {self.shape} is not compatible with supplied shape "
                f"{TensorShape(shape)}."
            )

    @property
    def dtype(self) -> DType:
        return self._dtype

    @property
    def assign(self):
        """`v[key].assign(value, name=None)`: writes `value` into that slice of variable `v`.

        As in TF, only a slice read from a variable has `assign` (TF's strided_slice
        attaches the closure); other tensors, and slices of slices, raise AttributeError.
        """
        try:
            variable, key, parent_name = self._slice_of
        except AttributeError:
            raise AttributeError("'EagerTensor' object has no attribute 'assign'") from None

        def assign(val, name=None):
            if name is None and parent_name is None:
                # TF's wart: tf.strided_slice(..., var=v) without a name names the assign
                # `None + "_assign"` (observed on TF 2.21).
                raise TypeError("unsupported operand type(s) for +: 'NoneType' and 'str'")
            return variable._strided_slice_assign(key, val, name)

        return assign

    @property
    def ndim(self) -> int:
        return np.ndim(self._value)

    @property
    def device(self) -> str:
        return _backend.device_name(self._value)  # its GPU's (logical) index, else the CPU

    backing_device = device

    @property
    def name(self):
        raise AttributeError("Tensor.name is undefined when eager execution is enabled.")

    @property
    def op(self):
        raise AttributeError("Tensor.op is undefined when eager execution is enabled.")

    @property
    def graph(self):
        raise AttributeError("Tensor.graph is undefined when eager execution is enabled.")

    def numpy(self):
        """A copy of the value as a NumPy array (a NumPy scalar for rank 0).

        As in TensorFlow the array is the caller's own (writable): editing it
        leaves the tensor unchanged. `np.asarray(t)` gives a read-only view
        without copying.
        """
        _tape.value_read(self, "it reads a tensor's value with .numpy()")
        return host_copy(self._value)

    def __array__(self, dtype=None, copy=None):
        """NumPy's conversion: a read-only view of the value, as TF's (no copy).

        A dtype that differs from the tensor's, or `copy=True`, gives a new writable array.
        """
        _tape.value_read(self, "it converts a tensor to a NumPy array")
        value = self._value
        if not isinstance(value, _np_types):
            value = _backend.to_host(value)  # a Dask array computes, a CuPy one copies
        if copy or (dtype is not None and np.dtype(dtype) != value.dtype):
            if copy is False:
                raise ValueError(NO_COPY_MESSAGE)
            return np.array(value, dtype=dtype)
        # A view, so that the tensor's own array stays writable for no one but its owner.
        view = value.view() if type(value) is np.ndarray else np.asarray(value)
        view.flags.writeable = False
        return view

    def ref(self):
        """A hashable reference to this tensor, for use as a dict key or set member."""
        return Reference(self)

    experimental_ref = ref

    def cpu(self):
        return self

    # -- Python protocols ---------------------------------------------------------

    def __len__(self) -> int:
        if np.ndim(self._value) == 0:
            raise TypeError("Scalar tensor has no `len()`")
        return len(self._value)

    # __iter__ (unstack) is installed with the operators, by ops/operators.py.

    def __bool__(self) -> bool:
        _tape.value_read(self, "Python control flow or bool() depends on a tensor's value")
        return bool(self._value)

    def __float__(self) -> float:
        _tape.value_read(self, "it converts a tensor to a Python float")
        return float(self._value)

    def __int__(self) -> int:
        _tape.value_read(self, "it converts a tensor to a Python int")
        return int(self._value)

    def __complex__(self) -> complex:
        _tape.value_read(self, "it converts a tensor to a Python complex")
        return complex(self._value)

    def __index__(self) -> int:
        # As in TF, the NumPy value answers: a float scalar raises AttributeError.
        _tape.value_read(self, "it uses a tensor's value as a Python index")
        return self._value.__index__()

    def __getattr__(self, name: str):
        # Only reached for missing attributes (and for the graph-only properties, whose
        # AttributeError Python hands here): TF's hint for NumPy-style methods.
        if name in _GRAPH_ONLY:
            raise AttributeError(f"Tensor.{name} is undefined when eager execution is enabled.")
        if name in _NUMPY_METHODS:
            raise AttributeError(
                f"{type(self).__name__} object has no attribute '{name}'. "
                """
        If you are looking for numpy-related methods, please run the following:
        tf.experimental.numpy.experimental_enable_numpy_behavior()
      """
            )
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __round__(self, ndigits=None):
        # TF's EagerTensor.__round__ is tf.experimental.numpy.around, which fails
        # unless NumPy behaviour is enabled; the same AttributeError here (TF's wart).
        return self.__getattr__("astype")

    def __hash__(self):
        raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return convert_to_tensor, (self._value,)

    def __format__(self, format_spec: str) -> str:
        value = self._value  # as TF: formats the NumPy value
        return format(value if isinstance(value, _np_types) else host_copy(value), format_spec)

    def __str__(self) -> str:
        return f"tf.Tensor({numpy_text(self._value)}, shape={self.shape}, dtype={self._dtype.name})"

    def __repr__(self) -> str:
        return (
            f"<tf.Tensor: shape={self.shape}, dtype={self._dtype.name}, "
            f"numpy={numpy_text(self._value, is_repr=True)}>"
        )


_NUMPY_METHODS = frozenset(
    ("T", "astype", "ravel", "transpose", "reshape", "clip", "size", "tolist", "data")
)


def numpy_text(value, is_repr: bool = False) -> str:
    """The value part of a tensor's str/repr, as TensorFlow prints it.

    TF shows a scalar's repr as `3.0`, not NumPy 2's `np.float32(3.0)`. A Dask value
    computes only the elements NumPy's summary shows (`backend.printable`).
    """
    if not isinstance(value, _np_types):
        shape = np.shape(value)
        value, options = _backend.printable(value)
        with np.printoptions(**options):
            text = numpy_text(value, is_repr)
        if value.shape != shape:  # NumPy 2's repr of a summary names the full shape
            head, found, tail = text.rpartition(f"shape={value.shape}")
            text = head + f"shape={shape}" + tail if found else text
        return text
    if not is_repr:
        text = str(value)
    elif np.ndim(value) == 0:
        text = repr(value.item())  # TF prints a scalar as the Python number it holds
    else:
        text = repr(value)
    if "\n" in text:
        text = "\n" + text
    return text


class Reference:
    """A hashable reference to a tensor or variable (what `x.ref()` returns)."""

    __slots__ = ("_wrapped",)

    def __init__(self, wrapped):
        self._wrapped = wrapped

    def deref(self):
        return self._wrapped

    def __hash__(self) -> int:
        return self._wrapped._id

    def __eq__(self, other) -> bool:
        return isinstance(other, Reference) and other._wrapped is self._wrapped

    def __repr__(self) -> str:
        return f"<Reference wrapping {self._wrapped!r}>"


def host_copy(value):
    """A value as `.numpy()` returns it: the caller's own NumPy array (a scalar for rank 0).

    A Dask value is computed, a CuPy value copied to the host.
    """
    if type(value) is np.ndarray:
        return value.copy()
    if isinstance(value, np.generic):
        return value
    array = _backend.to_host(value)
    return array[()] if array.ndim == 0 else array


_new_tensor = EagerTensor.__new__  # object.__new__, or TensorBase's on the compiled path


def make(value, dtype: DType) -> EagerTensor:
    """Wraps an ndarray or NumPy scalar of dtype `dtype` (hot path: no checks; mirrored
    in C by `_compiled.make`)."""
    t = _new_tensor(EagerTensor)
    t._value = value
    t._dtype = dtype
    t._id = _next_id()
    return t


def wrap(value) -> EagerTensor:
    """Wraps a NumPy result, taking its dtype from the value (hot path; mirrored in C by
    `_compiled.wrap`)."""
    t = _new_tensor(EagerTensor)
    t._value = value
    try:
        t._dtype = _from_np(value.dtype)
    except (KeyError, AttributeError):
        return _wrap_unusual(value)
    t._id = _next_id()
    return t


def _wrap_unusual(value) -> EagerTensor:
    # A Python scalar (some NumPy functions return them) or an unsupported dtype.
    array = np.asarray(value)
    if array.dtype not in _dtypes._BY_NP:
        raise TypeError(f"tapeflow has no dtype for NumPy dtype {array.dtype}.")
    return make(array[()] if array.ndim == 0 else array, _dtypes._BY_NP[array.dtype])


if _compiled:  # the same functions in C (_compiled.pyx mirrors make and wrap)
    _compiled.bind_tensor(EagerTensor, _dtypes._BY_NP, _wrap_unusual)
    make, wrap = _compiled.make, _compiled.wrap


# -- conversion ------------------------------------------------------------------------

_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


_MIXED_TYPES = "Can't convert Python sequence with mixed types to Tensor."
_NON_RECTANGULAR = "Can't convert non-rectangular Python sequence to Tensor."
_OUT_OF_RANGE = "Can't convert Python sequence with out-of-range integer to Tensor."


def unsupported_type(value) -> ValueError:
    """TF's error for converting a value of a type no tensor holds (None, str, objects)."""
    return ValueError(
        f"Attempt to convert a value ({value!r}) with an unsupported type ({type(value)}) to a "
        "Tensor."
    )


def _leaf_kind(v):
    """The kind of a scalar: b, i, f, c, a NumPy scalar's or tensor's DType, or None."""
    if isinstance(v, (bool, np.bool_)):
        return "b"
    if isinstance(v, int):
        return "i"
    if isinstance(v, float) and not isinstance(v, np.floating):
        return "f"
    if isinstance(v, complex):
        return "c"
    if isinstance(v, np.integer):
        return "i"  # TF reads a NumPy int in a list as a Python int: [np.int8(1), 2] is int32
    if isinstance(v, np.generic):
        return _dtypes._BY_NP.get(v.dtype)
    if isinstance(v, Tensor) or _is_variable(v):
        return _dtype_of(v)
    return None


# What TF's converter descends into: Python sequences (ranges too), and NumPy arrays inside.
_SEQUENCES = (list, tuple, range, np.ndarray)


def _scalar(v):
    """A 0-d NumPy array inside a list counts as the NumPy scalar it holds (as in TF)."""
    return v[()] if type(v) is np.ndarray and v.ndim == 0 else v


def _infer_python_dtype(value) -> DType:
    """TF's dtype for a Python scalar or (nested) list of them.

    As TF's converter, the first scalar (the innermost first element) sets the kind and depth
    the others must fit: ints widen to float32 when a float follows (`[1, 2.5]`), bools fit
    number kinds but not the reverse (`[1, True]` is int32, `[True, 1]` an error), a float
    never widens to complex.

    Raises:
      ValueError: TF's messages: for a first element that is not a number (None, a string, an
        object), for other elements that are not numbers of a fitting kind ("mixed types"),
        for ragged nesting, and for ints outside int64 (unless a float came first).
    """
    first, depth = _scalar(value), 0
    while isinstance(first, _SEQUENCES) and len(first):
        first, depth = _scalar(first[0]), depth + 1
    if isinstance(first, _SEQUENCES):
        depth = None  # an empty innermost list: NumPy checks the nesting
        first_kind = None
    else:
        first_kind = _leaf_kind(first)
        if first_kind is None:
            raise unsupported_type(first)
    floating = first_kind in ("f", "c")  # a float converter accepts any Python int
    kinds = set()
    big = False
    stack = [(value, 0)]
    while stack:
        v, d = stack.pop()
        v = _scalar(v)
        if isinstance(v, _SEQUENCES):
            if depth is not None and d >= depth:
                raise ValueError(_MIXED_TYPES)
            stack.extend((x, d + 1) for x in reversed(v))
            continue
        if depth is not None and d < depth:
            raise ValueError(_NON_RECTANGULAR)
        kind = _leaf_kind(v)
        if kind is None:
            raise ValueError(_MIXED_TYPES)
        if kind == "i" and not _INT32_MIN <= v <= _INT32_MAX:
            if not floating and not _INT64_MIN <= v <= _INT64_MAX:
                raise ValueError(_OUT_OF_RANGE)
            big = True
        elif kind == "f":
            floating = True
        kinds.add(kind)
    if isinstance(first_kind, DType):
        # A NumPy float (or complex) scalar first carries its own dtype ([np.float64(1.5),
        # 2.0] is float64); NumPy ints count as Python ints, and a NumPy float after a
        # Python number as a Python float ([1, np.float64(2.5)] is float32): TF 2.21.
        if "c" in kinds and first_kind._kind != "c":
            raise ValueError(_MIXED_TYPES)
        return first_kind
    fixed = [k for k in kinds if isinstance(k, DType)]
    if fixed:
        if all(k._kind in "fc" for k in fixed):
            kinds = {k._kind if isinstance(k, DType) else k for k in kinds}
        else:
            return fixed[0]  # tensors carry their own dtype
    if first_kind == "b" and kinds != {"b"}:
        raise ValueError(_MIXED_TYPES)
    if "c" in kinds:
        if first_kind != "c":
            raise ValueError(_MIXED_TYPES)
        return _dtypes.complex128
    if "f" in kinds or not kinds:
        return _dtypes.float32
    if kinds == {"b"}:
        return _dtypes.bool
    return _dtypes.int64 if big else _dtypes.int32


def _check_python_fits(value, dtype: DType) -> None:
    """TF refuses a Python value whose kind the dtype cannot hold (a float as an int)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple, range)):
            stack.extend(v)
            continue
        if isinstance(v, (np.generic, Tensor)) or _is_variable(v):
            continue
        if dtype.is_bool:
            ok = isinstance(v, (bool, np.bool_))
        elif dtype.is_integer:
            ok = isinstance(v, int)
        elif dtype.is_floating:
            ok = isinstance(v, (int, float))
        else:
            ok = isinstance(v, (int, float, complex))
        if not ok:
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.c_name}")


def _from_python(value, dtype: DType | None) -> EagerTensor:
    if dtype is None:
        dtype = _infer_python_dtype(value)
    else:
        _check_python_fits(value, dtype)
    if isinstance(value, (list, tuple)) and _contains_tensor(value):
        return _pack(value, dtype)
    try:
        try:
            array = np.asarray(value, dtype=dtype._np)
        except OverflowError:
            if not dtype.is_integer:
                raise
            # Out-of-range Python ints wrap around, as TF's conversion does.
            array = np.asarray(value, dtype=np.int64).astype(dtype._np)
    except ValueError:
        raise ValueError(_NON_RECTANGULAR) from None
    except OverflowError:
        raise ValueError(_OUT_OF_RANGE) from None
    value = array[()] if array.ndim == 0 else array
    if _backend.scopes_entered:  # under a GPU scope, on its GPU (TF's constants are)
        value = _backend.placed(value)
    return make(value, dtype)


def _is_variable(value) -> bool:
    return getattr(value, "_is_tapeflow_variable", False)


def _wrapped_variable(value):
    """The tf.Variable inside a variable wrapper (a Keras variable), else None.

    Wrappers are not tf.Variables (as Keras 3's are not) but name theirs as
    `_tapeflow_variable`, so tapes watch it and differentiate with respect to it.
    """
    inner = getattr(value, "_tapeflow_variable", None)
    return inner if _is_variable(inner) else None


def _dtype_of(value) -> DType:
    return value._dtype if isinstance(value, Tensor) else value.dtype


def _contains_tensor(value) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(v)
        elif isinstance(v, Tensor) or _is_variable(v):
            return True
    return False


# The Pack op, installed by ops/operators.py: the core never imports the op library.
stack = None


def _pack(value, dtype: DType) -> EagerTensor:
    """Converts a nested list holding tensors by stacking, so gradients flow (TF's auto-packing)."""
    if isinstance(value, (list, tuple)):
        return stack([_pack(v, dtype) for v in value])
    return convert_to_tensor(value, dtype)


def _from_numpy(value, dtype: DType | None) -> EagerTensor:
    array = np.asarray(value)
    try:
        own = _dtypes._BY_NP[array.dtype]
    except KeyError:
        raise _unsupported_array(array) from None
    if dtype is not None and dtype is not own:
        array = _cast_numpy(array, dtype)  # a new array
        own = dtype
    elif array.ndim:
        # The caller keeps its array and may edit it; the tensor must not see that (TF copies).
        # Only here, where a user's array enters: op results are fresh arrays already.
        array = array.copy()
    value = array[()] if array.ndim == 0 else array
    if _backend.scopes_entered:
        value = _backend.placed(value)
    return make(value, own)


def _from_foreign(value, dtype: DType | None) -> EagerTensor:
    """A Dask or CuPy array as a tensor of its own kind: a Dask array stays lazy (it is
    immutable, so it is not copied), a CuPy array is copied on its device (TF copies)."""
    try:
        own = _dtypes._BY_NP[np.dtype(value.dtype)]
    except (KeyError, TypeError):
        raise _unsupported_array(np.empty(0, getattr(value, "dtype", object))) from None
    if any(d != d for d in value.shape):
        # Unknown (NaN) dims of a Dask array: eager tensors have static shapes, as in TF.
        value.compute_chunk_sizes()
    if dtype is not None and dtype is not own:
        value = value.astype(dtype._np)
        own = dtype
    elif _backend.backend_of(value) == _backend.CUPY:
        value = value.copy()
    return make(value, own)


# TF's names of the NumPy types it has no tensor dtype for (its C++ enum names).
_NUMPY_TYPE_NAMES = {
    "U": "NPY_UNICODE",
    "S": "NPY_STRING",
    "M": "NPY_DATETIME",
    "m": "NPY_TIMEDELTA",
}


def _unsupported_array(array: np.ndarray) -> ValueError:
    """TF's error for a NumPy array of a dtype no tensor holds (objects, dates, strings)."""
    if array.dtype.kind == "O":
        inner = type(array.flat[0]).__name__ if array.size else "NoneType"
        reason = f"Unsupported object type {inner}"
    else:
        name = _NUMPY_TYPE_NAMES.get(array.dtype.kind, f"NPY_{array.dtype.name.upper()}")
        reason = f"Unsupported numpy type: {name}"
    return ValueError(f"Failed to convert a NumPy array to a Tensor ({reason}).")


def _cast_numpy(array: np.ndarray, dtype: DType) -> np.ndarray:
    """A NumPy value cast to `dtype` as TF casts one (observed on TF 2.21): NumPy's astype,
    even where it loses the kind of number (float -> int truncates, complex -> float
    drops the imaginary part, out-of-range values wrap), silently."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return array.astype(dtype._np)


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None) -> EagerTensor:
    """Converts `value` to a Tensor.

    Args:
      value: a Tensor, Variable, NumPy array or scalar, Python scalar, or a
        (nested) list of those.
      dtype: the required element type; the conversion fails rather than
        change the value's kind (a Python float never becomes an int).
      dtype_hint: a preferred dtype used only when `dtype` is None and the
        value's own dtype is not fixed (Python values).
      name: ignored (eager mode).

    Returns:
      An `EagerTensor`.

    Raises:
      ValueError: if `value` is a tensor of a different dtype than `dtype`.
      TypeError: if the value cannot be converted to `dtype`.

    >>> tf.convert_to_tensor(2.)
    <tf.Tensor: shape=(), dtype=float32, numpy=2.0>
    """
    if dtype is not None:
        dtype = _dtypes.as_dtype(dtype)
    if isinstance(value, EagerTensor):
        if dtype is not None and value._dtype is not dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {dtype.name} for Tensor with dtype "
                f"{value._dtype.name}: {value!r}"
            )
        return value
    if _is_variable(value):
        return value._convert(dtype)
    if isinstance(value, (np.ndarray, np.generic)):
        return _from_numpy(value, dtype)
    if isinstance(value, (bool, int, float, complex, list, tuple, range)):
        if dtype is None and dtype_hint is not None:
            hinted = _dtypes.as_dtype(dtype_hint)
            try:
                _check_python_fits(value, hinted)
                dtype = hinted
            except TypeError:
                pass
        return _from_python(value, dtype)
    if isinstance(value, TensorShape):
        return _from_shape(value, dtype)
    if isinstance(value, (str, bytes)) and dtype is not None:
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.c_name}")
    converter = getattr(value, "__tf_tensor__", None)
    if converter is not None:
        return converter(dtype, name)
    if _backend.is_foreign(value):
        return _from_foreign(value, dtype)
    if hasattr(value, "__array__"):
        return _from_numpy(np.asarray(value), dtype)
    raise unsupported_type(value)


def _from_shape(shape: TensorShape, dtype: DType | None) -> EagerTensor:
    """A fully known TensorShape as a 1-D integer tensor (TF: int32, int64 if needed).

    Raises:
      ValueError: for a shape with unknown dimensions or rank.
    """
    if not shape.is_fully_defined():
        raise ValueError(f"Cannot convert a partially known TensorShape {shape} to a Tensor.")
    dims = shape.as_list()
    if dtype is None:
        dtype = _dtypes.int32 if all(d <= _INT32_MAX for d in dims) else _dtypes.int64
    return _from_python(dims, dtype)


def convert_like(value, dtype: DType, op_type: str = "AddV2") -> EagerTensor:
    """Converts the other operand of a binary op to `dtype` (TF's binary-op rule).

    Tensors of another dtype are an error (TF does not promote); Python scalars take `dtype`.
    """
    t = type(value)
    if t is float or t is int:
        if dtype._kind in "fc":
            return make(dtype._np.type(value), dtype)
        if t is int and dtype._kind in "iu":
            if dtype.min <= value <= dtype.max:
                return make(dtype._np.type(value), dtype)
            return _from_python(value, dtype)  # out-of-range ints wrap, as in TF
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype.c_name}")
    if t is EagerTensor:
        if value._dtype is not dtype:
            raise dtype_mismatch(dtype, value._dtype, op_type)
        return value
    if _is_variable(value):
        v = value._convert(None)
        if v._dtype is not dtype:
            raise dtype_mismatch(dtype, v._dtype, op_type)
        return v
    return convert_to_tensor(value, dtype)


def dtype_mismatch(expected: DType, got: DType, op_type: str = "AddV2", index: int = 1):
    """TF's error for mixing dtypes in one op."""
    return invalid_argument(
        f"cannot compute {op_type} as input #{index}(zero-based) was expected to be a "
        f"{expected.c_name} tensor but is a {got.c_name} tensor",
        op_type,
    )


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return 64 << 30  # TF's default where the size is unknown


# The largest tensor TF's CPU allocator can ever grant: it caps its pool at the machine's
# physical memory (MklCPUAllocator: _SC_PHYS_PAGES * _SC_PAGESIZE, else 64 GiB), so any
# larger request fails with ResourceExhaustedError whatever else is in use. NumPy could
# "make" such tensors as zero-stride views (fill, broadcast_to) that then take hours to
# reduce; smaller requests are left to NumPy and the OS.
MAX_TENSOR_BYTES = _physical_memory()


def check_allocation(shape: tuple, dtype: DType, op_type: str) -> None:
    """Refuses an output TF could never allocate, with TF's error (op `op_type`).

    Raises:
      InvalidArgumentError: for more than 2**63 - 1 elements (TF's TensorShape limit).
      ResourceExhaustedError: for more bytes than `MAX_TENSOR_BYTES` (TF's OOM).
    """
    size = math.prod(shape)
    if size * dtype._np.itemsize <= MAX_TENSOR_BYTES:
        return
    dims = ",".join(map(str, shape))
    if size > _INT64_MAX:
        raise invalid_argument(f"Shape [{dims}] would have more than 2**63 - 1 elements", op_type)
    raise out_of_memory(dims, dtype.c_name, op_type)


def out_of_memory(dims: str, type_name: str, op_type: str) -> ResourceExhaustedError:
    """TF's CPU allocator failure for an output of shape `[dims]` (comma-separated)."""
    return op_error(
        ResourceExhaustedError,
        f"OOM when allocating tensor with shape[{dims}] and type {type_name} on "
        "/job:localhost/replica:0/task:0/device:CPU:0 by allocator mklcpu",
        op_type,
    )


def constant(value, dtype=None, shape=None, name="Const") -> EagerTensor:
    """Creates a constant tensor from a tensor-like object.

    Unlike `convert_to_tensor`, a NumPy value or tensor is cast to `dtype`
    when one is given, and a scalar fills a given `shape`.

    Args:
      value: a Python value, NumPy value or tensor.
      dtype: the element type of the result.
      shape: optional shape; a scalar is broadcast to it, otherwise the value
        is reshaped to it (its element count must match).
      name: ignored (eager mode).

    Returns:
      An `EagerTensor`.

    Raises:
      TypeError: if a Python value cannot be represented in `dtype`.
      TypeError: if `shape` does not fit the value's element count.

    >>> tf.constant([1, 2])
    <tf.Tensor: shape=(2,), dtype=int32, numpy=array([1, 2], dtype=int32)>
    """
    if dtype is not None:
        dtype = _dtypes.as_dtype(dtype)
    if isinstance(value, Tensor) or _is_variable(value):
        t = convert_to_tensor(value)
        if dtype is not None and t._dtype is not dtype:
            raise TypeError(
                f"Expected tensor {t._value} with dtype {dtype!r}, but got dtype {t._dtype!r}."
            )
    elif isinstance(value, (np.ndarray, np.generic)) and dtype is not None:
        array = _cast_numpy(np.asarray(value), dtype)
        t = make(_backend.placed(array[()] if array.ndim == 0 else array), dtype)
    else:
        t = convert_to_tensor(value, dtype)
    if shape is None:
        return t
    original = value
    shape = tuple(TensorShape(shape).as_list())
    _tape.value_read(t, "tf.constant reshapes a tensor's value in Python")
    value = t._value
    host = isinstance(value, _np_types)  # else a Dask or CuPy value, filled or reshaped lazily
    if host:
        value = np.asarray(value)
    size = math.prod(shape)
    if value.size == 1 and size != 1:
        check_allocation(shape, t._dtype, "Fill")  # TF fills the shape with a Fill op
        if host:
            array = np.full(shape, value.reshape(()), dtype=value.dtype)
        else:
            array = np.broadcast_to(value.reshape(()), shape)
    elif value.size == size:
        array = value.reshape(shape)
    else:
        raise TypeError(
            f"Eager execution of tf.constant with unsupported shape. Tensor "
            f"{value if host else numpy_text(value)} (converted from {original!r}) has "
            f"{value.size} elements, but got `shape` {TensorShape(shape)} with {size} elements)."
        )
    return make(array[()] if host and array.ndim == 0 else array, t._dtype)


def is_tensor(x) -> bool:
    """True for tensors (and Variables, which TF treats as tensor-like)."""
    return isinstance(x, Tensor) or _is_variable(x)
