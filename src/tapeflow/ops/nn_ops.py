"""Neural-network ops: activations, softmax and cross-entropies, normalisation, dropout.

Activations with a kink own their rules, which record TF's choice at the kink
(relu'(0) = 0, relu6' = 0 at 0 and 6, leaky_relu'(0) = alpha, elu'(0) = 1).
Softmax and the softmax cross-entropies are ops on the last axis whose rules are
built from Softmax/LogSoftmax, so higher orders come free; other axes are moved
last by the wrappers, as TF does. Everything TF writes as a Python composite
(gelu, silu, sigmoid cross-entropy, moments, l2_normalize, batch_normalization,
dropout) is the same composite here, so values and gradients follow TF's formula.
"""

from __future__ import annotations

import numpy as np

from .._core import backend as _backend
from .._core import dtypes as _dt
from .._core.errors import invalid_argument
from .._core.registry import op
from .._core.tensor import convert_like, convert_to_tensor, make
from ._util import batch_ndim, broadcast_like, normalize_axes
from .array_ops import _reshape, squeeze, stop_gradient, transpose
from .gather_ops import _one_hot, gather
from .math_ops import abs as abs_
from .math_ops import (
    cast,
    exp,
    greater,
    greater_equal,
    less,
    maximum,
    rsqrt,
    sqrt,
    square,
    where_v2,
    zeros_like,
)
from .math_ops import pow as power
from .random_ops import _random_uniform
from .reduction_ops import _sum, reduce_mean, reduce_sum
from .samples import Fixed, Uniform, cases, unary
from .special_ops import erfc, sigmoid
from .trig_ops import log1p, tanh

FLOATING = _dt.FLOATING
_RELU_DTYPES = _dt.REAL

# -- activations -----------------------------------------------------------------------------


@op("Relu", keeps=("out",), dtypes=_RELU_DTYPES, sample=unary(avoid=(0.0,)))
def relu(features):
    """Returns max(features, 0) elementwise. Its gradient at 0 is 0, as in TF."""
    return np.maximum(features, features.dtype.type(0))


@relu.vjp
def _relu_vjp(g, out, features, *, needs):
    return _relu_grad(g, out)


@relu.jvp
def _relu_jvp(t, out, features):
    return _relu_grad(t[0], out)


# The *Grad ops pass `gradients` where the activation's slope is 1 (alpha for leaky_relu).
# They are ops, as in TF, so that a second derivative is zeros rather than None.
_GRAD_SAMPLE = cases(([(2, 3), Uniform((2, 3), -2.0, 8.0, avoid=(0.0, 6.0))], {}))


@op("ReluGrad", dtypes=FLOATING, sample=_GRAD_SAMPLE)
def _relu_grad(gradients, features):
    # gradients * (features > 0), as TF's kernel computes it (NaN upstream stays NaN);
    # also far faster than np.where on an unpredictable mask.
    return gradients * (features > 0)


@_relu_grad.vjp
def _relu_grad_vjp(g, out, gradients, features, *, needs):
    return _relu_grad(g, features), zeros_like(g)  # linear in gradients; flat in features


@_relu_grad.jvp
def _relu_grad_jvp(t, out, gradients, features):
    if t[0] is None:  # flat in features: zeros, as TF's accumulator gives
        return zeros_like(t[1])
    return _relu_grad(t[0], features)


@op("Relu6", dtypes=_RELU_DTYPES, sample=unary(-2.0, 8.0, avoid=(0.0, 6.0)))
def relu6(features):
    """Returns min(max(features, 0), 6). Its gradient is 0 at both 0 and 6, as in TF."""
    return np.clip(features, features.dtype.type(0), features.dtype.type(6))


@relu6.vjp
def _relu6_vjp(g, out, features, *, needs):
    return _relu6_grad(g, features)


@relu6.jvp
def _relu6_jvp(t, out, features):
    return _relu6_grad(t[0], features)


@op("Relu6Grad", dtypes=FLOATING, sample=_GRAD_SAMPLE)
def _relu6_grad(gradients, features):
    inside = (features > 0) & (features < 6)
    return np.where(inside, gradients, gradients.dtype.type(0))


