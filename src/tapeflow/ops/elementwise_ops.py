"""Rounding, truncated division, float predicates, clipping, add_n, angle and `tf.where`.

Rounding ops and predicates are not differentiable (TF gives None). Clipping is
composed of `minimum` and `maximum`, so it inherits TF's tie conventions: at a
bound the gradient goes to `t`, not to the bound.
"""

from __future__ import annotations

import numpy as np

from .._core import backend as _backend
from .._core import dtypes as _dt
from .._core.errors import InternalError, invalid_argument, op_error
from .._core.registry import op
from .._core.tensor import convert_to_tensor
from ._util import no_kernel
from .array_ops import _convert_same
from .math_ops import (
    _imag,
    conj,
    greater,
    less,
    maximum,
    minimum,
    ones_like,
    sqrt,
    where_v2,
    zeros_like,
)
from .math_ops import complex as _complex
from .reduction_ops import reduce_sum
from .samples import cases

FLOATING = _dt.FLOATING


@op("Floor", dtypes=FLOATING, differentiable=False, no_sample="piecewise constant")
def floor(x):
    """Returns the largest integer not greater than x, elementwise. No gradient, as in TF."""
    return np.floor(x)


@op("Ceil", dtypes=FLOATING, differentiable=False, no_sample="piecewise constant")
def ceil(x):
    """Returns the smallest integer not less than x, elementwise. No gradient, as in TF."""
    return np.ceil(x)


@op("Round", dtypes=_dt.REAL | _dt.COMPLEX, differentiable=False, no_sample="piecewise constant")
def round(x):
    """Rounds half to even elementwise (banker's rounding); integers are unchanged.

    >>> tf.round(tf.constant([0.5, 1.5, 2.5]))
    <tf.Tensor: shape=(3,), dtype=float32, numpy=array([0., 2., 2.], dtype=float32)>
    """
    if x.dtype.kind == "c":  # TF's op allows complex, but has no CPU kernel for it
        raise no_kernel("Round", x.dtype)
    return np.round(x)


