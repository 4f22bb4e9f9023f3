"""Small helpers shared by the op families (no ops are registered here)."""

from __future__ import annotations

import numpy as np

from .._core import backend as _backend
from .._core import dtypes as _dt
from .._core import tape as _tape
from .._core.errors import NotFoundError, invalid_argument
from .._core.tensor import convert_to_tensor, make
from .._core.tensor_shape import TensorShape


def batch_ndim(g, primal) -> int:
    """Leading batch dimensions of a cotangent/tangent `g` relative to its primal."""
    return np.ndim(g._value) - np.ndim(primal._value)


def tangent_batch(tangents, inputs) -> tuple:
    """The leading batch shape of a JVP rule's tangents, read from the first present one
    (not for broadcasting ops, whose batched tangents call_jvp has aligned)."""
    for t, x in zip(tangents, inputs):
        if t is not None:
            shape = np.shape(t._value)
            return shape[: len(shape) - np.ndim(x._value)]
    return ()


def linear(tangents, *maps):
    """A JVP rule's sum of terms: `maps[i](tangents[i])` over the inputs with a tangent.

    JVP rules get None for an input without a tangent (a symbolic zero), so its term is
    skipped instead of computed from zeros. Returns None when no term is present. Each
    term must have the output's shape (with the tangents' batch dims): where a term can
    keep its input's shape (x + y), see `broadcast_like`.
    """
    total = None
    for t, f in zip(tangents, maps):
        if t is not None:
            term = f(t)
            total = term if total is None else total + term
    return total


def broadcast_like(t, out):
    """Tangent `t` broadcast to its batch dims + out.shape: the one term of a broadcasting
    op whose other inputs have no tangent (dx of x + y, x of shape (2, 1), y (1, 3)).
    Batched tangents of broadcasting ops come aligned (call_jvp), so the batch dims are
    the leading dims beyond out's rank."""
    shape, out_shape = np.shape(t._value), np.shape(out._value)
    lead = max(len(shape) - len(out_shape), 0)
    if shape[lead:] == out_shape:
        return t
    return t + make(np.zeros(out_shape, t._dtype._np), t._dtype)


# NumPy arrays have at most 64 dimensions (TF's tensors 254): the one limit tapeflow adds.
MAX_RANK = 64


def check_rank(rank: int, op_type: str | None = None) -> None:
    """Refuses an output of more dimensions than NumPy holds, with a TF error class."""
    if rank > MAX_RANK:
        raise invalid_argument(
            f"tapeflow tensors have at most {MAX_RANK} dimensions (NumPy's limit), got {rank}",
            op_type,
        )


def no_kernel(op_type: str, dtype, attrs: str = "") -> NotFoundError:
    """TF's error for a dtype its op allows but no CPU kernel implements (`dtype`: a NumPy
    or tapeflow dtype; `attrs`: the node's other attrs, "N=2, " or ", out_idx=DT_INT32")."""
    if not isinstance(dtype, _dt.DType):
        dtype = _dt.from_numpy(np.dtype(dtype))
    name = f"DT_{dtype.c_name.upper()}"
    if attrs.endswith(", "):
        fields = f"{attrs}T={name}"
    else:
        fields = f"T={name}{attrs}"
    return NotFoundError(
        None, None, f"Could not find device for node: {{{{node {op_type}}}}} = {op_type}[{fields}]"
    )


def not_allowed(dtype, attr: str, op_type: str, allowed: str = "int32, int64"):
    """TF's error for an input whose dtype its kernel's attr `attr` does not allow."""
    return invalid_argument(
        f"Value for attr '{attr}' of {dtype.c_name} is not in the list of allowed values: "
        f"{allowed}",
        op_type,
    )


def int_arg(value, dtype: str = "int32"):
    """An int argument TF converts to an int32 (or `dtype`) tensor: a Python or NumPy float,
    even a whole one, is TF's TypeError."""
    if isinstance(value, (float, np.floating)):
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype}")
    return value


def int_tensor(value, name: str):
    """TF's convert_to_int_tensor: an argument that must convert to an integer tensor."""
    t = convert_to_tensor(value, dtype_hint=_dt.int32)
    if not t.dtype.is_integer:
        raise TypeError(
            f"Argument `tensor` (name: {name}) must be of type integer. Received `tensor` = {t} "
            f"of dtype: {t.dtype}"
        )
    return t


def normalize_axis(axis, ndim: int, op_type: str, attr: str = "Tidx") -> int:
    """A non-negative axis, with TF's errors for an out-of-range or non-integer one.

    A Python float is TF's TypeError (the axis is converted to int32); a tensor must have an
    integer dtype (else the kernel's `attr` error).
    """
    if hasattr(axis, "dtype") and not isinstance(axis, np.generic):
        if not axis.dtype.is_integer:
            raise not_allowed(axis.dtype, attr, op_type)
    axis = int(int_arg(axis))
    if not -max(ndim, 1) <= axis < max(ndim, 1):
        raise invalid_argument(
            f"Expected axis in the range [{-max(ndim, 1)}, {max(ndim, 1)}), but got {axis}", op_type
        )
    return axis % max(ndim, 1)


