"""Trigonometric and hyperbolic functions (sin, cos, tanh, ...), their inverses, expm1, log1p.

Each op: its NumPy forward, its VJP and JVP, then its test recipe. Complex
inputs follow TensorFlow's convention: the cotangent is `g * conj(f'(x))`.
Singular points give TF's values: inf where the derivative blows up, and NaN
(0 * inf) when the incoming gradient there is zero.
"""

from __future__ import annotations

import numpy as np

from .._core import dtypes as _dt
from .._core.registry import op
from .math_ops import conj, exp, reciprocal, rsqrt, square
from .samples import binary, unary

INEXACT = _dt.INEXACT


@op("Sin", keeps=("x",), dtypes=INEXACT, sample=unary())
def sin(x):
    """Returns sin(x) elementwise."""
    return np.sin(x)


@sin.vjp
def _sin_vjp(g, out, x, *, needs):
    return g * cos(conj(x))


@sin.jvp
def _sin_jvp(t, out, x):
    return t[0] * cos(x)


@op("Cos", keeps=("x",), dtypes=INEXACT, sample=unary())
def cos(x):
    """Returns cos(x) elementwise."""
    return np.cos(x)


@cos.vjp
def _cos_vjp(g, out, x, *, needs):
    return -g * sin(conj(x))


@cos.jvp
def _cos_jvp(t, out, x):
    return -t[0] * sin(x)


@op("Tanh", keeps=("out",), dtypes=INEXACT, sample=unary())
def tanh(x):
    """Returns tanh(x) elementwise."""
    return np.tanh(x)


@tanh.vjp
def _tanh_vjp(g, out, x, *, needs):
    # d/dx = 1 - tanh(x)^2, from the saved output, in one op (TF's TanhGrad).
    return _tanh_grad(out, g)


@op("TanhGrad", broadcasting=True, dtypes=INEXACT, keeps=("y dy", "y"), sample=binary(-0.9, 0.9))
def _tanh_grad(y, dy):
    # dy * (1 - y^2) with y = tanh(x) (conjugated for complex, as TF's kernel).
    y = np.conj(y)
    return dy * (1 - y * y)


@_tanh_grad.vjp
def _tanh_grad_vjp(g, out, y, dy, *, needs):
    # d/dy = -2 y dy, d/d(dy) = 1 - y^2: the same kernel again (TF's _TanhGradGrad).
    return g * conj(-2 * y * dy), _tanh_grad(conj(y), g)


@_tanh_grad.jvp
def _tanh_grad_jvp(t, out, y, dy):
    d_y, d_dy = t
    if y._dtype._kind == "c":
        y = conj(y)
        if d_y is None:
            return d_dy * (1 - y * y)
        if d_dy is None:
            return -2 * conj(d_y) * y * dy
        return d_dy * (1 - y * y) - 2 * conj(d_y) * y * dy
    if d_y is None:
        return _tanh_grad(y, d_dy)
    if d_dy is None:
        return -2 * d_y * y * dy
    return _tanh_grad(y, d_dy) - 2 * d_y * y * dy  # d_dy (1 - y^2) in one op


@tanh.jvp
def _tanh_jvp(t, out, x):
    if out._dtype._kind == "c":  # TanhGrad conjugates y: holomorphic tanh must not
        return t[0] * (1 - out * out)
    return _tanh_grad(out, t[0])  # t (1 - tanh^2) in one op, the same arithmetic


@op("Expm1", dtypes=INEXACT, sample=unary())
def expm1(x):
    """Returns e ** x - 1 elementwise, accurate for small x."""
    return np.expm1(x)


@expm1.vjp
def _expm1_vjp(g, out, x, *, needs):
    return g * conj(exp(x))  # d/dx = e^x


@expm1.jvp
def _expm1_jvp(t, out, x):
    return t[0] * exp(x)


@op("Log1p", dtypes=INEXACT, sample=unary(-0.5, 2.0))
def log1p(x):
    """Returns log(1 + x) elementwise, accurate for small x."""
    return np.log1p(x)


@log1p.vjp
def _log1p_vjp(g, out, x, *, needs):
    return g * reciprocal(conj(1 + x))  # d/dx = 1 / (1 + x)


@log1p.jvp
def _log1p_jvp(t, out, x):
    return t[0] / (1 + x)


@op("Tan", dtypes=INEXACT, sample=unary(-1.2, 1.2))
def tan(x):
    """Returns tan(x) elementwise."""
    return np.tan(x)


@tan.vjp
def _tan_vjp(g, out, x, *, needs):
    sec = reciprocal(cos(conj(x)))  # d/dx = sec(x)^2
    return g * (sec * sec)


@tan.jvp
def _tan_jvp(t, out, x):
    sec = reciprocal(cos(x))
    return t[0] * (sec * sec)


