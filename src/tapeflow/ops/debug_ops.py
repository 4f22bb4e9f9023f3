"""`tf.debugging`'s ops: the CheckNumerics op and the assertions.

Assertions run eagerly: they return None (or the checked tensor) when the
condition holds and raise TF's exception class with TF's message otherwise.
`enable_check_numerics`, which checks every op's output, is diagnostics
machinery: tapeflow/_diagnostics/numerics.py.
"""

from __future__ import annotations

import numpy as np

from .._core import dtypes as _dt
from .._core import tape as _tape
from .._core.errors import InvalidArgumentError, invalid_argument
from .._core.registry import op
from .._core.tensor import Tensor, convert_to_tensor
from . import math_ops as _math
from .array_ops import reshape
from .reduction_ops import reduce_all
from .samples import cases

# -- check_numerics --------------------------------------------------------------------------


def _non_finite_kinds(x: np.ndarray, signed: bool = False) -> str:
    """TF's wording for what was found: "NaN", "Inf", "Inf and NaN" (signed: "-Inf", "+Inf")."""
    kinds = []
    if signed:
        kinds += [
            k for k, hit in (("-Inf", np.isneginf(x).any()), ("+Inf", np.isposinf(x).any())) if hit
        ]
    elif np.isinf(x).any():
        kinds.append("Inf")
    if np.isnan(x).any():
        kinds.append("NaN")
    return " and ".join(kinds)


@op("CheckNumerics", dtypes=_dt.FLOATING, sample=cases(([(2, 3)], {"message": "x"})))
def _check_numerics(tensor, *, message):
    if not np.isfinite(tensor).all():
        kinds = _non_finite_kinds(tensor)
        raise invalid_argument(f"{message} : Tensor had {kinds} values")
    return tensor


@_check_numerics.vjp
def _check_numerics_vjp(g, out, tensor, *, message, needs):
    # d(out)/d(tensor) = 1; like TF, the incoming gradient is checked too.
    gradient_message = (
        f"Not a number (NaN) or infinity (Inf) values detected in gradient. {message.encode()!r}"
    )
    return _check_numerics(g, message=gradient_message)


@_check_numerics.jvp
def _check_numerics_jvp(t, out, tensor, *, message):
    return t[0]


def check_numerics(tensor, message, name=None):
    """Returns `tensor` unchanged if it holds no NaN or infinity; its gradient passes through.

    Args:
      tensor: a floating-point tensor.
      message: a string that starts the error message.

    Raises:
      InvalidArgumentError: if `tensor` holds NaN or Inf (`"<message> : Tensor had NaN
        values"`) or is not floating-point; during backprop, if the gradient does.
      TypeError: if `message` is not a string.

    >>> tf.debugging.check_numerics(tf.constant([1.0, 2.0]), "x")
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>
    """
    if not isinstance(message, str):
        raise TypeError(f"Expected string for argument 'message' not {message!r}.")
    return _check_numerics(tensor, message=message)


def assert_all_finite(x, message, name=None):
    """`check_numerics` under its assertion name: returns `x`, or raises InvalidArgumentError."""
    return check_numerics(x, message)


# -- assertions ------------------------------------------------------------------------------

_SUMMARIZE = 3  # TF's eager default number of elements shown in assertion messages
_ASSERTS = "it asserts on a tensor's value (tf.debugging)"


def _tensor(x) -> Tensor:
    return convert_to_tensor(x)


def _summary(x, summarize) -> str:
    """TF's assertion data: the first `summarize` elements, comma-separated."""
    flat = np.asarray(x._value).reshape(-1)
    n = _SUMMARIZE if summarize is None else summarize
    text = ", ".join(str(v) for v in flat[:n])
    return text + ", ..." if flat.size > n else text


