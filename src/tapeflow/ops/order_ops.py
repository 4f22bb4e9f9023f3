"""Ordering: sort, argsort and unique (top_k, argmax and argmin live in sort_ops.py).

`sort` is a composite (a batched gather of the argsort permutation), so its
gradient routes each cotangent back to the element that landed there. Orders,
`argsort` and `unique` are integer results: not differentiable, as in TF.
"""

from __future__ import annotations

import collections

import numpy as np

from .. import dtypes as _dt
from .. import tape as _tape
from ..errors import InvalidArgumentError
from ..tensor import convert_to_tensor, make
from .array_ops import reshape, transpose
from .gather_ops import gather

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
    ndim = values.ndim
    axis = int(axis)
    if not -ndim <= axis < ndim:
        # TF reads the axis length as `shape(values)[axis]` and fails in that slice.
        shown = axis if axis >= 0 else axis + ndim
        raise InvalidArgumentError(
            None,
            None,
            f"slice index {shown} of dimension 0 out of bounds. [Op:StridedSlice]",
        )
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

    Returns:
      A namedtuple `Unique(y, idx)` with `x == tf.gather(y, idx)`.

    Raises:
      InvalidArgumentError: if `x` is not 1-D.

    >>> tf.unique([1, 1, 2]).idx.numpy()
    array([0, 0, 1], dtype=int32)
    """
    x = convert_to_tensor(x)
    out_idx = _dt.as_dtype(out_idx)
    if x.ndim != 1:
        raise InvalidArgumentError(None, None, "unique expects a 1D vector. [Op:Unique]")
    _tape.value_read(x, _ORDER)
    _, first, inverse = np.unique(x._value, return_index=True, return_inverse=True)
    rank = np.empty_like(first)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    y = x._value[np.sort(first)]
    return Unique(make(y, x._dtype), make(rank[inverse.reshape(-1)].astype(out_idx._np), out_idx))
