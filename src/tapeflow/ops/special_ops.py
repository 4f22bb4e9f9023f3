"""Special functions and guarded arithmetic: sigmoid, softplus, softsign, erf,
erfc, lgamma, digamma, polygamma, xlogy, xdivy, divide_no_nan, squared_difference.

SciPy is imported lazily inside the forwards that need it, so `import tapeflow`
stays as cheap as importing NumPy. Values at poles follow TensorFlow (digamma is
NaN at the non-positive integers, lgamma is inf there).
"""

from __future__ import annotations

import numpy as np

from .._core import backend as _backend
from .._core import dtypes as _dt
from .._core.registry import op
from ._util import linear
from .math_ops import (
    _TRUEDIV_TARGET,
    _abs,
    _real,
    _same_dtype_pair,
    cast,
    conj,
    exp,
    not_equal,
    ones_like,
    square,
    zeros_like,
)
from .samples import Fixed, Uniform, binary, cases, unary

FLOATING = _dt.FLOATING
INEXACT = _dt.INEXACT


def _special_functions(x):
    """SciPy's special functions for `x`'s array kind, imported on first use:
    `scipy.special` (its ufuncs dispatch to Dask arrays too), `cupyx.scipy.special` for
    CuPy arrays."""
    if _backend.backend_of(x) == _backend.CUPY:
        from cupyx.scipy import special  # the optional cupy extra: only where CuPy arrays are
    else:
        from scipy import special
    return special


def _as_dtype_of(result, x: np.ndarray) -> np.ndarray:
    """SciPy computes float16 in a wider type; TF keeps the input dtype.

    SciPy's special functions are ufuncs, so a Dask input gives a lazy Dask result.
    """
    if _backend.is_foreign(result):
        return result.astype(x.dtype, copy=False)
    return np.asarray(result, dtype=x.dtype)


@op("Sigmoid", keeps=("out",), dtypes=INEXACT, sample=unary(-4.0, 4.0))
def sigmoid(x):
    """Returns 1 / (1 + exp(-x)) elementwise, without overflow for large |x|.

    >>> tf.math.sigmoid(tf.constant(0.0))
    <tf.Tensor: shape=(), dtype=float32, numpy=0.5>
    """
    if np.iscomplexobj(x):
        return 1 / (1 + np.exp(-x))
    special = _special_functions(x)

    return _as_dtype_of(special.expit(x), x)


@sigmoid.vjp
def _sigmoid_vjp(g, out, x, *, needs):
    return _sigmoid_grad(out, g)  # d/dx = s (1 - s), from the saved output, in one op


@op("SigmoidGrad", broadcasting=True, dtypes=INEXACT, keeps=("y dy", "y"), sample=binary(0.1, 0.9))
def _sigmoid_grad(y, dy):
    # dy * y * (1 - y) with y = sigmoid(x), conjugated for complex as TF's kernel.
    y = np.conj(y)
    return dy * (y * (1 - y))


@_sigmoid_grad.vjp
def _sigmoid_grad_vjp(g, out, y, dy, *, needs):
    # d/dy = dy (1 - 2y), d/d(dy) = y (1 - y) (TF's _SigmoidGradGrad).
    gdy = g * conj(dy)
    return gdy - 2 * gdy * conj(y), _sigmoid_grad(conj(y), g)


@_sigmoid_grad.jvp
def _sigmoid_grad_jvp(t, out, y, dy):
    y = conj(y)
    return linear(t, lambda d_y: conj(d_y) * (1 - 2 * y) * dy, lambda d_dy: d_dy * (y * (1 - y)))


@sigmoid.jvp
def _sigmoid_jvp(t, out, x):
    return t[0] * (out * (1 - out))


@op("Softplus", dtypes=FLOATING, sample=unary(-4.0, 4.0))
def softplus(features):
    """Returns log(1 + exp(features)) elementwise, computed stably."""
    return np.logaddexp(features, features.dtype.type(0))


@softplus.vjp
def _softplus_vjp(g, out, features, *, needs):
    return g * sigmoid(features)  # d/dx = sigmoid(x)


@softplus.jvp
def _softplus_jvp(t, out, features):
    return t[0] * sigmoid(features)


@op("Softsign", dtypes=FLOATING, sample=unary())
def softsign(features):
    """Returns features / (1 + |features|) elementwise."""
    return features / (1 + np.abs(features))


@softsign.vjp
def _softsign_vjp(g, out, features, *, needs):
    return g / square(1 + _abs(features))  # d/dx = 1 / (1 + |x|)^2


@softsign.jvp
def _softsign_jvp(t, out, features):
    return t[0] / square(1 + _abs(features))


