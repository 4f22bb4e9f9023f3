"""Reductions (sum, mean, max, min, prod) and scans (cumsum, cumprod).

Each reduction op takes normalised `axes` (a sorted tuple of non-negative
ints) and `keepdims`; the public `reduce_*` functions normalise TF's `axis`.
Scans use a negative `axis`, which stays valid when a cotangent carries
leading batch dimensions.
"""

from __future__ import annotations

import math

import numpy as np

from .._core import backend as _backend
from .._core import dtypes as _dt
from .._core.errors import invalid_argument
from .._core.registry import op
from .._core.tensor import convert_to_tensor
from ._util import int_arg, named, normalize_axes, normalize_axis
from .array_ops import _broadcast_to, _reshape, _transpose, stop_gradient
from .math_ops import (
    _imag,
    _real,
    cast,
    conj,
    equal,
    exp,
    not_equal,
    ones_like,
    reciprocal,
    sqrt,
    square,
    where_v2,
    zeros_like,
)
from .samples import Uniform, cases, reduction
from .special_ops import _div_no_nan

NUMERIC = _dt.NUMERIC


def _kept_shape(shape: tuple, axes: tuple) -> tuple:
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def _unreduce(g, x, axes: tuple, keepdims: bool):
    """Broadcasts a reduced cotangent `g` (maybe batched) back to `batch + x.shape`."""
    xshape = np.shape(x._value)
    gshape = np.shape(g._value)
    out_ndim = len(xshape) if keepdims else len(xshape) - len(axes)
    batch = gshape[: len(gshape) - out_ndim]
    if gshape:  # a scalar (everything reduced, no batch) broadcasts as it is
        g = _reshape(g, shape=batch + _kept_shape(xshape, axes))
    if _backend.is_dask(x._value):
        # Chunked as x: a broadcast would be one chunk, which every later elementwise op
        # with x-shaped chunks would split and concatenate again (Dask's rechunk).
        return g * ones_like(x)
    return _broadcast_to(g, shape=batch + xshape)


def _reduction_wrapper(public_name: str, reduce_op, docstring: str):
    def reduce_fn(input_tensor, axis=None, keepdims=False, name=None):
        x = convert_to_tensor(input_tensor)
        axes = normalize_axes(axis, x.ndim, reduce_op.type)
        return reduce_op(x, axes=axes, keepdims=bool(keepdims))

    return named(reduce_fn, public_name, docstring)


@op("Sum", keeps=("",), dtypes=NUMERIC, sample=reduction())
def _sum(input_tensor, *, axes, keepdims=False):
    # The ufunc's reduce: np.sum's Python wrapper costs more than summing small arrays.
    return _backend.reduce_sum(input_tensor, axes, keepdims, input_tensor.dtype)


@_sum.vjp
def _sum_vjp(g, out, input_tensor, *, axes, keepdims=False, needs):
    return _unreduce(g, input_tensor, axes, keepdims)


@_sum.jvp
def _sum_jvp(t, out, input_tensor, *, axes, keepdims=False):
    b = np.ndim(t[0]._value) - np.ndim(input_tensor._value)
    return _sum(t[0], axes=tuple(a + b for a in axes), keepdims=keepdims)


reduce_sum = _reduction_wrapper(
    "reduce_sum",
    _sum,
    """Sums elements across `axis` (all axes when None).

    Args:
      input_tensor: the tensor to reduce (numeric).
      axis: None, an int or a list of ints (negative counts from the end).
      keepdims: keep reduced dimensions with length 1.
      name: ignored.

    Returns:
      The reduced tensor, with the input's dtype.

    Raises:
      InvalidArgumentError: for an axis out of range.

    >>> tf.reduce_sum(tf.ones((2, 2)))
    <tf.Tensor: shape=(), dtype=float32, numpy=4.0>
    """,
)