@_relu6_grad.vjp
def _relu6_grad_vjp(g, out, gradients, features, *, needs):
    return _relu6_grad(g, features), zeros_like(g)


@_relu6_grad.jvp
def _relu6_grad_jvp(t, out, gradients, features):
    if t[0] is None:  # flat in features
        return zeros_like(t[1])
    return _relu6_grad(t[0], features)


@op("LeakyRelu", dtypes=FLOATING, sample=cases(([Uniform((2, 3), avoid=(0.0,))], {"alpha": 0.2})))
def _leaky_relu(features, *, alpha=0.2):
    # alpha is a float32 attr in TF, so float64 inputs see its float32 rounding.
    return np.where(features > 0, features, features * features.dtype.type(np.float32(alpha)))


@_leaky_relu.vjp
def _leaky_relu_vjp(g, out, features, *, alpha=0.2, needs):
    return _leaky_relu_grad(g, features, alpha=alpha)


@_leaky_relu.jvp
def _leaky_relu_jvp(t, out, features, *, alpha=0.2):
    return _leaky_relu_grad(t[0], features, alpha=alpha)


@op(
    "LeakyReluGrad",
    dtypes=FLOATING,
    sample=cases(([(2, 3), Uniform((2, 3), avoid=(0.0,))], {"alpha": 0.3})),
)
def _leaky_relu_grad(gradients, features, *, alpha=0.2):
    return np.where(features > 0, gradients, gradients * gradients.dtype.type(np.float32(alpha)))


@_leaky_relu_grad.vjp
def _leaky_relu_grad_vjp(g, out, gradients, features, *, alpha=0.2, needs):
    return _leaky_relu_grad(g, features, alpha=alpha), zeros_like(g)


@_leaky_relu_grad.jvp
def _leaky_relu_grad_jvp(t, out, gradients, features, *, alpha=0.2):
    if t[0] is None:  # flat in features
        return zeros_like(t[1])
    return _leaky_relu_grad(t[0], features, alpha=alpha)


def leaky_relu(features, alpha=0.2, name=None):
    """Returns features where positive, else alpha * features. Integers become float32, and
    the gradient at 0 is alpha, as in TF.

    >>> tf.nn.leaky_relu(tf.constant([-1.0, 2.0]))
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([-0.2,  2. ], dtype=float32)>
    """
    features = convert_to_tensor(features)
    if features._dtype.is_integer:
        features = cast(features, _dt.float32)
    return _leaky_relu(features, alpha=float(alpha))


@op("Elu", dtypes=FLOATING, sample=unary(avoid=(0.0,)))
def elu(features):
    """Returns features where positive, else exp(features) - 1. Its gradient at 0 is 1."""
    return np.where(features > 0, features, np.expm1(np.minimum(features, 0)))


@elu.vjp
def _elu_vjp(g, out, features, *, needs):
    # d/dx = out + 1 where out < 0, else 1 (TF's EluGrad, from the output).
    return where_v2(less(out, 0), g * (out + 1), g)


@elu.jvp
def _elu_jvp(t, out, features):
    return where_v2(less(out, 0), t[0] * (out + 1), t[0])


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


@op("Selu", dtypes=FLOATING, sample=unary(avoid=(0.0,)))
def selu(features):
    """Returns scale * elu(features) with alpha scaled too (self-normalising ELU)."""
    dtype = features.dtype.type
    negative = dtype(_SELU_SCALE * _SELU_ALPHA) * np.expm1(np.minimum(features, 0))
    return np.where(features > 0, dtype(_SELU_SCALE) * features, negative)


@selu.vjp
def _selu_vjp(g, out, features, *, needs):
    # d/dx = out + scale * alpha where out < 0, else scale (so scale at 0, as in TF).
    return where_v2(less(out, 0), g * (out + _SELU_SCALE * _SELU_ALPHA), g * _SELU_SCALE)