@op(
    "TruncateDiv",
    broadcasting=True,
    dtypes=_dt.REAL | _dt.COMPLEX,
    differentiable=False,
    no_sample="no gradient",
)
def truncatediv(x, y):
    """Divides x / y rounding toward zero (C semantics), elementwise. No gradient, as in TF."""
    if x.dtype.kind == "c":  # TF's op allows complex, but has no CPU kernel for it
        raise no_kernel("TruncateDiv", x.dtype)
    if x.dtype.kind in "iu":
        _check_truncate_divisor(y, "TruncateDiv")
        return (np.abs(x) // np.abs(y) * np.sign(x) * np.sign(y)).astype(x.dtype)
    return np.trunc(x / y)


@op(
    "TruncateMod", broadcasting=True, dtypes=_dt.REAL, differentiable=False, no_sample="no gradient"
)
def truncatemod(x, y):
    """The remainder of truncated division (C's fmod): it has the sign of x. No gradient."""
    if x.dtype.kind in "iu":
        _check_truncate_divisor(y, "TruncateMod")
    return np.fmod(x, y)


def _check_truncate_divisor(y, op_type: str) -> None:
    if np.any(y == 0):
        raise op_error(
            InternalError,
            "Unexpected error in binary operator (only integer div and mod should have errors)",
            op_type,
        )


@op("IsNan", dtypes=FLOATING, differentiable=False, no_sample="boolean output")
def is_nan(x):
    """Returns which elements are NaN."""
    return np.isnan(x)


@op("IsInf", dtypes=FLOATING, differentiable=False, no_sample="boolean output")
def is_inf(x):
    """Returns which elements are +inf or -inf."""
    return np.isinf(x)


@op("IsFinite", dtypes=FLOATING, differentiable=False, no_sample="boolean output")
def is_finite(x):
    """Returns which elements are neither infinite nor NaN."""
    return np.isfinite(x)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clips values to [clip_value_min, clip_value_max] (bounds broadcast to t's shape).

    Computed as maximum(minimum(t, max), min), as TF does: at a bound the
    gradient goes to `t`; where min > max every value becomes min.

    Raises:
      ValueError: if the bounds would change the shape of `t`.
      InvalidArgumentError: if the bounds' dtype differs from t's.

    >>> tf.clip_by_value(tf.constant([-1.0, 0.5, 2.0]), 0.0, 1.0)
    <tf.Tensor: shape=(3,), dtype=float32, numpy=array([0. , 0.5, 1. ], dtype=float32)>
    """
    t = convert_to_tensor(t)
    clipped = maximum(minimum(t, clip_value_max), clip_value_min)
    if clipped.shape != t.shape:
        raise ValueError(f"Shapes {t.shape} and {clipped.shape} are incompatible")
    return clipped


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Rescales `t` so its L2 norm (over `axes`, all by default) is at most `clip_norm`.

    Written as TF writes it, so the gradient matches TF's, including at t == 0
    (the norm is taken as 0 there, not sqrt(0), whose gradient is infinite).

    >>> tf.clip_by_norm(tf.constant([3.0, 4.0]), 1.0)
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([0.6, 0.8], dtype=float32)>
    """
    t = convert_to_tensor(t)
    l2sum = reduce_sum(t * t, axes, keepdims=True)
    positive = greater(l2sum, 0)
    safe = where_v2(positive, l2sum, ones_like(l2sum))
    l2norm = where_v2(positive, sqrt(safe), l2sum)
    clip_norm = convert_to_tensor(clip_norm, dtype=t.dtype)
    return t * clip_norm / maximum(l2norm, clip_norm)


def global_norm(t_list, name=None):
    """sqrt(sum of squared L2 norms) of a list of tensors (None entries are skipped).

    Raises:
      TypeError: if `t_list` is not a list or tuple.
    """
    if not isinstance(t_list, (list, tuple)):
        raise TypeError("t_list should be a sequence")
    tensors = [convert_to_tensor(t) for t in t_list if t is not None]
    for t in tensors:  # TF sums L2Loss ops, which take real floats only
        if not t._dtype.is_floating:
            raise invalid_argument(
                f"Value for attr 'T' of {t._dtype.c_name} is not in the list of allowed "
                "values: half, bfloat16, float, double",
                "L2Loss",
            )
    if not tensors:
        return convert_to_tensor(0.0)
    squares = [reduce_sum(t * t) for t in tensors]
    total = add_n(squares) if len(squares) > 1 else squares[0]
    return sqrt(total)


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scales a list of tensors so their global norm is at most `clip_norm`.

    Returns:
      (list of clipped tensors (None stays None), the global norm before clipping).

    Raises:
      TypeError: if `t_list` is not a list or tuple.
    """
    if not isinstance(t_list, (list, tuple)):
        raise TypeError("t_list should be a sequence")
    norm = global_norm(t_list) if use_norm is None else convert_to_tensor(use_norm)
    clip_norm = convert_to_tensor(clip_norm, dtype=norm.dtype)
    # TF: scale = clip_norm * min(1 / norm, 1 / clip_norm); inf norm gives NaN values.
    scale = clip_norm * minimum(1.0 / norm, 1.0 / clip_norm)
    clipped = [None if t is None else convert_to_tensor(t) * scale for t in t_list]
    return clipped, norm


@op("AddN", dtypes=_dt.NUMERIC, sample=cases(([(3,), (3,), (3,)], {}), ([(2, 3), (2, 3)], {})))
def _add_n(*inputs):
    total = inputs[0].copy()
    for x in inputs[1:]:
        total += x
    return total


@_add_n.vjp
def _add_n_vjp(g, out, *inputs, needs):
    return [g] * len(inputs)


@_add_n.jvp
def _add_n_jvp(t, out, *inputs):
    total = None  # AddN's inputs share one shape: the present tangents add up to its tangent
    for dx in t:
        if dx is not None:
            total = dx if total is None else total + dx
    return total


def add_n(inputs, name=None):
    """Adds a list of tensors of the same shape and dtype elementwise.

    Raises:
      ValueError: if `inputs` is empty.
      InvalidArgumentError: if shapes or dtypes differ.

    >>> tf.add_n([tf.constant([1, 2]), tf.constant([3, 4])])
    <tf.Tensor: shape=(2,), dtype=int32, numpy=array([4, 6], dtype=int32)>
    """
    inputs = list(inputs)
    if not inputs:
        raise ValueError(
            "Inputs must be an iterable of at least one Tensor/IndexedSlices with the same "
            "dtype and shape."
        )
    tensors = _convert_same(inputs, "AddN")
    first = np.shape(tensors[0]._value)
    for i, x in enumerate(tensors[1:], 1):
        shape = np.shape(x._value)
        if shape != first:
            raise invalid_argument(
                "Inputs to operation AddN of type AddN must have the same size and shape.  "
                f"Input 0: [{','.join(map(str, first))}] != input {i}: "
                f"[{','.join(map(str, shape))}]",
                "AddN",
            )
    if len(tensors) == 1:
        return tensors[0]
    return _add_n(*tensors)


@op("Angle", dtypes=_dt.COMPLEX, no_sample="complex input; checked in tests/test_math_ops.py")
def _angle(input):
    return np.angle(input)


@_angle.vjp
def _angle_vjp(g, out, input, *, needs):
    # angle = atan2(y, x): the cotangent d/dx + i d/dy is i / conj(z), scaled by g.
    return _complex(zeros_like(g), g) / conj(input)


@_angle.jvp
def _angle_jvp(t, out, input):
    return _imag(t[0] / input)


def angle(input, name=None):
    """The argument of complex numbers; for real input, pi where negative else 0.

    Real inputs have no gradient (TF builds the result from a comparison), and
    -0.0 gives 0, not pi.
    """
    input = convert_to_tensor(input)
    if input._dtype.is_complex:
        return _angle(input)
    if not input._dtype.is_floating:
        raise TypeError(f"Cannot convert {np.pi!r} to EagerTensor of dtype {input._dtype.name}")
    pi = convert_to_tensor(np.asarray(np.pi, input._dtype.as_numpy_dtype))
    return where_v2(less(input, 0), pi, zeros_like(input))


@op("Where", dtypes=_dt.ANY, differentiable=False, no_sample="integer output")
def _where_indices(condition):
    if np.ndim(condition) == 0:
        raise invalid_argument("WhereOp : Unhandled input dimensions: 0")
    # The output's shape depends on the values: a Dask condition is computed here.
    return np.argwhere(_backend.to_host(condition)).astype(np.int64)


def where(condition, x=None, y=None, name=None):
    """Selects from `x` or `y` by `condition`, or returns coordinates of true elements.

    With `x` and `y`: elementwise `x` where `condition` else `y`, all three
    broadcast together (the unselected branch gets a zero gradient, so a NaN
    or inf local derivative there still poisons the result, as in TF).
    Without: an int64 tensor of shape [num_true, rank] holding the coordinates
    of the nonzero elements of `condition`, in row-major order. Its shape depends on the
    values, so a Dask-backed `condition` is computed here and the coordinates are NumPy.

    Raises:
      ValueError: if only one of `x` and `y` is given.

    >>> tf.where([True, False, True])
    <tf.Tensor: shape=(2, 1), dtype=int64, numpy=
    array([[0],
           [2]])>
    """
    if x is None and y is None:
        return _where_indices(condition)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    return where_v2(condition, x, y)


__all__ = [
    "add_n",
    "angle",
    "ceil",
    "clip_by_global_norm",
    "clip_by_norm",
    "clip_by_value",
    "global_norm",
    "floor",
    "is_finite",
    "is_inf",
    "is_nan",
    "round",
    "truncatediv",
    "truncatemod",
    "where",
]
