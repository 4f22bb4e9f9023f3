"""Bitwise ops on integer tensors (`tf.bitwise`); `&`, `|`, `^`, `~` use them for ints.

None is differentiable (integer outputs), as in TensorFlow.
"""

from __future__ import annotations

import numpy as np

from .._core import dtypes as _dt
from .._core.registry import op

_INTEGER = _dt.INTEGER


@op("BitwiseAnd", broadcasting=True, dtypes=_INTEGER, differentiable=False, no_sample="integer")
def bitwise_and(x, y):
    """Elementwise x & y for integer tensors."""
    return np.bitwise_and(x, y)


@op("BitwiseOr", broadcasting=True, dtypes=_INTEGER, differentiable=False, no_sample="integer")
def bitwise_or(x, y):
    """Elementwise x | y for integer tensors."""
    return np.bitwise_or(x, y)


@op("BitwiseXor", broadcasting=True, dtypes=_INTEGER, differentiable=False, no_sample="integer")
def bitwise_xor(x, y):
    """Elementwise x ^ y for integer tensors."""
    return np.bitwise_xor(x, y)


@op("Invert", dtypes=_INTEGER, differentiable=False, no_sample="integer")
def invert(x):
    """Elementwise ~x (flips all bits) for integer tensors."""
    return np.invert(x)


@op("LeftShift", broadcasting=True, dtypes=_INTEGER, differentiable=False, no_sample="integer")
def left_shift(x, y):
    """Elementwise x << y for integer tensors."""
    return np.left_shift(x, y)


@op("RightShift", broadcasting=True, dtypes=_INTEGER, differentiable=False, no_sample="integer")
def right_shift(x, y):
    """Elementwise x >> y for integer tensors."""
    return np.right_shift(x, y)
