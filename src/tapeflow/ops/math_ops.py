"""Elementwise math: arithmetic, powers, exponentials, trigonometry, comparisons.

Each op: its NumPy forward, its VJP (`g` is the incoming gradient, `out` the
forward result) and its JVP right below, then its test recipe in `sample=`.
Gradients of complex ops follow TensorFlow: the conjugate of the holomorphic
derivative times `g` (so d|z|^2 at 1+2j is 2+4j).
"""

from __future__ import annotations

import numpy as np

from .._core import backend as _backend
from .._core import dtypes as _dt
from .._core.errors import NotFoundError, invalid_argument, op_error
from .._core.logging import warn
from .._core.registry import op
from .._core.tape import untracked
from .._core.tensor import EagerTensor, convert_to_tensor, make
from ._util import broadcast_like, linear, no_kernel, select
from .samples import binary, cases, unary

NUMERIC = _dt.NUMERIC
INEXACT = _dt.INEXACT
FLOATING = _dt.FLOATING
REAL = _dt.REAL


def conj(x, name=None):
    """Complex conjugate; returns real tensors unchanged (as `tf.math.conj` does)."""
    if type(x) is not EagerTensor:
        x = convert_to_tensor(x)
    kind = x._dtype._kind
    if kind == "c":
        return _conj(x)
    if kind == "b":
        raise TypeError(f"Expected numeric or variant tensor, got dtype {x._dtype!r}.")
    return x


# -- arithmetic ----------------------------------------------------------------------------


@op("AddV2", broadcasting=True, dtypes=NUMERIC, keeps=("", ""), sample=binary())
def add(x, y):
    """Returns x + y elementwise, with broadcasting."""
    return x + y  # operators: NumPy's scalar fast path is ~10x a ufunc call


@add.vjp
def _add_vjp(g, out, x, y, *, needs):
    return g, g


@add.jvp
def _add_jvp(t, out, x, y):
    dx, dy = t
    if dx is None or dy is None:  # one term: it may still need broadcasting
        return broadcast_like(dy if dx is None else dx, out)
    return dx + dy


def _string_operand(x, y, op_type: str):
    """TF's error for a Python string added to a tensor: the string becomes a string tensor."""
    return invalid_argument(
        f"cannot compute {op_type} as input #1(zero-based) was expected to be a "
        f"{x.dtype.c_name} tensor but is a string tensor",
        op_type,
    )


def add_checked(x, y, name=None):
    """`tf.add` / `tf.math.add` / `x + y`: x converted on its own, y with x's dtype as a hint.

    So, as in TF, `tf.add(int_tensor, 1.5)` and `tf.add(1.5, int_tensor)` are dtype mismatches
    (InvalidArgumentError), while `1.5 + int_tensor` converts 1.5 to int32 (TypeError).
    """
    if type(x) is not EagerTensor:
        x = convert_to_tensor(x)
    try:
        return add.binary(x, y, True)
    except ValueError:
        if isinstance(y, (str, bytes)):
            raise _string_operand(x, y, "AddV2") from None
        raise


@op("Sub", broadcasting=True, dtypes=NUMERIC, keeps=("", ""), sample=binary())
def subtract(x, y):
    """Returns x - y elementwise, with broadcasting."""
    return x - y


@subtract.vjp
def _subtract_vjp(g, out, x, y, *, needs):
    return g, -g


@subtract.jvp
def _subtract_jvp(t, out, x, y):
    dx, dy = t
    if dy is None:
        return broadcast_like(dx, out)
    if dx is None:
        return broadcast_like(-dy, out)
    return dx - dy


@op(
    "Mul",
    broadcasting=True,
    dtypes=NUMERIC,
    keeps=("y", "x"),
    sample=binary(),
)
def multiply(x, y):
    """Returns x * y elementwise, with broadcasting."""
    # A broadcast 1 (the cotangent reduce_sum's gradient produces for a loss) times y is
    # y itself, bit for bit: skip a full pass and a fresh array over the data. Only large
    # broadcasts are zero-stride views (BroadcastTo fills small ones), so small arrays skip
    # the test.
    if type(x) is np.ndarray and x.size > 4096 and not any(x.strides) and x.flat[0] == 1:
        return _times_broadcast_one(y, x)
    if type(y) is np.ndarray and y.size > 4096 and not any(y.strides) and y.flat[0] == 1:
        return _times_broadcast_one(x, y)
    return x * y


