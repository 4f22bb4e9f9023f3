"""Ordering: argmax, argmin, top_k, sort, argsort and unique.

argmax/argmin, argsort and unique are integer results: not differentiable, as in
TF. `sort` is a composite (a batched gather of the argsort permutation), so its
gradient routes each cotangent back to the element that landed there. top_k is
a composite too: the TopKV2 op selects indices, and its values are a gather
along the last axis, whose gradient scatters the cotangent into the selected
positions. The gather and
the scatter are each other's adjoints, so any order of derivative works.
"""

from __future__ import annotations

import collections

import numpy as np

from .._core import backend as _backend
from .._core import dtypes as _dt
from .._core import tape as _tape
from .._core.errors import invalid_argument
from .._core.registry import op
from .._core.tensor import convert_to_tensor, make
from ._util import int_arg, named, no_kernel
from .array_ops import reshape, transpose
from .gather_ops import gather
from .math_ops import negative
from .samples import Fixed, cases

_ARG_DTYPES = _dt.REAL | {_dt.bool}
_INDEX_TYPES = (_dt.int16, _dt.uint16, _dt.int32, _dt.int64)


def _arg_reduce(pick, nan_fill: float):
    def forward(input, *, dimension, output_type):
        x = _backend.array(input)
        if x.shape[dimension] == 0:
            shape = ",".join(str(d) for d in x.shape)
            raise ValueError(f"Reduction axis {dimension} is empty in shape [{shape}]")
        # (A Dask array is not read to decide: the replacement stays in its graph.)
        if x.dtype.kind == "f" and (_backend.is_foreign(x) or np.isnan(x).any()):
            x = np.where(np.isnan(x), nan_fill, x)  # TF's kernel never selects a NaN
        return pick(x, axis=dimension).astype(output_type.as_numpy_dtype)

    return forward


_argmax = op("ArgMax", dtypes=_ARG_DTYPES, differentiable=False, no_sample="integer output")(
    _arg_reduce(np.argmax, -np.inf)
)
_argmin = op("ArgMin", dtypes=_ARG_DTYPES, differentiable=False, no_sample="integer output")(
    _arg_reduce(np.argmin, np.inf)
)


def _arg_wrapper(public_name: str, arg_op, docstring: str):
    def arg_fn(input, axis=None, output_type=_dt.int64, name=None):
        x = convert_to_tensor(input)
        if axis is None:
            axis = 0
        if hasattr(axis, "_value"):
            _tape.value_read(axis, "an axis comes from a tensor's value")
            axis = axis._value
        if np.ndim(axis) != 0 or np.asarray(axis).dtype.kind not in "iu":
            raise TypeError("axis must be int or Tensor with integer datatype")
        output_type = _dt.as_dtype(output_type)
        if output_type not in _INDEX_TYPES:
            raise invalid_argument(
                f"Value for attr 'output_type' of {output_type.name} is not in the list of "
                "allowed values: int16, uint16, int32, int64",
                arg_op.type,
            )
        ndim = x.ndim
        axis = int(axis)
        if not -ndim <= axis < ndim:
            raise invalid_argument(
                f"Expected dimension in the range [{-ndim}, {ndim}), but got {axis}",
                arg_op.type,
            )
        return arg_op(x, dimension=axis % ndim, output_type=output_type)

    return named(arg_fn, public_name, docstring)


argmax = _arg_wrapper(
    "argmax",
    _argmax,
    """Index of the largest value along `axis` (0 by default), as `output_type` (int64).

    Ties go to the first index; NaNs are never selected (unless all are NaN).

    >>> tf.argmax(tf.constant([[1, 3], [4, 2]]))
    <tf.Tensor: shape=(2,), dtype=int64, numpy=array([1, 0])>
    """,
)
argmin = _arg_wrapper(
    "argmin",
    _argmin,
    """Index of the smallest value along `axis` (0 by default), as `output_type` (int64).""",
)


# -- top_k ---------------------------------------------------------------------------------------

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