def _false_condition(condition, data: list, summarize=None) -> InvalidArgumentError:
    """TF's `Assert` failure: the condition, then one line per data item."""
    items = []
    for d in data:
        if isinstance(d, (str, bytes)):
            items.append(repr(d.encode() if isinstance(d, str) else d))
        else:
            items.append(_summary(_tensor(d), summarize))
    return invalid_argument(
        f"Expected '{condition!s}' to be true. Summarized data: " + "\n".join(items)
    )


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TF's public name
    """Raises InvalidArgumentError, showing `data`, if `condition` (a scalar bool) is False.

    >>> tf.debugging.Assert(tf.constant(True), ["never shown"])
    """
    if isinstance(condition, Tensor):
        _tape.value_read(condition, _ASSERTS)
        # TF tests `not condition`, NumPy's truth value: an empty tensor is False, one of
        # several elements an error.
        value = np.asarray(condition._value)
        if value.size > 1:
            raise ValueError(
                "The truth value of an array with more than one element is ambiguous. Use "
                "a.any() or a.all()"
            )
        holds = bool(value.size and value.reshape(()))
    else:
        holds = bool(condition)
    if not holds:
        raise _false_condition(condition, list(data), summarize)


def _binary_assert(symbol: str, compare, x, y, message, summarize):
    x, y = _tensor(x), _tensor(y)
    compared = compare(x, y)  # TF's dtype and shape errors come from the op itself
    _tape.value_read(compared, _ASSERTS)
    holds = compared._value
    if np.all(holds):
        return None
    n = _SUMMARIZE if summarize is None else summarize
    xv, yv = np.asarray(x._value), np.asarray(y._value)
    lines = [message] if message else []
    lines.append(f"Condition x {symbol} y did not hold.")
    if xv.shape == yv.shape and xv.ndim > 0:
        where = np.argwhere(~np.asarray(holds))[:n]
        index = tuple(where.T)
        lines += [
            f"Indices of first {len(where)} different values:",
            str(where),
            "Corresponding x values:",
            str(xv[index]),
            "Corresponding y values:",
            str(yv[index]),
        ]
    for label, v in (("x", xv.reshape(-1)[:n]), ("y", yv.reshape(-1)[:n])):
        lines += [f"First {v.size} elements of {label}:", str(v)]
    raise invalid_argument("\n".join(lines))


def assert_equal(x, y, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless x == y elementwise (with broadcasting).

    The message shows the indices and values of the first `summarize` (3)
    differing elements, as TF's does.

    >>> tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1, 2]))
    """
    if x is y:  # TF's short cut: the same object is equal to itself, NaNs and None included
        return None
    return _binary_assert("==", _math.equal, x, y, message, summarize)


def assert_less(x, y, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless x < y elementwise."""
    return _binary_assert("<", _math.less, x, y, message, summarize)