@op("Asin", dtypes=INEXACT, sample=unary(-0.9, 0.9))
def asin(x):
    """Returns the inverse sine elementwise (NaN outside [-1, 1] for real x)."""
    return np.arcsin(x)


@asin.vjp
def _asin_vjp(g, out, x, *, needs):
    return g * conj(rsqrt(1 - square(x)))  # d/dx = 1 / sqrt(1 - x^2), inf at |x| = 1


@asin.jvp
def _asin_jvp(t, out, x):
    return t[0] * rsqrt(1 - square(x))


@op("Acos", dtypes=INEXACT, sample=unary(-0.9, 0.9))
def acos(x):
    """Returns the inverse cosine elementwise (NaN outside [-1, 1] for real x)."""
    return np.arccos(x)


@acos.vjp
def _acos_vjp(g, out, x, *, needs):
    return -g * conj(rsqrt(1 - square(x)))  # d/dx = -1 / sqrt(1 - x^2)


@acos.jvp
def _acos_jvp(t, out, x):
    return -t[0] * rsqrt(1 - square(x))


@op("Atan", dtypes=INEXACT, sample=unary())
def atan(x):
    """Returns the inverse tangent elementwise."""
    return np.arctan(x)


@atan.vjp
def _atan_vjp(g, out, x, *, needs):
    return g * reciprocal(1 + square(conj(x)))  # d/dx = 1 / (1 + x^2)


@atan.jvp
def _atan_jvp(t, out, x):
    return t[0] / (1 + square(x))


@op(
    "Atan2",
    broadcasting=True,
    dtypes=_dt.FLOATING,
    sample=binary(avoid=(0.0,), avoid2=(0.0,)),
)
def atan2(y, x):
    """Returns the angle of the point (x, y) elementwise, in [-pi, pi]. Note: y comes first."""
    return np.arctan2(y, x)


@atan2.vjp
def _atan2_vjp(g, out, y, x, *, needs):
    # d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2): NaN at the origin, as in TF.
    scale = g / (square(x) + square(y))
    return x * scale, -y * scale


@atan2.jvp
def _atan2_jvp(t, out, y, x):
    dy, dx = t
    if dx is None:
        numerator = x * dy
    elif dy is None:
        numerator = -(y * dx)
    else:
        numerator = x * dy - y * dx
    return numerator / (square(x) + square(y))


@op("Sinh", dtypes=INEXACT, sample=unary())
def sinh(x):
    """Returns the hyperbolic sine elementwise."""
    return np.sinh(x)


@sinh.vjp
def _sinh_vjp(g, out, x, *, needs):
    return g * cosh(conj(x))


@sinh.jvp
def _sinh_jvp(t, out, x):
    return t[0] * cosh(x)


@op("Cosh", dtypes=INEXACT, sample=unary())
def cosh(x):
    """Returns the hyperbolic cosine elementwise."""
    return np.cosh(x)


@cosh.vjp
def _cosh_vjp(g, out, x, *, needs):
    return g * sinh(conj(x))


@cosh.jvp
def _cosh_jvp(t, out, x):
    return t[0] * sinh(x)


@op("Asinh", dtypes=INEXACT, sample=unary())
def asinh(x):
    """Returns the inverse hyperbolic sine elementwise."""
    return np.arcsinh(x)


@asinh.vjp
def _asinh_vjp(g, out, x, *, needs):
    return g / cosh(conj(out))  # d/dx = 1 / cosh(asinh(x)), as TF writes it


@asinh.jvp
def _asinh_jvp(t, out, x):
    return t[0] / cosh(out)


@op("Acosh", dtypes=INEXACT, sample=unary(1.2, 3.0))
def acosh(x):
    """Returns the inverse hyperbolic cosine elementwise (NaN below 1 for real x)."""
    return np.arccosh(x)


@acosh.vjp
def _acosh_vjp(g, out, x, *, needs):
    return g / sinh(conj(out))  # d/dx = 1 / sinh(acosh(x)): inf at x = 1


@acosh.jvp
def _acosh_jvp(t, out, x):
    return t[0] / sinh(out)


@op("Atanh", dtypes=INEXACT, sample=unary(-0.9, 0.9))
def atanh(x):
    """Returns the inverse hyperbolic tangent elementwise (inf at +-1)."""
    return np.arctanh(x)


@atanh.vjp
def _atanh_vjp(g, out, x, *, needs):
    return g * reciprocal(1 - square(conj(x)))  # d/dx = 1 / (1 - x^2)


@atanh.jvp
def _atanh_jvp(t, out, x):
    return t[0] / (1 - square(x))


__all__ = [
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "cosh",
    "expm1",
    "log1p",
    "sinh",
    "tan",
]