@selu.jvp
def _selu_jvp(t, out, features):
    return where_v2(less(out, 0), t[0] * (out + _SELU_SCALE * _SELU_ALPHA), t[0] * _SELU_SCALE)


def gelu(features, approximate=False, name=None):
    """Gaussian error linear unit: x * Phi(x), or its tanh approximation. A composite of
    erfc (or tanh), as TF writes it.

    Raises:
      ValueError: for non-floating input.

    >>> tf.nn.gelu(tf.constant([0.0, 1.0]))
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([0.       , 0.8413447], dtype=float32)>
    """
    features = convert_to_tensor(features)
    if not features._dtype.is_floating:
        raise ValueError(
            "`features.dtype` must be a floating point tensor."
            f"Received:features.dtype={features._dtype!r}"
        )
    # TF casts its constants 0.044715 and 1/sqrt(2) from float32 tensors, so float64
    # results carry their float32 rounding; reproduced here. The exact form uses erfc,
    # which stays accurate for large negative inputs.
    if approximate:
        cubic = features + float(np.float32(0.044715)) * power(features, 3)
        return 0.5 * features * (1.0 + tanh(0.7978845608028654 * cubic))
    return 0.5 * features * erfc(-features * float(np.float32(0.7071067811865476)))


def silu(features, beta=1.0, name=None):
    """Sigmoid linear unit (swish): features * sigmoid(beta * features).

    >>> tf.nn.silu(tf.constant(0.0))
    <tf.Tensor: shape=(), dtype=float32, numpy=0.0>
    """
    features = convert_to_tensor(features)
    beta = cast(convert_to_tensor(beta), features.dtype)  # as TF: then Sigmoid checks dtypes
    return features * sigmoid(beta * features)


swish = silu

# -- softmax ---------------------------------------------------------------------------------


def _softmax_forward(logits):
    if logits.size == 0:
        return logits.copy()
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _log_softmax_forward(logits):
    if logits.size == 0:
        return logits.copy()
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


_LAST_AXIS_SAMPLE = cases(([(3,)], {}), ([(2, 4)], {}), ([(2, 2, 3)], {}))


@op("Softmax", dtypes=FLOATING, sample=_LAST_AXIS_SAMPLE)
def _softmax(logits):
    return _softmax_forward(logits)


@_softmax.vjp
def _softmax_vjp(g, out, logits, *, needs):
    return out * (g - reduce_sum(g * out, -1, keepdims=True))  # J = diag(s) - s s^T


@_softmax.jvp
def _softmax_jvp(t, out, logits):
    return out * (t[0] - reduce_sum(t[0] * out, -1, keepdims=True))


@op("LogSoftmax", dtypes=FLOATING, sample=_LAST_AXIS_SAMPLE)
def _log_softmax(logits):
    return _log_softmax_forward(logits)


@_log_softmax.vjp
def _log_softmax_vjp(g, out, logits, *, needs):
    return g - reduce_sum(g, -1, keepdims=True) * exp(out)  # J = I - 1 s^T


@_log_softmax.jvp
def _log_softmax_jvp(t, out, logits):
    return t[0] - reduce_sum(t[0] * exp(out), -1, keepdims=True)


def _float_axis_error(axis, ndim: int):
    """What TF's softmax does with a float axis: it builds its swap permutation with
    range ops, which fail (or give a float permutation that Transpose refuses)."""
    if axis < 0:  # TF adds the rank, an int32 tensor
        raise TypeError(f"Cannot convert {axis!r} to EagerTensor of dtype int32")
    axis %= ndim
    if axis + 1 > ndim - 1:
        raise invalid_argument(
            f"Requires start <= limit when delta > 0: {axis + 1}/{ndim - 1}", "Range"
        )
    raise invalid_argument(
        "Value for attr 'Tperm' of float is not in the list of allowed values: int32, int64",
        "Transpose",
    )


