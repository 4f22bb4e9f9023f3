"""Rounding, truncated division, float predicates, clipping, add_n, angle and `tf.where`.

Rounding ops and predicates are not differentiable (TF gives None). Clipping is
composed of `minimum` and `maximum`, so it inherits TF's tie conventions: at a
bound the gradient goes to `t`, not to the bound.
"""

from __future__ import annotations

import numpy as np

from .. import dtypes as _dt
from ..errors import InternalError, InvalidArgumentError
from ..registry import op
from ..tensor import convert_to_tensor
from .array_ops import _convert_same
from .math_ops import (
    _imag,
    conj,
    less,
    maximum,
    minimum,
    where_v2,
    zeros_like,
)
from .math_ops import complex as _complex
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


@op("Round", dtypes=_dt.REAL, differentiable=False, no_sample="piecewise constant")
def round(x):  # noqa: A001 - TF's public name
    """Rounds half to even elementwise (banker's rounding); integers are unchanged.

    >>> tf.round(tf.constant([0.5, 1.5, 2.5]))
    <tf.Tensor: shape=(3,), dtype=float32, numpy=array([0., 2., 2.], dtype=float32)>
    """
    return np.round(x)


@op(
    "TruncateDiv", broadcasting=True, dtypes=_dt.REAL, differentiable=False, no_sample="no gradient"
)
def truncatediv(x, y):
    """Divides x / y rounding toward zero (C semantics), elementwise. No gradient, as in TF."""
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
        raise InternalError(
            None,
            None,
            "Unexpected error in binary operator (only integer div and mod should have errors) "
            f"[Op:{op_type}]",
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


@op("AddN", dtypes=_dt.NUMERIC, sample=cases(([(3,), (3,), (3,)], {}), ([(2, 3), (2, 3)], {})))
def _add_n(*inputs):
    total = inputs[0].copy()
    for x in inputs[1:]:
        total += x
    return total


@_add_n.vjp
def _add_n_vjp(g, out, *inputs):
    return [g] * len(inputs)


@_add_n.jvp
def _add_n_jvp(t, out, *inputs):
    total = t[0]
    for dx in t[1:]:
        total = total + dx
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
            raise InvalidArgumentError(
                None,
                None,
                "Inputs to operation AddN of type AddN must have the same size and shape.  "
                f"Input 0: [{','.join(map(str, first))}] != input {i}: "
                f"[{','.join(map(str, shape))}] [Op:AddN]",
            )
    if len(tensors) == 1:
        return tensors[0]
    return _add_n(*tensors)


@op("Angle", dtypes=_dt.COMPLEX, no_sample="complex input; checked in tests/test_math_ops.py")
def _angle(input):  # noqa: A002 - TF's argument name
    return np.angle(input)


@_angle.vjp
def _angle_vjp(g, out, input):  # noqa: A002
    # angle = atan2(y, x): the cotangent d/dx + i d/dy is i / conj(z), scaled by g.
    return _complex(zeros_like(g), g) / conj(input)


@_angle.jvp
def _angle_jvp(t, out, input):  # noqa: A002
    return _imag(t[0] / input)


def angle(input, name=None):  # noqa: A002 - TF's argument name
    """The argument of complex numbers; for real input, pi where negative else 0.

    Real inputs have no gradient (TF builds the result from a comparison), and
    -0.0 gives 0, not pi.
    """
    input = convert_to_tensor(input)  # noqa: A001
    if input._dtype.is_complex:
        return _angle(input)
    if not input._dtype.is_floating:
        raise TypeError(f"Cannot convert {np.pi!r} to EagerTensor of dtype {input._dtype.name}")
    pi = convert_to_tensor(np.asarray(np.pi, input._dtype.as_numpy_dtype))
    return where_v2(less(input, 0), pi, zeros_like(input))


@op("Where", dtypes=_dt.ANY, differentiable=False, no_sample="integer output")
def _where_indices(condition):
    if np.ndim(condition) == 0:
        raise InvalidArgumentError(None, None, "WhereOp : Unhandled input dimensions: 0 [Op:Where]")
    return np.argwhere(condition).astype(np.int64)


def where(condition, x=None, y=None, name=None):
    """Selects from `x` or `y` by `condition`, or returns coordinates of true elements.

    With `x` and `y`: elementwise `x` where `condition` else `y`, all three
    broadcast together (the unselected branch gets a zero gradient, so a NaN
    or inf local derivative there still poisons the result, as in TF).
    Without: an int64 tensor of shape [num_true, rank] holding the coordinates
    of the nonzero elements of `condition`, in row-major order.

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
    "clip_by_value",
    "floor",
    "is_finite",
    "is_inf",
    "is_nan",
    "round",
    "truncatediv",
    "truncatemod",
    "where",
]
