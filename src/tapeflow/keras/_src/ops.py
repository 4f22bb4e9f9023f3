"""`keras.ops`: Keras 3's backend-agnostic operations, on tapeflow ops.

Keras' ops follow NumPy's signatures (`mean(x, axis=None, keepdims=False)`,
`concatenate(xs, axis=0)`) and Keras' dtype promotion (JAX-like: an int tensor with a float
tensor gives the float dtype, a Python float is weak and gives `floatx()` with ints, a
Python int takes the tensor's dtype), not TF's strict dtypes. On KerasTensors each op records
a node (see `keras_tensor.keras_op`), so they build Functional models. Gradients flow through
every op (they are tapeflow ops).
"""

from __future__ import annotations

import builtins

import numpy as np

import tapeflow as tf

from .backend import floatx
from .keras_tensor import KerasTensor, keras_op
from .variable import Variable, standardize_dtype

__all__: list = []  # filled at the end of the module
_FLOATS = ("bfloat16", "float16", "float32", "float64")


def _dtype_of(x):
    if isinstance(x, (Variable, KerasTensor)):
        return x.dtype
    if tf.is_tensor(x):
        return x.dtype.name
    if isinstance(x, np.ndarray) or isinstance(x, np.generic):
        return standardize_dtype(x.dtype)
    return None


def result_type(*values) -> str:
    """The dtype Keras' promotion gives `values` (tensors strong, Python scalars weak)."""
    strong = [d for d in (_dtype_of(v) for v in values) if d is not None]
    weak = [v for v in values if _dtype_of(v) is None]
    has_weak_float = builtins.any(isinstance(v, float) for v in weak)
    has_weak_int = builtins.any(isinstance(v, int) and not isinstance(v, bool) for v in weak)
    if not strong:
        if has_weak_float:
            return floatx()
        if has_weak_int:
            return "int32"
        return "bool" if weak else floatx()
    floats = [d for d in strong if d in _FLOATS]
    if floats:
        return builtins.max(floats, key=_FLOATS.index)
    if has_weak_float:
        return floatx()
    ints = [d for d in strong if d != "bool"]
    if not ints:
        return "int32" if has_weak_int else "bool"
    out = np.dtype(ints[0])
    for d in ints[1:]:
        out = np.promote_types(out, np.dtype(d))
    return out.name


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A tapeflow tensor (Keras variables read; `dtype` casts, as Keras' does)."""
    if isinstance(x, Variable):
        x = x.value
    if dtype is not None:
        dtype = standardize_dtype(dtype)
        if tf.is_tensor(x) or isinstance(x, tf.Variable):
            x = tf.convert_to_tensor(x)
            return x if x.dtype.name == dtype else tf.cast(x, dtype)
        return (
            tf.convert_to_tensor(np.asarray(x), dtype=dtype)
            if isinstance(x, (list, tuple))
            and not builtins.any(tf.is_tensor(v) for v in tf.nest.flatten(x))
            else tf.cast(tf.convert_to_tensor(x), dtype)
        )
    return tf.convert_to_tensor(x)


def convert_to_numpy(x):
    if isinstance(x, (Variable,)):
        return x.numpy()
    if tf.is_tensor(x):
        return x.numpy()
    return np.asarray(x)


def is_tensor(x) -> bool:
    return tf.is_tensor(x)


def _promoted(*values):
    dtype = result_type(*values)
    return [convert_to_tensor(v, dtype) for v in values]


def _binary(name, fn):
    @keras_op(name)
    def op(x1, x2):
        a, b = _promoted(x1, x2)
        return fn(a, b)

    op.__name__ = op.__qualname__ = name
    return op


def _unary(name, fn, float_only=False):
    @keras_op(name)
    def op(x):
        x = convert_to_tensor(x)
        if float_only and not x.dtype.is_floating and not x.dtype.is_complex:
            x = tf.cast(x, floatx() if x.dtype.size <= 4 else "float64")
        return fn(x)

    op.__name__ = op.__qualname__ = name
    return op


add = _binary("add", tf.add)
subtract = _binary("subtract", tf.subtract)
multiply = _binary("multiply", tf.multiply)
maximum = _binary("maximum", tf.maximum)
minimum = _binary("minimum", tf.minimum)
power = _binary("power", tf.pow)
mod = _binary("mod", tf.math.floormod)
floor_divide = _binary("floor_divide", tf.math.floordiv)
equal = _binary("equal", tf.equal)
not_equal = _binary("not_equal", tf.not_equal)
less = _binary("less", tf.less)
less_equal = _binary("less_equal", tf.less_equal)
greater = _binary("greater", tf.greater)
greater_equal = _binary("greater_equal", tf.greater_equal)
arctan2 = _binary("arctan2", tf.math.atan2)


@keras_op("divide")
def divide(x1, x2):
    dtype = result_type(x1, x2)
    if dtype not in _FLOATS:  # ints divide in floatx (a weak float joins them in Keras)
        dtype = floatx()
    return tf.divide(convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype))