def _on_last_axis(fn, logits, axis, op_type: str):
    """Applies a last-axis op along `axis` by swapping it with the last one, as TF does."""
    logits = convert_to_tensor(logits)
    ndim = logits.ndim
    if ndim == 0:
        raise invalid_argument("logits must have >= 1 dimension, got []", op_type)
    if axis == -1 or axis == ndim - 1:
        return fn(logits)
    if not isinstance(axis, (int, np.integer)) and -ndim <= axis < ndim:
        _float_axis_error(axis, ndim)
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise invalid_argument(
            f"`dim` must be in the range [{-ndim}, {ndim}) where {ndim} is the number of "
            f"dimensions in the input. Received: dim={axis}"
        )
    axis %= ndim
    if axis == ndim - 1:
        return fn(logits)
    perm = list(range(ndim))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    return transpose(fn(transpose(logits, perm)), perm)


def softmax(logits, axis=None, name=None):
    """Computes exp(logits) / sum(exp(logits), axis), stably (axis=-1 by default).

    Raises:
      InvalidArgumentError: for a scalar, non-floating logits or an axis out of range.

    >>> tf.nn.softmax(tf.constant([0.0, 0.0]))
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([0.5, 0.5], dtype=float32)>
    """
    return _on_last_axis(_softmax, logits, -1 if axis is None else axis, "Softmax")


def log_softmax(logits, axis=None, name=None):
    """Computes logits - log(sum(exp(logits), axis)), stably (axis=-1 by default)."""
    return _on_last_axis(_log_softmax, logits, -1 if axis is None else axis, "LogSoftmax")


# -- cross-entropies -------------------------------------------------------------------------


def _expand_last(g):
    return _reshape(g, shape=np.shape(g._value) + (1,))


class _Distributions(Uniform):
    """Sample labels: positive rows that sum to 1 (TF's logits gradient assumes they do)."""

    def draw(self, rng) -> np.ndarray:
        x = rng.uniform(0.1, 1.0, self.shape)
        return x / x.sum(axis=-1, keepdims=True)


@op(
    "SoftmaxCrossEntropyWithLogits",
    broadcasting=True,
    dtypes=FLOATING,
    sample=cases(([(2, 3), _Distributions((2, 3))], {}), ([(4,), _Distributions((4,))], {})),
)
def _softmax_cross_entropy(features, labels):
    features, labels = np.broadcast_arrays(features, labels)
    return np.sum(labels * -_log_softmax_forward(features), axis=-1)


@_softmax_cross_entropy.vjp
def _softmax_cross_entropy_vjp(g, out, features, labels, *, needs):
    # d/dlogits = softmax - labels (TF's; exact when each labels row sums to 1);
    # d/dlabels = -log_softmax (v2 semantics: labels get a gradient).
    g = _expand_last(g)
    return g * (_softmax(features) - labels), -g * _log_softmax(features)


@_softmax_cross_entropy.jvp
def _softmax_cross_entropy_jvp(t, out, features, labels):
    dlogits, dlabels = t
    if dlogits is not None:
        dlogits = dlogits * (_softmax(features) - labels)
    if dlabels is None:
        return reduce_sum(dlogits, -1)
    if dlogits is None:
        return reduce_sum(-(dlabels * _log_softmax(features)), -1)
    return reduce_sum(dlogits - dlabels * _log_softmax(features), -1)


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """Softmax cross-entropy between `labels` (a distribution per row) and `logits`.

    Labels broadcast against logits and receive a gradient (TF's v2 semantics);
    float16 is computed in float32 and cast back, as in TF. The logits gradient is
    softmax - labels, as TF's, which assumes each row of labels sums to 1.

    Raises:
      InvalidArgumentError: if labels and logits do not broadcast.

    >>> tf.nn.softmax_cross_entropy_with_logits([0.0, 1.0], [0.0, 0.0])
    <tf.Tensor: shape=(), dtype=float32, numpy=0.6931472>
    """
    op_type = "SoftmaxCrossEntropyWithLogits"
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels)
    dtype = logits._dtype
    if dtype not in FLOATING:
        raise _softmax_cross_entropy.dtype_error(dtype)
    if logits.ndim == 0:
        raise invalid_argument(
            "Expected begin[0] == 0 (got -1) and size[0] == 0 (got 1) when input.dim_size(0) == 0",
            "Slice",
        )
    precise = _dt.float32 if dtype is _dt.float16 else dtype
    logits, labels = cast(logits, precise), cast(labels, precise)
    try:
        np.broadcast_shapes(np.shape(logits._value), np.shape(labels._value))
    except ValueError:
        raise invalid_argument(
            "logits and labels must be broadcastable: "
            f"logits_size={_dims(np.shape(logits._value))} "
            f"labels_size={_dims(np.shape(labels._value))}",
            op_type,
        ) from None
    axis = int(axis) % logits.ndim
    if axis != logits.ndim - 1:
        perm = list(range(logits.ndim))
        perm[axis], perm[-1] = perm[-1], perm[axis]
        logits, labels = transpose(logits, perm), transpose(labels, perm)
    loss = _softmax_cross_entropy(logits, labels)
    return cast(loss, dtype)


