"""Vector and matrix norms: composites of products, reductions and (for ord=2) the SVD.

They need no rules of their own: gradients come from the ops they are built of, as in TF.
"""

from __future__ import annotations

import numpy as np

from ..._core.errors import invalid_argument
from ..._core.tensor import convert_to_tensor
from ..array_ops import _reshape, squeeze, transpose
from ..math_ops import abs as _magnitude
from ..math_ops import conj, multiply, sqrt
from ..math_ops import pow as _pow
from ..reduction_ops import reduce_max, reduce_sum
from .factorizations import svd

_MATRIX_ORDS = ("euclidean", "fro", 1, 2, np.inf)


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):
    """Vector norms (`ord` > 0, 'euclidean', inf) or matrix norms ('fro', 1, 2, inf).

    A 2-tuple `axis` selects a matrix norm; otherwise the norm is over the
    flattened `axis` (all of `tensor` when None), as in TF.

    Raises:
      ValueError: for an unsupported `ord` or `axis`.

    >>> float(tf.norm([3.0, 4.0]))
    5.0
    """
    tensor = convert_to_tensor(tensor)
    is_matrix = isinstance(axis, (tuple, list)) and len(axis) == 2
    integers = (int, np.integer)
    if is_matrix:
        if not all(isinstance(a, integers) for a in axis) or axis[0] == axis[1]:
            raise ValueError(
                "'axis' must be None, an integer, or a tuple of 2 unique integers, got "
                f"{tuple(axis)}"
            )
        axis = tuple(int(a) % tensor.ndim for a in axis)
        if axis[0] == axis[1]:  # TF's reduction finds the repeat
            raise invalid_argument(
                f"Invalid reduction arguments: Axes contains duplicate dimension: {axis[0]}", "Sum"
            )
        if ord not in _MATRIX_ORDS or isinstance(ord, bool):
            supported = "['euclidean', 'fro', 1, 2, inf]"
            raise ValueError(f"'ord' must be a supported matrix norm in {supported}, got {ord}")
    else:
        if axis is not None and not isinstance(axis, integers):
            raise ValueError(
                f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis}"
            )
        axis = None if axis is None else (int(axis),)
        valid = ord == "euclidean" or (not isinstance(ord, (str, bool)) and ord > 0)
        if not valid:
            raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
    if is_matrix and ord == 2:
        perm = [d for d in range(tensor.ndim) if d not in axis] + list(axis)
        moved = transpose(tensor, perm)
        result = reduce_max(svd(moved, compute_uv=False), -1)
        return _restore(result, tensor, axis, keepdims)
    if ord in ("euclidean", "fro") or (ord == 2 and not is_matrix):
        # TF's x * conj(x): a complex input gives a complex norm, and the gradient at 0 is nan.
        result = sqrt(reduce_sum(multiply(tensor, conj(tensor)), axis, keepdims=True))
    else:
        result = _magnitude(tensor)
        if ord == 1 and is_matrix:
            result = reduce_max(reduce_sum(result, axis[0], keepdims=True), axis[1], keepdims=True)
        elif ord == np.inf and is_matrix:
            result = reduce_max(reduce_sum(result, axis[1], keepdims=True), axis[0], keepdims=True)
        elif ord == np.inf:
            result = reduce_max(result, axis, keepdims=True)
        elif ord == 1:
            result = reduce_sum(result, axis, keepdims=True)
        else:
            result = _pow(reduce_sum(_pow(result, float(ord)), axis, keepdims=True), 1.0 / ord)
    if not keepdims:
        result = squeeze(result, axis) if axis is not None else _reshape(result, shape=())
    return result


def _restore(result, tensor, axis: tuple, keepdims) -> object:
    """Puts a spectral norm (reduced over the two trailing dims) back in place."""
    if not keepdims:
        return result
    shape = list(np.shape(tensor._value))
    for a in axis:
        shape[a] = 1
    return _reshape(result, shape=tuple(shape))
