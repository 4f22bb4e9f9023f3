"""Helpers shared by the LAPACK-backed linear-algebra ops (solves and factorizations).

NumPy's linalg has no float16, so half inputs are computed in float32 (`_lapack`)
and cast back (`_like`).
"""

from __future__ import annotations

import numpy as np

from ..._core.errors import invalid_argument
from ..array_ops import matrix_transpose
from ..math_ops import cast


def _adj(x):
    return matrix_transpose(x, conjugate=True)


def _check_square(x, op_type: str, square: bool = True) -> None:
    if np.ndim(x) < 2:
        raise invalid_argument(f"Input tensor 0 must have rank >= 2, got {np.ndim(x)}", op_type)
    if square and np.shape(x)[-1] != np.shape(x)[-2]:
        raise invalid_argument("Input matrix must be square.", op_type)


def _lapack(x: np.ndarray) -> np.ndarray:
    """`x` in a dtype NumPy's linalg accepts (float16 is computed in float32)."""
    return x.astype(np.float32) if x.dtype == np.float16 else x


def _like(dtype):
    return lambda *arrays: tuple(np.asarray(a).astype(dtype, copy=False) for a in arrays)


def _as(x, dtype):
    """`x` cast to `dtype` when it differs (real singular values into complex matmuls)."""
    return x if x._dtype is dtype else cast(x, dtype)