@op(
    "SparseSoftmaxCrossEntropyWithLogits",
    dtypes=FLOATING,
    same_dtype=False,
    sample=cases(([(3, 4), Fixed(np.array([0, 3, 1]))], {}), ([(5,), Fixed(np.array(2))], {})),
)
def _sparse_softmax_cross_entropy(features, labels):
    if _backend.any_foreign(features, labels):
        # On Dask, one task on whole arrays: np.take_along_axis.
        return _backend.whole(_sparse_softmax_cross_entropy.forward, features, labels)
    n = features.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= n):
        bad = (labels < 0) | (labels >= n)
        values = " ".join(str(v) for v in labels.reshape(-1))
        raise invalid_argument(
            f"Received a label value of {labels[bad][0]} which is outside the valid range of "
            f"[0, {n}).  Label values: {values}"
        )
    # Rows of log-probabilities indexed by label: fancy indexing on a 2-D view is several
    # times faster than take_along_axis on small batches.
    log_p = _log_softmax_forward(features).reshape(-1, n)
    picked = log_p[np.arange(log_p.shape[0]), labels.reshape(-1)]
    return -picked.reshape(labels.shape)


def _one_hot_like(labels, features):
    dtype = features._dtype
    one, zero = make(dtype._np.type(1), dtype), make(dtype._np.type(0), dtype)
    return _one_hot(labels, one, zero, depth=np.shape(features._value)[-1])


@_sparse_softmax_cross_entropy.vjp
def _sparse_softmax_cross_entropy_vjp(g, out, features, labels, *, needs):
    # d/dlogits = softmax - one_hot(labels); integer labels get none.
    return _expand_last(g) * (_softmax(features) - _one_hot_like(labels, features)), None