def _times_broadcast_one(x, one):
    if np.shape(x) == one.shape:
        return x
    shape = np.broadcast_shapes(np.shape(x), one.shape)
    x = np.asarray(x)
    return x if x.shape == shape else np.broadcast_to(x, shape)


@multiply.vjp
def _multiply_vjp(g, out, x, y, *, needs):
    # d/dx = y, d/dy = x; a constant factor (x * 0.9) needs no gradient of its own.
    return (g * conj(y) if needs[0] else None), (conj(x) * g if needs[1] else None)


@multiply.jvp
def _multiply_jvp(t, out, x, y):
    # d(xy) = dx y + x dy
    return linear(t, lambda dx: dx * y, lambda dy: x * dy)


@op(
    "RealDiv",
    keeps=("y", "x y"),
    broadcasting=True,
    dtypes=INEXACT | _dt.INTEGER,
    sample=binary(avoid2=(0.0,), low2=0.5),
)
def realdiv(x, y):
    """Returns x / y elementwise for floating or complex tensors."""
    if x.dtype.kind in "iu":  # TF's op allows integers, but has no CPU kernel for them
        raise no_kernel("RealDiv", x.dtype)
    return x / y


@realdiv.vjp
def _realdiv_vjp(g, out, x, y, *, needs):
    # d/dx = 1/y, d/dy = -x/y^2 (written as TF does, (-x / y) / y).
    return g / conj(y), g * conj(-x / y / y)


@realdiv.jvp
def _realdiv_jvp(t, out, x, y):
    dx, dy = t
    if dy is None:
        return dx / y
    if dx is None:
        return -(out * dy) / y
    return (dx - out * dy) / y


_TRUEDIV_TARGET = {
    _dt.int8: _dt.float32,
    _dt.int16: _dt.float32,
    _dt.uint8: _dt.float32,
    _dt.uint16: _dt.float32,
    _dt.int32: _dt.float64,
    _dt.int64: _dt.float64,
    _dt.uint32: _dt.float64,
    _dt.uint64: _dt.float64,
}


def truediv(x, y, name=None):
    """Divides x / y elementwise, casting integers to floats first (TF's `/`).

    int8/int16/uint8/uint16 become float32 and wider integers float64, as in
    TensorFlow; bool is not allowed.

    >>> tf.constant(1) / tf.constant(2)
    <tf.Tensor: shape=(), dtype=float64, numpy=0.5>
    """
    x, y = _same_dtype_pair(x, y)
    target = _TRUEDIV_TARGET.get(x._dtype)
    if target is not None:
        x, y = cast(x, target), cast(y, target)
    elif x._dtype is _dt.bool:
        raise TypeError("Invalid dtype tf.bool in __truediv__")
    return realdiv.binary(x, y)


def _same_dtype_pair(x, y) -> tuple:
    """Converts x and y to one dtype, with TF's TypeError for two different tensor dtypes."""
    if type(x) is not EagerTensor:
        if isinstance(x, (str, bytes)) and hasattr(y, "dtype"):
            raise TypeError(f"Cannot convert {x!r} to EagerTensor of dtype {y.dtype.c_name}")
        x = convert_to_tensor(x, dtype_hint=getattr(y, "dtype", None))
    if type(y) is not EagerTensor:
        if isinstance(y, (str, bytes)):  # TF makes it a string tensor
            raise TypeError(f"`x` and `y` must have the same dtype, got {x._dtype!r} != tf.string.")
        y = convert_to_tensor(y, dtype_hint=x._dtype)
    if y._dtype is not x._dtype:
        raise TypeError(f"`x` and `y` must have the same dtype, got {x._dtype!r} != {y._dtype!r}.")
    return x, y


def divide(x, y, name=None):
    """Computes Python style division of x by y (`truediv`)."""
    return truediv(x, y)


@op(
    "Neg",
    keeps=("",),
    dtypes=NUMERIC - {_dt.uint8, _dt.uint16, _dt.uint32, _dt.uint64},
    sample=unary(),
)
def negative(x):
    """Returns -x elementwise."""
    return -x


@negative.vjp
def _negative_vjp(g, out, x, *, needs):
    return -g


@negative.jvp
def _negative_jvp(t, out, x):
    return -t[0]


