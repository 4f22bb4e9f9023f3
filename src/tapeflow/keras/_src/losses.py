"""Keras 3's losses: the `Loss` base, the loss classes, their function forms, and
`get`/`serialize`/`deserialize`.

Every computation is a tapeflow op, so gradients (first and higher order) flow to `y_pred`
and the losses replay under `tf.function`. As in Keras 3:

- a `Loss` computes in its `dtype` (`floatx()`, float32, unless given): `y_true` and `y_pred`
  are cast to it first, so NumPy float64 or integer inputs give a float32 loss;
- the function forms (`mean_squared_error`, ...) return one value per sample (no reduction)
  in `y_pred`'s dtype;
- a rank difference of one with a trailing 1 is squeezed away (`(N, 1)` vs `(N,)` compares
  elementwise, it does not broadcast to `(N, N)`);
- probabilities are clipped to `[epsilon, 1 - epsilon]` before a log.

Masks: Keras attaches a `_keras_mask` to tensors. A `y_pred` carrying one (an attribute or a
`_keras_mask` entry of a wrapper) is honoured; `SparseCategoricalCrossentropy(ignore_class=)`
and `Circle` produce their masks here directly (tapeflow tensors take no attributes).
"""

from __future__ import annotations

import inspect
import math
import warnings

import numpy as np

import tapeflow as tf

from . import backend, naming

_REDUCTIONS = {"sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight"}


# -- helpers shared with metrics --------------------------------------------------------------
def to_tensor(x, dtype=None):
    """Keras' `ops.convert_to_tensor(x, dtype)`: a tensor of another dtype is cast."""
    if isinstance(x, (list, tuple, int, float, bool, np.ndarray, np.generic)):
        array = np.asarray(x)
        if dtype is None and array.dtype == np.float64 and not isinstance(x, np.ndarray):
            dtype = "float32"  # Python floats are float32 to Keras, as to TF
        if dtype is None and array.dtype == np.int64 and not isinstance(x, np.ndarray):
            dtype = "int32"
        return tf.constant(array if dtype is None else array.astype(dtype))
    x = tf.convert_to_tensor(x)
    if dtype is not None and x.dtype.name != dtype:
        x = tf.cast(x, dtype)
    return x


def _is_float(t) -> bool:
    return t.dtype.is_floating


def keras_mean(x, axis=None, keepdims=False):
    """`ops.mean`: integers and booleans average to float32; float16 is averaged in float32
    and cast back (TF's reduce_mean overflows in low precision)."""
    name = x.dtype.name
    if not _is_float(x):
        return tf.reduce_mean(tf.cast(x, "float32"), axis=axis, keepdims=keepdims)
    if name in ("float16", "bfloat16"):
        mean = tf.reduce_mean(tf.cast(x, "float32"), axis=axis, keepdims=keepdims)
        return tf.cast(mean, name)
    return tf.reduce_mean(x, axis=axis, keepdims=keepdims)


def get_keras_mask(x):
    return getattr(x, "_keras_mask", None)


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Squeezes (or expands) a trailing 1 so that the ranks match, if they differ by one."""
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = tf.expand_dims(x2, -1)
        else:
            x1 = tf.squeeze(x1, -1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = tf.expand_dims(x1, -1)
        else:
            x2 = tf.squeeze(x2, -1)
    return x1, x2


def standardize_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(
            "Invalid value for argument `reduction`. "
            f"Expected one of {_REDUCTIONS}. Received: reduction={reduction}"
        )
    return reduction


def compute_dtype(dtype) -> str:
    """A dtype policy's compute dtype: `None` -> floatx(), `'mixed_float16'` -> float16."""
    from .variable import standardize_dtype

    if dtype is None:
        return backend.floatx()
    if hasattr(dtype, "compute_dtype"):
        return dtype.compute_dtype
    if isinstance(dtype, str) and dtype.startswith("mixed_"):
        return dtype[len("mixed_") :]
    return standardize_dtype(dtype)


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    shape = tuple(values.shape.as_list())
    if reduction is None or reduction == "none" or shape == () or shape == (0,):
        return values
    loss = tf.reduce_sum(values)
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            divisor = tf.cast(tf.reduce_sum(sample_weight), loss.dtype)
        else:
            divisor = tf.constant(math.prod(shape), dtype=loss.dtype)
        loss = tf.math.divide_no_nan(loss, divisor)
    return loss


