"""Linear algebra: matrix products, diagonals, bands, and cross products.

`MatMul` covers TF's MatMul and BatchMatMulV2: leading dimensions broadcast,
and the backward walk sums gradients back over broadcast batch dimensions.
The structural ops (diagonals, bands) are linear, so each rule is the op's
transpose. Inverses and solves live in `solves.py`, factorizations in
`factorizations.py`, norms (composites) in `norms.py`.
"""

from __future__ import annotations

import numpy as np

from ..._core import backend as _backend
from ..._core import dtypes as _dt
from ..._core.errors import FailedPreconditionError, invalid_argument, op_error
from ..._core.registry import op
from ..._core.tensor import convert_like, convert_to_tensor
from .._util import int_arg, linear
from ..array_ops import _reshape, matrix_transpose, squeeze
from ..math_ops import conj
from ..reduction_ops import reduce_sum
from ..samples import cases

_MATMUL_DTYPES = _dt.INEXACT | {_dt.int32, _dt.int64}


def _check_matmul(a, b, transpose_a: bool, transpose_b: bool) -> None:
    sa, sb = a.shape, b.shape  # NumPy scalars have shapes too
    if len(sa) < 2 or len(sb) < 2:
        if len(sa) != len(sb):
            message = f"In[0] and In[1] has different ndims: {list(sa)} vs. {list(sb)}"
        else:
            message = f"In[0] and In[1] ndims must be == 2: {len(sa)}"
        raise invalid_argument(message, "MatMul")
    k_a = sa[-2] if transpose_a else sa[-1]
    k_b = sb[-1] if transpose_b else sb[-2]
    if k_a != k_b:
        if len(sa) == 2 and len(sb) == 2:
            raise invalid_argument(
                f"Matrix size-incompatible: In[0]: [{','.join(map(str, sa))}], "
                f"In[1]: [{','.join(map(str, sb))}]",
                "MatMul",
            )
        raise invalid_argument(  # TF's eager matmul of batches runs BatchMatMulV2
            f"In[0] mismatch In[1] shape: {k_a} vs. {k_b}: {list(sa)} {list(sb)} "
            f"{int(transpose_a)} {int(transpose_b)}",
            "BatchMatMulV2",
        )