@op(
    "FloorDiv",
    broadcasting=True,
    dtypes=REAL | _dt.COMPLEX,
    differentiable=False,
    no_sample="integer-valued",
)
def floordiv(x, y):
    """Returns floor(x / y) elementwise (Python's `//`). Not differentiable, as in TF."""
    if x.dtype.kind == "c":  # TF's op allows complex, but has no CPU kernel for it
        raise no_kernel("FloorDiv", x.dtype)
    _check_int_divisor(y, "FloorDiv")
    return np.floor_divide(x, y)


@op("FloorMod", broadcasting=True, dtypes=REAL, sample=binary(low2=0.5, high2=2.0))
def floormod(x, y):
    """Returns x - floor(x / y) * y elementwise (Python's `%`)."""
    _check_int_divisor(y, "FloorMod")
    return np.mod(x, y)


@floormod.vjp
def _floormod_vjp(g, out, x, y, *, needs):
    # d/dx = 1, d/dy = -floor(x / y)
    return g, -g * floordiv(x, y)


@floormod.jvp
def _floormod_jvp(t, out, x, y):
    dx, dy = t
    if dy is None:
        return broadcast_like(dx, out)
    if dx is None:
        return -(dy * floordiv(x, y))
    return dx - dy * floordiv(x, y)


def _check_int_divisor(y, op_type: str) -> None:
    if np.asarray(y).dtype.kind in "iu" and np.any(np.asarray(y) == 0):
        raise invalid_argument("Integer division by zero", op_type)


@op("Abs", dtypes=REAL, sample=unary(avoid=(0.0,)))
def _abs(x):
    return np.abs(x)


@_abs.vjp
def _abs_vjp(g, out, x, *, needs):
    # TF's convention: d|x|/dx = sign(x), so 0 at x = 0.
    return g * sign(x)


@_abs.jvp
def _abs_jvp(t, out, x):
    return t[0] * sign(x)


@op("ComplexAbs", dtypes=_dt.COMPLEX, no_sample="checked through complex tests")
def _complex_abs(x):
    return np.abs(x)


@_complex_abs.vjp
def _complex_abs_vjp(g, out, x, *, needs):
    # d|z| = Re(conj(z) dz) / |z|, so the cotangent is g * z / |z| (0 at z = 0).
    return complex(g, zeros_like(g)) * _sign(x)


@_complex_abs.jvp
def _complex_abs_jvp(t, out, x):
    return real(conj(_sign(x)) * t[0])


def abs(x, name=None):
    """The absolute value elementwise; complex inputs give their real magnitude."""
    x = convert_to_tensor(x)
    return _complex_abs(x) if x._dtype.is_complex else _abs(x)


@op("Sign", dtypes=NUMERIC - _dt.INTEGER | _dt.SIGNED_INTEGER, sample=unary(avoid=(0.0,)))
def _sign(x):
    if np.iscomplexobj(x):
        mag = np.abs(x)
        return np.where(mag == 0, 0, x / np.where(mag == 0, 1, mag)).astype(x.dtype)
    return np.sign(x)


@_sign.vjp
def _sign_vjp(g, out, x, *, needs):
    return zeros_like(g)  # TF: a zero gradient, not None


@_sign.jvp
def _sign_jvp(t, out, x):
    return t[0] * 0


def sign(x, name=None):
    """-1, 0 or 1 elementwise (x/|x| for complex). Its gradient is zero, as in TF."""
    return _sign(x)


@op("Reciprocal", dtypes=INEXACT | _dt.SIGNED_INTEGER, sample=unary(0.5, 2.0))
def reciprocal(x):
    """Returns 1 / x elementwise."""
    if x.dtype.kind == "i":  # TF registers these dtypes but has no CPU kernel for them
        raise op_error(
            NotFoundError,
            f"Could not find device for node: {{{{node Reciprocal}}}} = "
            f"Reciprocal[T=DT_{x.dtype.name.upper()}]",
        )
    return np.reciprocal(x)


@reciprocal.vjp
def _reciprocal_vjp(g, out, x, *, needs):
    return _reciprocal_grad(out, g)


@op("ReciprocalGrad", broadcasting=True, dtypes=INEXACT, sample=binary(0.5, 2.0))
def _reciprocal_grad(y, dy):
    # -dy * conj(y)^2, and 0 where dy == 0 even if y is inf (TF's kernel).
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where(dy == 0, np.zeros((), y.dtype), -dy * np.conj(y * y))