_TWO_OVER_SQRT_PI = 2 / np.sqrt(np.pi)


@op("Erf", dtypes=FLOATING, sample=unary())
def erf(x):
    """Returns the Gauss error function elementwise."""
    special = _special_functions(x)

    return _as_dtype_of(special.erf(x), x)


@erf.vjp
def _erf_vjp(g, out, x, *, needs):
    return g * (_TWO_OVER_SQRT_PI * exp(-square(x)))  # d/dx = 2/sqrt(pi) e^(-x^2)


@erf.jvp
def _erf_jvp(t, out, x):
    return t[0] * (_TWO_OVER_SQRT_PI * exp(-square(x)))


@op("Erfc", dtypes=FLOATING, sample=unary())
def erfc(x):
    """Returns the complementary error function 1 - erf(x) elementwise."""
    special = _special_functions(x)

    return _as_dtype_of(special.erfc(x), x)


@erfc.vjp
def _erfc_vjp(g, out, x, *, needs):
    return g * (-_TWO_OVER_SQRT_PI * exp(-square(x)))


@erfc.jvp
def _erfc_jvp(t, out, x):
    return t[0] * (-_TWO_OVER_SQRT_PI * exp(-square(x)))


@op("Lgamma", dtypes=FLOATING, sample=unary(0.2, 4.0))
def lgamma(x):
    """Returns log|Gamma(x)| elementwise (inf at the non-positive integers and at -inf)."""
    special = _special_functions(x)

    out = special.gammaln(x)
    return _as_dtype_of(np.where(x == -np.inf, np.inf, out), x)


@lgamma.vjp
def _lgamma_vjp(g, out, x, *, needs):
    return g * digamma(x)  # d/dx = digamma(x): NaN at the poles, as in TF


@lgamma.jvp
def _lgamma_jvp(t, out, x):
    return t[0] * digamma(x)


@op("Digamma", dtypes=FLOATING, sample=unary(0.2, 4.0))
def digamma(x):
    """Returns the logarithmic derivative of Gamma elementwise (NaN at 0, -1, -2, ...)."""
    special = _special_functions(x)

    out = special.psi(x)
    return _as_dtype_of(np.where(x == 0, np.nan, out), x)  # SciPy says -inf at 0; TF NaN


@digamma.vjp
def _digamma_vjp(g, out, x, *, needs):
    return g * polygamma(ones_like(x), x)  # d/dx = polygamma(1, x)


@digamma.jvp
def _digamma_jvp(t, out, x):
    return t[0] * polygamma(ones_like(x), x)


@op(
    "Polygamma",
    broadcasting=True,
    dtypes=FLOATING,
    sample=cases(([Fixed(np.array([1.0, 2.0, 3.0])), Uniform((3,), 0.5, 3.0)], {})),
)
def polygamma(a, x):
    """Returns the a-th derivative of digamma at x (NaN unless a is a non-negative integer)."""
    special = _special_functions(x)

    a, x = np.broadcast_arrays(a, x)
    valid = (a >= 0) & (a == np.floor(a))
    with np.errstate(invalid="ignore"):
        n = np.where(valid, a, 0).astype(np.int64)
        out = np.where(n == 0, special.psi(x), special.polygamma(np.maximum(n, 1), x))
    out = np.where((n == 0) & (x == 0), np.nan, out)
    return _as_dtype_of(np.where(valid, out, np.nan), x)


@polygamma.vjp
def _polygamma_vjp(g, out, a, x, *, needs):
    # d/dx = polygamma(a + 1, x); TF gives no gradient for the order a.
    return None, g * polygamma(a + 1, x)


@polygamma.jvp
def _polygamma_jvp(t, out, a, x):
    if t[1] is None:  # only the order a moves: zeros, signed as TF's (its dx is zeros)
        return zeros_like(t[0]) * polygamma(a + 1, x)
    return t[1] * polygamma(a + 1, x)


# -- guarded arithmetic --------------------------------------------------------------------


@op("Xlogy", broadcasting=True, dtypes=INEXACT, sample=binary(-2.0, 2.0, 0.5, 2.0, avoid=(0.0,)))
def xlogy(x, y):
    """Returns x * log(y) elementwise, and 0 where x == 0 (even if y is 0 or NaN)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, np.zeros((), x.dtype), x * np.log(y))


@xlogy.vjp
def _xlogy_vjp(g, out, x, y, *, needs):
    # d/dx = log(y) where x != 0 (else 0); d/dy = x / y (0 where x == 0).
    nonzero_x = cast(not_equal(x, 0), x._dtype)
    return g * conj(xlogy(nonzero_x, y)), g * conj(xdivy(x, y))


@xlogy.jvp
def _xlogy_jvp(t, out, x, y):
    return linear(
        t,
        lambda dx: dx * xlogy(cast(not_equal(x, 0), x._dtype), y),
        lambda dy: dy * xdivy(x, y),
    )


@op("Xdivy", broadcasting=True, dtypes=INEXACT, sample=binary(-2.0, 2.0, 0.5, 2.0, avoid=(0.0,)))
def xdivy(x, y):
    """Returns x / y elementwise, and 0 where x == 0 (even if y is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, np.zeros((), x.dtype), x / y)