@_sparse_softmax_cross_entropy.jvp
def _sparse_softmax_cross_entropy_jvp(t, out, features, labels):
    return reduce_sum(t[0] * (_softmax(features) - _one_hot_like(labels, features)), -1)


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Softmax cross-entropy with integer class `labels` (shape = logits.shape[:-1]).

    Raises:
      ValueError: for mismatched shapes or scalar logits.
      InvalidArgumentError: for a label outside [0, num_classes), as TF's CPU kernel.

    >>> tf.nn.sparse_softmax_cross_entropy_with_logits([1], [[0.0, 0.0]])
    <tf.Tensor: shape=(1,), dtype=float32, numpy=array([0.6931472], dtype=float32)>
    """
    op_type = "SparseSoftmaxCrossEntropyWithLogits"
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels)
    if labels._dtype not in (_dt.int32, _dt.int64):
        raise invalid_argument(
            f"Value for attr 'Tlabels' of {labels._dtype.name} is not in the list of allowed "
            "values: int32, int64",
            op_type,
        )
    if logits.ndim == 0:
        raise ValueError(f"`logits` cannot be a scalar. Received logits={logits}`")
    if labels.shape.as_list() != logits.shape.as_list()[:-1]:
        raise ValueError(
            "`labels.shape` must equal `logits.shape` except for the last dimension. Received: "
            f"labels.shape={tuple(labels.shape.as_list())} and "
            f"logits.shape={tuple(logits.shape.as_list())}"
        )
    dtype = logits._dtype
    if dtype is _dt.float16:
        return cast(_sparse_softmax_cross_entropy(cast(logits, _dt.float32), labels), dtype)
    return _sparse_softmax_cross_entropy(logits, labels)


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Sigmoid cross-entropy, TF's stable form:
    max(x, 0) - x * z + log1p(exp(-|x|)), with the branches chosen by `where` so the
    gradient at x = 0 is sigmoid(0) - z.

    Raises:
      ValueError: if labels and logits are missing or their shapes differ.

    >>> tf.nn.sigmoid_cross_entropy_with_logits(labels=[1.0], logits=[0.0])
    <tf.Tensor: shape=(1,), dtype=float32, numpy=array([0.6931472], dtype=float32)>
    """
    if labels is None or logits is None:
        raise ValueError(
            "Both `labels` and `logits` must be provided for sigmoid_cross_entropy_with_logits"
            f"Received: labels={labels} and logits={logits}"
        )
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels)
    if labels.shape.as_list() != logits.shape.as_list():
        raise ValueError(
            "`logits` and `labels` must have the same shape, received "
            f"({tuple(logits.shape.as_list())} vs {tuple(labels.shape.as_list())})."
        )
    zeros = zeros_like(logits)
    cond = greater_equal(logits, zeros)
    relu_logits = where_v2(cond, logits, zeros)
    neg_abs_logits = where_v2(cond, -logits, logits)
    return relu_logits - logits * labels + log1p(exp(neg_abs_logits))


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """Sigmoid cross-entropy with positive examples weighted by `pos_weight` (TF's formula:
    (1 - z) * x + (1 + (q - 1) z) * (log1p(exp(-|x|)) + max(-x, 0)))."""
    logits = convert_to_tensor(logits)
    labels = convert_to_tensor(labels)
    log_weight = 1 + (pos_weight - 1) * labels
    tail = log1p(exp(-abs_(logits))) + relu(-logits)
    return (1 - labels) * logits + log_weight * tail


# -- losses and normalisation ----------------------------------------------------------------


def l2_loss(t, name=None):
    """Returns sum(t ** 2) / 2 (floating types only).

    >>> tf.nn.l2_loss(tf.constant([1.0, 2.0]))
    <tf.Tensor: shape=(), dtype=float32, numpy=2.5>
    """
    t = convert_to_tensor(t)
    if t._dtype not in FLOATING:
        raise invalid_argument(
            f"Value for attr 'T' of {t._dtype.name} is not in the list of allowed values: "
            "float16, float32, float64",
            "L2Loss",
        )
    return reduce_sum(square(t)) / 2


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """Divides `x` by its L2 norm along `axis` (all axes when None), as
    x * rsqrt(max(sum(x ** 2), epsilon)).

    >>> tf.nn.l2_normalize(tf.constant([3.0, 4.0]))
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([0.6, 0.8], dtype=float32)>
    """
    x = convert_to_tensor(x)
    axis = dim if axis is None else axis
    if x._dtype.is_complex:
        from .math_ops import imag, real

        square_sum = reduce_sum(square(real(x)) + square(imag(x)), axis, keepdims=True)
        inv_norm = rsqrt(maximum(square_sum, epsilon))
        return x * cast(inv_norm, x._dtype)
    square_sum = reduce_sum(square(x), axis, keepdims=True)
    return x * rsqrt(maximum(square_sum, epsilon))