@_reciprocal_grad.vjp
def _reciprocal_grad_vjp(g, out, y, dy, *, needs):
    return g * conj(-2 * dy * conj(y)), -g * (y * y)


@_reciprocal_grad.jvp
def _reciprocal_grad_jvp(t, out, y, dy):
    return linear(t, lambda d_y: -2 * dy * y * d_y, lambda d_dy: -(y * y) * d_dy)


@reciprocal.jvp
def _reciprocal_jvp(t, out, x):
    return -t[0] * out * out


@op("Square", keeps=("x",), dtypes=NUMERIC, sample=unary())
def square(x):
    """Returns x * x elementwise."""
    return x * x


@square.vjp
def _square_vjp(g, out, x, *, needs):
    return g * (2 * conj(x))


@square.jvp
def _square_jvp(t, out, x):
    return t[0] * (2 * x)


@op("Sqrt", keeps=("out",), dtypes=INEXACT, sample=unary(0.1, 2.0))
def sqrt(x):
    """Returns the square root elementwise."""
    return np.sqrt(x)


@sqrt.vjp
def _sqrt_vjp(g, out, x, *, needs):
    # d/dx = 0.5 / sqrt(x): infinite at x = 0, as in TF.
    return _sqrt_grad(out, g)


@op("SqrtGrad", broadcasting=True, dtypes=INEXACT, sample=binary(0.5, 2.0))
def _sqrt_grad(y, dy):
    # 0.5 * dy / conj(y), and 0 where dy == 0 even if y is 0 or NaN: TF's kernel, which
    # is why tf.where(x > 0, tf.sqrt(x), 0) has gradient 0, not NaN, at x <= 0.
    return np.where(dy == 0, np.zeros((), y.dtype), 0.5 * dy / np.conj(y))


@_sqrt_grad.vjp
def _sqrt_grad_vjp(g, out, y, dy, *, needs):
    # d/dy = -out / y, d/d(dy) = 0.5 / y (no zero short-cut at second order, as in TF).
    ga = g / y
    return -conj(ga) * out, 0.5 * ga


@_sqrt_grad.jvp
def _sqrt_grad_jvp(t, out, y, dy):
    d_y, d_dy = t
    if d_y is None:
        return 0.5 * d_dy / y
    if d_dy is None:
        return -(out * d_y) / y
    return (0.5 * d_dy - out * d_y) / y


@sqrt.jvp
def _sqrt_jvp(t, out, x):
    return t[0] * 0.5 / out


@op("Rsqrt", dtypes=INEXACT, sample=unary(0.1, 2.0))
def rsqrt(x):
    """Returns 1 / sqrt(x) elementwise."""
    return np.reciprocal(np.sqrt(x))


@rsqrt.vjp
def _rsqrt_vjp(g, out, x, *, needs):
    # d/dx = -0.5 * x^(-3/2) = -0.5 * out^3
    return _rsqrt_grad(out, g)


@op("RsqrtGrad", broadcasting=True, dtypes=INEXACT, sample=binary(0.5, 2.0))
def _rsqrt_grad(y, dy):
    # -0.5 * dy * conj(y)^3, and 0 where dy == 0 even if y is inf (TF's kernel).
    with np.errstate(invalid="ignore", over="ignore"):
        return np.where(dy == 0, np.zeros((), y.dtype), -0.5 * dy * np.conj(y * y * y))


@_rsqrt_grad.vjp
def _rsqrt_grad_vjp(g, out, y, dy, *, needs):
    return g * conj(-1.5 * dy * conj(y * y)), g * conj(-0.5 * conj(y * y * y))


@_rsqrt_grad.jvp
def _rsqrt_grad_jvp(t, out, y, dy):
    return linear(t, lambda d_y: -1.5 * dy * (y * y) * d_y, lambda d_dy: -0.5 * (y * y * y) * d_dy)


@rsqrt.jvp
def _rsqrt_jvp(t, out, x):
    return t[0] * (-0.5 * out * out * out)


@op(
    "Pow",
    keeps=("x y", "x out"),
    broadcasting=True,
    dtypes=NUMERIC,
    sample=binary(0.2, 2.0, -2.0, 2.0),
)
def pow(x, y):
    """Returns x ** y elementwise (integers to negative powers are an error, as in TF)."""
    if x.dtype.kind in "iu" and np.any(y < 0):
        raise ValueError("Integers to negative integer powers are not allowed")
    return x**y


