"""`keras.activations`, as Keras 3.15.1's TensorFlow backend computes them (tapeflow ops,
so every one is differentiable to any order)."""

from __future__ import annotations

import tapeflow as tf

from . import utils


def _tensor(x):
    return tf.convert_to_tensor(x)


def _mark_logits(output, x):
    # Keras tags softmax/sigmoid outputs with their logits (losses read `_keras_logits`).
    try:
        output._keras_logits = x
    except AttributeError:
        pass
    return output


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0), with Keras' options: a `negative_slope` below `threshold`, values at or
    below `threshold` zeroed, and a cap at `max_value`."""
    x = _tensor(x)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return tf.nn.leaky_relu(x, alpha=negative_slope)
        negative_part = tf.nn.relu(-x + threshold) if threshold != 0 else tf.nn.relu(-x)
    clip_max = max_value is not None
    if threshold != 0:
        threshold = tf.cast(threshold, x.dtype)
        x = tf.where(x > threshold, x, tf.zeros_like(x))
    elif max_value == 6:
        x = tf.nn.relu6(x)
        clip_max = False
    else:
        x = tf.nn.relu(x)
    if clip_max:
        x = tf.clip_by_value(x, tf.cast(0.0, x.dtype), tf.cast(max_value, x.dtype))
    if negative_slope != 0.0:
        x -= negative_slope * negative_part
    return x


def leaky_relu(x, negative_slope=0.2):
    """x for x >= 0, `negative_slope * x` below."""
    return tf.nn.leaky_relu(_tensor(x), alpha=negative_slope)


def relu6(x):
    """min(max(x, 0), 6)."""
    return tf.nn.relu6(_tensor(x))


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis` (None: over all elements)."""
    x = _tensor(x)
    if axis is None:
        output = tf.reshape(tf.nn.softmax(tf.reshape(x, [-1])), tf.shape(x))
    else:
        output = tf.nn.softmax(x, axis=axis)
    return _mark_logits(output, x)


def log_softmax(x, axis=-1):
    """x - logsumexp(x) along `axis` (None: over all elements)."""
    x = _tensor(x)
    if axis is None:
        return tf.reshape(tf.nn.log_softmax(tf.reshape(x, [-1])), tf.shape(x))
    return tf.nn.log_softmax(x, axis=axis)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) below."""
    x = _tensor(x)
    res = tf.nn.elu(x)
    return res if alpha == 1 else tf.where(x > 0, res, alpha * res)


def selu(x):
    """Scaled ELU (scale 1.0507..., alpha 1.6732...)."""
    return tf.nn.selu(_tensor(x))


def softplus(x):
    """log(exp(x) + 1)."""
    return tf.math.softplus(_tensor(x))


def softsign(x):
    """x / (|x| + 1)."""
    return tf.nn.softsign(_tensor(x))


def silu(x):
    """x * sigmoid(x) (also `swish`)."""
    return tf.nn.silu(_tensor(x))


swish = silu


def gelu(x, approximate=False):
    """x * Phi(x) (exact, by erf), or the tanh approximation with `approximate=True`."""
    return tf.nn.gelu(_tensor(x), approximate=approximate)


def tanh(x):
    """Hyperbolic tangent."""
    return tf.math.tanh(_tensor(x))


def sigmoid(x):
    """1 / (1 + exp(-x))."""
    x = _tensor(x)
    return _mark_logits(tf.math.sigmoid(x), x)


def exponential(x):
    """exp(x)."""
    return tf.math.exp(_tensor(x))


def hard_sigmoid(x):
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between."""
    x = _tensor(x)
    return tf.nn.relu6(x + tf.constant(3.0, x.dtype)) / tf.constant(6.0, x.dtype)


def linear(x):
    """The identity (what `get(None)` gives)."""
    return x


def mish(x):
    """x * tanh(softplus(x))."""
    x = _tensor(x)
    return x * tf.math.tanh(tf.math.softplus(x))


def celu(x, alpha=1.0):
    """max(x, 0) + alpha * expm1(min(x, 0) / alpha)."""
    x = _tensor(x)
    zero = tf.zeros([], x.dtype)
    return tf.maximum(x, zero) + alpha * tf.math.expm1(tf.minimum(x, zero) / alpha)


def glu(x, axis=-1):
    """a * sigmoid(b) for the two halves a, b of `x` along `axis`.

    Raises:
      ValueError: if that axis has odd size.
    """
    x = _tensor(x)
    if x.shape[axis] % 2 != 0:
        raise ValueError(
            "axis size must be divisible by 2. "
            f"Received: x.shape={tuple(x.shape.as_list())} with axis={axis}"
        )
    a, b = tf.split(x, num_or_size_splits=2, axis=axis)
    return a * tf.math.sigmoid(b)