true_divide = divide


@keras_op("divide_no_nan")
def divide_no_nan(x1, x2):
    dtype = result_type(x1, x2)
    if dtype not in _FLOATS:
        dtype = floatx()
    return tf.math.divide_no_nan(convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype))


@keras_op("logical_and")
def logical_and(x1, x2):
    return tf.logical_and(convert_to_tensor(x1, "bool"), convert_to_tensor(x2, "bool"))


@keras_op("logical_or")
def logical_or(x1, x2):
    return tf.logical_or(convert_to_tensor(x1, "bool"), convert_to_tensor(x2, "bool"))


@keras_op("logical_xor")
def logical_xor(x1, x2):
    return tf.math.logical_xor(convert_to_tensor(x1, "bool"), convert_to_tensor(x2, "bool"))


@keras_op("logical_not")
def logical_not(x):
    return tf.logical_not(convert_to_tensor(x, "bool"))


abs = _unary("absolute", tf.abs)  # noqa: A001 - Keras' name
absolute = abs
negative = _unary("negative", tf.negative)
sign = _unary("sign", tf.sign)
square = _unary("square", tf.square)
floor = _unary("floor", tf.floor, float_only=True)
ceil = _unary("ceil", tf.math.ceil, float_only=True)
exp = _unary("exp", tf.exp, float_only=True)
expm1 = _unary("expm1", tf.math.expm1, float_only=True)
log = _unary("log", tf.math.log, float_only=True)
log1p = _unary("log1p", tf.math.log1p, float_only=True)
sqrt = _unary("sqrt", tf.sqrt, float_only=True)
rsqrt = _unary("rsqrt", tf.math.rsqrt, float_only=True)
sin = _unary("sin", tf.sin, float_only=True)
cos = _unary("cos", tf.cos, float_only=True)
tan = _unary("tan", tf.tan, float_only=True)
sinh = _unary("sinh", tf.sinh, float_only=True)
cosh = _unary("cosh", tf.cosh, float_only=True)
tanh = _unary("tanh", tf.tanh, float_only=True)
arcsin = _unary("arcsin", tf.asin, float_only=True)
arccos = _unary("arccos", tf.acos, float_only=True)
arctan = _unary("arctan", tf.atan, float_only=True)
arcsinh = _unary("arcsinh", tf.asinh, float_only=True)
arccosh = _unary("arccosh", tf.acosh, float_only=True)
arctanh = _unary("arctanh", tf.atanh, float_only=True)
erf = _unary("erf", tf.math.erf, float_only=True)
reciprocal = _unary("reciprocal", tf.math.reciprocal, float_only=True)
isnan = _unary("isnan", lambda x: tf.math.is_nan(x) if x.dtype.is_floating else tf.zeros_like(
    x, dtype="bool"))  # fmt: skip