def _safe_log(x):
    # log(x) where x > 0 (x != 0 for complex), else 0: TF's choice, since there is no
    # real log there and the real pow is only defined for integer y.
    mask = not_equal(x, 0) if x._dtype.is_complex else greater(x, 0)
    return where_v2(mask, log(where_v2(mask, x, ones_like(x))), zeros_like(x))


def _pow_slope(x, y):
    """y * x^(y-1), the derivative of x^y in x.

    A constant scalar exponent that no tape or accumulator tracks (`x ** 2`) has
    its `y - 1` computed in NumPy rather than as an op: one op fewer per use, in
    every order. The x^(y-1) stays a Pow, even for y = 2, so that higher orders
    stay connected as in TF (the third derivative of x ** 2 is zero, not None).
    """
    value = y._value
    if type(value) is not np.ndarray and untracked(y):
        return y * pow(x, make(value - value.dtype.type(1), y._dtype))
    return y * pow(x, y - 1)


@pow.vjp
def _pow_vjp(g, out, x, y, *, needs):
    # d/dx = y * x^(y-1); d/dy = x^y * log(x). A constant exponent (x ** 2) needs no
    # d/dy, which would cost five extra elementwise ops.
    gx = g * conj(_pow_slope(x, y)) if needs[0] else None
    gy = g * conj(out * _safe_log(x)) if needs[1] else None
    return gx, gy


@pow.jvp
def _pow_jvp(t, out, x, y):
    # d(x^y) = dx y x^(y-1) + dy x^y log(x)
    return linear(t, lambda dx: dx * _pow_slope(x, y), lambda dy: dy * out * _safe_log(x))


def _or_zeros(tangents, inputs) -> list:
    """The tangents, zeros_like(input) for a missing one: operands of a broadcasting op
    (where_v2, complex), which broadcast an unbatched zeros against batched tangents."""
    return [zeros_like(x) if t is None else t for t, x in zip(tangents, inputs)]


@op("Maximum", keeps=("x y", "x y"), broadcasting=True, dtypes=REAL, sample=binary())
def maximum(x, y):
    """Returns max(x, y) elementwise. At ties the gradient goes to x, as in TF."""
    return np.maximum(x, y)


@maximum.vjp
def _maximum_vjp(g, out, x, y, *, needs):
    mask = greater_equal(x, y)
    zeros = zeros_like(g)
    return where_v2(mask, g, zeros), where_v2(mask, zeros, g)


@maximum.jvp
def _maximum_jvp(t, out, x, y):
    return where_v2(greater_equal(x, y), *_or_zeros(t, (x, y)))


@op("Minimum", keeps=("x y", "x y"), broadcasting=True, dtypes=REAL, sample=binary())
def minimum(x, y):
    """Returns min(x, y) elementwise. At ties the gradient goes to x, as in TF."""
    return np.minimum(x, y)


@minimum.vjp
def _minimum_vjp(g, out, x, y, *, needs):
    mask = less_equal(x, y)
    zeros = zeros_like(g)
    return where_v2(mask, g, zeros), where_v2(mask, zeros, g)


@minimum.jvp
def _minimum_jvp(t, out, x, y):
    return where_v2(less_equal(x, y), *_or_zeros(t, (x, y)))


# -- exponentials and logarithms -----------------------------------------------------------


@op("Exp", keeps=("out",), dtypes=INEXACT, sample=unary())
def exp(x):
    """Returns e ** x elementwise."""
    return np.exp(x)


@exp.vjp
def _exp_vjp(g, out, x, *, needs):
    return g * conj(out)


@exp.jvp
def _exp_jvp(t, out, x):
    return t[0] * out


@op("Log", keeps=("x",), dtypes=INEXACT, sample=unary(0.1, 3.0))
def log(x):
    """Returns the natural logarithm elementwise."""
    return np.log(x)


@log.vjp
def _log_vjp(g, out, x, *, needs):
    return g * reciprocal(conj(x))


@log.jvp
def _log_jvp(t, out, x):
    return t[0] / x


# -- complex parts -------------------------------------------------------------------------


@op("Conj", dtypes=_dt.COMPLEX, no_sample="linear; checked by complex tests")
def _conj(x):
    return np.conj(x)


@_conj.vjp
def _conj_vjp(g, out, x, *, needs):
    return _conj(g)


@_conj.jvp
def _conj_jvp(t, out, x):
    return _conj(t[0])