@op("Mean", keeps=("",), dtypes=NUMERIC, sample=reduction())
def _mean(input_tensor, *, axes, keepdims=False):
    # TF's MeanReducer: the sum, then one division by the count in the same type.
    x = _backend.array(input_tensor)
    count = math.prod([x.shape[a] for a in axes])
    if x.dtype.kind in "iu":
        # TF sums 8- to 32-bit integers in 64 bits (int64 and uint64 wrap), then divides
        # with C++ truncation toward zero; an empty slice gives 0.
        wide = np.int64 if x.dtype.kind == "i" else np.uint64
        total = _backend.reduce_sum(x, axes, keepdims, wide)
        count = max(count, 1)
        return (np.sign(total) * (np.abs(total) // count)).astype(x.dtype)
    # Floats sum in their own type, as TF's CPU kernel does, and the count is converted to
    # that type: 100,000 float16 ones give inf / float16(100000) = inf / inf = NaN in TF.
    # An empty slice is 0 / 0 = NaN. (The forward runs with floating-point warnings off.)
    total = _backend.reduce_sum(x, axes, keepdims, x.dtype)
    return total / x.dtype.type(count)


@_mean.vjp
def _mean_vjp(g, out, input_tensor, *, axes, keepdims=False, needs):
    count = math.prod([np.shape(input_tensor._value)[a] for a in axes])
    # Divide the small reduced cotangent, then broadcast (a view), not the other way round.
    return _unreduce(g / max(count, 1), input_tensor, axes, keepdims)


@_mean.jvp
def _mean_jvp(t, out, input_tensor, *, axes, keepdims=False):
    b = np.ndim(t[0]._value) - np.ndim(input_tensor._value)
    return _mean(t[0], axes=tuple(a + b for a in axes), keepdims=keepdims)


reduce_mean = _reduction_wrapper(
    "reduce_mean",
    _mean,
    """Averages elements across `axis`. Integer inputs give a truncated integer mean, as in TF.""",
)


def _extreme(fn, init):
    def forward(input_tensor, *, axes, keepdims=False):
        x = _backend.array(input_tensor)
        if x.size == 0:
            info = np.finfo(x.dtype) if x.dtype.kind == "f" else np.iinfo(x.dtype)
            initial = (
                (-np.inf if init < 0 else np.inf)
                if x.dtype.kind == "f"
                else (info.min if init < 0 else info.max)
            )
            return fn(x, axis=axes, keepdims=keepdims, initial=initial)
        return fn(x, axis=axes, keepdims=keepdims)

    return forward


def _extreme_vjp(g, out, input_tensor, *, axes, keepdims=False, needs):
    # Ties share the gradient equally (TF's _MinOrMaxGrad).
    x = input_tensor
    y = _reshape(out, shape=_kept_shape(np.shape(x._value), axes))
    indicators = cast(equal(y, x), g._dtype)
    num_selected = _sum(indicators, axes=axes, keepdims=True)
    return indicators / num_selected * _unreduce(g, x, axes, keepdims)


def _extreme_jvp(t, out, input_tensor, *, axes, keepdims=False):
    x = input_tensor
    y = _reshape(out, shape=_kept_shape(np.shape(x._value), axes))
    indicators = cast(equal(y, x), t[0]._dtype)
    weights = indicators / _sum(indicators, axes=axes, keepdims=True)
    b = np.ndim(t[0]._value) - np.ndim(x._value)
    return _sum(weights * t[0], axes=tuple(a + b for a in axes), keepdims=keepdims)


_max = op("Max", dtypes=_dt.REAL, sample=reduction())(_extreme(np.max, -1))
_max.vjp(_extreme_vjp)
_max.jvp(_extreme_jvp)
_min = op("Min", dtypes=_dt.REAL, sample=reduction())(_extreme(np.min, 1))
_min.vjp(_extreme_vjp)
_min.jvp(_extreme_jvp)

reduce_max = _reduction_wrapper(
    "reduce_max",
    _max,
    """Maximum across `axis`. Tied maxima share the gradient equally, as in TF.""",
)
reduce_min = _reduction_wrapper(
    "reduce_min",
    _min,
    """Minimum across `axis`. Tied minima share the gradient equally, as in TF.""",
)


@op("Prod", dtypes=NUMERIC, sample=reduction(0.5, 1.5))
def _prod(input_tensor, *, axes, keepdims=False):
    return np.prod(input_tensor, axis=axes, keepdims=keepdims, dtype=np.result_type(input_tensor))


@_prod.vjp
def _prod_vjp(g, out, input_tensor, *, axes, keepdims=False, needs):
    # d(prod)/dx_i = product of the others, from exclusive cumprods in both
    # directions, so zeros in the input are handled exactly (TF's _ProdGrad).
    x = input_tensor
    shape = np.shape(x._value)
    others = tuple(i for i in range(len(shape)) if i not in axes)
    perm = others + axes
    n_other = math.prod([shape[i] for i in others])
    n_red = math.prod([shape[i] for i in axes])
    flat = _reshape(_transpose(x, perm=perm), shape=(n_other, n_red))
    left = _cumprod(flat, axis=-1, exclusive=True, reverse=False)
    right = _cumprod(flat, axis=-1, exclusive=True, reverse=True)
    permuted_shape = tuple(shape[i] for i in perm)
    y = _transpose(_reshape(left * right, shape=permuted_shape), perm=tuple(np.argsort(perm)))
    return _unreduce(g, x, axes, keepdims) * conj(y)


@_prod.jvp
def _prod_jvp(t, out, input_tensor, *, axes, keepdims=False):
    # Linearise through the VJP: <d prod, t> with the product of the others.
    ones = _reshape(out * 0 + 1, shape=np.shape(out._value))
    others = _prod_vjp(ones, out, input_tensor, axes=axes, keepdims=keepdims, needs=(True,))
    b = np.ndim(t[0]._value) - np.ndim(input_tensor._value)
    return _sum(others * t[0], axes=tuple(a + b for a in axes), keepdims=keepdims)


reduce_prod = _reduction_wrapper(
    "reduce_prod",
    _prod,
    """Product across `axis`. The gradient is exact even where inputs are zero.""",
)


# -- scans -------------------------------------------------------------------------------------


def _scan_forward(fn, identity):
    def forward(x, *, axis, exclusive=False, reverse=False):
        x = _backend.array(x)
        if reverse:
            x = np.flip(x, axis)
        out = fn(x, axis=axis, dtype=x.dtype)
        if exclusive:
            out = np.roll(out, 1, axis)
            index = [slice(None)] * x.ndim
            index[axis] = 0
            out[tuple(index)] = identity
        return np.flip(out, axis) if reverse else out

    return forward


_SCAN_SAMPLE = cases(
    ([(4,)], {"axis": -1}),
    ([(2, 3)], {"axis": -2, "exclusive": True}),
    ([(2, 3)], {"axis": -1, "reverse": True}),
    ([(2, 3)], {"axis": -1, "exclusive": True, "reverse": True}),
)
_cumsum = op("Cumsum", dtypes=NUMERIC, sample=_SCAN_SAMPLE)(_scan_forward(np.cumsum, 0))


@_cumsum.vjp
def _cumsum_vjp(g, out, x, *, axis, exclusive=False, reverse=False, needs):
    return _cumsum(g, axis=axis, exclusive=exclusive, reverse=not reverse)


@_cumsum.jvp
def _cumsum_jvp(t, out, x, *, axis, exclusive=False, reverse=False):
    return _cumsum(t[0], axis=axis, exclusive=exclusive, reverse=reverse)


_cumprod = op(
    "Cumprod",
    dtypes=NUMERIC,
    sample=cases(
        ([Uniform((4,), 0.5, 1.5)], {"axis": -1}),
        ([Uniform((2, 3), 0.5, 1.5)], {"axis": -2, "exclusive": True}),
        ([Uniform((2, 3), 0.5, 1.5)], {"axis": -1, "reverse": True}),
    ),
)(_scan_forward(np.cumprod, 1))


@_cumprod.vjp
def _cumprod_vjp(g, out, x, *, axis, exclusive=False, reverse=False, needs):
    # TF's _CumprodGrad, including its wart: it divides by x with divide_no_nan, so
    # an input equal to zero gets gradient 0 (the reduce_prod gradient is exact).
    prod = _cumprod(x, axis=axis, exclusive=exclusive, reverse=reverse)
    summed = _cumsum(prod * g, axis=axis, exclusive=exclusive, reverse=not reverse)
    return _div_no_nan(summed, conj(x))


@_cumprod.jvp
def _cumprod_jvp(t, out, x, *, axis, exclusive=False, reverse=False):
    # d cumprod = cumprod * cumsum(dx / x) along the axis (same wart at zeros).
    return out * _cumsum(_div_no_nan(t[0], x), axis=axis, exclusive=exclusive, reverse=reverse)


def _scan_wrapper(public_name: str, scan_op, docstring: str):
    def scan(x, axis=0, exclusive=False, reverse=False, name=None):
        x = convert_to_tensor(x)
        if x.ndim == 0:
            raise invalid_argument("ScanOp: input must have rank at least 1", scan_op.type)
        axis = normalize_axis(convert_to_tensor(int_arg(axis)), x.ndim, scan_op.type) - x.ndim
        return scan_op(x, axis=axis, exclusive=bool(exclusive), reverse=bool(reverse))

    return named(scan, public_name, docstring)


cumsum = _scan_wrapper(
    "cumsum", _cumsum, """Cumulative sum along `axis` (optionally exclusive/reversed)."""
)
cumprod = _scan_wrapper(
    "cumprod",
    _cumprod,
    """Cumulative product along `axis`.

    Its gradient divides by `x` (with divide_no_nan), as TensorFlow's does, so it
    is 0, not the true partial product, where `x` is zero.
    """,
)


# -- more reductions -----------------------------------------------------------------------------


@op("ReduceLogSumExp", dtypes=_dt.FLOATING, sample=reduction())
def _logsumexp(input_tensor, *, axes, keepdims=False):
    x = _backend.array(input_tensor)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        # `initial` for empty slices (Dask's max takes no `initial`; its arrays are not empty).
        top = np.max(x, axis=axes, keepdims=True, **({"initial": -np.inf} if x.size == 0 else {}))
        top = np.where(np.isfinite(top), top, 0).astype(x.dtype)  # TF shifts by finite maxima only
        total = np.sum(np.exp(x - top), axis=axes, keepdims=True, dtype=x.dtype)
        out = np.log(total) + top
    return out if keepdims else np.squeeze(out, axis=axes)


def _shifted_exp(x, axes: tuple):
    """exp(x - m), m the largest finite element per slice held constant (TF's composite)."""
    top = _max(x, axes=axes, keepdims=True)
    finite = equal(top - top, zeros_like(top))  # x - x is 0 exactly when x is finite
    return exp(x - stop_gradient(where_v2(finite, top, zeros_like(top))))


@_logsumexp.vjp
def _logsumexp_vjp(g, out, input_tensor, *, axes, keepdims=False, needs):
    # TF differentiates its composite log(sum(exp(x - m))) + m: the gradient is the softmax
    # exp(x - m) / sum(exp(x - m)), in TF's order (g * 1/sum, broadcast, times exp). Not
    # exp(x - out): out's rounding error is out's ulp, 0.008 at 1e5, and the gradient of
    # [1e5, 1e5] would be 0.49892. NaN where a slice is all -inf or holds +inf, as TF's.
    e = _shifted_exp(input_tensor, axes)
    scale = g * reciprocal(_sum(e, axes=axes, keepdims=keepdims))
    return _unreduce(scale, input_tensor, axes, keepdims) * e


@_logsumexp.jvp
def _logsumexp_jvp(t, out, input_tensor, *, axes, keepdims=False):
    x = input_tensor
    e = _shifted_exp(x, axes)
    b = np.ndim(t[0]._value) - np.ndim(x._value)
    inner = _sum(e * t[0], axes=tuple(a + b for a in axes), keepdims=keepdims)
    return inner * reciprocal(_sum(e, axes=axes, keepdims=keepdims))


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """Computes log(sum(exp(x))) across `axis` without overflow.

    The largest finite element is subtracted before exponentiating, so large
    inputs are safe; its gradient is softmax(x), NaN where the result is inf.

    >>> tf.reduce_logsumexp(tf.constant([1000.0, 1000.0]))
    <tf.Tensor: shape=(), dtype=float32, numpy=1000.6931>
    """
    x = convert_to_tensor(input_tensor)
    axes = normalize_axes(axis, x.ndim, "Max")
    return _logsumexp(x, axes=axes, keepdims=bool(keepdims))


def _moment_input(input_tensor):
    x = convert_to_tensor(input_tensor)
    if x.dtype not in _mean.dtypes:  # TF takes the mean first
        raise _mean.dtype_error(x.dtype)
    if not (x.dtype.is_floating or x.dtype.is_complex):
        raise TypeError(f"Input must be either real or complex. Received integer type {x.dtype!r}.")
    return x


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Variance across `axis` (the mean squared deviation; complex input gives a real result).

    Raises:
      TypeError: for integer or boolean input.

    >>> tf.math.reduce_variance(tf.constant([1.0, 2.0, 4.0]))
    <tf.Tensor: shape=(), dtype=float32, numpy=1.5555556>
    """
    x = _moment_input(input_tensor)
    axes = normalize_axes(axis, x.ndim, "Mean")
    deviations = x - _mean(x, axes=axes, keepdims=True)
    if x.dtype.is_complex:
        squared = square(_real(deviations)) + square(_imag(deviations))
    else:
        squared = square(deviations)
    return _mean(squared, axes=axes, keepdims=bool(keepdims))


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Standard deviation across `axis`: sqrt(reduce_variance).

    Its gradient is NaN where the deviations are all zero (sqrt'(0) = inf times
    0), as in TF.
    """
    return sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


def _boolean_reduction(public_name: str, fn, type_name: str, docstring: str):
    forward = op(
        type_name, dtypes=frozenset((_dt.bool,)), differentiable=False, no_sample="boolean output"
    )(fn)

    def reduce_fn(input_tensor, axis=None, keepdims=False, name=None):
        if isinstance(input_tensor, np.ndarray):  # TF casts NumPy values to bool
            x = convert_to_tensor(np.asarray(input_tensor, dtype=bool))
        elif isinstance(input_tensor, (list, tuple, bool, int, float)):
            x = convert_to_tensor(input_tensor, dtype=_dt.bool)  # TypeError unless bools
        else:
            x = convert_to_tensor(input_tensor)
        if x.dtype is not _dt.bool:
            raise invalid_argument(
                f"cannot compute {type_name} as input #0(zero-based) was expected to be a bool "
                f"tensor but is a {x.dtype.c_name} tensor",
                type_name,
            )
        return forward(x, axes=normalize_axes(axis, x.ndim, type_name), keepdims=bool(keepdims))

    return named(reduce_fn, public_name, docstring)


def _all(input_tensor, *, axes, keepdims=False):
    return np.all(input_tensor, axis=axes, keepdims=keepdims)


def _any(input_tensor, *, axes, keepdims=False):
    return np.any(input_tensor, axis=axes, keepdims=keepdims)


_all.__name__, _any.__name__ = "reduce_all", "reduce_any"
reduce_all = _boolean_reduction(
    "reduce_all", _all, "All", """Logical AND across `axis` (bool input)."""
)
reduce_any = _boolean_reduction(
    "reduce_any", _any, "Any", """Logical OR across `axis` (bool input)."""
)


@op("EuclideanNorm", dtypes=NUMERIC, sample=reduction(0.5, 2.0))
def _euclidean_norm(input_tensor, *, axes, keepdims=False):
    x = _backend.array(input_tensor)
    squares = x * np.conj(x) if np.iscomplexobj(x) else x * x
    total = np.sum(squares, axis=axes, keepdims=keepdims, dtype=x.dtype)
    if x.dtype.kind in "iu":
        return np.floor(np.sqrt(total)).astype(x.dtype)
    return np.sqrt(total)


@_euclidean_norm.vjp
def _euclidean_norm_vjp(g, out, input_tensor, *, axes, keepdims=False, needs):
    # d|x|/dx = x / |x|: NaN for an all-zero slice, as in TF.
    x = input_tensor
    kept = _reshape(out, shape=_kept_shape(np.shape(x._value), axes))
    return _unreduce(g, x, axes, keepdims) * (x / kept)


@_euclidean_norm.jvp
def _euclidean_norm_jvp(t, out, input_tensor, *, axes, keepdims=False):
    x = input_tensor
    b = np.ndim(t[0]._value) - np.ndim(x._value)
    inner = _sum(conj(x) * t[0], axes=tuple(a + b for a in axes), keepdims=keepdims)
    if x.dtype.is_complex:
        inner = cast(_real(inner), x.dtype)
    return inner / out


reduce_euclidean_norm = _reduction_wrapper(
    "reduce_euclidean_norm",
    _euclidean_norm,
    """sqrt(sum(|x|^2)) across `axis`. Integer input gives a truncated integer norm, as in TF.""",
)


def count_nonzero(input, axis=None, keepdims=None, dtype=_dt.int64, name=None):
    """Counts the nonzero (or True) elements across `axis`, as `dtype` (int64 by default).

    >>> tf.math.count_nonzero(tf.constant([0.0, 1.0, 2.0]))
    <tf.Tensor: shape=(), dtype=int64, numpy=2>
    """
    x = convert_to_tensor(input)
    axes = normalize_axes(axis, x.ndim, "Sum")
    nonzero = not_equal(x, np.zeros((), x.dtype.as_numpy_dtype))
    return _sum(cast(nonzero, dtype), axes=axes, keepdims=bool(keepdims))