@op(
    "GatherLastAxis",
    same_dtype=(0,),
    sample=cases(([(2, 4), Fixed(np.array([[3, 0], [1, 2]]))], {})),
)
def _gather_last(params, indices):
    """params[..., indices] row by row (indices broadcast over leading batch dims)."""
    if _backend.any_foreign(params, indices):
        # On Dask, one task on whole arrays: np.take_along_axis.
        return _backend.whole(_gather_last.forward, params, indices)
    index = np.broadcast_to(indices, params.shape[:-1] + indices.shape[-1:])
    return np.take_along_axis(params, index, axis=-1)


@_gather_last.vjp
def _gather_last_vjp(g, out, params, indices, *, needs):
    return _scatter_last(g, indices, n=np.shape(params._value)[-1]), None


@_gather_last.jvp
def _gather_last_jvp(t, out, params, indices):
    return _gather_last(t[0], indices)


@op(
    "ScatterLastAxis",
    same_dtype=(0,),
    sample=cases(([(2, 2), Fixed(np.array([[3, 0], [1, 2]]))], {"n": 4})),
)
def _scatter_last(updates, indices, *, n):
    """Zeros of last dimension n with updates put at `indices` (distinct within a row)."""
    if _backend.any_foreign(updates, indices):
        # On Dask, one task on whole arrays: np.put_along_axis.
        return _backend.whole(_scatter_last.forward, updates, indices, n=n)
    out = np.zeros(updates.shape[:-1] + (n,), updates.dtype)
    np.put_along_axis(out, np.broadcast_to(indices, updates.shape), updates, axis=-1)
    return out


@_scatter_last.vjp
def _scatter_last_vjp(g, out, updates, indices, *, n, needs):
    return _gather_last(g, indices), None


@_scatter_last.jvp
def _scatter_last_jvp(t, out, updates, indices, *, n):
    return _scatter_last(t[0], indices, n=n)


@op("TopKV2", dtypes=_dt.REAL, differentiable=False, no_sample="integer output")
def _top_k_indices(input, *, k, sorted=True, index_type=_dt.int32):
    if _backend.any_foreign(input):
        # On Dask, one task on whole arrays: a stable argsort (Dask has none).
        return _backend.whole(
            _top_k_indices.forward, input, k=k, sorted=sorted, index_type=index_type
        )
    x = np.asarray(input)
    # Stable descending order: sort the reversed row ascending, then reverse the result,
    # so ties keep the lower index first (as in TF); NaN sorts above everything.
    order = np.argsort(x[..., ::-1], axis=-1, kind="stable")[..., ::-1][..., :k]
    indices = x.shape[-1] - 1 - order
    if not sorted:
        indices = np.sort(indices, axis=-1)
    return indices.astype(index_type.as_numpy_dtype)


def top_k(input, k=1, sorted=True, index_type=_dt.int32, name=None):
    """The k largest entries of the last axis and their indices.

    Returns a namedtuple (values, indices); indices are int32 by default. Ties
    keep the lower index first. With sorted=False the same entries come in index
    order (TensorFlow leaves that order unspecified).

    Raises:
      InvalidArgumentError: for a scalar input, k < 0, or k above the last dimension.

    >>> tf.math.top_k(tf.constant([1.0, 3.0, 2.0]), k=2).indices
    <tf.Tensor: shape=(2,), dtype=int32, numpy=array([1, 2], dtype=int32)>
    """
    x = convert_to_tensor(input)
    k = int(int_arg(k))
    shape = np.shape(x._value)
    if not shape:
        raise invalid_argument("input must be >= 1-D, got shape []", "TopKV2")
    if k < 0:
        raise invalid_argument(f"Need k >= 0, got {k}", "TopKV2")
    if k > shape[-1]:
        raise invalid_argument(
            f"input must have at least k columns. Had {shape[-1]}, needed {k}", "TopKV2"
        )
    indices = _top_k_indices(x, k=k, sorted=bool(sorted), index_type=_dt.as_dtype(index_type))
    return TopKV2(_gather_last(x, indices), indices)  # the gather carries the gradient


# -- sort, argsort, unique ---------------------------------------------------------------------

Unique = collections.namedtuple("Unique", ["y", "idx"])

_DIRECTIONS = ("ASCENDING", "DESCENDING")

_ORDER = "argsort, sort and unique order a tensor's values in Python"


