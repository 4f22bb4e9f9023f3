"""Linear algebra: the QR, singular value and Hermitian eigen decompositions.

Forwards are NumPy's LAPACK drivers. QR matches TF's values exactly (both
are Householder QR). Singular and eigen vectors are unique only up to the
sign (phase) of each vector, and TF's Eigen kernels choose those signs
differently from LAPACK with no rule we can reproduce: values and
sign-invariant quantities match TF, vector signs may not.

Rules are written with matmul, diagonals and triangular solves, which
broadcast over extra leading cotangent dimensions.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..._core import backend as _backend
from ..._core import dtypes as _dt
from ..._core.errors import invalid_argument
from ..._core.registry import op
from ..array_ops import concat, zeros
from ..math_ops import real, reciprocal, square
from ..samples import cases
from ._lapack import _adj, _as, _check_square, _lapack, _like
from .products import _matrix_band_part, _matrix_diag, _matrix_diag_part, matmul
from .solves import _matrix_triangular_solve

_INEXACT = _dt.INEXACT


def _safe_reciprocal(x, epsilon: float = 1e-20):
    """x / (x^2 + eps): 1/x away from 0, and 0 (not inf) at 0 (TF's convention)."""
    return x * reciprocal(x * x + epsilon)


def _eye_like(x):
    n = np.shape(x._value)[-1]
    return np.eye(n, dtype=x._value.dtype)


def _gaps(values, safe: bool):
    """F[i, j] = 1 / (values[j] - values[i]) off the diagonal, 0 on it."""
    diff = values[..., None, :] - values[..., :, None]
    eye = _eye_like(diff)
    # Masking the diagonal also zeroes its derivative (the safe reciprocal's is 1/eps there).
    if safe:
        return _safe_reciprocal(diff) * (1 - eye)
    return reciprocal(diff + eye) * (1 - eye)


# -- QR -------------------------------------------------------------------------------------


@op(
    "Qr",
    n_outputs=None,
    dtypes=_INEXACT,
    sample=cases([(3, 3)], [(4, 2)], [(2, 4)], [(2, 3, 2)], ([(3, 3)], {"full_matrices": True})),
)
def _qr(input, *, full_matrices=False):
    if _backend.any_foreign(input):
        # On Dask, one task on whole arrays: Dask's qr takes no mode and no batches.
        return _backend.whole(
            _qr.forward,
            input,
            n_outputs=2,
            stand_in=_backend.matrix_stand_in,
            full_matrices=full_matrices,
        )
    _check_square(input, "Qr", square=False)
    q, r = np.linalg.qr(_lapack(input), mode="complete" if full_matrices else "reduced")
    return _like(input.dtype)(q, r)


def _r_inverse_right(x, r):
    """x R^-1 through a triangular solve (R upper triangular)."""
    return _adj(_matrix_triangular_solve(r, _adj(x), lower=False, adjoint=True))


def _qr_vjp_tall(q, r, g_q, g_r):
    # Walter & Lehmann: with M = R gR^H - gQ^H Q, gA = (gQ + Q copyltu(M)) R^-H,
    # where copyltu mirrors the lower triangle of M onto the upper one.
    m = matmul(r, g_r, adjoint_b=True) - matmul(g_q, q, adjoint_a=True)
    lower = _matrix_band_part(m, num_lower=-1, num_upper=0)
    sym = lower + _adj(lower - _matrix_diag(_matrix_diag_part(lower)))
    return _adj(_matrix_triangular_solve(r, _adj(g_q + matmul(q, sym)), lower=False))


@_qr.vjp
def _qr_vjp(gs, outs, input, *, full_matrices=False, needs):
    q, r = outs
    g_q, g_r = gs
    rows, cols = np.shape(input._value)[-2:]
    if rows >= cols:
        if full_matrices and rows > cols:
            raise NotImplementedError(
                "QrGrad not implemented when nrows > ncols and full_matrices is true."
            )
        return _qr_vjp_tall(q, r, g_q, g_r)
    # Wide: A = [X | Y] with X = Q U square and Y = Q V, where R = [U | V].
    y = input[..., rows:]
    g_v = g_r[..., rows:]
    g_x = _qr_vjp_tall(q, r[..., :rows], g_q + matmul(y, g_v, adjoint_b=True), g_r[..., :rows])
    return concat([g_x, matmul(q, g_v)], -1)


def _qr_jvp_tall(q, r, da):
    # X = Q^H dA R^-1; its strictly lower part, made skew, is Q^H dQ; the rest is dR R^-1.
    x = matmul(q, _r_inverse_right(da, r), adjoint_a=True)
    strict = _matrix_band_part(x, num_lower=-1, num_upper=0)
    strict = strict - _matrix_diag(_matrix_diag_part(strict))
    omega = strict - _adj(strict)
    upper = x - omega
    return _r_inverse_right(da, r) - matmul(q, upper), matmul(upper, r)


@_qr.jvp
def _qr_jvp(t, outs, input, *, full_matrices=False):
    q, r = outs
    rows, cols = np.shape(input._value)[-2:]
    if rows >= cols:
        if full_matrices and rows > cols:
            raise NotImplementedError(
                "Qr JVP not implemented when nrows > ncols and full_matrices."
            )
        return _qr_jvp_tall(q, r, t[0])
    v = r[..., rows:]
    d_q, d_u = _qr_jvp_tall(q, r[..., :rows], t[0][..., :rows])
    d_v = matmul(q, t[0][..., rows:] - matmul(d_q, v), adjoint_a=True)
    return d_q, concat([d_u, d_v], -1)


Qr = namedtuple("Qr", ["q", "r"])


def qr(input, full_matrices=False, name=None):
    """The QR decomposition `input = q @ r` of each innermost matrix (Householder, as TF).

    >>> q, r = tf.linalg.qr([[3.0, 0.0], [4.0, 5.0]])
    >>> r.shape
    TensorShape([2, 2])
    """
    return Qr(*_qr(input, full_matrices=bool(full_matrices)))


# -- SVD ------------------------------------------------------------------------------------


@op(
    "Svd",
    n_outputs=None,
    dtypes=_INEXACT,
    sample=cases(
        [(3, 3)],
        [(4, 2)],
        [(2, 4)],
        [(2, 3, 2)],
        ([(3, 2)], {"compute_uv": False}),
        ([(3, 3)], {"full_matrices": True}),
    ),
)
def _svd(input, *, compute_uv=True, full_matrices=False):
    if _backend.any_foreign(input):
        # On Dask, one task on whole arrays: Dask's svd takes tall-and-skinny 2-D matrices only.
        return _backend.whole(
            _svd.forward,
            input,
            n_outputs=3,
            stand_in=_backend.matrix_stand_in,
            compute_uv=compute_uv,
            full_matrices=full_matrices,
        )
    _check_square(input, "Svd", square=False)
    x = _lapack(input)
    real_dtype = np.finfo(input.dtype).dtype
    if np.isnan(x).any():  # TF's Eigen SVD returns NaNs where LAPACK's would not converge
        return _nan_svd(x.shape, input.dtype, real_dtype, compute_uv, full_matrices)
    if not compute_uv:
        s = np.linalg.svd(x, compute_uv=False)
        empty = np.zeros(np.shape(input)[:-2] + (0,), input.dtype)
        return s.astype(real_dtype), empty, empty
    u, s, vh = np.linalg.svd(x, full_matrices=full_matrices)
    v = np.conj(np.swapaxes(vh, -1, -2))
    return s.astype(real_dtype), u.astype(input.dtype), v.astype(input.dtype)


def _nan_svd(shape: tuple, dtype, real_dtype, compute_uv: bool, full_matrices: bool) -> tuple:
    *batch, m, n = shape
    k = min(m, n)
    s = np.full((*batch, k), np.nan, real_dtype)
    if not compute_uv:
        empty = np.zeros((*batch, 0), dtype)
        return s, empty, empty
    u = np.full((*batch, m, m if full_matrices else k), np.nan, dtype)
    v = np.full((*batch, n, n if full_matrices else k), np.nan, dtype)
    return s, u, v


@_svd.vjp
def _svd_vjp(gs, outs, input, *, compute_uv=True, full_matrices=False, needs):
    # Townsend (2016). TF's conventions: the terms of equal (or zero) singular values use
    # a safe reciprocal (0 instead of inf), and m > n is handled through A^H.
    dtype = input._dtype
    g_s, g_u, g_v = gs
    s, u, v = outs
    if not compute_uv:
        _, u, v = _svd(input, compute_uv=True, full_matrices=False)
        return matmul(u, matmul(_matrix_diag(_as(g_s, dtype)), v, adjoint_b=True))
    rows, cols = np.shape(input._value)[-2:]
    transposed = rows > cols
    if transposed:
        u, v, g_u, g_v, rows, cols = v, u, g_v, g_u, cols, rows
    if full_matrices and cols - rows > 1:
        raise NotImplementedError(
            "svd gradient is not implemented for abs(m - n) > 1 when full_matrices is True"
        )
    v1, g_v1 = v[..., :rows], g_v[..., :rows]
    f = _as(_gaps(square(s), safe=True), dtype)
    s_mat = _matrix_diag(_as(s, dtype))
    s_inv = _matrix_diag(_as(_safe_reciprocal(s), dtype))
    j = f * matmul(u, g_u, adjoint_a=True)
    k = f * matmul(v1, g_v1, adjoint_a=True)
    inner = _matrix_diag(_as(g_s, dtype)) + matmul(j + _adj(j), s_mat) + matmul(s_mat, k + _adj(k))
    if dtype.is_complex:
        # The phase of each singular pair is free; TF fixes it by this extra term.
        ell = _matrix_diag(_matrix_diag_part(matmul(v1, g_v1, adjoint_a=True)))
        inner = inner + 0.5 * matmul(s_inv, _adj(ell) - ell)
    grad = matmul(u, matmul(inner, v1, adjoint_b=True))
    if rows < cols:
        # The part of gV orthogonal to V's span: U S^-1 gV^H (I - V V^H).
        g_v1h = _adj(g_v1)
        proj = g_v1h - matmul(matmul(g_v1h, v1), v1, adjoint_b=True)
        if full_matrices:
            v2, g_v2 = v[..., rows:], g_v[..., rows:]
            proj = proj - matmul(matmul(v1, g_v2, adjoint_a=True), v2, adjoint_b=True)
        grad = grad + matmul(matmul(u, s_inv), proj)
    return _adj(grad) if transposed else grad


@_svd.jvp
def _svd_jvp(t, outs, input, *, compute_uv=True, full_matrices=False):
    dtype = input._dtype
    s, u, v = outs
    da = t[0]
    batch = np.shape(da._value)[: np.ndim(da._value) - np.ndim(input._value)]
    if not compute_uv:
        _, u, v = _svd(input, compute_uv=True, full_matrices=False)
        ds = real(_matrix_diag_part(matmul(u, matmul(da, v), adjoint_a=True)))
        empty = zeros(batch + np.shape(outs[1]._value), dtype)
        return _as(ds, s._dtype), empty, empty
    rows, cols = np.shape(input._value)[-2:]
    if full_matrices and rows != cols:
        raise NotImplementedError("Svd JVP is not implemented for full_matrices with m != n.")
    transposed = rows > cols
    if transposed:
        u, v, da = v, u, _adj(da)
    # dP = U^H dA V; dS = Re diag(dP); dU = U (F o (dP S + S dP^H));
    # dV = V (F o (S dP + dP^H S)) + (I - V V^H) dA^H U S^-1.
    dp = matmul(u, matmul(da, v), adjoint_a=True)
    f = _as(_gaps(square(s), safe=True), dtype)
    s_mat = _matrix_diag(_as(s, dtype))
    s_inv = _matrix_diag(_as(_safe_reciprocal(s), dtype))
    dp_h = _adj(dp)
    du = matmul(u, f * (matmul(dp, s_mat) + matmul(s_mat, dp_h)))
    dv = matmul(v, f * (matmul(s_mat, dp) + matmul(dp_h, s_mat)))
    dv = dv + matmul(matmul(da, u, adjoint_a=True) - matmul(v, dp_h), s_inv)
    if dtype.is_complex:
        phase = _matrix_diag(_matrix_diag_part(dp) - _as(real(_matrix_diag_part(dp)), dtype))
        dv = dv - matmul(v, matmul(phase, s_inv))
    ds = _as(real(_matrix_diag_part(dp)), s._dtype)
    return (ds, dv, du) if transposed else (ds, du, dv)


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """The singular value decomposition `tensor = u @ diag(s) @ adjoint(v)`.

    Returns TF's order `(s, u, v)` (not NumPy's), with `v` itself (not its
    adjoint); with `compute_uv=False`, only `s`. Singular values are real and
    in descending order.
    """
    s, u, v = _svd(tensor, compute_uv=bool(compute_uv), full_matrices=bool(full_matrices))
    return (s, u, v) if compute_uv else s


# -- Hermitian eigendecomposition ------------------------------------------------------------


@op(
    "SelfAdjointEigV2",
    n_outputs=None,
    dtypes=_INEXACT,
    sample=cases([(3, 3)], [(2, 2, 2)], ([(3, 3)], {"compute_v": False})),
)
def _self_adjoint_eig(input, *, compute_v=True):
    if _backend.any_foreign(input):
        # On Dask, one task on whole arrays: NumPy's eigh (Dask has none).
        return _backend.whole(
            _self_adjoint_eig.forward,
            input,
            n_outputs=2,
            stand_in=_backend.matrix_stand_in,
            compute_v=compute_v,
        )
    _check_square(input, "SelfAdjointEigV2")
    x = _lapack(input)
    if np.isnan(x).any():  # Eigen's solver reports failure where LAPACK returns NaNs
        raise invalid_argument(
            "Self-adjoint eigen decomposition was not successful. The input might not be valid."
        )
    if not compute_v:
        e = np.linalg.eigvalsh(x)
        return _like(input.dtype)(e, np.zeros(np.shape(input)[:-2] + (0,)))
    e, v = np.linalg.eigh(x)
    return _like(input.dtype)(e, v)


def _lower_gradient(grad):
    """The gradient w.r.t. the lower triangle, the only part the forward reads (TF)."""
    lower = _matrix_band_part(grad + _adj(grad), num_lower=-1, num_upper=0)
    return lower - 0.5 * _matrix_diag(_matrix_diag_part(lower))


@_self_adjoint_eig.vjp
def _self_adjoint_eig_vjp(gs, outs, input, *, compute_v=True, needs):
    # gA = V (diag(gE) + F o (V^H gV)) V^H with F[i, j] = 1 / (e[j] - e[i]). Repeated
    # eigenvalues make F infinite, as in TF (eigvalsh needs no F and stays finite).
    e, v = outs
    g_e, g_v = gs
    if not compute_v:
        _, v = _self_adjoint_eig(input)
        return _lower_gradient(matmul(v, matmul(_matrix_diag(g_e), v, adjoint_b=True)))
    inner = _matrix_diag(g_e) + _gaps(e, safe=False) * matmul(v, g_v, adjoint_a=True)
    return _lower_gradient(matmul(v, matmul(inner, v, adjoint_b=True)))


@_self_adjoint_eig.jvp
def _self_adjoint_eig_jvp(t, outs, input, *, compute_v=True):
    # The forward reads the lower triangle: dA_eff = tril(dA) + tril(dA, -1)^H.
    lower = _matrix_band_part(t[0], num_lower=-1, num_upper=0)
    d_eff = lower + _adj(lower - _matrix_diag(_matrix_diag_part(lower)))
    e, v = outs
    if not compute_v:
        _, v = _self_adjoint_eig(input)
    p = matmul(v, matmul(d_eff, v), adjoint_a=True)
    de = _as(real(_matrix_diag_part(p)), e._dtype)
    if not compute_v:
        batch = np.shape(de._value)[: np.ndim(de._value) - np.ndim(e._value)]
        return de, zeros(batch + np.shape(outs[1]._value), outs[1]._dtype)
    return de, matmul(v, _gaps(e, safe=False) * p)


def eigh(tensor, name=None):
    """Eigenvalues (ascending) and eigenvectors `(e, v)` of Hermitian matrices.

    Only the lower triangle of `tensor` is read, and the gradient is w.r.t. it.
    """
    return _self_adjoint_eig(tensor)


def eigvalsh(tensor, name=None):
    """The eigenvalues (ascending) of Hermitian matrices."""
    return _self_adjoint_eig(tensor, compute_v=False)[0]