@op(
    "MatMul",
    keeps=("b", "a"),
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
    if b.ndim == 2 and b.shape[1] == 1 and _backend.is_dask(a):
        # A column (tf.linalg.matvec's, and its gradient's): Dask's blocks then multiply by a
        # vector, which BLAS does (GEMV) about twice as fast as a one-column GEMM.
        return np.matmul(a, b[:, 0])[..., None]
    if a.ndim == 2 and b.ndim > 2 and b.shape[-1] == 1 and type(b) is np.ndarray:
        # A matrix times a batch of columns (a jacobian's batched cotangents, vectorized_map's
        # matvecs): one GEMM over the batch, (B, k) @ (k, m), instead of NumPy's loop of B
        # matrix-vector products (W6: 11 -> 6 us for 64 of 64x64). The same products, summed
        # in BLAS's GEMM order (within rounding of the loop's).
        if type(a) is np.ndarray:  # (the shapes were checked above)
            return np.matmul(b[..., 0], np.swapaxes(a, -1, -2))[..., None]
    return np.matmul(a, b)


@_matmul.vjp
def _matmul_vjp(g, out, a, b, *, transpose_a=False, transpose_b=False, needs):
    # TF's _MatMulGrad: for out = op(a) @ op(b), each case keeps the products in
    # transposed form instead of materialising transposes. A gradient the walk
    # does not need (a constant operand) is not computed: for a matrix-vector
    # product it would be an outer product, the most expensive part.
    a, b = conj(a), conj(b)
    # (left, right, transpose_a, transpose_b) of each input's gradient product.
    if not transpose_a and not transpose_b:
        da, db = (g, b, False, True), (a, g, True, False)
    elif not transpose_a:
        da, db = (g, b, False, False), (g, a, True, False)
    elif not transpose_b:
        da, db = (b, g, False, True), (a, g, False, False)
    else:
        da, db = (b, g, True, True), (g, a, True, True)
    return _gradient_product(da) if needs[0] else None, _gradient_product(db) if needs[1] else None


def _gradient_product(spec: tuple):
    left, right, transpose_a, transpose_b = spec
    return _matmul(left, right, transpose_a=transpose_a, transpose_b=transpose_b)


@_matmul.jvp
def _matmul_jvp(t, out, a, b, *, transpose_a=False, transpose_b=False):
    # d(ab) = da b + a db
    flags = {"transpose_a": transpose_a, "transpose_b": transpose_b}
    return linear(t, lambda da: _matmul(da, b, **flags), lambda db: _matmul(a, db, **flags))


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


def matvec(
    a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False, name=None
):
    """Multiplies matrix `a` by vector `b`: `matmul(a, b[..., None])[..., 0]`.

    >>> tf.linalg.matvec(tf.ones((2, 3)), tf.ones((3,))).numpy()
    array([3., 3.], dtype=float32)
    """
    a, b = convert_to_tensor(a), convert_to_tensor(b)  # TF converts b on its own
    column = _reshape(b, shape=np.shape(b._value) + (1,))
    product = matmul(a, column, transpose_a=transpose_a, adjoint_a=adjoint_a)
    return squeeze(product, -1)


def adjoint(matrix, name=None):
    """The conjugate transpose of the last two dimensions of `matrix`."""
    return matrix_transpose(matrix, conjugate=True)


# -- diagonals and bands (linear: each rule is the op's transpose) ----------------------------


def _check_rank(x, rank: int, what: str, op_type: str) -> None:
    if np.ndim(x) < rank:
        shape = ",".join(map(str, np.shape(x)))
        raise invalid_argument(
            f"{what} must be at least {rank}-dim, received shape: [{shape}]", op_type
        )


@op(
    "MatrixDiagPartV3",
    dtypes=_dt.ANY,
    sample=cases([(3, 3)], [(2, 3)], [(2, 4, 3)], ([(3, 4)], {"k": 1}), ([(2, 4, 3)], {"k": -2})),
)
def _matrix_diag_part(input, *, k=0):
    _check_rank(input, 2, "input", "MatrixDiagPartV3")
    rows, cols = np.shape(input)[-2:]
    if not -rows <= k <= cols:
        raise invalid_argument(
            f"lower_diag_index is out of bound: {k}. It must be between {-rows} and {cols}"
        )
    return np.diagonal(input, offset=k, axis1=-2, axis2=-1).copy()


@_matrix_diag_part.vjp
def _matrix_diag_part_vjp(g, out, input, *, k=0, needs):
    rows, cols = np.shape(input._value)[-2:]
    return _matrix_diag(g, k=k, num_rows=rows, num_cols=cols)


@_matrix_diag_part.jvp
def _matrix_diag_part_jvp(t, out, input, *, k=0):
    return _matrix_diag_part(t[0], k=k)


@op(
    "MatrixDiagV3",
    dtypes=_dt.ANY,
    sample=cases(
        [(3,)],
        ([(2, 2)], {"num_rows": 2, "num_cols": 3}),
        ([(2,)], {"num_rows": 3}),
        ([(3,)], {"k": 1}),
        ([(2, 2)], {"k": -1, "num_rows": 3, "num_cols": 3}),
    ),
)
def _matrix_diag(diagonal, *, k=0, num_rows=-1, num_cols=-1, padding_value=0):
    # `diagonal` goes on diagonal k (k > 0 above the main one); the rest is padding_value.
    if _backend.any_foreign(diagonal):
        # On Dask, one task on whole arrays: index assignment.
        return _backend.whole(
            _matrix_diag.forward,
            diagonal,
            k=k,
            num_rows=num_rows,
            num_cols=num_cols,
            padding_value=padding_value,
        )
    _check_rank(diagonal, 1, "diagonal", "MatrixDiagV3")
    size = np.shape(diagonal)[-1]
    min_rows, min_cols = size + max(-k, 0), size + max(k, 0)
    if num_rows == -1 and num_cols == -1:
        rows = cols = max(min_rows, min_cols)  # TF: square when neither size is given
    else:
        rows = min_rows if num_rows == -1 else num_rows
        cols = min_cols if num_cols == -1 else num_cols
    if min(rows + min(k, 0), cols - max(k, 0)) != size:
        raise invalid_argument(
            "The number of rows or columns is not consistent with the specified d_lower, "
            "d_upper, and diagonal."
        )
    out = np.full(np.shape(diagonal)[:-1] + (rows, cols), padding_value, np.result_type(diagonal))
    index = np.arange(size)
    out[..., index + max(-k, 0), index + max(k, 0)] = diagonal
    return out


@_matrix_diag.vjp
def _matrix_diag_vjp(g, out, diagonal, *, k=0, num_rows=-1, num_cols=-1, padding_value=0, needs):
    return _matrix_diag_part(g, k=k)  # padding is a constant: no gradient through it


@_matrix_diag.jvp
def _matrix_diag_jvp(t, out, diagonal, *, k=0, num_rows=-1, num_cols=-1, padding_value=0):
    return _matrix_diag(t[0], k=k, num_rows=num_rows, num_cols=num_cols)


def _single_diagonal(k) -> int:
    """TF's `k` as one diagonal offset; a (low, high) band of several is refused clearly."""
    ks = np.asarray(convert_to_tensor(int_arg(k))).reshape(-1).tolist()
    if len(ks) == 2 and ks[0] == ks[1]:
        ks = ks[:1]
    if len(ks) != 1:
        raise ValueError(
            f"k={k!r} selects several diagonals; tapeflow supports one diagonal offset k at a "
            "time (call once per diagonal and tf.stack the results)."
        )
    return int(ks[0])


def diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT"):
    """Diagonal `k` of each innermost matrix of `input` (k > 0 above the main diagonal).

    Raises:
      ValueError: if `k` asks for a band of several diagonals.
      InvalidArgumentError: if `k` is outside the matrix.

    >>> tf.linalg.diag_part(tf.reshape(tf.range(6.0), (2, 3))).numpy()
    array([0., 4.], dtype=float32)
    """
    return _matrix_diag_part(input, k=_single_diagonal(k))


def diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"):
    """Matrices with `diagonal` on diagonal `k` and `padding_value` elsewhere.

    Without `num_rows`/`num_cols` the matrices are square, just large enough.

    Raises:
      ValueError: if `k` asks for a band of several diagonals.

    >>> tf.linalg.diag([1.0, 2.0]).numpy()
    array([[1., 0.],
           [0., 2.]], dtype=float32)
    """
    return _matrix_diag(
        diagonal,
        k=_single_diagonal(k),
        num_rows=int(num_rows),
        num_cols=int(num_cols),
        padding_value=float(convert_to_tensor(padding_value)._value),
    )


def set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):
    """`input` with its diagonal `k` replaced by `diagonal` (differentiable in both)."""
    k = _single_diagonal(k)
    matrix = convert_to_tensor(input)
    _check_rank(matrix._value, 2, "input", "MatrixSetDiagV3")
    diagonal = convert_like(diagonal, matrix._dtype, "MatrixSetDiagV3")  # TF's T is shared
    rows, cols = matrix.shape[-2:]
    flags = {"k": k, "num_rows": rows, "num_cols": cols}
    old = _matrix_diag(_matrix_diag_part(matrix, k=k), **flags)
    return matrix - old + _matrix_diag(diagonal, **flags)