isinf = _unary("isinf", lambda x: tf.math.is_inf(x) if x.dtype.is_floating else tf.zeros_like(
    x, dtype="bool"))  # fmt: skip
isfinite = _unary("isfinite", lambda x: tf.math.is_finite(x) if x.dtype.is_floating else
                  tf.ones_like(x, dtype="bool"))  # fmt: skip
sigmoid = _unary("sigmoid", tf.sigmoid, float_only=True)
relu = _unary("relu", tf.nn.relu)
relu6 = _unary("relu6", tf.nn.relu6)
softplus = _unary("softplus", tf.nn.softplus, float_only=True)
softsign = _unary("softsign", tf.nn.softsign, float_only=True)
silu = _unary("silu", tf.nn.silu, float_only=True)
swish = silu
selu = _unary("selu", tf.nn.selu, float_only=True)
log_sigmoid = _unary("log_sigmoid", lambda x: -tf.nn.softplus(-x), float_only=True)


@keras_op("round")
def round(x, decimals=0):  # noqa: A001 - Keras' name
    x = convert_to_tensor(x)
    if decimals == 0:
        return tf.round(x)
    factor = tf.cast(10.0**decimals, x.dtype)
    return tf.round(x * factor) / factor


@keras_op("elu")
def elu(x, alpha=1.0):
    x = convert_to_tensor(x)
    out = tf.nn.elu(x)
    return out if alpha == 1.0 else tf.where(x > 0, x, alpha * out)


@keras_op("leaky_relu")
def leaky_relu(x, negative_slope=0.2):
    return tf.nn.leaky_relu(convert_to_tensor(x), alpha=negative_slope)


@keras_op("gelu")
def gelu(x, approximate=True):
    return tf.nn.gelu(convert_to_tensor(x), approximate=approximate)


@keras_op("softmax")
def softmax(x, axis=-1):
    return tf.nn.softmax(convert_to_tensor(x), axis=axis)


@keras_op("log_softmax")
def log_softmax(x, axis=-1):
    return tf.nn.log_softmax(convert_to_tensor(x), axis=axis)


@keras_op("hard_sigmoid")
def hard_sigmoid(x):
    x = convert_to_tensor(x)
    return tf.clip_by_value(x / 6.0 + 0.5, 0.0, 1.0)


@keras_op("clip")
def clip(x, x_min, x_max):
    x = convert_to_tensor(x)
    dtype = "int32" if x.dtype.name == "bool" else x.dtype.name
    x = tf.cast(x, dtype) if x.dtype.name != dtype else x
    return tf.clip_by_value(x, tf.cast(x_min, dtype), tf.cast(x_max, dtype))


# -- reductions --------------------------------------------------------------------------------
def _reduction(name, fn, float_result=False):
    @keras_op(name)
    def op(x, axis=None, keepdims=False):
        x = convert_to_tensor(x)
        if float_result and not x.dtype.is_floating:
            x = tf.cast(x, floatx())
        if name in ("sum", "prod") and x.dtype.name == "bool":
            x = tf.cast(x, "int32")
        return fn(x, axis=_axis(axis), keepdims=keepdims)

    op.__name__ = op.__qualname__ = name
    return op


def _axis(axis):
    if isinstance(axis, tuple):
        return list(axis)
    return axis


sum = _reduction("sum", tf.reduce_sum)  # noqa: A001 - Keras' name
prod = _reduction("prod", tf.reduce_prod)
mean = _reduction("mean", tf.reduce_mean, float_result=True)
max = _reduction("max", tf.reduce_max)  # noqa: A001
min = _reduction("min", tf.reduce_min)  # noqa: A001
amax = max
amin = min
logsumexp = _reduction("logsumexp", tf.reduce_logsumexp, float_result=True)