@op("Real", dtypes=_dt.COMPLEX, no_sample="checked by complex tests")
def _real(x):
    return np.real(x).copy()


@_real.vjp
def _real_vjp(g, out, x, *, needs):
    return complex(g, zeros_like(g))


@_real.jvp
def _real_jvp(t, out, x):
    return _real(t[0])


def real(x, name=None):
    """The real part; real tensors are returned unchanged."""
    x = convert_to_tensor(x)
    if x._dtype.is_bool:
        raise TypeError(f"input must be a numeric tensor, but got tensor with dtype {x._dtype}")
    return _real(x) if x._dtype.is_complex else x


@op("Complex", broadcasting=True, dtypes=FLOATING - {_dt.float16}, no_sample="complex output")
def complex(real, imag):
    """Builds complex numbers real + imag * 1j (float32 -> complex64, float64 -> complex128)."""
    z = real + 1j * imag
    return _backend.array(z).astype(np.result_type(real, np.complex64), copy=False)


@complex.vjp
def _complex_vjp(g, out, real, imag, *, needs):
    return _real(g), _imag(g)


@complex.jvp
def _complex_jvp(t, out, real, imag):
    return complex(*_or_zeros(t, (real, imag)))


def complex_checked(real, imag, name=None):
    """`tf.complex`: real + imag * 1j from two float32 or two float64 tensors (TF's checks).

    Raises:
      TypeError: for any other pair of dtypes, with TF's message.
    """
    real, imag = convert_to_tensor(real), convert_to_tensor(imag)  # each on its own, as TF
    pair = (real._dtype, imag._dtype)
    if pair not in ((_dt.float32, _dt.float32), (_dt.float64, _dt.float64)):
        raise TypeError(
            f"The `real` and `imag` components have incorrect types: {real._dtype.name} "
            f"{imag._dtype.name}. They must be consistent, and one of [tf.float32, tf.float64]"
        )
    return complex(real, imag)


@op("Imag", dtypes=_dt.COMPLEX, no_sample="checked by complex tests")
def _imag(x):
    return np.imag(x).copy()


@_imag.vjp
def _imag_vjp(g, out, x, *, needs):
    # d(imag z) pulls back to 1j * g, conjugated by TF's convention: 0 + 1j*g.
    return complex(zeros_like(g), g)


@_imag.jvp
def _imag_jvp(t, out, x):
    return _imag(t[0])


def imag(x, name=None):
    """The imaginary part; zeros for real tensors."""
    x = convert_to_tensor(x)
    return _imag(x) if x._dtype.is_complex else zeros_like(x)


# -- comparisons and logic (not differentiable) ----------------------------------------------


def _comparison(type_name: str, fn, doc: str, dtypes=REAL):
    def forward(x, y):
        return fn(x, y)

    forward.__name__ = fn.__name__
    forward.__doc__ = doc
    return op(
        type_name,
        broadcasting=True,
        dtypes=dtypes,
        differentiable=False,
        no_sample="boolean output",
    )(forward)


equal = _comparison("Equal", np.equal, "Returns the truth value of x == y elementwise.", _dt.ANY)
not_equal = _comparison("NotEqual", np.not_equal, "Returns the truth value of x != y.", _dt.ANY)
less = _comparison("Less", np.less, "Returns the truth value of x < y elementwise.")
less_equal = _comparison("LessEqual", np.less_equal, "Returns the truth value of x <= y.")
greater = _comparison("Greater", np.greater, "Returns the truth value of x > y elementwise.")
greater_equal = _comparison("GreaterEqual", np.greater_equal, "Returns the truth value of x >= y.")
_BOOL = frozenset((_dt.bool,))
logical_and = _comparison("LogicalAnd", np.logical_and, "Logical AND elementwise.", _BOOL)
logical_or = _comparison("LogicalOr", np.logical_or, "Logical OR elementwise.", _BOOL)


def logical_xor(x, y, name=None):
    """Logical XOR elementwise: (x | y) & ~(x & y), as TF composes it."""
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)))


@op("LogicalNot", dtypes=_BOOL, differentiable=False, no_sample="boolean output")
def logical_not(x):
    """Logical NOT elementwise."""
    return np.logical_not(x)


# -- selection and casting -----------------------------------------------------------------