def trace(x, name=None):
    """The sum of the main diagonal of each innermost matrix (TF: reduce_sum(diag_part(x)))."""
    return reduce_sum(_matrix_diag_part(x), -1)


def _band_mask(shape: tuple, num_lower: int, num_upper: int) -> np.ndarray:
    rows, cols = shape[-2:]
    offset = np.arange(cols)[None, :] - np.arange(rows)[:, None]
    return ((num_lower < 0) | (-offset <= num_lower)) & ((num_upper < 0) | (offset <= num_upper))


@op(
    "MatrixBandPart",
    dtypes=_dt.ANY,
    sample=cases(
        ([(3, 3)], {"num_lower": -1, "num_upper": 0}),
        ([(2, 3, 4)], {"num_lower": 1, "num_upper": 2}),
    ),
)
def _matrix_band_part(input, *, num_lower, num_upper):
    _check_rank(input, 2, "input", "MatrixBandPart")
    rows, cols = np.shape(input)[-2:]
    for value, what, size, dim in (
        (num_lower, "num_lower", rows, "rows"),
        (num_upper, "num_upper", cols, "columns"),
    ):
        if value > size:
            raise invalid_argument(
                f"{what} must be negative or less or equal to number of {dim} ({size}) got: {value}"
            )
    return np.where(_band_mask(np.shape(input), num_lower, num_upper), input, 0).astype(input.dtype)