def apply_mask(sample_weight, mask, dtype, reduction):
    """Folds a mask into the sample weights (valid entries reweighted to keep the mean)."""
    if mask is None:
        return sample_weight
    if reduction in ("mean", "sum_over_batch_size"):
        total = tf.constant(math.prod(mask.shape.as_list()), dtype=dtype)
        valid = tf.reduce_sum(tf.cast(mask, dtype))
        mask_weight = tf.math.divide_no_nan(total, valid)
        float_mask = tf.where(tf.cast(mask, "bool"), mask_weight, tf.zeros((), dtype))
    else:
        float_mask = tf.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = tf.cast(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return sample_weight * float_mask


def reduce_weighted_values(
    values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype=None
):
    reduction = standardize_reduction(reduction)
    values = to_tensor(values, dtype)
    if sample_weight is not None:
        sample_weight = to_tensor(sample_weight, dtype)
    if mask is not None:
        mask = to_tensor(mask, dtype)
    sample_weight = apply_mask(sample_weight, mask, values.dtype.name, reduction)
    if sample_weight is not None:
        sample_weight = tf.cast(sample_weight, values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


def _map(fn, structure):
    if isinstance(structure, dict):
        return {k: _map(fn, v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)) and not _is_leaf_sequence(structure):
        return type(structure)(_map(fn, v) for v in structure)
    return fn(structure)


def _is_leaf_sequence(x) -> bool:
    # A nested list of numbers is one array, not a structure of arrays.
    return not any(
        isinstance(v, (dict, tf.Tensor)) or hasattr(v, "__tf_tensor__")
        for v in (x if isinstance(x, (list, tuple)) else [x])
    )


# -- the base class ---------------------------------------------------------------------------
class Loss:
    """Loss base class: subclass it and implement `call(y_true, y_pred)`.

    Args:
        name: The loss's name (default: the snake_case class name, made unique).
        reduction: `"sum_over_batch_size"` (default), `"sum"`, `"mean"` (as
            sum_over_batch_size), `"mean_with_sample_weight"` (divides by the sum of the
            weights), `"none"` or `None` (no reduction).
        dtype: The computation dtype (default `keras.backend.floatx()`).
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or naming.auto_name(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = compute_dtype(dtype)

    @property
    def dtype(self) -> str:
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        in_mask = get_keras_mask(y_pred)
        y_pred = _map(lambda x: to_tensor(x, self.dtype), y_pred)
        y_true = _map(lambda x: to_tensor(x, self.dtype), y_true)
        losses = self.call(y_true, y_pred)
        out_mask = self._output_mask(y_true, y_pred, losses)
        if in_mask is not None and out_mask is not None:
            mask = tf.logical_and(tf.cast(in_mask, "bool"), tf.cast(out_mask, "bool"))
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(
            losses,
            sample_weight=sample_weight,
            mask=mask,
            reduction=self.reduction,
            dtype=self.dtype,
        )

    def _output_mask(self, y_true, y_pred, losses):
        """The mask Keras would find on the per-sample losses (none for a plain `call`)."""
        return get_keras_mask(losses)

    def call(self, y_true, y_pred):
        """The per-sample losses; subclasses implement it (the base raises a bare
        NotImplementedError, as Keras')."""
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _obj_type(self):
        return "Loss"


class LossFunctionWrapper(Loss):
    """A `Loss` computing `fn(y_true, y_pred, **kwargs)` per sample, then reducing."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if isinstance(y_true, tf.Tensor) and isinstance(y_pred, tf.Tensor):
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def _output_mask(self, y_true, y_pred, losses):
        return _function_mask(self.fn, self._fn_kwargs, y_true, y_pred, losses)

    def get_config(self) -> dict:
        config = super().get_config()
        config["fn"] = serialize_keras_object(self.fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        if "fn" in config:
            config = dict(config)
            config["fn"] = deserialize(config["fn"])
        return cls(**config)

    def __repr__(self):
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


def _function_mask(fn, kwargs, y_true, y_pred, losses):
    """The masks Keras' `sparse_categorical_crossentropy(ignore_class=...)` and `circle`
    attach to their outputs."""
    if fn is sparse_categorical_crossentropy and kwargs.get("ignore_class") is not None:
        axis = kwargs.get("axis", -1)
        if len(y_true.shape) == len(y_pred.shape) and y_true.shape[axis] == 1:
            y_true = tf.squeeze(y_true, axis)
        valid = tf.not_equal(y_true, tf.cast(kwargs["ignore_class"], y_true.dtype))
        return tf.reshape(valid, tf.shape(losses))
    if fn is circle:
        return losses > 0
    return get_keras_mask(losses)


# -- the loss functions (per sample) ----------------------------------------------------------
def _pair(y_true, y_pred, squeeze=True):
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred.dtype.name)
    if squeeze:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return y_true, y_pred


def _eps(dtype):
    return tf.constant(backend.epsilon(), dtype=dtype)


def mean_squared_error(y_true, y_pred):
    """Mean of squared errors over the last axis: one value per sample."""
    y_true, y_pred = _pair(y_true, y_pred)
    return keras_mean(tf.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean of absolute errors over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    return keras_mean(tf.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """`100 * mean(|y_true - y_pred| / max(|y_true|, epsilon))` over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    diff = tf.abs((y_true - y_pred) / tf.maximum(tf.abs(y_true), _eps(y_pred.dtype)))
    return 100.0 * keras_mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean of `(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))**2`."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = _eps(y_pred.dtype)
    first = tf.math.log(tf.maximum(y_pred, eps) + 1.0)
    second = tf.math.log(tf.maximum(y_true, eps) + 1.0)
    return keras_mean(tf.square(first - second), axis=-1)


def l2_normalize(x, axis=-1):
    """`x * min(rsqrt(sum(x**2)), 1/epsilon)`, Keras' `ops.normalize(order=2)`."""
    if len(x.shape) == 0:
        x = tf.expand_dims(x, 0)
    inv_norm = tf.math.rsqrt(tf.reduce_sum(tf.square(x), axis=axis, keepdims=True))
    inv_norm = tf.minimum(inv_norm, tf.constant(1.0 / backend.epsilon(), x.dtype))
    return x * inv_norm


def cosine_similarity(y_true, y_pred, axis=-1):
    """Minus the cosine similarity along `axis` (so that minimising aligns the vectors)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return -tf.reduce_sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), axis=axis)


def huber(y_true, y_pred, delta=1.0):
    """`0.5 x**2` for `|x| <= delta`, `delta |x| - 0.5 delta**2` beyond (x = y_pred - y_true),
    averaged over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    delta = tf.constant(delta, dtype=y_pred.dtype)
    error = y_pred - y_true
    abs_error = tf.abs(error)
    half = tf.constant(0.5, dtype=y_pred.dtype)
    return keras_mean(
        tf.where(abs_error <= delta, half * tf.square(error), delta * abs_error - half * delta**2),
        axis=-1,
    )


def log_cosh(y_true, y_pred):
    """Mean of `log(cosh(y_pred - y_true))`, as `x + softplus(-2x) - log 2` (no overflow)."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    log2 = tf.constant(math.log(2.0), dtype=y_pred.dtype)
    return keras_mean(x + tf.math.softplus(x * -2.0) - log2, axis=-1)


def kl_divergence(y_true, y_pred):
    """`sum(y_true * log(y_true / y_pred))`, both clipped to `[epsilon, 1]`."""
    y_true, y_pred = _pair(y_true, y_pred, squeeze=False)
    one = tf.constant(1.0, y_pred.dtype)
    y_true = tf.clip_by_value(y_true, _eps(y_pred.dtype), one)
    y_pred = tf.clip_by_value(y_pred, _eps(y_pred.dtype), one)
    return tf.reduce_sum(y_true * tf.math.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """Mean of `y_pred - y_true * log(y_pred + epsilon)`."""
    y_true, y_pred = _pair(y_true, y_pred, squeeze=False)
    return keras_mean(y_pred - y_true * tf.math.log(y_pred + _eps(y_pred.dtype)), axis=-1)


def _hinge_labels(y_true):
    # Keras maps {0, 1} labels to {-1, 1} when every label is 0 or 1 (a data-dependent
    # choice, made with `where` so that no value is read in Python).
    is_binary = tf.reduce_all(tf.logical_or(tf.equal(y_true, 0), tf.equal(y_true, 1)))
    return tf.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """Mean of `max(1 - y_true * y_pred, 0)`; labels 0/1 are read as -1/1."""
    y_true, y_pred = _pair(y_true, y_pred, squeeze=False)
    y_true = _hinge_labels(y_true)
    return keras_mean(tf.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """Mean of `max(1 - y_true * y_pred, 0) ** 2`; labels 0/1 are read as -1/1."""
    y_true, y_pred = _pair(y_true, y_pred, squeeze=False)
    y_true = _hinge_labels(y_true)
    return keras_mean(tf.square(tf.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """`max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)` per sample."""
    y_true, y_pred = _pair(y_true, y_pred, squeeze=False)
    pos = tf.reduce_sum(y_true * y_pred, axis=-1)
    neg = tf.reduce_max((1.0 - y_true) * y_pred, axis=-1)
    return tf.maximum(neg - pos + 1.0, tf.zeros((), y_pred.dtype))


def _check_axis(axis):
    if isinstance(axis, bool):
        raise ValueError(
            f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}"
        )


def _logits_of(output, from_logits):
    """Keras reads the logits behind a Keras softmax/sigmoid output (`_keras_logits`)."""
    logits = getattr(output, "_keras_logits", None)
    if logits is None:
        return output, from_logits
    return logits, True


def _same_shape(target, output, what="the same shape"):
    if len(target.shape) != len(output.shape):
        raise ValueError(
            "Arguments `target` and `output` must have the same rank (ndim). Received: "
            f"target.shape={target.shape}, output.shape={output.shape}"
        )
    for e1, e2 in zip(target.shape.as_list(), output.shape.as_list()):
        if e1 is not None and e2 is not None and e1 != e2:
            raise ValueError(
                f"Arguments `target` and `output` must have {what}. Received: "
                f"target.shape={target.shape}, output.shape={output.shape}"
            )


def _categorical_crossentropy(target, output, from_logits=False, axis=-1):
    if len(target.shape) < 1:
        raise ValueError(
            "Arguments `target` and `output` must be at least rank 1. Received: "
            f"target.shape={target.shape}, output.shape={output.shape}"
        )
    _same_shape(target, output)
    output, from_logits = _logits_of(output, from_logits)
    if from_logits:
        return tf.nn.softmax_cross_entropy_with_logits(labels=target, logits=output, axis=axis)
    output = output / tf.reduce_sum(output, axis, keepdims=True)
    eps = backend.epsilon()
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    return -tf.reduce_sum(target * tf.math.log(output), axis)


def _binary_crossentropy(target, output, from_logits=False):
    _same_shape(target, output)
    output, from_logits = _logits_of(output, from_logits)
    if from_logits:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = backend.epsilon()
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    return -(target * tf.math.log(output) + (1 - target) * tf.math.log(1 - output))


def _warn_one_class(fn_name, y_pred):
    if y_pred.shape.rank and y_pred.shape[-1] == 1:
        warnings.warn(
            f"In loss {fn_name}, expected y_pred.shape to be (batch_size, num_classes) with "
            f"num_classes > 1. Received: y_pred.shape={tuple(y_pred.shape.as_list())}. "
            "Consider using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


def _smooth_categorical(y_true, label_smoothing, dtype):
    if not label_smoothing:
        return y_true
    num_classes = tf.cast(tf.shape(y_true)[-1], dtype)
    return y_true * (1.0 - label_smoothing) + label_smoothing / num_classes


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy of one-hot `y_true` against probabilities (or logits) `y_pred`.

    Probabilities are renormalised along `axis` and clipped to `[eps, 1 - eps]`.
    """
    _check_axis(axis)
    y_pred = to_tensor(y_pred)
    y_true = tf.cast(to_tensor(y_true), y_pred.dtype)
    _warn_one_class("categorical_crossentropy", y_pred)
    y_true = _smooth_categorical(y_true, label_smoothing, y_pred.dtype)
    return _categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(
    y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """`sum(alpha * (1 - p)**gamma * -y_true * log(p))` along `axis` (focal loss)."""
    _check_axis(axis)
    y_pred = to_tensor(y_pred)
    y_true = tf.cast(to_tensor(y_true), y_pred.dtype)
    _warn_one_class("categorical_focal_crossentropy", y_pred)
    y_true = _smooth_categorical(y_true, label_smoothing, y_pred.dtype)
    if from_logits:
        y_pred = tf.nn.softmax(y_pred, axis=axis)
    output = y_pred / tf.reduce_sum(y_pred, axis=axis, keepdims=True)
    eps = backend.epsilon()
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    cce = -y_true * tf.math.log(output)
    focal = tf.pow(1.0 - output, gamma) * alpha * cce
    return tf.reduce_sum(focal, axis=axis)


def _sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    if axis != -1 and axis != len(output.shape) - 1:
        raise ValueError(f"Only axis=-1 is currently supported. Received: axis={axis}")
    output, from_logits = _logits_of(output, from_logits)
    target = tf.cast(target, "int64")
    if len(target.shape) == len(output.shape) and target.shape[-1] == 1:
        target = tf.squeeze(target, -1)
    if len(output.shape) < 1:
        raise ValueError(
            f"Argument `output` must be at least rank 1. Received: output.shape={output.shape}"
        )
    if len(target.shape) != len(output.shape) - 1:
        raise ValueError(
            "Argument `output` must have rank (ndim) `target.ndim - 1`. Received: "
            f"target.shape={target.shape}, output.shape={output.shape}"
        )
    for e1, e2 in zip(target.shape.as_list(), output.shape.as_list()[:-1]):
        if e1 is not None and e2 is not None and e1 != e2:
            raise ValueError(
                "Arguments `target` and `output` must have the same shape up until the last "
                f"dimension: target.shape={target.shape}, output.shape={output.shape}"
            )
    if not from_logits:
        eps = backend.epsilon()
        output = tf.math.log(tf.clip_by_value(output, eps, 1 - eps))
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Cross-entropy of integer labels `y_true` against probabilities (or logits) `y_pred`.

    A label outside `[0, num_classes)` raises TF's `InvalidArgumentError`. With
    `ignore_class`, those labels give a loss of 0 (and the `Loss` class leaves them out of
    the mean).
    """
    y_true = to_tensor(y_true)
    y_pred = to_tensor(y_pred)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[axis] == 1:
        y_true = tf.squeeze(y_true, axis)
    if ignore_class is not None:
        class_axis = axis % len(y_pred.shape)
        res_shape = [d for i, d in enumerate(y_pred.shape.as_list()) if i != class_axis]
        valid = tf.not_equal(y_true, tf.cast(ignore_class, y_true.dtype))
        y_true = tf.where(valid, y_true, tf.zeros((), y_true.dtype))
        y_pred = tf.where(tf.expand_dims(valid, axis), y_pred, tf.zeros((), y_pred.dtype))
    res = _sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    if ignore_class is not None:
        res = tf.where(tf.reshape(valid, res_shape), res, tf.zeros((), res.dtype))
    return res


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy averaged along `axis`; probabilities clipped to `[eps, 1-eps]`."""
    y_pred = to_tensor(y_pred)
    y_true = tf.cast(to_tensor(y_true), y_pred.dtype)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return keras_mean(_binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """`(1 - p_t)**gamma * bce` averaged along `axis` (optionally class-balanced by alpha)."""
    y_pred = to_tensor(y_pred)
    y_true = tf.cast(to_tensor(y_true), y_pred.dtype)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = tf.sigmoid(y_pred)
    bce = _binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    focal_bce = tf.pow(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal_bce = (y_true * alpha + (1 - y_true) * (1 - alpha)) * focal_bce
    return keras_mean(focal_bce, axis=axis)


def dice(y_true, y_pred, axis=None):
    """`1 - 2 sum(y_true y_pred) / (sum(y_true) + sum(y_pred) + eps)` over `axis` (all)."""
    y_pred = to_tensor(y_pred)
    y_true = tf.cast(to_tensor(y_true), y_pred.dtype)
    intersection = tf.reduce_sum(y_true * y_pred, axis=axis)
    total = tf.reduce_sum(y_true, axis=axis) + tf.reduce_sum(y_pred, axis=axis)
    return 1 - 2.0 * intersection / (total + backend.epsilon())


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """`1 - TP / (TP + alpha FP + beta FN + eps)` with soft counts over `axis` (all)."""
    y_pred = to_tensor(y_pred)
    y_true = tf.cast(to_tensor(y_true), y_pred.dtype)
    intersection = tf.reduce_sum(y_true * y_pred, axis=axis)
    fp = tf.reduce_sum((1 - y_pred) * y_true, axis=axis)
    fn = tf.reduce_sum(y_pred * (1 - y_true), axis=axis)
    return 1 - intersection / (intersection + fp * alpha + fn * beta + backend.epsilon())


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """`(1 - p**q) / q` with `p` the predicted probability of the integer label."""
    y_pred = to_tensor(y_pred)
    labels = tf.cast(to_tensor(y_true), "int32")
    one_hot = tf.one_hot(labels, y_pred.shape[-1], dtype=y_pred.dtype)
    p = tf.reduce_sum(y_pred * one_hot, axis=-1)
    return (1 - tf.pow(p, q)) / q


def circle(
    y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4
):
    """Circle loss over pairwise cosine distances of (L2-normalised) embeddings `y_pred`
    with integer labels `y_true` (Sun et al., 2020)."""
    y_pred = to_tensor(y_pred)
    y_true = tf.cast(to_tensor(y_true), "int32")
    ref_embeddings = y_pred if ref_embeddings is None else to_tensor(ref_embeddings)
    ref_labels = y_true if ref_labels is None else tf.cast(to_tensor(ref_labels), "int32")
    distances = tf.maximum(1 - tf.matmul(y_pred, tf.transpose(ref_embeddings)), 0.0)
    query = tf.reshape(y_true, (-1, 1)) if len(y_true.shape) == 1 else y_true
    key = tf.reshape(ref_labels, (-1, 1)) if len(ref_labels.shape) == 1 else ref_labels
    positive = tf.equal(query, tf.transpose(key))
    negative = tf.logical_not(positive)
    if remove_diagonal:
        eye = tf.eye(int(np.prod(query.shape.as_list())), int(np.prod(key.shape.as_list())))
        positive = tf.logical_and(positive, tf.logical_not(tf.cast(eye, "bool")))
    pos_mask = tf.cast(positive, distances.dtype)
    neg_mask = tf.cast(negative, distances.dtype)
    pos_weights = tf.maximum((margin + distances) * pos_mask, 0.0)
    neg_weights = tf.maximum((1 + margin - distances) * neg_mask, 0.0)
    pos_wdists = -1 * gamma * pos_weights * (margin - distances)
    neg_wdists = gamma * neg_weights * ((1 - margin) - distances)
    minus_inf = tf.constant(-np.inf, distances.dtype)
    p_loss = tf.reduce_logsumexp(tf.where(positive, pos_wdists, minus_inf), axis=1)
    n_loss = tf.reduce_logsumexp(tf.where(negative, neg_wdists, minus_inf), axis=1)
    return tf.math.softplus(p_loss + n_loss)


_NEG = -1e30  # a finite log(0): unreachable CTC states keep finite (zero) gradients


def ctc_negative_log_likelihood(labels, logits, label_length, blank=0):
    """`-log p(labels | logits)` of CTC (Graves et al., 2006), batch-major.

    `labels` (B, L) int, `logits` (B, T, C), `label_length` (B,): the forward recursion in
    log space over the T steps, vectorised over the batch and the 2L+1 extended states (so it
    differentiates, to any order, through tapeflow ops). An alignment that cannot fit in T
    steps gives `inf`, as TF's kernel does.
    """
    batch, steps = logits.shape[0], logits.shape[1]
    max_len = labels.shape[1]
    log_probs = tf.nn.log_softmax(logits, axis=-1)
    states = 2 * max_len + 1
    # the extended label sequence: blank, l1, blank, l2, ..., blank
    ext = tf.reshape(
        tf.stack([tf.fill([batch, max_len], blank), labels], axis=2), [batch, 2 * max_len]
    )
    ext = tf.concat([ext, tf.fill([batch, 1], blank)], axis=1)
    emit = tf.gather(log_probs, ext, axis=2, batch_dims=1)  # (B, T, S)
    neg = tf.constant(_NEG, logits.dtype)
    # a skip from s-2 is allowed onto a label that differs from the label two states back
    shifted = tf.concat([tf.fill([batch, 2], blank), ext[:, :-2]], axis=1)
    can_skip = tf.logical_and(tf.not_equal(ext, blank), tf.not_equal(ext, shifted))
    first = tf.concat([tf.ones([batch, 2], "bool"), tf.zeros([batch, states - 2], "bool")], 1)
    alpha = tf.where(first, emit[:, 0], neg)
    pad1 = tf.fill([batch, 1], neg)
    pad2 = tf.fill([batch, 2], neg)
    for t in range(1, steps):
        stay = alpha
        step = tf.concat([pad1, alpha[:, :-1]], axis=1)
        skip = tf.where(can_skip, tf.concat([pad2, alpha[:, :-2]], axis=1), neg)
        alpha = tf.reduce_logsumexp(tf.stack([stay, step, skip]), axis=0) + emit[:, t]
    end = tf.cast(2 * label_length, "int32")
    last = tf.gather(alpha, tf.expand_dims(end, 1), batch_dims=1)[:, 0]
    before = tf.gather(alpha, tf.expand_dims(tf.maximum(end - 1, 0), 1), batch_dims=1)[:, 0]
    before = tf.where(end > 0, before, neg)
    log_likelihood = tf.reduce_logsumexp(tf.stack([last, before]), axis=0)
    inf = tf.constant(np.inf, logits.dtype)
    return tf.where(log_likelihood < _NEG / 2, inf, -log_likelihood)


def ctc(y_true, y_pred):
    """CTC loss of integer label sequences `y_true` (batch, max_length), 0-padded (0 is the
    blank), against logits `y_pred` (batch, steps, classes). float64 logits are computed in
    float32, as Keras does on TF (whose kernel rejects float64)."""
    y_true, y_pred = to_tensor(y_true), to_tensor(y_pred)
    if len(y_true.shape) != 2:
        raise ValueError(
            "Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` "
            f"in integer format. Received: y_true.shape={tuple(y_true.shape.as_list())}"
        )
    if len(y_pred.shape) != 3:
        raise ValueError(
            "Logits `y_pred` are expected to be a tensor of shape "
            f"`(batch_size, max_length, num_classes)`. "
            f"Received: y_pred.shape={tuple(y_pred.shape.as_list())}"
        )
    labels = tf.cast(y_true, "int32")
    label_length = tf.reduce_sum(tf.cast(tf.not_equal(labels, 0), "int32"), axis=-1)
    result_dtype = (
        "float64"
        if y_pred.dtype.name == "float64"
        else (y_pred.dtype.name if _is_float(y_pred) else "float32")
    )
    logits = (
        tf.cast(y_pred, "float32") if result_dtype == "float64" else tf.cast(y_pred, result_dtype)
    )
    return tf.cast(ctc_negative_log_likelihood(labels, logits, label_length), result_dtype)


# -- the loss classes -------------------------------------------------------------------------
class MeanSquaredError(LossFunctionWrapper):
    """The mean of squared errors (per sample, then reduced)."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class MeanAbsoluteError(LossFunctionWrapper):
    """The mean of absolute errors."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """The mean absolute percentage error."""

    def __init__(
        self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None
    ):
        super().__init__(
            mean_absolute_percentage_error, name=name, reduction=reduction, dtype=dtype
        )

    def get_config(self):
        return Loss.get_config(self)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """The mean squared logarithmic error."""

    def __init__(
        self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None
    ):
        super().__init__(
            mean_squared_logarithmic_error, name=name, reduction=reduction, dtype=dtype
        )

    def get_config(self):
        return Loss.get_config(self)


class LogCosh(LossFunctionWrapper):
    """The logarithm of the hyperbolic cosine of the error."""

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class Hinge(LossFunctionWrapper):
    """The hinge loss (labels 0/1 read as -1/1)."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class SquaredHinge(LossFunctionWrapper):
    """The squared hinge loss (labels 0/1 read as -1/1)."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class CategoricalHinge(LossFunctionWrapper):
    """The categorical hinge loss."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class KLDivergence(LossFunctionWrapper):
    """The Kullback-Leibler divergence."""

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class Poisson(LossFunctionWrapper):
    """The Poisson loss."""

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class CosineSimilarity(LossFunctionWrapper):
    """Minus the cosine similarity between `y_true` and `y_pred` along `axis`."""

    def __init__(
        self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None
    ):
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype, axis=axis)

    def get_config(self):
        return Loss.get_config(self)


class Huber(LossFunctionWrapper):
    """The Huber loss: quadratic for `|error| <= delta`, linear beyond."""

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)

    def get_config(self):
        return Loss.get_config(self)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy (`from_logits`, `label_smoothing`, `axis`)."""

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(
            from_logits=self.from_logits, label_smoothing=self.label_smoothing, axis=self.axis
        )
        return config


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary focal cross-entropy (`apply_class_balancing`, `alpha`, `gamma`, ...)."""

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self):
        config = Loss.get_config(self)
        config.update(
            from_logits=self.from_logits,
            label_smoothing=self.label_smoothing,
            axis=self.axis,
            apply_class_balancing=self.apply_class_balancing,
            alpha=self.alpha,
            gamma=self.gamma,
        )
        return config


class CategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy of one-hot labels (`from_logits`, `label_smoothing`)."""

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(
            from_logits=self.from_logits, label_smoothing=self.label_smoothing, axis=self.axis
        )
        return config


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical focal cross-entropy (`alpha`, `gamma`, `from_logits`, ...)."""

    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self):
        config = Loss.get_config(self)
        config.update(
            from_logits=self.from_logits,
            label_smoothing=self.label_smoothing,
            axis=self.axis,
            alpha=self.alpha,
            gamma=self.gamma,
        )
        return config


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of integer labels (`from_logits`, `ignore_class`, `axis`).

    As in Keras, `get_config()` omits `axis`.
    """

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class

    def get_config(self):
        config = Loss.get_config(self)
        config.update(from_logits=self.from_logits, ignore_class=self.ignore_class)
        return config


class Dice(LossFunctionWrapper):
    """The Dice loss `1 - 2|A∩B| / (|A| + |B|)` with soft counts over `axis`."""

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(axis=self.axis)
        return config


class Tversky(LossFunctionWrapper):
    """The Tversky loss (`alpha` weighs false positives, `beta` false negatives)."""

    def __init__(
        self,
        alpha=0.5,
        beta=0.5,
        reduction="sum_over_batch_size",
        name="tversky",
        axis=None,
        dtype=None,
    ):
        super().__init__(
            tversky,
            name=name,
            reduction=reduction,
            dtype=dtype,
            alpha=alpha,
            beta=beta,
            axis=axis,
        )
        self.alpha = alpha
        self.beta = beta
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(alpha=self.alpha, beta=self.beta, axis=self.axis)
        return config


class Circle(LossFunctionWrapper):
    """The Circle loss for metric learning (`gamma`, `margin`, `remove_diagonal`)."""

    def __init__(
        self,
        gamma=80.0,
        margin=0.4,
        remove_diagonal=True,
        reduction="sum_over_batch_size",
        name="circle",
        dtype=None,
    ):
        super().__init__(
            circle,
            name=name,
            reduction=reduction,
            dtype=dtype,
            gamma=gamma,
            margin=margin,
            remove_diagonal=remove_diagonal,
        )
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal

    def get_config(self):
        config = Loss.get_config(self)
        config.update(gamma=self.gamma, margin=self.margin, remove_diagonal=self.remove_diagonal)
        return config


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross-entropy `(1 - p**q) / q` for noisy integer labels, `0 < q < 1`."""

    def __init__(
        self,
        q=0.5,
        reduction="sum_over_batch_size",
        name="categorical_generalized_cross_entropy",
        dtype=None,
    ):
        if not 0 < q < 1:
            raise ValueError("q must be in the interval (0, 1)")
        super().__init__(
            categorical_generalized_cross_entropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            q=q,
        )
        self.q = q

    def get_config(self):
        config = Loss.get_config(self)
        config.update(q=self.q)
        return config


class CTC(LossFunctionWrapper):
    """The CTC loss (label sequences 0-padded, 0 being the blank; logits batch-major)."""

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class Reduction:
    """tf.keras' legacy `Reduction` constants (Keras 2's names; `keras.losses` lacks it)."""

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f'Invalid Reduction Key: {key}. Expected keys are "{cls.all()}"')


# -- lookup and serialization -----------------------------------------------------------------
LOSS_CLASSES = (
    Loss,
    LossFunctionWrapper,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCosh,
    Huber,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    Dice,
    Tversky,
    Circle,
    CTC,
    CategoricalGeneralizedCrossEntropy,
)
LOSS_FUNCTIONS = (
    kl_divergence,
    poisson,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    sparse_categorical_crossentropy,
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    cosine_similarity,
    log_cosh,
    huber,
    hinge,
    squared_hinge,
    categorical_hinge,
    dice,
    tversky,
    circle,
    ctc,
    categorical_generalized_cross_entropy,
)
ALL_OBJECTS = LOSS_CLASSES + LOSS_FUNCTIONS
# Keras' table lacks the generalized cross-entropy, so `get`/`deserialize` do not know it.
ALL_OBJECTS_DICT = {
    obj.__name__: obj
    for obj in ALL_OBJECTS
    if obj not in (CategoricalGeneralizedCrossEntropy, categorical_generalized_cross_entropy)
}
ALL_OBJECTS_DICT.update(
    bce=binary_crossentropy,
    BCE=binary_crossentropy,
    kld=kl_divergence,
    KLD=kl_divergence,
    mae=mean_absolute_error,
    MAE=mean_absolute_error,
    mse=mean_squared_error,
    MSE=mean_squared_error,
    mape=mean_absolute_percentage_error,
    MAPE=mean_absolute_percentage_error,
    msle=mean_squared_logarithmic_error,
    MSLE=mean_squared_logarithmic_error,
)

# tf.keras' Keras-2 aliases of the functions (`keras.losses` has only the long names).
MSE = mse = mean_squared_error
MAE = mae = mean_absolute_error
MAPE = mape = mean_absolute_percentage_error
MSLE = msle = mean_squared_logarithmic_error
KLD = kld = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh


def _public_module(obj) -> str:
    module = getattr(obj, "__module__", "") or ""
    if module.startswith("tapeflow.keras._src."):
        return "keras." + module.rsplit(".", 1)[-1]
    return module


def serialize_keras_object(obj):
    """Keras' `serialize_keras_object` for what losses and metrics hold: plain values,
    lists/dicts of them, arrays, functions, and objects with `get_config`."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(v) for v in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, (np.ndarray, tf.Tensor)):
        array = np.asarray(obj)
        return {
            "class_name": "__numpy__" if isinstance(obj, np.ndarray) else "__tensor__",
            "config": {"value": array.tolist(), "dtype": array.dtype.name},
        }
    if inspect.isfunction(obj):
        if _public_module(obj).startswith("keras."):
            return {
                "module": "builtins",
                "class_name": "function",
                "config": obj.__name__,
                "registered_name": "function",
            }
        return {
            "module": obj.__module__,
            "class_name": "function",
            "config": obj.__name__,
            "registered_name": obj.__name__,
        }
    if hasattr(obj, "get_config"):
        cls = type(obj)
        builtin = _public_module(cls).startswith("keras.")
        return {
            "module": _public_module(cls) if builtin else None,
            "class_name": cls.__name__,
            "config": obj.get_config(),
            "registered_name": None if builtin else cls.__name__,
        }
    raise TypeError(f"Cannot serialize object {obj} of type {type(obj)}.")


_CUSTOM_HINT = (
    "Make sure custom classes and functions are decorated with "
    "`@keras.saving.register_keras_serializable()`. If they are already decorated, make sure "
    "they are all imported so that the decorator is run before trying to load them."
)


def _from_config(cls, inner, full):
    try:
        return cls.from_config(inner)
    except TypeError as e:
        raise TypeError(
            f"{cls} could not be deserialized properly. Please ensure that components that "
            "are Python object instances (layers, models, etc.) returned by `get_config()` "
            "are explicitly deserialized in the model's `from_config()` method."
            f"\n\nconfig={full}.\n\nException encountered: {e}"
        ) from None


def deserialize_keras_object(config, module_objects, custom_objects=None):
    """Keras' `deserialize_keras_object(config, module_objects=...)`, warts included: a
    name (or a class name in a config) that `module_objects` lacks comes back as the string
    itself, and an alias name of a function (`"mse"`) fails, while its own name works."""
    custom_objects = custom_objects or {}
    if config is None:
        return None
    if isinstance(config, str) and custom_objects.get(config) is not None:
        return custom_objects[config]
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(v, module_objects, custom_objects) for v in config]
    inner, fn_module, key = None, None, config
    if isinstance(config, dict):
        inner = config.get("config")
        if "class_name" not in config:
            raise ValueError(f"Unknown `config` as a `dict`, config={config}")
        class_name = config["class_name"]
        if (
            class_name in custom_objects
            or config.get("registered_name") in custom_objects
            or (isinstance(inner, str) and inner in custom_objects)
        ):
            name = config.get("registered_name") or class_name
            if class_name == "function":
                return custom_objects.get(inner, custom_objects.get(name))
            cls = custom_objects.get(name, custom_objects.get(class_name))
            return _from_config(cls, inner if inner is not None else {}, config)
        if class_name == "function":
            fn_module = config.get("module")
            key = inner if fn_module == "builtins" else config.get("registered_name")
        else:
            if config.get("module", "_") is None:
                raise TypeError(
                    f"Cannot deserialize object of type `{class_name}`. If `{class_name}` is a "
                    "custom class, please register it using the "
                    "`@keras.saving.register_keras_serializable()` decorator."
                )
            key = class_name
    if not isinstance(key, str) or key not in module_objects:
        return key
    obj = module_objects[key]
    if inspect.isfunction(obj):
        if key == obj.__name__:
            return obj
        if fn_module == "builtins":
            full = {"module": "builtins", "class_name": "function", "config": key,
                    "registered_name": key}  # fmt: skip
            raise TypeError(
                f"Could not locate function '{key}'. {_CUSTOM_HINT} Full object config: {full}"
            )
        raise ValueError(
            f"Could not deserialize '{fn_module or 'keras.metrics'}.{key}' because it is not a "
            "KerasSaveable subclass"
        )
    full = {"module": _public_module(obj), "class_name": obj.__name__, "config": inner,
            "registered_name": None}  # fmt: skip
    if inner is None:
        inner = {}
    if not isinstance(inner, dict):
        raise TypeError(
            f"Expected 'config' to be a dict for {obj.__name__},\n"
            f"instead got {type(inner)}\nFull config: {full}"
        )
    return _from_config(obj, inner, full)


def serialize(loss):
    """The config dict of a `Loss` or loss function (`{'module', 'class_name', ...}`)."""
    return serialize_keras_object(loss)


def deserialize(name, custom_objects=None):
    """A `Loss` or loss function from `serialize`'s dict (or a name)."""
    return deserialize_keras_object(name, ALL_OBJECTS_DICT, custom_objects)


def get(identifier):
    """A loss from an identifier: a name (`"mse"` -> the `mean_squared_error` function,
    `"MeanSquaredError"` -> an instance), a config dict, a callable, or None."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier, None)
    else:
        obj = identifier
    if callable(obj):
        if inspect.isclass(obj):
            obj = obj()
        return obj
    raise ValueError(f"Could not interpret loss identifier: {identifier}")


def is_binary_or_sparse_categorical(y_true, y_pred):
    """Keras' compile-time reading of the target and output shapes."""
    y_t_rank, y_p_rank = len(y_true.shape), len(y_pred.shape)
    y_t_last, y_p_last = y_true.shape[-1], y_pred.shape[-1]
    is_binary = y_p_last == 1
    is_sparse_categorical = y_t_rank < y_p_rank or y_t_last == 1 and y_p_last > 1
    return is_binary, is_sparse_categorical


def _object_name(obj) -> str:
    """Keras' `get_object_name`: `.name`, else the snake_case function or class name."""
    if hasattr(obj, "name"):
        return obj.name
    if hasattr(obj, "__name__"):
        return naming.to_snake_case(obj.__name__)
    return naming.to_snake_case(type(obj).__name__)


def get_loss_for_compile(identifier, y_true, y_pred):
    """`compile(loss=...)`'s lookup (for the trainer), as a `Loss`.

    `"crossentropy"`/`"ce"` (any case) pick the binary cross-entropy when the output's last
    axis is 1, the sparse one when the target has a lower rank (or a last axis of 1 against
    several outputs), else the categorical one; anything else goes through `get`. A function
    is wrapped in `LossFunctionWrapper`, named by the string given or by the function.
    Returns None for None (an output without a loss).
    """
    if identifier is None:
        return None
    if str(identifier).lower() not in ("crossentropy", "ce"):
        loss = get(identifier)
    else:
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        if is_binary:
            loss = binary_crossentropy
        elif is_sparse:
            loss = sparse_categorical_crossentropy
        else:
            loss = categorical_crossentropy
    if not isinstance(loss, Loss):
        name = identifier if isinstance(identifier, str) else _object_name(loss)
        loss = LossFunctionWrapper(loss, name=name)
    return loss