@xdivy.vjp
def _xdivy_vjp(g, out, x, y, *, needs):
    # d/dx = 1 / y where x != 0 (else 0); d/dy = -x / y^2 (0 where x == 0).
    nonzero_x = cast(not_equal(x, 0), x._dtype)
    return g * conj(xdivy(nonzero_x, y)), g * conj(xdivy(-x, square(y)))


@xdivy.jvp
def _xdivy_jvp(t, out, x, y):
    return linear(
        t,
        lambda dx: dx * xdivy(cast(not_equal(x, 0), x._dtype), y),
        lambda dy: dy * xdivy(-x, square(y)),
    )


@op("DivNoNan", broadcasting=True, dtypes=INEXACT, sample=binary(low2=0.5, high2=2.0))
def _div_no_nan(x, y):
    # Forwards run with NumPy's floating-point errors ignored (registry.Op.run).
    if isinstance(y, np.generic) and y != 0:  # a nonzero NumPy scalar divisor: plain division
        return x / y
    return np.where(y == 0, np.zeros((), x.dtype), x / y)


@_div_no_nan.vjp
def _div_no_nan_vjp(g, out, x, y, *, needs):
    # d/dx = 1 / y, d/dy = -x / y^2, each 0 where y == 0 (TF's convention).
    return _div_no_nan(g, conj(y)), g * conj(_div_no_nan(_div_no_nan(-x, y), y))


@_div_no_nan.jvp
def _div_no_nan_jvp(t, out, x, y):
    return linear(
        t, lambda dx: _div_no_nan(dx, y), lambda dy: dy * _div_no_nan(_div_no_nan(-x, y), y)
    )


def divide_no_nan(x, y, name=None):
    """Returns x / y elementwise, and 0 wherever y == 0 (even if x is 0, inf or NaN).

    Integer inputs are cast to floats first, as `tf.truediv` does.

    >>> tf.math.divide_no_nan(tf.constant([1.0, 1.0]), tf.constant([0.0, 2.0]))
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([0. , 0.5], dtype=float32)>
    """
    x, y = _same_dtype_pair(x, y)
    if x._dtype is _dt.bool:
        raise TypeError(
            "Invalid dtype tf.bool in tf.math.divide_no_nan. Expected one of {tf.uint8, tf.int8, "
            "tf.uint16, tf.int16, tf.uint32, tf.int32, tf.uint64, tf.int64, tf.bfloat16, "
            "tf.float16, tf.float32, tf.float64, tf.complex64, tf.complex128}."
        )
    target = _TRUEDIV_TARGET.get(x._dtype)
    if target is not None:
        x, y = cast(x, target), cast(y, target)
    return _div_no_nan(x, y)


@op(
    "SquaredDifference",
    broadcasting=True,
    dtypes=FLOATING | _dt.COMPLEX | {_dt.int32, _dt.int64},
    sample=binary(),
)
def squared_difference(x, y):
    """Returns (x - y) * conj(x - y) elementwise (a real value for complex inputs)."""
    d = x - y
    return d * np.conj(d) if np.iscomplexobj(d) else d * d


@squared_difference.vjp
def _squared_difference_vjp(g, out, x, y, *, needs):
    # d/dx = 2 (x - y) = -d/dy; for complex, TF's real-function convention gives 2 (x - y) g.
    gx = (2 * g) * (x - y)
    return gx, -gx


@squared_difference.jvp
def _squared_difference_jvp(t, out, x, y):
    d = x - y
    dx, dy = t
    diff = -dy if dx is None else dx if dy is None else dx - dy
    return 2 * real_part(conj(d) * diff, d)


def real_part(z, like):
    """Re(z), kept in `like`'s dtype (a no-op for real tensors)."""
    if not like._dtype.is_complex:
        return z
    return cast(_real(z), like._dtype)


__all__ = [
    "digamma",
    "divide_no_nan",
    "erf",
    "erfc",
    "lgamma",
    "polygamma",
    "sigmoid",
    "softplus",
    "softsign",
    "squared_difference",
    "xdivy",
    "xlogy",
]