@_matrix_band_part.vjp
def _matrix_band_part_vjp(g, out, input, *, num_lower, num_upper, needs):
    return _matrix_band_part(g, num_lower=num_lower, num_upper=num_upper)


@_matrix_band_part.jvp
def _matrix_band_part_jvp(t, out, input, *, num_lower, num_upper):
    return _matrix_band_part(t[0], num_lower=num_lower, num_upper=num_upper)


def band_part(input, num_lower, num_upper, name=None):
    """Keeps `num_lower` subdiagonals and `num_upper` superdiagonals (negative keeps all).

    >>> tf.linalg.band_part(tf.ones((3, 3)), 0, -1).numpy()[2]
    array([0., 0., 1.], dtype=float32)
    """
    num_lower, num_upper = (int(int_arg(n, "int64")) for n in (num_lower, num_upper))
    return _matrix_band_part(input, num_lower=num_lower, num_upper=num_upper)


# -- cross product ------------------------------------------------------------------------------


@op("Cross", broadcasting=True, dtypes=_dt.REAL, sample=cases([(3,), (3,)], [(2, 3), (2, 3)]))
def _cross(a, b):
    if _backend.any_foreign(a, b):
        # np.cross is NumPy's own: its components, which Dask keeps chunked.
        a0, a1, a2 = (a[..., i] for i in range(3))
        b0, b1, b2 = (b[..., i] for i in range(3))
        return np.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)
    return np.cross(a, b)


@_cross.vjp
def _cross_vjp(g, out, a, b, *, needs):
    # d(a x b) = da x b + a x db, and <g, da x b> = <b x g, da>.
    return _cross(b, g), _cross(g, a)


@_cross.jvp
def _cross_jvp(t, out, a, b):
    return linear(t, lambda da: _cross(da, b), lambda db: _cross(a, db))


def cross(a, b, name=None):
    """The cross product of 3-element vectors along the last dimension.

    Raises:
      InvalidArgumentError: if the shapes differ.
      FailedPreconditionError: if the last dimension is not 3.
    """
    a = convert_to_tensor(a)
    b = convert_to_tensor(b, dtype_hint=a._dtype)
    if not a.ndim:
        raise invalid_argument("Input must be at least 1D[]", "Cross")
    if a.shape != b.shape:
        sa, sb = (",".join(map(str, np.shape(t._value))) for t in (a, b))
        raise invalid_argument(f"Both inputs must be of same shape: [{sa}] vs. [{sb}]", "Cross")
    if not a.ndim or a.shape[-1] != 3:
        message = "Cross-products are only defined for 3-element vectors."
        raise op_error(FailedPreconditionError, message, "Cross")
    return _cross(a, b)
