"""Linear algebra: matrix products (more decompositions come with the op library).

`MatMul` covers TF's MatMul and BatchMatMulV2: leading dimensions broadcast,
and the backward walk sums gradients back over broadcast batch dimensions.
"""

from __future__ import annotations

import numpy as np

from .. import dtypes as _dt
from ..errors import InvalidArgumentError
from ..registry import op
from ..tensor import convert_to_tensor
from .math_ops import conj
from .samples import cases

_MATMUL_DTYPES = _dt.INEXACT | {_dt.int32, _dt.int64}


def _check_matmul(a, b, transpose_a: bool, transpose_b: bool) -> None:
    sa, sb = np.shape(a), np.shape(b)
    if len(sa) < 2 or len(sb) < 2:
        if len(sa) != len(sb):
            message = f"In[0] and In[1] has different ndims: {list(sa)} vs. {list(sb)}"
        else:
            message = f"In[0] ndims must be >= 2: {len(sa)}"
        raise InvalidArgumentError(None, None, f"{message} [Op:MatMul]")
    k_a = sa[-2] if transpose_a else sa[-1]
    k_b = sb[-1] if transpose_b else sb[-2]
    if k_a != k_b:
        if len(sa) == 2 and len(sb) == 2:
            message = (
                f"Matrix size-incompatible: In[0]: [{','.join(map(str, sa))}], "
                f"In[1]: [{','.join(map(str, sb))}] [Op:MatMul]"
            )
        else:
            message = (
                f"In[0] mismatch In[1] shape: {k_a} vs. {k_b}: {list(sa)} {list(sb)} "
                f"{int(transpose_a)} {int(transpose_b)} [Op:BatchMatMulV2]"
            )
        raise InvalidArgumentError(None, None, message)


@op(
    "MatMul",
    broadcasting=True,
    dtypes=_MATMUL_DTYPES,
    sample=cases(
        ([(2, 3), (3, 4)], {}),
        ([(3, 2), (3, 4)], {"transpose_a": True}),
        ([(2, 3), (4, 3)], {"transpose_b": True}),
        ([(3, 2), (4, 3)], {"transpose_a": True, "transpose_b": True}),
        ([(2, 2, 3), (3, 2)], {}),
    ),
)
def _matmul(a, b, *, transpose_a=False, transpose_b=False):
    _check_matmul(a, b, transpose_a, transpose_b)
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    return np.matmul(a, b)


@_matmul.vjp
def _matmul_vjp(g, out, a, b, *, transpose_a=False, transpose_b=False):
    # TF's _MatMulGrad: for out = op(a) @ op(b), each case keeps the products in
    # transposed form instead of materialising transposes.
    a, b = conj(a), conj(b)
    if not transpose_a and not transpose_b:
        return _matmul(g, b, transpose_b=True), _matmul(a, g, transpose_a=True)
    if not transpose_a:
        return _matmul(g, b), _matmul(g, a, transpose_a=True)
    if not transpose_b:
        return _matmul(b, g, transpose_b=True), _matmul(a, g)
    return (
        _matmul(b, g, transpose_a=True, transpose_b=True),
        _matmul(g, a, transpose_a=True, transpose_b=True),
    )


@_matmul.jvp
def _matmul_jvp(t, out, a, b, *, transpose_a=False, transpose_b=False):
    flags = {"transpose_a": transpose_a, "transpose_b": transpose_b}
    return _matmul(t[0], b, **flags) + _matmul(a, t[1], **flags)


def matmul(
    a,
    b,
    transpose_a=False,
    transpose_b=False,
    adjoint_a=False,
    adjoint_b=False,
    a_is_sparse=False,
    b_is_sparse=False,
    output_type=None,
    grad_a=False,
    grad_b=False,
    name=None,
):
    """Multiplies matrix `a` by matrix `b` (batched over leading dimensions).

    Args:
      a, b: tensors of rank >= 2 with the same dtype; leading dimensions broadcast.
      transpose_a, transpose_b: transpose the last two dimensions first.
      adjoint_a, adjoint_b: conjugate-transpose first.
      a_is_sparse, b_is_sparse, grad_a, grad_b: accepted for TF compatibility.
      output_type: accepted when equal to the inputs' dtype.

    Raises:
      InvalidArgumentError: for ranks below 2 or mismatched inner dimensions.
      ValueError: if both transpose_x and adjoint_x are set.

    >>> tf.matmul(tf.ones((2, 3)), tf.ones((3, 1))).shape
    TensorShape([2, 1])
    """
    if transpose_a and adjoint_a:
        raise ValueError("Only one of transpose_a and adjoint_a can be True.")
    if transpose_b and adjoint_b:
        raise ValueError("Only one of transpose_b and adjoint_b can be True.")
    a = convert_to_tensor(a)
    b = convert_to_tensor(b, dtype_hint=a._dtype)
    if adjoint_a:
        a = conj(a)
    if adjoint_b:
        b = conj(b)
    out = _matmul(a, b, transpose_a=transpose_a or adjoint_a, transpose_b=transpose_b or adjoint_b)
    if output_type is not None and _dt.as_dtype(output_type) is not out._dtype:
        raise TypeError(f"output_type {output_type!r} must match the inputs' dtype {out.dtype!r}.")
    return out