def hard_shrink(x, threshold=0.5):
    """x where |x| > threshold, else 0."""
    x = _tensor(x)
    return tf.where(tf.abs(x) > threshold, x, tf.zeros_like(x))


def hard_silu(x):
    """x * hard_sigmoid(x) (also `hard_swish`)."""
    x = _tensor(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def hard_tanh(x):
    """x clipped to [-1, 1]."""
    x = _tensor(x)
    return tf.clip_by_value(x, tf.constant(-1.0, x.dtype), tf.constant(1.0, x.dtype))


def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x)."""
    return -tf.math.softplus(-_tensor(x))


def soft_shrink(x, threshold=0.5):
    """x - threshold above threshold, x + threshold below -threshold, else 0."""
    x = _tensor(x)
    inner = tf.where(x < -threshold, x + threshold, tf.zeros_like(x))
    return tf.where(x > threshold, x - threshold, inner)


def sparse_plus(x):
    """0 for x <= -1, (x + 1)**2 / 4 for -1 < x < 1, x above."""
    x = _tensor(x)
    inner = tf.where(x < 1, (1 / 4) * tf.pow(x + 1, 2), x)
    return tf.where(x <= -1, tf.zeros_like(x), inner)


def sparse_sigmoid(x):
    """0 for x <= -1, 1 for x >= 1, (x + 1) / 2 between."""
    x = _tensor(x)
    inner = tf.where(x >= 1, tf.ones_like(x), 0.5 * (x + 1))
    return tf.where(x <= -1, tf.zeros_like(x), inner)


def sparsemax(x, axis=-1):
    """Sparsemax (Martins et al., 2016), as Keras' TensorFlow backend computes it."""
    logits = _tensor(x)
    ordered = tf.sort(logits, direction="DESCENDING", axis=axis)
    cumsum = tf.cumsum(ordered, axis=axis)
    r = tf.range(1, logits.shape[axis] + 1, dtype=logits.dtype)
    r_shape = [1] * logits.shape.rank
    r_shape[axis] = -1
    r = tf.reshape(r, r_shape)
    support = ordered - (cumsum - 1) / r > 0
    cumsum_safe = tf.where(support, cumsum, tf.zeros_like(cumsum))
    k = tf.reduce_sum(tf.cast(support, logits.dtype), axis=axis, keepdims=True)
    tau = (tf.reduce_sum(cumsum_safe, axis=axis, keepdims=True) - 1) / k
    return tf.maximum(logits - tau, tf.zeros([], logits.dtype))


def squareplus(x, b=4):
    """(x + sqrt(x**2 + b)) / 2."""
    x = _tensor(x)
    b = tf.convert_to_tensor(b, dtype=x.dtype)
    return (x + tf.sqrt(tf.square(x) + b)) / 2


def tanh_shrink(x):
    """x - tanh(x)."""
    x = _tensor(x)
    return x - tf.math.tanh(x)


def threshold(x, threshold, default_value):
    """x where x > threshold, else `default_value`."""
    x = _tensor(x)
    return tf.where(x > threshold, x, tf.cast(default_value, x.dtype))


_FUNCTIONS = [
    relu, leaky_relu, relu6, softmax, elu, selu, softplus, softsign, silu, gelu, tanh,
    sigmoid, exponential, hard_sigmoid, linear, mish, log_softmax, celu, glu, hard_shrink,
    hard_silu, hard_tanh, log_sigmoid, soft_shrink, sparse_plus, sparse_sigmoid, sparsemax,
    squareplus, tanh_shrink, threshold,
]  # fmt: skip
ALL_OBJECTS = {fn.__name__: fn for fn in _FUNCTIONS}
ALL_OBJECTS["swish"] = silu
ALL_OBJECTS["hard_swish"] = hard_silu


def serialize(activation):
    """A built-in activation's name (`swish` serializes as `'silu'`); for another function,
    Keras' dict naming it (module `'builtins'`, registered name `'function'`, as Keras 3.15
    writes them)."""
    name = getattr(activation, "__name__", None)
    if ALL_OBJECTS.get(name) is activation:
        return name
    if not callable(activation):
        raise TypeError(f"argument of type '{type(activation).__name__}' is not iterable")
    return {
        "module": "builtins",
        "class_name": "function",
        "config": name,
        "registered_name": "function",
    }


def deserialize(config, custom_objects=None):
    """The activation named by `config` (a name or Keras' function dict)."""
    objects = {**ALL_OBJECTS, **(custom_objects or {})}
    return utils.deserialize_object(config, objects)


def get(identifier):
    """An activation from a name, a dict or a callable; None gives `linear`."""
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS.get(identifier, None)
    else:
        obj = identifier
    if callable(obj):
        return obj
    raise ValueError(f"Could not interpret activation function identifier: {identifier}")