def normalize_axes(axis, ndim: int, op_type: str) -> tuple:
    """Reduction axes as a sorted tuple of non-negative ints (None means all).

    Raises TF's errors: TypeError for a Python float, the kernel's 'Tidx' error for a list
    holding floats or a float tensor, InvalidArgumentError for an out-of-range or repeated
    axis.
    """
    if axis is None:
        return tuple(range(ndim))
    if type(axis) is int:
        axes = [axis]
    elif type(axis) in (list, tuple) and all(type(a) is int for a in axis):
        axes = list(axis)
    else:
        t = convert_to_tensor(int_arg(axis))
        if hasattr(axis, "dtype") and not isinstance(axis, (np.ndarray, np.generic)):
            _tape.value_read(t, "an axis comes from a tensor's value")
        if not (t._dtype.is_integer or t._dtype.is_bool):
            raise not_allowed(t._dtype, "Tidx", op_type)
        axes = np.reshape(t._value, -1).tolist()
    out = []
    for a in axes:
        if not -ndim <= a < ndim if ndim else a not in (0, -1):
            raise invalid_argument(
                f"Invalid reduction dimension ({a} for input with {ndim} dimension(s)", op_type
            )
        a = a % ndim if ndim else 0
        if a in out:
            raise invalid_argument(
                f"Invalid reduction arguments: Axes contains duplicate dimension: {a}", op_type
            )
        out.append(a)
    return tuple(sorted(out))


def as_int_tuple(
    value,
    what: str = "shape",
    op_type: str | None = None,
    attr: str = "T",
    *,
    strict: bool = False,
    vector: str | None = None,
) -> tuple:
    """A shape-like argument (list, tuple, tensor, TensorShape) as a tuple of ints.

    Args:
      value: the argument.
      what: its name, for the error of an untagged non-integer value.
      op_type, attr: the TF op reading it and the attr that types it: a non-integer value
        (a float tensor, a list holding floats) fails with that kernel's error.
      strict: TF converts Python values with dtype int32 (tf.zeros, tf.ones): a float in them
        is a TypeError instead.
      vector: the kernel's message for a value of rank above 1 (followed by " [2,0]"), or with
        a leading "=", of any rank but 1.
    """
    if type(value) is tuple or type(value) is list:
        for v in value:
            if type(v) is not int:
                break
        else:
            return tuple(value)  # the common case, without a NumPy round trip
    if isinstance(value, TensorShape):  # TF converts it to a tensor, which must be known
        if not value.is_fully_defined():
            raise ValueError(f"Cannot convert a partially known TensorShape {value} to a Tensor.")
        value = value.as_list()
    elif hasattr(value, "as_list") and not hasattr(value, "_value"):
        value = value.as_list()
    if hasattr(value, "_value") or getattr(value, "_is_tapeflow_variable", False):
        t = convert_to_tensor(value)
        _tape.value_read(t, f"a {what} comes from a tensor's value")
    elif strict and not isinstance(value, (np.ndarray, np.generic)):
        t = convert_to_tensor(value, dtype=_dt.int32)  # TF's TypeError for floats
    else:
        t = convert_to_tensor(value)  # TF's ValueErrors for None and mixed types
    if not t._dtype.is_integer:
        if op_type is not None:
            raise not_allowed(t._dtype, attr, op_type)
        raise TypeError(f"{what} must be integers, got {value!r}")
    array = t._value
    if vector is not None:
        exact = vector.startswith("=")
        if np.ndim(array) > 1 or (exact and np.ndim(array) != 1):
            dims = ",".join(str(d) for d in np.shape(array))
            raise invalid_argument(f"{vector.lstrip('=')} [{dims}]", op_type)
    return tuple(int(v) for v in np.reshape(array, -1))


_SAME_WIDTH_INT = {2: np.int16, 4: np.int32, 8: np.int64}


def select(condition, x, y):
    """`np.where(condition, x, y)`, bit for bit, several times faster on large arrays.

    NumPy's where branches per element (~3.6 ns/element on an unpredictable mask);
    here the operands' bit patterns are blended through a same-width integer view,
    y ^ ((x ^ y) & mask), which keeps NaNs, infinities and -0.0 exactly.
    """
    x, y = _backend.array(x), _backend.array(y)
    if (
        not isinstance(x, np.ndarray)
        or not isinstance(y, np.ndarray)
        or _backend.is_foreign(condition)
    ):
        if _backend.DASK in (_backend.backend_of(v) for v in (condition, x, y)):
            # np.where would run on each block; the blend below is several times faster.
            return _backend.elementwise(_select_block, condition, x, y, dtype=x.dtype)
        return np.where(condition, x, y)
    width = _SAME_WIDTH_INT.get(x.dtype.itemsize)
    if (
        width is None
        or x.dtype != y.dtype
        or x.dtype.kind not in "fiu"
        or max(x.size, y.size) < 4096
    ):
        return np.where(condition, x, y)
    mask = np.asarray(condition).astype(width)
    np.negative(mask, out=mask)  # True -> all bits set
    xi, yi = x.view(width), y.view(width)
    return (yi ^ ((xi ^ yi) & mask)).view(x.dtype)


def _select_block(condition, x, y):
    # One Dask block: a scalar branch (a where rule's zero) blends as a 0-d array.
    return select(condition, np.asarray(x), np.asarray(y))


def named(fn, name: str, docstring: str):
    """`fn`, made by a factory, as the public function `name`: its __name__, __qualname__
    and docstring (`tf.reduce_sum.__name__` is "reduce_sum", not the factory's local)."""
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = docstring
    return fn