def _order(values: np.ndarray, axis: int, direction: str) -> np.ndarray:
    """A stable ordering permutation along `axis` (ties keep their order both ways)."""
    if direction == "ASCENDING":
        return np.argsort(values, axis=axis, kind="stable")
    n = values.shape[axis]
    backwards = np.argsort(np.flip(values, axis), axis=axis, kind="stable")
    return n - 1 - np.flip(backwards, axis)


def _check(values, axis, direction: str) -> int:
    if direction not in _DIRECTIONS:
        raise ValueError(
            "Argument `direction` should be one of ASCENDING, DESCENDING. Received: "
            f"direction={direction}"
        )
    # TF sorts ascending as the descending top_k of -values: Neg refuses bool, TopKV2 complex.
    dtype = values._dtype
    if direction == "ASCENDING" and dtype not in negative.dtypes:
        raise negative.dtype_error(dtype)
    if dtype not in _top_k_indices.dtypes:
        raise _top_k_indices.dtype_error(dtype)
    ndim = values.ndim
    axis = int(axis)
    if not -ndim <= axis < ndim:
        # TF reads the axis length as `shape(values)[axis]` and fails in that slice.
        shown = axis if axis >= 0 else axis + ndim
        raise invalid_argument(f"slice index {shown} of dimension 0 out of bounds.", "StridedSlice")
    return axis % ndim


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """The int32 indices that sort `values` along `axis` (ties in original order).

    Raises:
      ValueError: for a direction other than "ASCENDING" or "DESCENDING".

    >>> tf.argsort([3., 1., 2.]).numpy()
    array([1, 2, 0], dtype=int32)
    """
    values = convert_to_tensor(values)
    axis = _check(values, axis, direction)
    _tape.value_read(values, _ORDER)
    return make(_order(values._value, axis, direction).astype(np.int32), _dt.int32)


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """`values` sorted along `axis` (NaNs last when ascending).

    Raises:
      ValueError: for a direction other than "ASCENDING" or "DESCENDING".

    >>> tf.sort([3, 1, 2]).numpy()
    array([1, 2, 3], dtype=int32)
    """
    values = convert_to_tensor(values)
    axis = _check(values, axis, direction)
    last = values.ndim - 1
    perm = list(range(values.ndim))
    perm[axis], perm[last] = last, axis
    moved = transpose(values, perm) if axis != last else values
    _tape.value_read(moved, _ORDER)
    order = make(_order(moved._value, last, direction), _dt.int64)
    if last == 0:  # a 1-D gather on a source would give IndexedSlices; TF's sort is dense
        moved = reshape(moved, np.shape(moved._value))
    out = gather(moved, order, axis=last, batch_dims=last)
    return transpose(out, perm) if axis != last else out


def unique(x, out_idx=_dt.int32, name=None):
    """The distinct values of 1-D `x` in order of first appearance, and each entry's index.

    The output's shape depends on the values, so a Dask-backed `x` is computed here: `idx`
    is NumPy-backed, `y` is gathered from `x` (lazily, for Dask).

    Returns:
      A namedtuple `Unique(y, idx)` with `x == tf.gather(y, idx)`.

    Raises:
      InvalidArgumentError: if `x` is not 1-D.

    >>> tf.unique([1, 1, 2]).idx.numpy()
    array([0, 0, 1], dtype=int32)
    """
    x = convert_to_tensor(x)
    out_idx = _dt.as_dtype(out_idx)
    if x._dtype.is_complex:  # TF's op allows complex, but has no CPU kernel for it
        raise no_kernel("Unique", x._dtype, f", out_idx=DT_{out_idx.c_name.upper()}")
    if x.ndim != 1:
        raise invalid_argument("unique expects a 1D vector.", "Unique")
    _tape.value_read(x, _ORDER)
    _, first, inverse = np.unique(
        _backend.to_host(x._value), return_index=True, return_inverse=True
    )
    rank = np.empty_like(first)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    y = x._value[np.sort(first)]
    return Unique(make(y, x._dtype), make(rank[inverse.reshape(-1)].astype(out_idx._np), out_idx))


__all__ = ["argmax", "argmin", "argsort", "sort", "top_k", "unique"]
