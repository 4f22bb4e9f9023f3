"""Small helpers shared by the op families (no ops are registered here)."""

from __future__ import annotations

import numpy as np

from .._core import tape as _tape
from .._core.errors import invalid_argument
from .._core.tensor import make


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


def normalize_axis(axis, ndim: int, op_type: str) -> int:
    """A non-negative axis, with TF's error for an out-of-range one."""
    axis = int(axis)
    if not -max(ndim, 1) <= axis < max(ndim, 1):
        raise invalid_argument(
            f"Expected axis in the range [{-max(ndim, 1)}, {max(ndim, 1)}), but got {axis}", op_type
        )
    return axis % max(ndim, 1)


def normalize_axes(axis, ndim: int, op_type: str) -> tuple:
    """Reduction axes as a sorted tuple of non-negative ints (None means all)."""
    if axis is None:
        return tuple(range(ndim))
    if hasattr(axis, "_value"):
        _tape.value_read(axis, "an axis comes from a tensor's value")
        axis = axis._value
    axes = np.asarray(axis).reshape(-1).tolist()
    out = []
    for a in axes:
        if not -ndim <= a < ndim if ndim else a not in (0, -1):
            raise invalid_argument(
                f"Invalid reduction dimension ({a} for input with {ndim} dimension(s)", op_type
            )
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(set(out)))


def as_int_tuple(value, what: str = "shape") -> tuple:
    """A shape-like argument (list, tuple, tensor, TensorShape) as a tuple of ints."""
    if type(value) is tuple or type(value) is list:
        for v in value:
            if type(v) is not int:
                break
        else:
            return tuple(value)  # the common case, without a NumPy round trip
    if hasattr(value, "_value"):
        _tape.value_read(value, f"a {what} comes from a tensor's value")
        value = value._value
    elif hasattr(value, "as_list"):
        value = value.as_list()
    array = np.asarray(value)
    if array.dtype.kind not in "iu" and array.size:
        raise TypeError(f"{what} must be integers, got {value!r}")
    return tuple(int(v) for v in array.reshape(-1))


_SAME_WIDTH_INT = {2: np.int16, 4: np.int32, 8: np.int64}


def select(condition, x, y):
    """`np.where(condition, x, y)`, bit for bit, several times faster on large arrays.

    NumPy's where branches per element (~3.6 ns/element on an unpredictable mask);
    here the operands' bit patterns are blended through a same-width integer view,
    y ^ ((x ^ y) & mask), which keeps NaNs, infinities and -0.0 exactly.
    """
    x, y = np.asarray(x), np.asarray(y)
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


def named(fn, name: str, docstring: str):
    """`fn`, made by a factory, as the public function `name`: its __name__, __qualname__
    and docstring (`tf.reduce_sum.__name__` is "reduce_sum", not the factory's local)."""
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = docstring
    return fn
