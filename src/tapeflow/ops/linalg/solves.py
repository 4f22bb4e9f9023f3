"""Linear algebra: inverses, determinants, solves and Cholesky.

QR, SVD and eigh live in `factorizations.py`, the LAPACK helpers in `_lapack.py`.
Forwards call NumPy's LAPACK bindings (SciPy's triangular solver, imported lazily).
NumPy's linalg has no float16, so half inputs are computed in float32 and cast back.

Rules follow the standard matrix-calculus results (Giles 2008; Murray 2016
for Cholesky; Townsend 2016 for SVD; Walter & Lehmann 2018 for QR) in
TF's conventions, which are stated beside each rule. They are written with
matmul and solves, which broadcast, so extra leading cotangent dimensions
pass through untouched (batch polymorphism for free).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..._core import backend as _backend
from ..._core import dtypes as _dt
from ..._core.errors import invalid_argument
from ..._core.registry import op
from ..._core.tensor import convert_like, convert_to_tensor
from ..array_ops import matrix_transpose
from ..math_ops import log, real
from ..reduction_ops import reduce_sum
from ..samples import Uniform, cases
from ._lapack import _adj, _check_square, _lapack, _like
from .products import _matrix_band_part, _matrix_diag, _matrix_diag_part, matmul

_INEXACT = _dt.INEXACT


class _Square(Uniform):
    """A uniform (batch of) square matrices plus `shift` times the identity.

    The shift keeps sample matrices well conditioned, so that finite
    differences in the registry's gradient checks stay accurate.
    """

    def __init__(self, shape, shift=3.0, low=-1.0, high=1.0):
        super().__init__(shape, low, high)
        object.__setattr__(self, "shift", shift)

    def draw(self, rng) -> np.ndarray:
        return super().draw(rng) + self.shift * np.eye(self.shape[-1])


def _batch_eye(x):
    """An identity matrix matching the last dimension and dtype of `x` (broadcasts)."""
    n = np.shape(x._value)[-1]
    return convert_to_tensor(np.eye(n, dtype=x._value.dtype))


def _zeros_diagonal(x):
    """`x` with its main diagonal set to zero."""
    return x - _matrix_diag(_matrix_diag_part(x))


# -- inverse and determinants ------------------------------------------------------------------


@op(
    "MatrixInverse",
    dtypes=_INEXACT,
    sample=cases([_Square((3, 3))], ([_Square((2, 2, 2))], {"adjoint": True})),
)
def _matrix_inverse(input, *, adjoint=False):
    if _backend.any_foreign(input):
        # On Dask, one task on whole arrays: Dask's linalg takes one 2-D matrix in square chunks.
        return _backend.whole(
            _matrix_inverse.forward, input, stand_in=_backend.matrix_stand_in, adjoint=adjoint
        )
    _check_square(input, "MatrixInverse")
    try:
        if np.isnan(input).any():  # TF's LU finds no nonzero pivot in a NaN matrix
            raise np.linalg.LinAlgError
        out = np.linalg.inv(_lapack(input))
    except np.linalg.LinAlgError:
        raise invalid_argument("Input is not invertible.") from None
    if adjoint:
        out = np.conj(np.swapaxes(out, -1, -2))
    return out.astype(input.dtype, copy=False)


@_matrix_inverse.vjp
def _matrix_inverse_vjp(g, out, input, *, adjoint=False, needs):
    # d(A^-1) = -A^-1 dA A^-1, so gA = -A^-H g A^-H (and its adjoint for adjoint=True).
    if adjoint:
        return -matmul(out, matmul(g, out, adjoint_a=True))
    return -matmul(out, matmul(g, out, adjoint_b=True), adjoint_a=True)


@_matrix_inverse.jvp
def _matrix_inverse_jvp(t, out, input, *, adjoint=False):
    # out = A^-1: d(out) = -out dA out; out = A^-H: d(out) = -out dA^H out.
    return -matmul(out, matmul(t[0], out, adjoint_a=adjoint))


def inv(input, adjoint=False, name=None):
    """The inverse (or with `adjoint`, the inverse's adjoint) of each innermost matrix.

    Raises:
      InvalidArgumentError: "Input is not invertible." for a singular matrix, or a
        non-square input.

    >>> tf.linalg.inv([[2.0, 0.0], [0.0, 4.0]]).numpy()
    array([[0.5 , 0.  ],
           [0.  , 0.25]], dtype=float32)
    """
    return _matrix_inverse(input, adjoint=bool(adjoint))


def _expand_matrix(x):
    """`x` with two trailing unit dimensions (a per-matrix scalar that broadcasts)."""
    from ..array_ops import _reshape

    return _reshape(x, shape=np.shape(x._value) + (1, 1))


def _trace_of_solve(a, da):
    """tr(A^-1 dA) per matrix, with `da` possibly batched."""
    return reduce_sum(matrix_transpose(_matrix_inverse(a)) * da, [-2, -1])


@op("MatrixDeterminant", dtypes=_INEXACT, sample=cases([_Square((3, 3))], [_Square((2, 2, 2))]))
def _matrix_determinant(input):
    if _backend.any_foreign(input):
        # On Dask, one task on whole arrays: Dask's linalg takes one 2-D matrix in square chunks.
        return _backend.whole(_matrix_determinant.forward, input, stand_in=_backend.matrix_stand_in)
    _check_square(input, "MatrixDeterminant")
    return np.asarray(np.linalg.det(_lapack(input))).astype(input.dtype)


@_matrix_determinant.vjp
def _matrix_determinant_vjp(g, out, input, *, needs):
    # d det(A) = det(A) tr(A^-1 dA). TF multiplies by det, not conj(det), for complex
    # inputs; we reproduce TF's values.
    return _expand_matrix(g * out) * _matrix_inverse(input, adjoint=True)


@_matrix_determinant.jvp
def _matrix_determinant_jvp(t, out, input):
    return out * _trace_of_solve(input, t[0])


@op(
    "LogMatrixDeterminant",
    n_outputs=None,
    dtypes=_INEXACT,
    sample=cases([_Square((3, 3))], [_Square((2, 3, 3), shift=-3.0)]),
)
def _log_matrix_determinant(input):
    if _backend.any_foreign(input):
        # On Dask, one task on whole arrays: Dask's linalg takes one 2-D matrix in square chunks.
        return _backend.whole(
            _log_matrix_determinant.forward, input, n_outputs=2, stand_in=_backend.matrix_stand_in
        )
    _check_square(input, "LogMatrixDeterminant")
    sign, logdet = np.linalg.slogdet(_lapack(input))
    return _like(input.dtype)(sign, logdet)


@_log_matrix_determinant.vjp
def _log_matrix_determinant_vjp(gs, outs, input, *, needs):
    # d log|det A| = tr(A^-1 dA); the sign is locally constant (TF ignores its cotangent).
    return _expand_matrix(gs[1]) * _matrix_inverse(input, adjoint=True)


@_log_matrix_determinant.jvp
def _log_matrix_determinant_jvp(t, outs, input):
    d_logdet = _trace_of_solve(input, t[0])
    return 0 * d_logdet, d_logdet


Slogdet = namedtuple("LogMatrixDeterminant", ["sign", "log_abs_determinant"])


def det(input, name=None):
    """The determinant of each innermost square matrix.

    >>> float(tf.linalg.det([[2.0, 1.0], [1.0, 3.0]]))
    5.0
    """
    return _matrix_determinant(input)


def slogdet(input, name=None):
    """`(sign, log_abs_determinant)` of each innermost matrix; (0, -inf) if singular."""
    return Slogdet(*_log_matrix_determinant(input))


def logdet(matrix, name=None):
    """log(det(matrix)) for Hermitian positive definite matrices, through Cholesky.

    Like TF, a matrix that is not positive definite gives NaN rather than an error.
    """
    chol = cholesky(matrix)
    return 2.0 * reduce_sum(log(real(_matrix_diag_part(chol))), -1)


# -- solves ----------------------------------------------------------------------------------


@op(
    "MatrixSolve",
    dtypes=_INEXACT,
    sample=cases([_Square((3, 3)), (3, 2)], ([_Square((2, 2, 2)), (2, 2, 1)], {"adjoint": True})),
)
def _matrix_solve(matrix, rhs, *, adjoint=False):
    # Shapes are validated by `solve`; rules call this with batched cotangents, which
    # np.linalg.solve broadcasts.
    if _backend.any_foreign(matrix, rhs):
        # On Dask, one task on whole arrays: Dask's linalg takes one 2-D matrix in square chunks.
        return _backend.whole(
            _matrix_solve.forward, matrix, rhs, stand_in=_backend.matrix_stand_in, adjoint=adjoint
        )
    a = np.conj(np.swapaxes(matrix, -1, -2)) if adjoint else matrix
    try:
        if np.isnan(a).any():  # TF's LU finds no nonzero pivot in a NaN matrix
            raise np.linalg.LinAlgError
        out = np.linalg.solve(_lapack(a), _lapack(rhs))
    except np.linalg.LinAlgError:
        raise invalid_argument("Input matrix is not invertible.") from None
    return out.astype(matrix.dtype, copy=False)


@_matrix_solve.vjp
def _matrix_solve_vjp(g, out, matrix, rhs, *, adjoint=False, needs):
    # X = A^-1 B: gB = A^-H g, gA = -gB X^H (adjoint: A^-H B, gA = -X gB^H).
    g_rhs = _matrix_solve(matrix, g, adjoint=not adjoint)
    if adjoint:
        return -matmul(out, g_rhs, adjoint_b=True), g_rhs
    return -matmul(g_rhs, out, adjoint_b=True), g_rhs


@_matrix_solve.jvp
def _matrix_solve_jvp(t, out, matrix, rhs, *, adjoint=False):
    # A X = B: dX = A^-1 (dB - dA X); with adjoint, dA^H replaces dA.
    d_matrix, d_rhs = t
    if d_matrix is not None:
        d_x = matmul(d_matrix, out, adjoint_a=adjoint)
        d_rhs = -d_x if d_rhs is None else d_rhs - d_x
    return _matrix_solve(matrix, d_rhs, adjoint=adjoint)


def solve(matrix, rhs, adjoint=False, name=None):
    """Solves `matrix @ X = rhs` (or `adjoint(matrix) @ X = rhs`) for each innermost matrix.

    Raises:
      InvalidArgumentError: for singular or non-square matrices or mismatched shapes.
    """
    matrix = convert_to_tensor(matrix)
    rhs = convert_like(rhs, matrix._dtype, "MatrixSolve")
    if matrix.ndim != rhs.ndim:
        raise invalid_argument("All input tensors must have the same rank.", "MatrixSolve")
    _check_square(matrix._value, "MatrixSolve")
    if matrix.shape[:-2] != rhs.shape[:-2] or matrix.shape[-2] != rhs.shape[-2]:
        raise invalid_argument("Input matrix and rhs are incompatible.", "MatrixSolve")
    return _matrix_solve(matrix, rhs, adjoint=bool(adjoint))


def _substitute(a: np.ndarray, b: np.ndarray, lower: bool) -> np.ndarray:
    """Forward/back substitution without pivoting: a zero pivot gives inf/nan, as in TF."""
    n = a.shape[-1]
    x = np.zeros(b.shape, np.result_type(a, b))
    order = range(n) if lower else range(n - 1, -1, -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in order:
            x[i] = (b[i] - a[i] @ x) / a[i, i]
    return x


def _solve_triangular(a: np.ndarray, b: np.ndarray, lower: bool, adjoint: bool) -> np.ndarray:
    from scipy import linalg

    a = np.tril(a) if lower else np.triu(a)
    if adjoint:
        a, lower = np.conj(a.T), not lower
    try:
        return linalg.solve_triangular(a, b, lower=lower, check_finite=False)
    except (np.linalg.LinAlgError, ValueError):
        return _substitute(a, b, lower)


@op(
    "MatrixTriangularSolve",
    broadcasting=True,
    dtypes=_INEXACT,
    sample=cases(
        [Uniform((3, 3), 1.0, 2.0), (3, 2)],
        ([Uniform((3, 3), 1.0, 2.0), (2, 3, 1)], {"lower": False, "adjoint": True}),
        ([Uniform((2, 2, 2), 1.0, 2.0), (2, 2)], {"adjoint": True}),
    ),
)
def _matrix_triangular_solve(matrix, rhs, *, lower=True, adjoint=False):
    if _backend.any_foreign(matrix, rhs):
        # On Dask, one task on whole arrays: SciPy's triangular solver.
        return _backend.whole(
            _matrix_triangular_solve.forward,
            matrix,
            rhs,
            stand_in=_backend.matrix_stand_in,
            lower=lower,
            adjoint=adjoint,
        )
    batch = np.broadcast_shapes(np.shape(matrix)[:-2], np.shape(rhs)[:-2])
    a = np.broadcast_to(_lapack(matrix), batch + np.shape(matrix)[-2:])
    b = np.broadcast_to(_lapack(rhs), batch + np.shape(rhs)[-2:])
    out = np.empty(b.shape, np.result_type(a, b))
    for i in np.ndindex(batch):
        out[i] = _solve_triangular(a[i], b[i], lower, adjoint)
    return out.astype(matrix.dtype, copy=False)


@_matrix_triangular_solve.vjp
def _matrix_triangular_solve_vjp(g, out, matrix, rhs, *, lower=True, adjoint=False, needs):
    # As for MatrixSolve, with gA restricted to the triangle the forward reads.
    g_rhs = _matrix_triangular_solve(matrix, g, lower=lower, adjoint=not adjoint)
    if adjoint:
        g_matrix = -matmul(out, g_rhs, adjoint_b=True)
    else:
        g_matrix = -matmul(g_rhs, out, adjoint_b=True)
    return _triangle(g_matrix, lower), g_rhs


@_matrix_triangular_solve.jvp
def _matrix_triangular_solve_jvp(t, out, matrix, rhs, *, lower=True, adjoint=False):
    d_matrix, d_rhs = t
    if d_matrix is not None:
        d_x = matmul(_triangle(d_matrix, lower), out, adjoint_a=adjoint)
        d_rhs = -d_x if d_rhs is None else d_rhs - d_x
    return _matrix_triangular_solve(matrix, d_rhs, lower=lower, adjoint=adjoint)


def _triangle(x, lower: bool):
    return (
        _matrix_band_part(x, num_lower=-1, num_upper=0)
        if lower
        else _matrix_band_part(x, num_lower=0, num_upper=-1)
    )


def triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """Solves a triangular system; only the `lower` (or upper) triangle of `matrix` is read.

    Batch dimensions broadcast. Like TF, a zero on the diagonal gives inf/nan, not an error.

    >>> tf.linalg.triangular_solve([[2.0, 0.0], [1.0, 4.0]], [[2.0], [5.0]]).numpy()
    array([[1.],
           [1.]], dtype=float32)
    """
    matrix = convert_to_tensor(matrix)
    rhs = convert_like(rhs, matrix._dtype, "MatrixTriangularSolve")
    _check_square(matrix._value, "MatrixTriangularSolve")
    if rhs.ndim < 2 or rhs.shape[-2] != matrix.shape[-1]:
        raise invalid_argument(
            f"Input matrix and rhs are incompatible: {matrix.shape} vs. {rhs.shape}",
            "MatrixTriangularSolve",
        )
    return _matrix_triangular_solve(matrix, rhs, lower=bool(lower), adjoint=bool(adjoint))


# -- Cholesky ----------------------------------------------------------------------------------


def _cholesky_each(x: np.ndarray) -> np.ndarray:
    """Per-matrix Cholesky; a matrix that is not positive definite becomes all NaN (TF)."""
    out = np.empty_like(x)
    for i in np.ndindex(x.shape[:-2]):
        try:
            out[i] = np.linalg.cholesky(x[i])
        except np.linalg.LinAlgError:
            out[i] = np.nan
    return out


@op(
    "Cholesky",
    dtypes=_INEXACT,
    no_sample="reads only the lower triangle while TF's gradient is symmetric, so finite "
    "differences need symmetric directions: tests/test_linalg_ops.py checks it that way",
)
def _cholesky(input):
    if _backend.any_foreign(input):
        # On Dask, one task on whole arrays: np.linalg.cholesky dispatched to Dask returns
        # the upper factor (NumPy's is the lower) and takes one matrix in square chunks.
        return _backend.whole(_cholesky.forward, input, stand_in=_backend.matrix_stand_in)
    _check_square(input, "Cholesky")
    x = _lapack(input)
    try:
        out = np.linalg.cholesky(x)
    except np.linalg.LinAlgError:
        out = _cholesky_each(x)
    return out.astype(input.dtype, copy=False)


def _phi(x):
    """The lower triangle of `x` with its diagonal halved (Murray's Phi)."""
    lower = _matrix_band_part(x, num_lower=-1, num_upper=0)
    return lower - 0.5 * _matrix_diag(_matrix_diag_part(lower))


def _sandwich_inverse(chol, x):
    """L^-H x L^-1 through two triangular solves."""
    y = _matrix_triangular_solve(chol, x, lower=True, adjoint=True)
    return _adj(_matrix_triangular_solve(chol, _adj(y), lower=True, adjoint=True))


@_cholesky.vjp
def _cholesky_vjp(g, out, input, *, needs):
    # Murray (2016): gA = L^-H Phi(L^H g) L^-1, symmetrised as TF does (so the gradient is
    # the one of a symmetric input, not of the lower triangle the forward reads).
    grad = _sandwich_inverse(out, _phi(matmul(out, g, adjoint_a=True)))
    return 0.5 * (grad + _adj(grad))


@_cholesky.jvp
def _cholesky_jvp(t, out, input):
    # dL = L Phi(L^-1 dA L^-H) for the symmetric part of dA (matching the symmetric VJP).
    d_sym = 0.5 * (t[0] + _adj(t[0]))
    y = _matrix_triangular_solve(out, d_sym, lower=True)
    middle = _adj(_matrix_triangular_solve(out, _adj(y), lower=True))
    return matmul(out, _phi(middle))


def cholesky(input, name=None):
    """The lower Cholesky factor of each Hermitian positive definite matrix.

    Only the lower triangle of `input` is read. A matrix that is not positive
    definite gives NaN (TF's kernel does not raise).

    >>> tf.linalg.cholesky([[4.0, 2.0], [2.0, 2.0]]).numpy()
    array([[2., 0.],
           [1., 1.]], dtype=float32)
    """
    return _cholesky(input)


def cholesky_solve(chol, rhs, name=None):
    """Solves `A X = rhs` given `chol`, the Cholesky factor of A."""
    y = triangular_solve(chol, rhs, lower=True, adjoint=False)
    return triangular_solve(chol, y, lower=True, adjoint=True)


def lstsq(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """Least-squares solutions of `matrix @ X = rhs`, optionally with an L2 penalty.

    With `fast=True` (the default) it solves the regularised normal equations
    with Cholesky, as TF does, so a rank-deficient problem with no regulariser
    gives NaN. `fast=False` gives the minimum-norm solution and, as in TF, has
    no gradient.
    """
    matrix = convert_to_tensor(matrix)
    if matrix._dtype.is_bool:  # TF's adjoint (conj) refuses it first
        raise TypeError(f"Expected numeric or variant tensor, got dtype {matrix._dtype!r}.")
    if fast and matrix._dtype not in _cholesky.dtypes:  # TF reaches the Cholesky first
        raise _cholesky.dtype_error(matrix._dtype)
    rhs = convert_like(rhs, matrix._dtype, "MatrixSolveLs")
    _check_square(matrix._value, "MatrixSolveLs", square=False)
    if rhs.ndim != matrix.ndim or rhs.shape[-2] != matrix.shape[-2]:
        raise invalid_argument("Input matrix and rhs are incompatible.", "MatrixSolveLs")
    if not fast:
        return _matrix_solve_ls(matrix, rhs, l2_regularizer=float(l2_regularizer))
    rows, cols = matrix.shape[-2:]
    if rows >= cols:
        gram = matmul(matrix, matrix, adjoint_a=True)
    else:
        gram = matmul(matrix, matrix, adjoint_b=True)
    if l2_regularizer:
        gram = gram + l2_regularizer * _batch_eye(gram)
    chol = _cholesky(gram)
    if rows >= cols:
        return cholesky_solve(chol, matmul(matrix, rhs, adjoint_a=True))
    return matmul(matrix, cholesky_solve(chol, rhs), adjoint_a=True)


@op("MatrixSolveLs", dtypes=_INEXACT, no_sample="TF defines no gradient for fast=False")
def _matrix_solve_ls(matrix, rhs, *, l2_regularizer=0.0):
    if _backend.any_foreign(matrix, rhs):
        # On Dask, one task on whole arrays: NumPy's lstsq per matrix, into an output array.
        return _backend.whole(
            _matrix_solve_ls.forward,
            matrix,
            rhs,
            stand_in=_backend.matrix_stand_in,
            l2_regularizer=l2_regularizer,
        )
    rows, cols = np.shape(matrix)[-2:]
    a, b = _lapack(matrix), _lapack(rhs)
    if l2_regularizer:
        penalty = np.sqrt(l2_regularizer) * np.eye(cols, dtype=a.dtype)
        a = np.concatenate([a, np.broadcast_to(penalty, a.shape[:-2] + (cols, cols))], -2)
        b = np.concatenate([b, np.zeros(b.shape[:-2] + (cols, b.shape[-1]), b.dtype)], -2)
    out = np.empty(np.shape(b)[:-2] + (cols, np.shape(b)[-1]), np.result_type(a, b))
    for i in np.ndindex(out.shape[:-2]):
        out[i] = np.linalg.lstsq(a[i], b[i], rcond=None)[0]
    return out.astype(matrix.dtype, copy=False)


@_matrix_solve_ls.vjp
def _matrix_solve_ls_vjp(g, out, matrix, rhs, *, l2_regularizer=0.0, needs):
    raise ValueError("Gradient not defined for fast=False")


@_matrix_solve_ls.jvp
def _matrix_solve_ls_jvp(t, out, matrix, rhs, *, l2_regularizer=0.0):
    raise ValueError("Gradient not defined for fast=False")