def moments(x, axes, shift=None, keepdims=False, name=None):
    """Mean and variance of `x` over `axes` (`shift` is unused, as in TF 2).

    The variance is mean((x - stop_gradient(mean)) ** 2); float16 is computed in
    float32, and integer inputs use truncating means, as in TF.

    Returns:
      A tuple (mean, variance).

    >>> mean, variance = tf.nn.moments(tf.constant([1.0, 3.0]), axes=[0])
    >>> float(mean), float(variance)
    (2.0, 1.0)
    """
    x = convert_to_tensor(x)
    y = cast(x, _dt.float32) if x._dtype is _dt.float16 else x
    mean = reduce_mean(y, axes, keepdims=True)
    variance = reduce_mean(square(y - stop_gradient(mean)), axes, keepdims=True)
    if not keepdims:
        squeezed = normalize_axes(axes, x.ndim, "Mean")
        mean = squeeze(mean, squeezed) if squeezed else mean
        variance = squeeze(variance, squeezed) if squeezed else variance
    if x._dtype is _dt.float16:
        return cast(mean, _dt.float16), cast(variance, _dt.float16)
    return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """Normalises `x` as scale * (x - mean) / sqrt(variance + epsilon) + offset, in TF's
    order: x * inv + (offset - mean * inv) with inv = scale * rsqrt(variance + epsilon).
    `offset` and `scale` may be None."""
    x = convert_to_tensor(x)
    inv = rsqrt(variance + variance_epsilon)
    if scale is not None:
        inv = inv * scale
    shift = offset - mean * inv if offset is not None else -mean * inv
    return x * cast(inv, x._dtype) + cast(shift, x._dtype)


# -- bias_add, dropout, embedding_lookup -----------------------------------------------------

_BIAS_FORMATS = {None: "NHWC", "NHWC": "NHWC", "NCHW": "NCHW"}


@op(
    "BiasAdd",
    dtypes=_dt.NUMERIC,
    sample=cases(
        ([(2, 3), (3,)], {"data_format": "NHWC"}),
        ([(2, 3, 4), (3,)], {"data_format": "NCHW"}),
    ),
)
def _bias_add(value, bias, *, data_format="NHWC"):
    if data_format == "NCHW" and value.ndim > 2:
        bias = bias.reshape((-1,) + (1,) * (value.ndim - 2))
    return value + bias


def _bias_axes(ndim: int, b: int, data_format: str) -> tuple:
    """The axes of a (batched) gradient that BiasAddGrad sums over."""
    if data_format == "NCHW":
        return (b,) + tuple(range(b + 2, b + ndim))
    return tuple(range(b, b + ndim - 1))


@_bias_add.vjp
def _bias_add_vjp(g, out, value, bias, *, data_format="NHWC", needs):
    b = batch_ndim(g, out)
    return g, _sum(g, axes=_bias_axes(np.ndim(value._value), b, data_format))


@_bias_add.jvp
def _bias_add_jvp(t, out, value, bias, *, data_format="NHWC"):
    dvalue, dbias = t
    if dbias is None:
        return dvalue
    b = batch_ndim(dbias, bias)
    ndim = np.ndim(value._value)
    tb = np.shape(dbias._value)
    if data_format == "NCHW":
        shape = tb[:b] + (1,) + tb[b:] + (1,) * (ndim - 2)
    else:
        shape = tb[:b] + (1,) * (ndim - 1) + tb[b:]
    dbias = _reshape(dbias, shape=shape)
    return broadcast_like(dbias, out) if dvalue is None else dvalue + dbias


def bias_add(value, bias, data_format=None, name=None):
    """Adds the 1-D `bias` along the channel dimension of `value` (last for "N...C",
    second for "NC...").

    Raises:
      ValueError: for an unknown data_format.
      InvalidArgumentError: for a bias that is not 1-D or does not match the channels.
    """
    if data_format is not None:
        if data_format.startswith("NC"):
            data_format = "NCHW"
        elif data_format.startswith("N") and data_format.endswith("C"):
            data_format = "NHWC"
        else:
            raise ValueError(
                "`data_format` must be of the form `N...C` or `NC...`. Received: "
                f"data_format={data_format}"
            )
    data_format = _BIAS_FORMATS[data_format]
    value = convert_to_tensor(value)
    bias = convert_like(bias, value._dtype, "BiasAdd")  # TF's BiasAdd shares one dtype T
    vshape, bshape = np.shape(value._value), np.shape(bias._value)
    if len(vshape) < 2:
        raise invalid_argument(f"Input tensor must be at least 2D: {_dims(vshape)}", "BiasAdd")
    if len(bshape) != 1:
        raise invalid_argument(f"Biases must be 1D: {_dims(bshape)}", "BiasAdd")
    channels = vshape[1] if data_format == "NCHW" else vshape[-1]
    if bshape[0] != channels:
        raise invalid_argument(
            "Must provide as many biases as the last dimension of the input tensor: "
            f"{_dims(bshape)} vs. {_dims(vshape)}",
            "BiasAdd",
        )
    return _bias_add(value, bias, data_format=data_format)