@op(
    "SelectV2",
    keeps=("", "condition", "condition"),
    broadcasting=True,
    same_dtype=(1, 2),
    sample=cases(
        ([np.array([True, False, True]), (3,), (3,)], {}),
        ([np.array([[True], [False]]), (2, 3), ()], {}),
    ),
)
def where_v2(condition, x, y):
    """Elementwise `x` where `condition` is True, else `y` (broadcasting all three).

    The unselected branch receives a zero gradient, as in TensorFlow.
    """
    if _backend.array(condition).dtype != np.bool_:
        raise invalid_argument("condition must be a bool tensor")
    return select(condition, x, y)


@where_v2.vjp
def _where_vjp(g, out, condition, x, y, *, needs):
    if _backend.is_dask(g._value):
        # A scalar zero (g has the broadcast shape already): no zeros to build per block.
        zeros = make(np.zeros((), g._value.dtype)[()], g._dtype)
    else:
        zeros = zeros_like(g)
    return None, where_v2(condition, g, zeros), where_v2(condition, zeros, g)


@where_v2.jvp
def _where_jvp(t, out, condition, x, y):
    return where_v2(condition, *_or_zeros(t[1:], (x, y)))


@op("Cast", keeps=("",), dtypes=_dt.ANY, sample=cases(([(3,)], {"DstT": _dt.float64})))
def _cast(x, *, DstT):  # noqa: N803 - TF's attr name
    if not DstT.is_complex and np.iscomplexobj(x):
        x = np.real(x)  # TF keeps the real part
    # Forwards run with NumPy's floating-point errors ignored (registry.Op.run), so casting
    # NaN or out-of-range values to integers does not warn.
    return _backend.array(x).astype(DstT._np)


@_cast.vjp
def _cast_vjp(g, out, x, *, DstT, needs):  # noqa: N803 - TF's attr name
    # Gradients pass between floating/complex types only (TF's _CastGrad).
    if x._dtype in INEXACT and DstT in INEXACT:
        return cast(g, x._dtype)
    return None


@_cast.jvp
def _cast_jvp(t, out, x, *, DstT):  # noqa: N803 - TF's attr name
    return cast(t[0], DstT)


def cast(x, dtype, name=None):
    """Casts `x` to `dtype`. Floats cast to integers truncate toward zero; complex
    to real keeps the real part, as in TensorFlow.

    >>> tf.cast(tf.constant(1.7), tf.int32)
    <tf.Tensor: shape=(), dtype=int32, numpy=1>
    """
    dtype = _dt.as_dtype(dtype)
    x = convert_to_tensor(x)
    if x._dtype is dtype:
        return x
    if x._dtype.is_complex and not dtype.is_complex:
        warn(
            "You are casting an input of type %s to an incompatible dtype %s.  This will "
            "discard the imaginary part and may not be what you intended.",
            x._dtype.name,
            dtype.name,
        )
    return _cast(x, DstT=dtype)


# -- creation helpers used by rules --------------------------------------------------------


@op("ZerosLike", dtypes=_dt.ANY, differentiable=False, no_sample="constant output")
def _zeros_like(x):
    if _backend.is_foreign(x):
        return _backend.zeros_like(x)  # the cheap way to build Dask's zeros
    return np.zeros_like(x)


@op("OnesLike", dtypes=_dt.ANY, differentiable=False, no_sample="constant output")
def _ones_like(x):
    if _backend.is_foreign(x):
        return _backend.ones_like(x)
    return np.ones_like(x)


def zeros_like(input, dtype=None, name=None):
    """A tensor of zeros with the shape (and by default the dtype) of `input`."""
    t = _zeros_like(input)
    return t if dtype is None else cast(t, dtype)


def ones_like(input, dtype=None, name=None):
    """A tensor of ones with the shape (and by default the dtype) of `input`."""
    t = _ones_like(input)
    return t if dtype is None else cast(t, dtype)


__all__ = [
    "abs",
    "add",
    "cast",
    "complex",
    "conj",
    "divide",
    "equal",
    "exp",
    "floordiv",
    "floormod",
    "greater",
    "greater_equal",
    "imag",
    "less",
    "less_equal",
    "log",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "multiply",
    "negative",
    "not_equal",
    "ones_like",
    "pow",
    "real",
    "realdiv",
    "reciprocal",
    "rsqrt",
    "sign",
    "sqrt",
    "square",
    "subtract",
    "truediv",
    "where_v2",
    "zeros_like",
]