@keras_op("all")
def all(x, axis=None, keepdims=False):  # noqa: A001
    return tf.reduce_all(convert_to_tensor(x, "bool"), axis=_axis(axis), keepdims=keepdims)


@keras_op("any")
def any(x, axis=None, keepdims=False):  # noqa: A001
    return tf.reduce_any(convert_to_tensor(x, "bool"), axis=_axis(axis), keepdims=keepdims)


@keras_op("var")
def var(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    if not x.dtype.is_floating:
        x = tf.cast(x, floatx())
    return tf.math.reduce_variance(x, axis=_axis(axis), keepdims=keepdims)


@keras_op("std")
def std(x, axis=None, keepdims=False):
    return sqrt(var(x, axis=axis, keepdims=keepdims))


@keras_op("argmax")
def argmax(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    if axis is None:
        out = tf.argmax(tf.reshape(x, [-1]), axis=0, output_type="int32")
        return tf.reshape(out, [1] * x.shape.rank) if keepdims else out
    out = tf.argmax(x, axis=axis, output_type="int32")
    return tf.expand_dims(out, axis) if keepdims else out


@keras_op("argmin")
def argmin(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    if axis is None:
        out = tf.argmin(tf.reshape(x, [-1]), axis=0, output_type="int32")
        return tf.reshape(out, [1] * x.shape.rank) if keepdims else out
    out = tf.argmin(x, axis=axis, output_type="int32")
    return tf.expand_dims(out, axis) if keepdims else out


@keras_op("cumsum")
def cumsum(x, axis=None, dtype=None):
    x = convert_to_tensor(x, dtype)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.cumsum(x, axis=axis)


@keras_op("cumprod")
def cumprod(x, axis=None, dtype=None):
    x = convert_to_tensor(x, dtype)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.math.cumprod(x, axis=axis)


@keras_op("count_nonzero")
def count_nonzero(x, axis=None):
    return tf.cast(tf.math.count_nonzero(convert_to_tensor(x), axis=_axis(axis)), "int32")


@keras_op("average")
def average(x, axis=None, weights=None):
    dtype = result_type(x) if weights is None else result_type(x, weights)
    if dtype not in _FLOATS:
        dtype = floatx()
    x = convert_to_tensor(x, dtype)
    if weights is None:
        return tf.reduce_mean(x, axis=axis)
    w = convert_to_tensor(weights, dtype)
    if axis is not None and w.shape.rank == 1 and x.shape.rank > 1:
        shape = [1] * x.shape.rank
        shape[axis] = -1
        w = tf.reshape(w, shape)
    return tf.reduce_sum(x * w, axis=axis) / tf.reduce_sum(w * tf.ones_like(x), axis=axis)


# -- linear algebra ----------------------------------------------------------------------------
@keras_op("matmul")
def matmul(x1, x2):
    a, b = _promoted(x1, x2)
    if a.shape.rank == 1 or b.shape.rank == 1:
        return tf.tensordot(a, b, [[a.shape.rank - 1], [0 if b.shape.rank == 1 else
                                                        b.shape.rank - 2]])  # fmt: skip
    return tf.matmul(a, b)


@keras_op("dot")
def dot(x1, x2):
    a, b = _promoted(x1, x2)
    if a.shape.rank == 0 or b.shape.rank == 0:
        return a * b
    if b.shape.rank == 1:
        return tf.tensordot(a, b, [[a.shape.rank - 1], [0]])
    return tf.tensordot(a, b, [[a.shape.rank - 1], [b.shape.rank - 2]])


@keras_op("tensordot")
def tensordot(x1, x2, axes=2):
    a, b = _promoted(x1, x2)
    return tf.tensordot(a, b, axes)


@keras_op("einsum")
def einsum(subscripts, *operands):
    return tf.einsum(subscripts, *_promoted(*operands))


@keras_op("outer")
def outer(x1, x2):
    a, b = _promoted(x1, x2)
    return tf.reshape(a, [-1, 1]) * tf.reshape(b, [1, -1])


@keras_op("transpose")
def transpose(x, axes=None):
    return tf.transpose(convert_to_tensor(x), perm=axes)


@keras_op("norm")
def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002
    x = convert_to_tensor(x)
    if not x.dtype.is_floating:
        x = tf.cast(x, floatx())
    return tf.norm(x, ord="euclidean" if ord is None else ord, axis=axis, keepdims=keepdims)


# -- shapes and creation -----------------------------------------------------------------------
def shape(x) -> tuple:
    """The static shape as a tuple (None for unknown dimensions), as Keras' TF backend."""
    if isinstance(x, KerasTensor):
        return x.shape
    return tuple(convert_to_tensor(x).shape.as_list())


def ndim(x) -> int:
    return len(shape(x))


def size(x):
    return tf.size(convert_to_tensor(x))


def dtype(x) -> str:
    return standardize_dtype(_dtype_of(x) or convert_to_tensor(x).dtype.name)


@keras_op("cast")
def cast(x, dtype):
    x = convert_to_tensor(x)
    dtype = standardize_dtype(dtype)
    return x if x.dtype.name == dtype else tf.cast(x, dtype)


@keras_op("reshape")
def reshape(x, newshape):
    return tf.reshape(convert_to_tensor(x), newshape)


@keras_op("expand_dims")
def expand_dims(x, axis):
    x = convert_to_tensor(x)
    for a in sorted(axis) if isinstance(axis, (list, tuple)) else [axis]:
        x = tf.expand_dims(x, a)
    return x


@keras_op("squeeze")
def squeeze(x, axis=None):
    return tf.squeeze(convert_to_tensor(x), axis=axis)


@keras_op("ravel")
def ravel(x):
    return tf.reshape(convert_to_tensor(x), [-1])


@keras_op("concatenate")
def concatenate(xs, axis=0):
    return tf.concat(_promoted(*xs), axis=axis)


@keras_op("stack")
def stack(x, axis=0):
    return tf.stack(_promoted(*x), axis=axis)


@keras_op("unstack")
def unstack(x, num=None, axis=0):
    return tf.unstack(convert_to_tensor(x), num=num, axis=axis)


@keras_op("split")
def split(x, indices_or_sections, axis=0):
    x = convert_to_tensor(x)
    if isinstance(indices_or_sections, int):
        return tf.split(x, indices_or_sections, axis=axis)
    bounds = [0, *indices_or_sections, x.shape[axis]]
    return tf.split(x, [b - a for a, b in zip(bounds[:-1], bounds[1:])], axis=axis)


@keras_op("tile")
def tile(x, repeats):
    x = convert_to_tensor(x)
    repeats = [repeats] if isinstance(repeats, int) else list(repeats)
    if len(repeats) < x.shape.rank:
        repeats = [1] * (x.shape.rank - len(repeats)) + repeats
    elif len(repeats) > x.shape.rank:
        x = tf.reshape(x, [1] * (len(repeats) - x.shape.rank) + x.shape.as_list())
    return tf.tile(x, repeats)


@keras_op("repeat")
def repeat(x, repeats, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.repeat(x, repeats, axis=axis)


@keras_op("broadcast_to")
def broadcast_to(x, shape):
    return tf.broadcast_to(convert_to_tensor(x), shape)


@keras_op("flip")
def flip(x, axis=None):
    x = convert_to_tensor(x)
    axes = (
        list(range(x.shape.rank))
        if axis is None
        else (list(axis) if isinstance(axis, (list, tuple)) else [axis])
    )
    return tf.reverse(x, axes)


@keras_op("moveaxis")
def moveaxis(x, source, destination):
    x = convert_to_tensor(x)
    perm = [a for a in range(x.shape.rank) if a != source % x.shape.rank]
    perm.insert(destination % x.shape.rank, source % x.shape.rank)
    return tf.transpose(x, perm)


@keras_op("swapaxes")
def swapaxes(x, axis1, axis2):
    x = convert_to_tensor(x)
    perm = list(range(x.shape.rank))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return tf.transpose(x, perm)


@keras_op("pad")
def pad(x, pad_width, mode="constant", constant_values=None):
    x = convert_to_tensor(x)
    kwargs = {} if constant_values is None else {"constant_values": constant_values}
    return tf.pad(x, pad_width, mode=mode.upper(), **kwargs)


@keras_op("where")
def where(condition, x1=None, x2=None):
    condition = convert_to_tensor(condition, "bool")
    if x1 is None and x2 is None:
        return tuple(tf.unstack(tf.cast(tf.where(condition), "int32"), axis=1))
    a, b = _promoted(x1, x2)
    return tf.where(condition, a, b)


@keras_op("take")
def take(x, indices, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.gather(x, convert_to_tensor(indices), axis=axis)


@keras_op("take_along_axis")
def take_along_axis(x, indices, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    indices = convert_to_tensor(indices).numpy()
    axis = axis % x.shape.rank
    grids = list(np.meshgrid(*[np.arange(d) for d in indices.shape], indexing="ij"))
    grids[axis] = indices % x.shape[axis]
    return tf.gather_nd(x, np.stack(grids, axis=-1))


@keras_op("one_hot")
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    x = convert_to_tensor(x)
    return tf.one_hot(tf.cast(x, "int64"), num_classes, axis=axis, dtype=dtype or floatx())


@keras_op("top_k")
def top_k(x, k, sorted=True):  # noqa: A002
    return tf.math.top_k(convert_to_tensor(x), k=k, sorted=sorted)


@keras_op("sort")
def sort(x, axis=-1):
    return tf.sort(convert_to_tensor(x), axis=axis)


@keras_op("argsort")
def argsort(x, axis=-1):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = tf.reshape(x, [-1]), 0
    return tf.argsort(x, axis=axis, stable=True)


@keras_op("tril")
def tril(x, k=0):
    x = convert_to_tensor(x)
    n, m = x.shape.as_list()[-2:]
    mask = np.tril(np.ones((n, m), bool), k)
    return tf.where(mask, x, tf.zeros_like(x))


@keras_op("triu")
def triu(x, k=0):
    x = convert_to_tensor(x)
    n, m = x.shape.as_list()[-2:]
    mask = np.triu(np.ones((n, m), bool), k)
    return tf.where(mask, x, tf.zeros_like(x))


@keras_op("stop_gradient")
def stop_gradient(variable):
    return tf.stop_gradient(convert_to_tensor(variable))


def identity(n, dtype=None):
    """The `n` x `n` identity matrix (NumPy's `identity`, not `tf.identity`)."""
    return eye(n, dtype=dtype)


def ones(shape, dtype=None):
    return tf.ones(shape, dtype=standardize_dtype(dtype))


def zeros(shape, dtype=None):
    return tf.zeros(shape, dtype=standardize_dtype(dtype))


def full(shape, fill_value, dtype=None):
    return tf.fill(shape, tf.cast(fill_value, standardize_dtype(dtype)))


@keras_op("ones_like")
def ones_like(x, dtype=None):
    return tf.ones_like(convert_to_tensor(x), dtype=dtype)


@keras_op("zeros_like")
def zeros_like(x, dtype=None):
    return tf.zeros_like(convert_to_tensor(x), dtype=dtype)


@keras_op("full_like")
def full_like(x, fill_value, dtype=None):
    x = convert_to_tensor(x)
    dtype = standardize_dtype(dtype) if dtype is not None else x.dtype.name
    return tf.fill(tf.shape(x), tf.cast(fill_value, dtype))


def eye(N, M=None, k=0, dtype=None):  # noqa: N803 - Keras' names
    return tf.constant(np.eye(N, M, k), dtype=standardize_dtype(dtype))


def arange(start, stop=None, step=1, dtype=None):
    if dtype is None:
        dtype = result_type(start, *([] if stop is None else [stop]), step)
    if stop is None:
        start, stop = 0, start
    return tf.constant(np.arange(start, stop, step), dtype=standardize_dtype(dtype))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    values = np.linspace(start, stop, num, endpoint=endpoint, retstep=retstep, axis=axis)
    if retstep:
        values, step = values
        return tf.constant(values, dtype=standardize_dtype(dtype)), step
    return tf.constant(values, dtype=standardize_dtype(dtype))


def array(x, dtype=None):
    return convert_to_tensor(x, dtype=dtype)


# -- nn ----------------------------------------------------------------------------------------
@keras_op("categorical_crossentropy")
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = convert_to_tensor(target), convert_to_tensor(output)
    target = tf.cast(target, output.dtype)
    if from_logits:
        return -tf.reduce_sum(target * tf.nn.log_softmax(output, axis=axis), axis=axis)
    output = output / tf.reduce_sum(output, axis=axis, keepdims=True)
    eps = 1e-7
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    return -tf.reduce_sum(target * tf.math.log(output), axis=axis)


@keras_op("sparse_categorical_crossentropy")
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = convert_to_tensor(target), convert_to_tensor(output)
    depth = output.shape[axis]
    if target.shape.rank == output.shape.rank and target.shape[-1] == 1:
        target = tf.squeeze(target, axis=-1)
    return categorical_crossentropy(
        tf.one_hot(tf.cast(target, "int64"), depth, dtype=output.dtype), output,
        from_logits=from_logits, axis=axis,
    )  # fmt: skip


@keras_op("binary_crossentropy")
def binary_crossentropy(target, output, from_logits=False):
    target, output = convert_to_tensor(target), convert_to_tensor(output)
    target = tf.cast(target, output.dtype)
    if from_logits:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = 1e-7
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    return -(target * tf.math.log(output) + (1.0 - target) * tf.math.log(1.0 - output))


@keras_op("moments")
def moments(x, axes, keepdims=False, synchronized=False):
    x = convert_to_tensor(x)
    return tf.nn.moments(x, axes=list(axes), keepdims=keepdims)


# -- control flow ------------------------------------------------------------------------------
def cond(pred, true_fn, false_fn):
    return tf.cond(pred, true_fn, false_fn)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (tuple, list))
    loop_vars = tuple(loop_vars) if is_tuple else (loop_vars,)

    def _body(*args):
        out = body(*args)
        return tuple(out) if isinstance(out, (tuple, list)) else (out,)

    out = tf.while_loop(cond, _body, loop_vars, maximum_iterations=maximum_iterations)
    return out if is_tuple else out[0]


def fori_loop(lower, upper, body_fun, init_val):
    def _body(i, val):
        return i + 1, body_fun(i, val)

    _, out = tf.while_loop(lambda i, _: i < upper, _body, (tf.constant(lower), init_val))
    return out


def vectorized_map(function, elements):
    """`function` applied to each slice of `elements` along axis 0, results stacked."""
    return tf.map_fn(function, elements)


def map(f, xs):  # noqa: A001 - Keras' name
    return tf.map_fn(f, xs)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    carry = init
    ys = []
    n = length if xs is None else shape(tf.nest.flatten(xs)[0])[0]
    order = range(n - 1, -1, -1) if reverse else range(n)
    for i in order:
        x = None if xs is None else tf.nest.map_structure(lambda v, i=i: v[i], xs)
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    if ys and ys[0] is not None:
        stacked = tf.nest.map_structure(lambda *v: tf.stack(v), *ys)
    else:
        stacked = None
    return carry, stacked


__all__ = sorted(
    name
    for name, value in list(globals().items())
    if not name.startswith("_") and callable(value) and getattr(value, "__module__", "") == __name__
)