def _dims(shape) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zeroes elements of `x` with probability `rate` and scales the rest by 1 / (1 - rate).

    Args:
      x: a floating tensor.
      rate: the drop probability, in [0, 1).
      noise_shape: the shape of the keep/drop mask (None entries take x's size), broadcast
        against x.
      seed: the op seed, combined with `tf.random.set_seed`'s global seed as in TF;
        seeded programs repeat exactly from run to run.

    Raises:
      ValueError: for non-floating x or a rate outside [0, 1).
    """
    x = convert_to_tensor(x)
    if not x._dtype.is_floating:
        raise ValueError(
            "`x.dtype` must be a floating point tensor as `x` will be scaled. Received: "
            f"x_dtype={x._dtype!r}"
        )
    if isinstance(rate, (int, float)) and not isinstance(rate, bool):
        if not 0 <= rate < 1:
            raise ValueError(
                "`rate` must be a scalar tensor or a float in the range [0, 1). Received: "
                f"rate={rate}"
            )
        if rate == 0:
            return x
    rate = convert_to_tensor(rate, dtype=x._dtype)
    shape = np.shape(x._value)
    if noise_shape is None:
        noise_shape = shape
    else:
        noise_shape = tuple(
            shape[i] if d is None else int(d) for i, d in enumerate(list(noise_shape))
        )
    # TF's dropout draws random_uniform noise, so seeds follow tf.random's semantics.
    # Drawn by the RandomUniform op, so a traced tf.function draws a fresh mask per call.
    noise = _random_uniform(shape=noise_shape, dtype=x._dtype, seed=seed)
    keep = greater_equal(noise, rate)
    return where_v2(keep, x * (1 / (1 - rate)), make(x._dtype._np.type(0), x._dtype))


def _concat_div_partitions(partitions: list):
    """The row-wise concatenation of partitions laid out TF's "div" way."""
    from .array_ops import concat

    tensors = [convert_to_tensor(p) for p in partitions]
    if len(tensors) == 1:
        return tensors[0]
    sizes = [np.shape(t._value)[0] for t in tensors]
    total, n = sum(sizes), len(sizes)
    expected = [total // n + (1 if i < total % n else 0) for i in range(n)]
    if sizes != expected:
        raise invalid_argument(
            f"embedding_lookup partitions have {sizes} rows; the 'div' strategy needs "
            f"{expected} for {total} rows in {n} partitions",
            "GatherV2",
        )
    return concat(tensors, 0)


def embedding_lookup(params, ids, max_norm=None, name=None):
    """Looks up rows `ids` of `params` (gather along axis 0; the gradient is the gather
    gradient, an IndexedSlices). Rows with L2 norm above `max_norm` are scaled down to it.

    `params` may be a list of tensors partitioned TF's "div" way (the first
    `total % n` partitions one row longer): ids then index their concatenation.
    Unlike TF, the gradient for each partition is then dense, not an IndexedSlices.

    Raises:
      InvalidArgumentError: if the partitions' sizes do not follow the "div" layout.
    """
    if isinstance(params, (list, tuple)):
        params = _concat_div_partitions(list(params))
    result = gather(params, ids)
    if max_norm is None:
        return result
    ids_rank = np.ndim(convert_to_tensor(ids)._value)
    axes = list(range(ids_rank, result.ndim))
    l2sum = reduce_sum(result * result, axes, keepdims=True)
    positive = greater(l2sum, 0)
    l2norm = where_v2(positive, sqrt(where_v2(positive, l2sum, zeros_like(l2sum) + 1)), l2sum)
    return result * max_norm / maximum(l2norm, max_norm)