def assert_less_equal(x, y, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless x <= y elementwise."""
    return _binary_assert("<=", _math.less_equal, x, y, message, summarize)


def assert_greater(x, y, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless x > y elementwise."""
    return _binary_assert(">", _math.greater, x, y, message, summarize)


def assert_greater_equal(x, y, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless x >= y elementwise."""
    return _binary_assert(">=", _math.greater_equal, x, y, message, summarize)


def assert_none_equal(x, y, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless x != y elementwise."""
    return _binary_assert("!=", _math.not_equal, x, y, message, summarize)


def _sign_assert(symbol: str, compare, x, message, summarize):
    x = _tensor(x)
    compared = compare(x, 0)
    _tape.value_read(compared, _ASSERTS)
    if np.all(compared._value):
        return None
    n = _SUMMARIZE if summarize is None else summarize
    flat = np.asarray(x._value).reshape(-1)
    shown = [str(v) for v in flat[:n]] + (["..."] if flat.size > n else [])
    prefix = f"{message}.  " if message else ""
    raise invalid_argument(
        f"{prefix}\nCondition x {symbol} 0 did not hold element-wise:\n"
        f"x (shape={x.shape} dtype={x.dtype.name}) = \n{shown}"
    )


def assert_positive(x, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless every element of x is > 0."""
    return _sign_assert(">", _math.greater, x, message, summarize)


def assert_negative(x, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless every element of x is < 0."""
    return _sign_assert("<", _math.less, x, message, summarize)


def assert_non_negative(x, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless every element of x is >= 0."""
    return _sign_assert(">=", _math.greater_equal, x, message, summarize)


def assert_non_positive(x, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless every element of x is <= 0."""
    return _sign_assert("<=", _math.less_equal, x, message, summarize)


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    """Raises InvalidArgumentError unless |x - y| <= atol + rtol * |y| elementwise.

    Args:
      x, y: floating or complex tensors of the same dtype (y is converted to x's).
      rtol, atol: tolerances; both default to 10 * eps of x's dtype, as in TF
        (1.19e-06 for float32, 2.22e-15 for float64, 0.009766 for float16).
      message: prefixes the error message.
      summarize: elements of x and y shown in the message (default 3).

    Raises:
      InvalidArgumentError: if the condition fails (NaN is never near anything).
      ValueError: for integer inputs, or a y of another dtype.

    >>> tf.debugging.assert_near(tf.constant(1.0), tf.constant(1.0 + 1e-7))
    """
    x = _tensor(x)
    try:
        y = convert_to_tensor(y, dtype=x.dtype)
    except ValueError as e:
        raise ValueError(f"y: {e}") from None
    np_dtype = x.dtype.as_numpy_dtype
    if not np.issubdtype(np_dtype, np.inexact):
        raise ValueError(f"data type {np_dtype} not inexact")
    real = x.dtype.real_dtype
    eps = 10 * np.finfo(np_dtype).eps
    rtol = convert_to_tensor(eps if rtol is None else rtol, dtype=real)
    atol = convert_to_tensor(eps if atol is None else atol, dtype=real)
    diff = _math.abs(_math.subtract(x, y))
    tolerance = _math.add(atol, _math.multiply(rtol, _math.abs(y)))
    close = _math.less_equal(diff, tolerance)
    _tape.value_read(close, _ASSERTS)
    if np.all(close._value):
        return None
    prefix = f"{message}.  " if message else ""
    raise _false_condition(
        convert_to_tensor(False),
        [
            prefix,
            f"x and y not equal to tolerance rtol = {rtol!s}, atol = {atol!s}",
            f"x (shape={x.shape} dtype={x.dtype.name}) = ",
            x,
            f"y (shape={y.shape} dtype={y.dtype.name}) = ",
            y,
        ],
        summarize,
    )


def assert_type(tensor, tf_type, message=None, name=None):
    """Raises TypeError unless `tensor` has dtype `tf_type`."""
    tf_type = _dt.as_dtype(tf_type)
    if not hasattr(tensor, "dtype"):
        tensor = convert_to_tensor(tensor)  # TF's conversion errors (ValueError for None)
    if tensor.dtype != tf_type:
        prefix = f"{message}.  " if message else ""
        raise TypeError(f"{prefix}tensor must be of type {tf_type!r}; got {tensor.dtype!r}")


def assert_rank(x, rank, message=None, name=None):
    """Raises ValueError unless `x` has rank `rank` (an int or scalar integer tensor).

    >>> tf.debugging.assert_rank(tf.constant([1, 2]), 1)
    """
    x = _tensor(x)
    rank_t = convert_to_tensor(rank)
    if rank_t.shape.rank != 0:
        raise ValueError("Rank must be a scalar.")
    if not rank_t.dtype.is_integer:
        raise TypeError(f"tensor must be of type tf.int32; got {rank_t.dtype!r}")
    _tape.value_read(rank_t, _ASSERTS)
    if x.ndim != int(rank_t._value):
        raise ValueError(_rank_message(message, int(rank_t._value), x))


def _rank_message(message, expected, x) -> str:
    prefix = f"{message}.  " if message else ""
    return f"{prefix}Tensor  must have rank {expected}.  Received rank {x.ndim}, shape {x.shape}"


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Raises ValueError unless every tensor matches its shape spec, with consistent symbols.

    A spec lists each dimension as an int (that size), None (any size) or a
    string symbol, which must have the same size wherever it appears. A first
    entry `...` or `"*"` stands for any number of leading dimensions. As in TF,
    a scalar satisfies a one-dimensional spec of size 1.

    Args:
      shapes: a list of `(tensor, spec)` pairs, or a dict from tensors (or
        their `.ref()`) to specs.
      data, summarize: accepted for TF compatibility.
      message: prefixes the error message.

    >>> tf.debugging.assert_shapes([(tf.ones([2, 3]), ("N", 3)), (tf.ones([2]), ("N",))])
    """
    items = shapes.items() if isinstance(shapes, dict) else shapes
    prefix = f"{message}.  " if message else ""
    sizes: dict = {}  # symbol -> (size, description of the tensor that set it, dimension)
    for x, spec in items:
        x = _tensor(x.deref() if hasattr(x, "deref") else x)
        spec = list(spec)
        described = f"shape={x.shape} dtype={x.dtype.name}"
        for i, d in enumerate(spec[1:], 1):
            if d is Ellipsis or d == "*":
                raise ValueError(
                    f"Tensor {described} specified shape index {i}.  Symbol `...` or `*` for a "
                    "variable number of unspecified dimensions is only allowed as the first entry"
                )
        shape = tuple(x.shape.as_list())
        if spec and (spec[0] is Ellipsis or spec[0] == "*"):
            spec = spec[1:]
            if len(shape) < len(spec):
                raise ValueError(
                    f"{prefix}Tensor  must have rank at least {len(spec)}.  Received rank "
                    f"{len(shape)}, shape {x.shape}"
                )
            first = -len(spec)  # dimensions are then numbered from the end
            shape = shape[len(shape) - len(spec) :]
        else:
            first = 0
            if len(spec) == 1 and not shape:
                shape = (1,)  # a scalar broadcasts to a one-dimensional spec
            if len(shape) != len(spec):
                ranks = "in (0, 1)" if len(spec) == 1 else str(len(spec))
                raise ValueError(
                    f"{prefix}Tensor  must have rank {ranks}.  Received rank {x.ndim}, "
                    f"shape {x.shape}"
                )
        for i, (want, got) in enumerate(zip(spec, shape), first):
            if want is None:
                continue
            if isinstance(want, str):
                if want not in sizes:
                    sizes[want] = (got, described, i)
                    continue
                size, origin, dim = sizes[want]
                source = f"Specified by tensor {origin} dimension {dim}"
            else:
                size, source = int(want), "Specified explicitly"
            if got != size:
                raise ValueError(
                    f"{prefix}{source}.  Tensor {described} dimension {i} must have size "
                    f"{size}.  Received size {got}, shape {x.shape}"
                )


# -- static checks: dtype, rank and iterability (eagerly they return None or raise) -----------


def _prefix(message) -> str:
    """TF's `_message_prefix`: "<message>.  " before the default text, if any."""
    return f"{message}.  " if message else ""


def assert_integer(x, message=None, name=None):
    """Raises TypeError unless `x` (converted to a tensor) has an integer dtype.

    >>> tf.debugging.assert_integer(tf.constant([1, 2]))
    """
    x = _tensor(x)
    if not x.dtype.is_integer:
        raise TypeError(
            f'{_prefix(message)}Expected "x" to be integer type.  Found: tensor of dtype {x.dtype}'
        )


def assert_scalar(tensor, message=None, name=None):
    """Raises ValueError unless `tensor` (converted to a tensor) has rank 0.

    >>> tf.debugging.assert_scalar(tf.constant(3.0))
    """
    tensor = _tensor(tensor)
    if tensor.shape.rank != 0:
        raise ValueError(f"{_prefix(message)}Expected scalar shape, saw shape: {tensor.shape}.")


def assert_proper_iterable(values):
    """Raises TypeError unless `values` is an iterable other than a tensor, array or string.

    >>> tf.debugging.assert_proper_iterable([1, 2])
    """
    if isinstance(values, (Tensor, np.ndarray, bytes, str)):
        raise TypeError(
            f'Expected argument "values" to be a "proper" iterable.  Found: {type(values)}'
        )
    if not hasattr(values, "__iter__"):
        raise TypeError(f'Expected argument "values" to be iterable.  Found: {type(values)}')


def _static_rank(rank) -> int:
    """A rank argument's value: TF requires an int32 scalar (TypeError, then ValueError)."""
    rank = convert_to_tensor(rank)
    assert_type(rank, _dt.int32)
    if rank.shape.rank != 0:
        raise ValueError("Rank must be a scalar.")
    _tape.value_read(rank, _ASSERTS)
    return int(rank._value)


def assert_rank_at_least(x, rank, message=None, name=None):
    """Raises ValueError unless `x` has rank `rank` (an int32 scalar) or more.

    >>> tf.debugging.assert_rank_at_least(tf.ones([2, 3]), 1)
    """
    x = _tensor(x)
    wanted = _static_rank(rank)
    if x.ndim < wanted:
        raise ValueError(
            f"{_prefix(message)}Tensor  must have rank at least {wanted}.  Received rank "
            f"{x.ndim}, shape {x.shape}"
        )


def assert_rank_in(x, ranks, message=None, name=None):
    """Raises ValueError unless the rank of `x` is one of `ranks` (int32 scalars).

    >>> tf.debugging.assert_rank_in(tf.ones([2, 3]), (1, 2))
    """
    x = _tensor(x)
    ranks = [convert_to_tensor(r) for r in ranks]
    for r in ranks:  # TF checks every dtype before any shape
        assert_type(r, _dt.int32)
    wanted = tuple(_static_rank(r) for r in ranks)
    if x.ndim not in wanted:
        raise ValueError(
            f"{_prefix(message)}Tensor  must have rank in {wanted}.  Received rank {x.ndim}, "
            f"shape {x.shape}"
        )


def assert_same_float_dtype(tensors=None, dtype=None):
    """Returns the floating dtype shared by `tensors` (Nones skipped) and `dtype`.

    Returns float32 when neither is given.

    Raises:
      ValueError: if the dtypes differ, or the common one is not floating-point.

    >>> tf.debugging.assert_same_float_dtype([tf.ones([2]), tf.zeros([1])])
    tf.float32
    """
    if tensors:
        expected, first = dtype, None
        for item in tensors:
            if item is None:
                continue
            item_type = item.dtype.base_dtype
            if not expected:
                expected, first = item_type, getattr(item, "name", None) or str(item)
            elif expected != item_type:
                described = getattr(item, "name", None) or str(item)
                origin = f" as {first}" if first else ""
                raise ValueError(
                    f"{described}, type={item_type}, must be of the same type ({expected}){origin}."
                )
        dtype = expected
    if not dtype:
        return _dt.float32
    if not dtype.is_floating:
        raise ValueError(f"Expected floating point type, got {dtype}.")
    return dtype


def is_numeric_tensor(tensor) -> bool:
    """Whether `tensor` is a tf.Tensor (not a variable, array or number) of numeric dtype.

    >>> tf.debugging.is_numeric_tensor(tf.constant(1.0))
    True
    """
    return (
        isinstance(tensor, Tensor) and tensor.dtype in _dt.NUMERIC
    )  # TF's NUMERIC_TYPES, less quantized


def _monotonic(x, compare):
    """reduce_all(compare(x[1:], x[:-1])) over x flattened in row-major order."""
    x = reshape(_tensor(x), [-1])
    if not is_numeric_tensor(x):
        raise TypeError(f"Expected x to be numeric, instead found: {x!s}")
    if x.shape[0] < 2:  # nothing to compare: reduce_all([]) is True
        return reduce_all(convert_to_tensor([], dtype=_dt.bool))
    return reduce_all(compare(x[1:], x[:-1]))


def is_non_decreasing(x, name=None):
    """True (a bool scalar tensor) iff `x[i] <= x[i+1]` for every adjacent pair, row-major.

    >>> tf.math.is_non_decreasing(tf.constant([1.0, 1.0, 3.0]))
    <tf.Tensor: shape=(), dtype=bool, numpy=True>
    """
    return _monotonic(x, _math.greater_equal)


def is_strictly_increasing(x, name=None):
    """True (a bool scalar tensor) iff `x[i] < x[i+1]` for every adjacent pair, row-major.

    >>> tf.math.is_strictly_increasing(tf.constant([1.0, 2.0, 3.0]))
    <tf.Tensor: shape=(), dtype=bool, numpy=True>
    """
    return _monotonic(x, _math.greater)
