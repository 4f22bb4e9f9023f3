"""Keras 3's metrics: the `Metric` base, reduction, accuracy, regression, probabilistic and
confusion-matrix metrics (Precision, Recall, AUC, TP/FP/TN/FN), and `get`.

A metric's state lives in non-trainable `keras.Variable`s created by `add_variable` under
the metric's name (`mean/total`); `update_state` assigns them with tapeflow ops only, so a
training step that updates metrics replays under `tf.function`. Results are
float32 tensors (`"{:.3%}".format(m.result())` works).

Keras 3 warts kept: names passed by the classes are not made unique (two `Mean()` are both
`mean`), while classes whose default name is None (`AUC`, `Precision`, `Recall`, the
TP/FP/TN/FN counts) take the next free auto-name (`auc`, `auc_1`); `keras.metrics.get`
knows `"accuracy"` (plain `Accuracy`) but not `"acc"`: compile's meaning of both is
`get_metric_for_compile`.
"""

from __future__ import annotations

import enum
import inspect
import warnings

import numpy as np

import tapeflow as tf

from . import backend, naming
from . import losses as losses_mod
from .losses import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    compute_dtype,
    hinge,
    huber,
    kl_divergence,
    l2_normalize,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
    squeeze_or_expand_to_same_rank,
    to_tensor,
)
from .variable import Variable

NEG_INF = -1e10


def _resolve_initializer(initializer):
    if isinstance(initializer, str) and initializer in ("zeros", "Zeros", "ones", "Ones"):
        fill = tf.zeros if initializer.lower() == "zeros" else tf.ones
        return lambda shape, dtype=None: fill(shape, dtype=dtype)
    if isinstance(initializer, str):
        from . import initializers  # the layers' initializers, for the other names

        return initializers.get(initializer)
    return initializer


class Metric:
    """Metric base class: subclass it, create state in `__init__` with `add_variable`, and
    implement `update_state(...)` and `result()`.

    Args:
        dtype: The dtype of the metric's computations (default `floatx()`).
        name: The metric's name (default: the snake_case class name, made unique).
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or naming.auto_name(type(self).__name__)
        self._dtype = compute_dtype(dtype)
        self._metrics = []
        self._variables = []

    def __setattr__(self, name, value):
        # Track the variables and sub-metrics assigned to attributes, as Keras' Tracker does.
        store = self.__dict__.get("_variables")
        if store is not None:
            if isinstance(value, Variable):
                if not any(v is value for v in store):
                    store.append(value)
            elif isinstance(value, Metric) and not any(m is value for m in self._metrics):
                self._metrics.append(value)
        object.__setattr__(self, name, value)

    def _check_super_called(self):
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                "You forgot to call `super().__init__()` in the `__init__()` method. Go add it!"
            )

    @property
    def dtype(self) -> str:
        return self._dtype

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """A non-trainable state variable, path `<metric name>/<name>`."""
        self._check_super_called()
        with naming.name_scope(self.name.replace("/", ">")):
            variable = Variable(
                initializer=_resolve_initializer(initializer),
                shape=shape,
                dtype=dtype,
                trainable=False,
                aggregation=aggregation,
                synchronization="on_read",
                name=name,
            )
        if not any(v is variable for v in self._variables):
            self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Alias of `add_variable` kept by Keras for backwards compatibility."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self) -> list:
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    def reset_state(self):
        """Sets every state variable to zeros."""
        for v in self.variables:
            v.assign(tf.zeros(v.shape, dtype=v.dtype))

    def update_state(self, *args, **kwargs):
        """Accumulates statistics; subclasses implement it (the base raises a bare
        NotImplementedError, as Keras')."""
        raise NotImplementedError

    def result(self):
        """The metric's value from its state; subclasses implement it."""
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        """Updates the state with the arguments, then returns `result()`."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _obj_type(self):
        return "Metric"

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"

    __str__ = __repr__


def _zeros(shape, dtype=None):
    return tf.zeros(shape, dtype=dtype)


# -- reduction metrics ------------------------------------------------------------------------
def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype, mask=None):
    """One value per sample (values reduced to the weights' rank, weighted), and weights.

    `mask` (the values' Keras mask) counts only when there are sample weights, as in Keras.
    """
    dtype = dtype or backend.floatx()
    values = tf.cast(to_tensor(values), dtype)
    if sample_weight is not None:
        sample_weight = to_tensor(sample_weight, dtype)
        if mask is not None:
            sample_weight = losses_mod.apply_mask(sample_weight, mask, dtype, "sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim, values_ndim = len(sample_weight.shape), len(values.shape)
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=list(range(weight_ndim, values_ndim)))
        sample_weight = tf.broadcast_to(sample_weight, tf.shape(values))
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=list(range(1, weight_ndim)))
    values_ndim = len(values.shape)
    if values_ndim > 1:
        values = reduce_fn(values, axis=list(range(1, values_ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of the values seen."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer=_zeros, dtype=self.dtype, name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(
            values,
            sample_weight,
            reduce_fn=tf.reduce_sum,
            dtype=self.dtype,
            mask=losses_mod.get_keras_mask(values),
        )
        self.total.assign_add(tf.reduce_sum(values))

    def reset_state(self):
        self.total.assign(0)

    def result(self):
        return tf.cast(self.total, self.dtype)


class Mean(Metric):
    """The (weighted) mean of the values seen: `total / count`."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer=_zeros, dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer=_zeros, dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None):
        return self._update(values, sample_weight, losses_mod.get_keras_mask(values))

    def _update(self, values, sample_weight, mask):
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, reduce_fn=tf.reduce_mean, dtype=self.dtype, mask=mask
        )
        self.total.assign_add(tf.reduce_sum(values))
        if sample_weight is not None:
            num_samples = tf.reduce_sum(sample_weight)
        elif len(values.shape) >= 1:
            num_samples = values.shape[0]
        else:
            num_samples = 1
        self.count.assign_add(tf.cast(num_samples, self.dtype))

    def reset_state(self):
        self.total.assign(0)
        self.count.assign(0)

    def result(self):
        return tf.math.divide_no_nan(
            tf.convert_to_tensor(self.total), tf.cast(self.count, self.dtype)
        )


class MeanMetricWrapper(Mean):
    """The mean of `fn(y_true, y_pred, **kwargs)` over the samples seen."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        if fn in losses_mod.ALL_OBJECTS or type(fn) in losses_mod.ALL_OBJECTS:
            self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = losses_mod.get_keras_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        # The mask Keras' function attaches to its output (sparse cross-entropy's
        # ignore_class): Mean applies it only together with sample weights, a Keras wart.
        values_mask = losses_mod._function_mask(
            self._fn, self._fn_kwargs, to_tensor(y_true), to_tensor(y_pred), values
        )
        sample_weight = losses_mod.apply_mask(sample_weight, mask, self.dtype, "sum")
        return self._update(values, sample_weight, values_mask)

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype}
        config["fn"] = losses_mod.serialize_keras_object(self._fn)
        config.update(losses_mod.serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        if "fn" in config:
            # Keras rebuilds the function by its name from the public API.
            config = dict(config)
            config["fn"] = losses_mod.deserialize_keras_object(config["fn"], _FUNCTIONS)
        return cls(**config)


# -- accuracy ---------------------------------------------------------------------------------
def accuracy(y_true, y_pred):
    """1.0 where `y_true == y_pred`, else 0.0."""
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred.dtype.name)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return tf.cast(tf.equal(y_true, y_pred), backend.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where `(y_pred > threshold) == y_true`."""
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    threshold = tf.cast(threshold, y_pred.dtype)
    y_pred = tf.cast(tf.greater(y_pred, threshold), y_true.dtype)
    return tf.cast(tf.equal(y_true, y_pred), backend.floatx())


def categorical_accuracy(y_true, y_pred):
    """1.0 where the arg-max of one-hot `y_true` equals that of `y_pred`."""
    y_true = tf.argmax(to_tensor(y_true), axis=-1)
    reshape_matches = False
    y_pred = to_tensor(y_pred)
    y_true = tf.cast(y_true, y_pred.dtype)
    y_true_org_shape = y_true.shape.as_list()
    if len(y_true.shape) == len(y_pred.shape):
        y_true = tf.squeeze(y_true, -1)
        reshape_matches = True
    y_pred = tf.cast(tf.argmax(y_pred, axis=-1), y_true.dtype)
    matches = tf.cast(tf.equal(y_true, y_pred), backend.floatx())
    if reshape_matches:
        matches = tf.reshape(matches, y_true_org_shape)
    return matches


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label `y_true` is the arg-max of `y_pred`."""
    reshape_matches = False
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred.dtype.name)
    y_true_org_shape = y_true.shape.as_list()
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1:
        y_true = tf.squeeze(y_true, -1)
        reshape_matches = True
    y_pred = tf.cast(tf.argmax(y_pred, axis=-1), y_true.dtype)
    matches = tf.cast(tf.equal(y_true, y_pred), backend.floatx())
    if reshape_matches:
        matches = tf.reshape(matches, y_true_org_shape)
    if len(matches.shape) > 1 and matches.shape[-1] == 1:
        matches = tf.squeeze(matches, -1)
    return matches


def in_top_k(targets, predictions, k):
    """TF's `in_top_k`: the target's score has fewer than `k` scores strictly above it (ties
    at the boundary count as in); a non-finite score or an out-of-range target is out."""
    predictions = tf.cast(predictions, "float32")
    num_classes = predictions.shape[-1]
    targets = tf.cast(targets, "int32")
    in_range = tf.logical_and(targets >= 0, targets < num_classes)
    safe = tf.where(in_range, targets, tf.zeros_like(targets))
    target_score = tf.gather(predictions, safe, batch_dims=1)
    above = tf.reduce_sum(tf.cast(predictions > tf.expand_dims(target_score, -1), "int32"), axis=-1)
    return tf.logical_and(tf.logical_and(above < k, tf.math.is_finite(target_score)), in_range)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the arg-max of one-hot `y_true` is among the top `k` of `y_pred`."""
    reshape_matches = False
    y_pred = to_tensor(y_pred)
    y_true = tf.argmax(to_tensor(y_true, y_pred.dtype.name), axis=-1)
    y_true_org_shape = y_true.shape.as_list()
    if len(y_pred.shape) > 2:
        y_pred = tf.reshape(y_pred, [-1, y_pred.shape[-1]])
    if len(y_true.shape) > 1:
        reshape_matches = True
        y_true = tf.reshape(y_true, [-1])
    matches = tf.cast(in_top_k(y_true, y_pred, k), backend.floatx())
    if reshape_matches:
        matches = tf.reshape(matches, y_true_org_shape)
    return matches


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the top `k` of `y_pred` (or, with
    `from_sorted_ids`, among the first `k` of `y_pred`'s sorted class ids)."""
    reshape_matches = False
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, y_pred.dtype.name if from_sorted_ids else "int32")
    y_true_org_shape = y_true.shape.as_list()
    if len(y_pred.shape) > 2:
        y_pred = tf.reshape(y_pred, [-1, y_pred.shape[-1]])
    if len(y_true.shape) > 1:
        reshape_matches = True
        y_true = tf.reshape(y_true, [-1])
    if from_sorted_ids:
        matches = tf.reduce_any(tf.equal(tf.expand_dims(y_true, 1), y_pred[:, :k]), axis=1)
    else:
        matches = in_top_k(y_true, y_pred, k)
    matches = tf.cast(matches, backend.floatx())
    if reshape_matches:
        matches = tf.reshape(matches, y_true_org_shape)
    return matches


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` matches the binary labels."""

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of `y_pred` matches that of one-hot labels."""

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of `y_pred` matches integer labels."""

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is among the top `k` predictions."""

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target is among the top `k` predictions."""

    def __init__(
        self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False
    ):
        super().__init__(
            fn=sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids
        self._direction = "up"

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config


# -- regression, probabilistic and hinge metrics ----------------------------------------------
class MeanSquaredError(MeanMetricWrapper):
    """The mean of squared errors."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsoluteError(MeanMetricWrapper):
    """The mean of absolute errors."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """The mean absolute percentage error."""

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """The mean squared logarithmic error."""

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class LogCoshError(MeanMetricWrapper):
    """The mean logarithm of the hyperbolic cosine of the error."""

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(log_cosh, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class KLDivergence(MeanMetricWrapper):
    """The mean Kullback-Leibler divergence."""

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class Poisson(MeanMetricWrapper):
    """The mean Poisson loss."""

    def __init__(self, name="poisson", dtype=None):
        super().__init__(poisson, name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class Hinge(MeanMetricWrapper):
    """The mean hinge loss."""

    def __init__(self, name="hinge", dtype=None):
        super().__init__(hinge, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SquaredHinge(MeanMetricWrapper):
    """The mean squared hinge loss."""

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class CategoricalHinge(MeanMetricWrapper):
    """The mean categorical hinge loss."""

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


def cosine_similarity(y_true, y_pred, axis=-1):
    """The cosine similarity along `axis` (the loss's negative)."""
    y_true, y_pred = losses_mod._pair(y_true, y_pred)
    return tf.reduce_sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), axis=axis)


class CosineSimilarity(MeanMetricWrapper):
    """The mean cosine similarity between labels and predictions."""

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class RootMeanSquaredError(Mean):
    """`sqrt` of the (weighted) mean squared error."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = to_tensor(y_true, self._dtype)
        y_pred = to_tensor(y_pred, self._dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return super().update_state(tf.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return tf.sqrt(super().result())


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary cross-entropy."""

    def __init__(
        self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0
    ):
        super().__init__(
            binary_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self._direction = "down"

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical cross-entropy."""

    def __init__(
        self,
        name="categorical_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
        axis=-1,
    ):
        super().__init__(
            categorical_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self._direction = "down"

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean sparse categorical cross-entropy."""

    def __init__(
        self,
        name="sparse_categorical_crossentropy",
        dtype=None,
        from_logits=False,
        ignore_class=None,
        axis=-1,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis
        self._direction = "down"

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }


# -- confusion-matrix metrics -----------------------------------------------------------------
class ConfusionMatrix(enum.Enum):
    TRUE_POSITIVES = "tp"
    FALSE_POSITIVES = "fp"
    TRUE_NEGATIVES = "tn"
    FALSE_NEGATIVES = "fn"


class AUCCurve(enum.Enum):
    ROC = "ROC"
    PR = "PR"
    PRGAIN = "PRGAIN"

    @staticmethod
    def from_str(key):
        for curve in ("PR", "ROC", "PRGAIN"):
            if key in (curve, curve.lower()):
                return AUCCurve(curve)
        raise ValueError(
            f'Invalid AUC curve value: "{key}". Expected values are ["PR", "ROC", "PRGAIN"]'
        )


class AUCSummationMethod(enum.Enum):
    INTERPOLATION = "interpolation"
    MAJORING = "majoring"
    MINORING = "minoring"

    @staticmethod
    def from_str(key):
        for method in ("interpolation", "majoring", "minoring"):
            if key in (method, method.capitalize()):
                return AUCSummationMethod(method)
        raise ValueError(
            f'Invalid AUC summation method value: "{key}". '
            'Expected values are ["interpolation", "majoring", "minoring"]'
        )


def _to_list(x):
    if isinstance(x, (list, tuple)):
        return list(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    return [x]


def parse_init_thresholds(thresholds, default_threshold=0.5):
    if thresholds is not None:
        invalid = [t for t in _to_list(thresholds) if t is None or t < 0 or t > 1]
        if invalid:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return _to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed_thresholds(thresholds) -> bool:
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=backend.epsilon()))


def _filter_top_k(x, k):
    _, idx = tf.math.top_k(x, k)
    mask = tf.reduce_sum(tf.one_hot(idx, x.shape[-1], dtype=x.dtype), axis=-2)
    return x * mask + NEG_INF * (1 - mask)


def _bucketed_counts(
    variables,
    y_true,
    y_pred,
    num_thresholds,
    multi_label,
    sample_weights,
    label_weights,
    thresholds_with_epsilon,
):
    """Counts for evenly spaced thresholds: one bucket per prediction (no threshold loop)."""
    if sample_weights is None:
        weights = tf.ones_like(y_pred)
    else:
        weights = tf.broadcast_to(tf.cast(sample_weights, y_pred.dtype), tf.shape(y_pred))
    if label_weights is not None:
        lw = tf.broadcast_to(tf.expand_dims(label_weights, 0), tf.shape(y_pred))
        weights = weights * tf.cast(lw, y_pred.dtype)
    y_pred = tf.clip_by_value(y_pred, 0.0, 1.0)
    y_true = tf.cast(tf.cast(y_true, "bool"), y_true.dtype)
    if not multi_label:
        y_true, y_pred, weights = (tf.reshape(t, [-1]) for t in (y_true, y_pred, weights))
    true_labels = y_true * weights
    false_labels = (1.0 - y_true) * weights
    buckets = tf.math.ceil(y_pred * (num_thresholds - 1)) - 1
    if thresholds_with_epsilon:
        buckets = tf.nn.relu(buckets)
    buckets = tf.cast(buckets, "int32")
    # A negative bucket (a prediction of 0 without the epsilon threshold) counts nowhere.
    keep = tf.cast(buckets >= 0, true_labels.dtype)
    buckets = tf.maximum(buckets, 0)
    if multi_label:
        labels = tf.broadcast_to(tf.range(y_pred.shape[-1]), tf.shape(buckets))
        index = tf.stack([tf.reshape(buckets, [-1]), tf.reshape(labels, [-1])], axis=1)
        shape = (num_thresholds, y_pred.shape[-1])
    else:
        index = tf.expand_dims(buckets, -1)
        shape = (num_thresholds,)

    def bucket_sum(values):
        values = tf.reshape(values * keep, [-1])
        summed = tf.tensor_scatter_nd_add(tf.zeros(shape, values.dtype), index, values)
        return tf.math.cumsum(summed, axis=0, reverse=True)

    tp = bucket_sum(true_labels)
    fp = bucket_sum(false_labels)
    axis = 0 if multi_label else None
    if ConfusionMatrix.TRUE_POSITIVES in variables:
        var = variables[ConfusionMatrix.TRUE_POSITIVES]
        var.assign(var + tp)
    if ConfusionMatrix.FALSE_POSITIVES in variables:
        var = variables[ConfusionMatrix.FALSE_POSITIVES]
        var.assign(var + fp)
    if ConfusionMatrix.TRUE_NEGATIVES in variables:
        var = variables[ConfusionMatrix.TRUE_NEGATIVES]
        var.assign(var + (tf.reduce_sum(false_labels, axis=axis) - fp))
    if ConfusionMatrix.FALSE_NEGATIVES in variables:
        var = variables[ConfusionMatrix.FALSE_NEGATIVES]
        var.assign(var + (tf.reduce_sum(true_labels, axis=axis) - tp))


def update_confusion_matrix_variables(
    variables,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    thresholds_distributed_evenly=False,
):
    """Adds the (weighted) true/false positive/negative counts at each threshold to the
    variables given ({ConfusionMatrix: variable}); a prediction `> threshold` is positive."""
    if multi_label and label_weights is not None:
        raise ValueError(
            "`label_weights` for multilabel data should be handled outside of "
            "`update_confusion_matrix_variables` when `multi_label` is True."
        )
    if not variables:
        return
    invalid = [key for key in variables if key not in list(ConfusionMatrix)]
    if invalid:
        raise ValueError(
            f'Invalid keys: "{invalid}". Valid variable key options are: "{list(ConfusionMatrix)}"'
        )
    dtype = next(iter(variables.values())).dtype
    y_true = tf.cast(to_tensor(y_true), dtype)
    y_pred = tf.cast(to_tensor(y_pred), dtype)
    thresholds_with_epsilon = False
    if thresholds_distributed_evenly:
        thresholds_with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
    thresholds = tf.constant(np.asarray(thresholds), dtype=dtype)
    num_thresholds = thresholds.shape[0]
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = tf.expand_dims(tf.cast(to_tensor(sample_weight), dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(
            y_true, sample_weight, expand_rank_1=False
        )
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if len(y_pred.shape) == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes), found shape: {y_pred.shape}"
            )
        y_true = y_true[..., class_id : class_id + 1]
        y_pred = y_pred[..., class_id : class_id + 1]
    if label_weights is not None:
        label_weights = tf.cast(to_tensor(label_weights), dtype)
    if thresholds_distributed_evenly:
        return _bucketed_counts(
            variables,
            y_true,
            y_pred,
            num_thresholds,
            multi_label,
            sample_weight,
            label_weights,
            thresholds_with_epsilon,
        )
    weights = None
    if sample_weight is not None:
        weights = tf.broadcast_to(tf.cast(sample_weight, y_pred.dtype), tf.shape(y_pred))
    if label_weights is not None and not multi_label:
        lw = tf.broadcast_to(tf.expand_dims(label_weights, 0), tf.shape(y_pred))
        weights = lw if weights is None else weights * lw
    if multi_label:
        preds = tf.expand_dims(y_pred, 0)
        labels = tf.expand_dims(tf.cast(y_true, "bool"), 0)
        thresh = tf.reshape(thresholds, [num_thresholds] + [1] * len(y_pred.shape))
        if weights is not None:
            weights = tf.expand_dims(weights, 0)
    else:
        preds = tf.reshape(y_pred, [1, -1])
        labels = tf.reshape(tf.cast(y_true, "bool"), [1, -1])
        thresh = tf.reshape(thresholds, [num_thresholds, 1])
        if weights is not None:
            weights = tf.reshape(weights, [1, -1])
    pred_is_pos = preds > thresh
    label_is_pos = tf.broadcast_to(labels, tf.shape(pred_is_pos))
    conditions = {
        ConfusionMatrix.TRUE_POSITIVES: lambda: tf.logical_and(label_is_pos, pred_is_pos),
        ConfusionMatrix.FALSE_NEGATIVES: lambda: tf.logical_and(
            label_is_pos, tf.logical_not(pred_is_pos)
        ),
        ConfusionMatrix.FALSE_POSITIVES: lambda: tf.logical_and(
            tf.logical_not(label_is_pos), pred_is_pos
        ),
        ConfusionMatrix.TRUE_NEGATIVES: lambda: tf.logical_and(
            tf.logical_not(label_is_pos), tf.logical_not(pred_is_pos)
        ),
    }
    for key, var in variables.items():
        both = conditions[key]()
        if weights is not None:
            counted = tf.where(both, tf.cast(weights, var.dtype), tf.zeros((), var.dtype))
        else:
            counted = tf.cast(both, var.dtype)
        var.assign(var + tf.reduce_sum(counted, axis=1))


class _ConfusionMatrixConditionCount(Metric):
    def __init__(self, confusion_matrix_cond, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._confusion_matrix_cond = confusion_matrix_cond
        self.init_thresholds = thresholds
        self.thresholds = parse_init_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = is_evenly_distributed_thresholds(self.thresholds)
        self.accumulator = self.add_variable(
            shape=(len(self.thresholds),), initializer=_zeros, name="accumulator"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        return update_confusion_matrix_variables(
            {self._confusion_matrix_cond: self.accumulator},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
        )

    def result(self):
        if len(self.thresholds) == 1:
            return self.accumulator[0]
        return tf.convert_to_tensor(self.accumulator)

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) count of false positives at each threshold (default 0.5)."""

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(ConfusionMatrix.FALSE_POSITIVES, thresholds, name=name, dtype=dtype)


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) count of false negatives at each threshold (default 0.5)."""

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(ConfusionMatrix.FALSE_NEGATIVES, thresholds, name=name, dtype=dtype)


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) count of true negatives at each threshold (default 0.5)."""

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(ConfusionMatrix.TRUE_NEGATIVES, thresholds, name=name, dtype=dtype)


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) count of true positives at each threshold (default 0.5)."""

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(ConfusionMatrix.TRUE_POSITIVES, thresholds, name=name, dtype=dtype)


class _PrecisionRecall(Metric):
    _second = None  # the count beside true positives in the denominator

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else NEG_INF
        self.thresholds = parse_init_thresholds(thresholds, default_threshold=default)
        self._thresholds_distributed_evenly = is_evenly_distributed_thresholds(self.thresholds)
        n = len(self.thresholds)
        self.true_positives = self.add_variable(
            shape=(n,), initializer=_zeros, name="true_positives"
        )
        attr, key = self._second
        setattr(self, attr, self.add_variable(shape=(n,), initializer=_zeros, name=attr))

    def update_state(self, y_true, y_pred, sample_weight=None):
        attr, key = self._second
        update_confusion_matrix_variables(
            {
                ConfusionMatrix.TRUE_POSITIVES: self.true_positives,
                ConfusionMatrix(key): getattr(self, attr),
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self):
        tp = tf.convert_to_tensor(self.true_positives)
        result = tf.math.divide_no_nan(tp, tp + getattr(self, self._second[0]))
        return result[0] if len(self.thresholds) == 1 else result

    def reset_state(self):
        n = len(self.thresholds)
        self.true_positives.assign(tf.zeros((n,)))
        getattr(self, self._second[0]).assign(tf.zeros((n,)))

    def get_config(self):
        config = {
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }
        return {**super().get_config(), **config}


class Precision(_PrecisionRecall):
    """`tp / (tp + fp)` at each threshold (default 0.5; with `top_k`, the top k count as
    positive); `class_id` restricts it to one class."""

    _second = ("false_positives", "fp")


class Recall(_PrecisionRecall):
    """`tp / (tp + fn)` at each threshold (default 0.5), `top_k` and `class_id` as Precision."""

    _second = ("false_negatives", "fn")


class AUC(Metric):
    """The area under the ROC (default), PR or PRGAIN curve, from confusion counts at
    `num_thresholds` (200) evenly spaced thresholds (or the `thresholds` given)."""

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        self._direction = "up"
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._thresholds_distributed_evenly = is_evenly_distributed_thresholds(
                np.array([0.0] + thresholds + [1.0])
            )
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        eps = backend.epsilon()
        self._thresholds = np.array([0.0 - eps] + thresholds + [1.0 + eps])
        self.curve = curve if isinstance(curve, AUCCurve) else AUCCurve.from_str(curve)
        self.summation_method = (
            summation_method
            if isinstance(summation_method, AUCSummationMethod)
            else AUCSummationMethod.from_str(summation_method)
        )
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (
            None if label_weights is None else tf.constant(label_weights, dtype=self.dtype)
        )
        self._from_logits = from_logits
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build([None, num_labels])
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self) -> list:
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    "`y_pred` must have rank 2 when `multi_label=True`. "
                    f"Found rank {len(shape)}. Full shape received for `y_pred`: {shape}"
                )
            self._num_labels = shape[1]
            variable_shape = [self.num_thresholds, self._num_labels]
        else:
            variable_shape = [self.num_thresholds]
        self._build_input_shape = shape
        for attr in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(
                self, attr, self.add_variable(shape=variable_shape, initializer=_zeros, name=attr)
            )
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = to_tensor(y_pred)
        if not self._built:
            self._build(y_pred.shape.as_list())
        label_weights = None if self.multi_label else self.label_weights
        if self._from_logits:
            y_pred = tf.sigmoid(y_pred)
        update_confusion_matrix_variables(
            {
                ConfusionMatrix.TRUE_POSITIVES: self.true_positives,
                ConfusionMatrix.TRUE_NEGATIVES: self.true_negatives,
                ConfusionMatrix.FALSE_POSITIVES: self.false_positives,
                ConfusionMatrix.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            self._thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=label_weights,
        )

    def _by_label(self, values):
        if not self.multi_label:
            return tf.reduce_sum(values)
        by_label = tf.reduce_sum(values, axis=0)
        if self.label_weights is None:
            return tf.reduce_mean(by_label)
        return tf.math.divide_no_nan(
            tf.reduce_sum(by_label * self.label_weights), tf.reduce_sum(self.label_weights)
        )

    def interpolate_pr_auc(self):
        """The PR-AUC by Davis & Goadrich's interpolation (precision linear in tp)."""
        n = self.num_thresholds
        tp = tf.convert_to_tensor(self.true_positives)
        fp = tf.convert_to_tensor(self.false_positives)
        fn = tf.convert_to_tensor(self.false_negatives)
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        prec_slope = tf.math.divide_no_nan(dtp, tf.maximum(dp, 0))
        intercept = tp[1:] - prec_slope * p[1:]
        safe_p_ratio = tf.where(
            tf.logical_and(p[: n - 1] > 0, p[1:] > 0),
            tf.math.divide_no_nan(p[: n - 1], tf.maximum(p[1:], 0)),
            tf.ones_like(p[1:]),
        )
        increment = tf.math.divide_no_nan(
            prec_slope * (dtp + intercept * tf.math.log(safe_p_ratio)),
            tf.maximum(tp[1:] + fn[1:], 0),
        )
        return self._by_label(increment)

    def result(self):
        if self.curve == AUCCurve.PR and self.summation_method == AUCSummationMethod.INTERPOLATION:
            return self.interpolate_pr_auc()
        tp = tf.convert_to_tensor(self.true_positives)
        fp = tf.convert_to_tensor(self.false_positives)
        tn = tf.convert_to_tensor(self.true_negatives)
        fn = tf.convert_to_tensor(self.false_negatives)
        recall = tf.math.divide_no_nan(tp, tp + fn)
        if self.curve == AUCCurve.ROC:
            x, y = tf.math.divide_no_nan(fp, fp + tn), recall
        elif self.curve == AUCCurve.PR:
            x, y = recall, tf.math.divide_no_nan(tp, tp + fp)
        else:
            scaling = tf.math.divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scaling * tf.math.divide_no_nan(fn, tp)
            precision_gain = 1.0 - scaling * tf.math.divide_no_nan(fp, tp)
            zero = tf.equal(tp, 0.0)
            recall_gain = tf.where(zero, tf.zeros_like(tp), recall_gain)
            precision_gain = tf.where(zero, tf.ones_like(tp), precision_gain)
            x, y = tf.maximum(recall_gain, 0.0), precision_gain
        n = self.num_thresholds
        if self.summation_method == AUCSummationMethod.INTERPOLATION:
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == AUCSummationMethod.MINORING:
            heights = tf.minimum(y[: n - 1], y[1:])
        else:
            heights = tf.maximum(y[: n - 1], y[1:])
        return self._by_label((x[: n - 1] - x[1:]) * heights)

    def reset_state(self):
        if self._built:
            shape = (
                (self.num_thresholds, self._num_labels)
                if self.multi_label
                else (self.num_thresholds,)
            )
            for v in (
                self.true_positives,
                self.false_positives,
                self.true_negatives,
                self.false_negatives,
            ):
                v.assign(tf.zeros(shape))

    def get_config(self):
        label_weights = self.label_weights  # a tensor in Keras' config too
        config = {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve.value,
            "summation_method": self.summation_method.value,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return {**super().get_config(), **config}


class SensitivitySpecificityBase(Metric):
    """Confusion counts at `num_thresholds` evenly spaced thresholds in [0, 1], from which
    the subclasses read one rate at the best threshold meeting a constraint on another."""

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if num_thresholds <= 0:
            raise ValueError(
                "Argument `num_thresholds` must be an integer > 0. "
                f"Received: num_thresholds={num_thresholds}"
            )
        self.value = value
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._thresholds_distributed_evenly = False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0] + inner + [1.0]
            self._thresholds_distributed_evenly = True
        n = len(self.thresholds)
        for attr in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, attr, self.add_variable(shape=(n,), initializer=_zeros, name=attr))

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_confusion_matrix_variables(
            {
                ConfusionMatrix.TRUE_POSITIVES: self.true_positives,
                ConfusionMatrix.TRUE_NEGATIVES: self.true_negatives,
                ConfusionMatrix.FALSE_POSITIVES: self.false_positives,
                ConfusionMatrix.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def reset_state(self):
        n = len(self.thresholds)
        for v in (self.true_positives, self.false_positives, self.true_negatives,
                  self.false_negatives):  # fmt: skip
            v.assign(tf.zeros((n,)))

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id}

    def _rates(self):
        tp, fp, tn, fn = (
            tf.convert_to_tensor(v)
            for v in (
                self.true_positives,
                self.false_positives,
                self.true_negatives,
                self.false_negatives,
            )  # fmt: skip
        )
        return {
            "sensitivity": tf.math.divide_no_nan(tp, tp + fn),
            "specificity": tf.math.divide_no_nan(tn, tn + fp),
            "precision": tf.math.divide_no_nan(tp, tp + fp),
        }

    def _find_max_under_constraint(self, constrained, dependent):
        feasible = constrained >= self.value
        best = tf.reduce_max(tf.where(feasible, dependent, tf.zeros_like(dependent)))
        return tf.maximum(best, tf.zeros((), best.dtype))


def _check_rate(name, value):
    if value < 0 or value > 1:
        raise ValueError(f"Argument `{name}` must be in the range [0, 1]. Received: {name}={value}")


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """The best sensitivity (recall) at a threshold whose specificity is >= `specificity`."""

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("specificity", specificity)
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)  # fmt: skip

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["specificity"], rates["sensitivity"])

    def get_config(self):
        config = {"num_thresholds": self.num_thresholds, "specificity": self.specificity}
        return {**super().get_config(), **config}


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """The best specificity at a threshold whose sensitivity is >= `sensitivity`."""

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("sensitivity", sensitivity)
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)  # fmt: skip

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["specificity"])

    def get_config(self):
        config = {"num_thresholds": self.num_thresholds, "sensitivity": self.sensitivity}
        return {**super().get_config(), **config}


class PrecisionAtRecall(SensitivitySpecificityBase):
    """The best precision at a threshold whose recall is >= `recall`."""

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("recall", recall)
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(value=recall, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)  # fmt: skip

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["precision"])

    def get_config(self):
        config = {"num_thresholds": self.num_thresholds, "recall": self.recall}
        return {**super().get_config(), **config}


class RecallAtPrecision(SensitivitySpecificityBase):
    """The best recall at a threshold whose precision is >= `precision`."""

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_rate("precision", precision)
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(value=precision, num_thresholds=num_thresholds, class_id=class_id,
                         name=name, dtype=dtype)  # fmt: skip

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["precision"], rates["sensitivity"])

    def get_config(self):
        config = {"num_thresholds": self.num_thresholds, "precision": self.precision}
        return {**super().get_config(), **config}


# -- F-scores, R2, correlations ---------------------------------------------------------------
class FBetaScore(Metric):
    """The F-beta score per class (`average=None`), or its micro/macro/weighted average.

    Without `threshold`, each sample's highest score is its predicted class.
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                "Invalid `average` argument value. Expected one of: "
                "{None, 'micro', 'macro', 'weighted'}. "
                f"Received: average={average}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                "Invalid `beta` argument value. It should be a Python float. "
                f"Received: beta={beta} of type '{type(beta)}'"
            )
        if beta <= 0.0:
            raise ValueError(
                f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}"
            )
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    "Invalid `threshold` argument value. It should be a Python float. "
                    f"Received: threshold={threshold} of type '{type(threshold)}'"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    "Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                    f"Received: threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received "
                f"input shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        for attr in ("true_positives", "false_positives", "false_negatives",
                     "intermediate_weights"):  # fmt: skip
            setattr(self, attr, self.add_variable(name=attr, shape=shape, initializer=_zeros,
                                                  dtype=self.dtype))  # fmt: skip
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = to_tensor(y_true, self.dtype)
        y_pred = to_tensor(y_pred, self.dtype)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if self.threshold is None:
            top = tf.reduce_max(y_pred, axis=-1, keepdims=True)
            y_pred = tf.logical_and(y_pred >= top, tf.abs(y_pred) > 1e-9)
        else:
            y_pred = y_pred > self.threshold
        y_pred = tf.cast(y_pred, self.dtype)
        if sample_weight is not None:
            sample_weight = to_tensor(sample_weight, self.dtype)

        def weighted_sum(value):
            if sample_weight is not None:
                value = value * tf.expand_dims(sample_weight, 1)
            return tf.reduce_sum(value, axis=self.axis)

        self.true_positives.assign(self.true_positives + weighted_sum(y_pred * y_true))
        self.false_positives.assign(self.false_positives + weighted_sum(y_pred * (1 - y_true)))
        self.false_negatives.assign(self.false_negatives + weighted_sum((1 - y_pred) * y_true))
        self.intermediate_weights.assign(self.intermediate_weights + weighted_sum(y_true))

    def result(self):
        eps = backend.epsilon()
        tp = tf.convert_to_tensor(self.true_positives)
        precision = tp / (tp + self.false_positives + eps)
        recall = tp / (tp + self.false_negatives + eps)
        b2 = self.beta**2
        f_score = precision * recall / (b2 * precision + recall + eps) * (1 + b2)
        if self.average == "weighted":
            w = tf.convert_to_tensor(self.intermediate_weights)
            return tf.reduce_sum(f_score * (w / (tf.reduce_sum(w) + eps)))
        if self.average is not None:
            return tf.reduce_mean(f_score)
        return f_score

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "average": self.average,
                  "beta": self.beta, "threshold": self.threshold}  # fmt: skip
        return {**super().get_config(), **config}

    def reset_state(self):
        for v in self.variables:
            v.assign(tf.zeros(v.shape, dtype=v.dtype))


class F1Score(FBetaScore):
    """The F1 score (FBetaScore with beta=1)."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config


class R2Score(Metric):
    """The coefficient of determination per output, averaged (`class_aggregation`) and
    optionally adjusted for `num_regressors`."""

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score",
                 dtype=None):  # fmt: skip
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(
                "Invalid value for argument `class_aggregation`. Expected one of "
                f"{valid}. Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), initializer=_zeros, name="num_samples")
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). Received input "
                f"shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        n = [y_pred_shape[-1]]
        self.squared_sum = self.add_variable(name="squared_sum", shape=n, initializer=_zeros)
        self.sum = self.add_variable(name="sum", shape=n, initializer=_zeros)
        self.total_mse = self.add_variable(name="residual", shape=n, initializer=_zeros)
        self.count = self.add_variable(name="count", shape=n, initializer=_zeros)
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = to_tensor(y_true, self._dtype)
        y_pred = to_tensor(y_pred, self._dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if sample_weight is None:
            sample_weight = 1
        sample_weight = to_tensor(sample_weight, self.dtype)
        if len(sample_weight.shape) == 1:
            sample_weight = tf.expand_dims(sample_weight, 1)
        sample_weight = tf.broadcast_to(sample_weight, tf.shape(y_true))
        weighted = y_true * sample_weight
        self.sum.assign(self.sum + tf.reduce_sum(weighted, axis=0))
        self.squared_sum.assign(self.squared_sum + tf.reduce_sum(y_true * weighted, axis=0))
        self.total_mse.assign(
            self.total_mse + tf.reduce_sum((y_true - y_pred) ** 2 * sample_weight, axis=0)
        )
        self.count.assign(self.count + tf.reduce_sum(sample_weight, axis=0))
        self.num_samples.assign(self.num_samples + float(np.prod(y_true.shape.as_list())))

    def result(self):
        total_sum = tf.convert_to_tensor(self.sum)
        mean = total_sum / self.count
        total = self.squared_sum - total_sum * mean
        raw = 1 - self.total_mse / total
        raw = tf.where(tf.math.is_inf(raw), tf.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            r2 = tf.reduce_mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            r2 = tf.reduce_sum(total * raw) / tf.reduce_sum(total)
        else:
            r2 = raw
        if self.num_regressors != 0:
            n = float(self.num_samples.numpy())
            if self.num_regressors > n - 1:
                warnings.warn(
                    "More independent predictors than datapoints in adjusted R2 score. "
                    "Falling back to standard R2 score.",
                    stacklevel=2,
                )
            elif self.num_regressors == n - 1:
                warnings.warn(
                    "Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
                    stacklevel=2,
                )
            else:
                p = float(self.num_regressors)
                r2 = 1.0 - (1.0 - r2) * (n - 1.0) / (n - p - 1.0)
        return r2

    def reset_state(self):
        for v in self.variables:
            v.assign(tf.zeros(v.shape, dtype=v.dtype))

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype,
                  "class_aggregation": self.class_aggregation,
                  "num_regressors": self.num_regressors}  # fmt: skip
        return {**super().get_config(), **config}


def pearson_correlation(y_true, y_pred, axis=-1):
    """The Pearson correlation of `y_true` and `y_pred` along `axis`."""
    y_true, y_pred = losses_mod._pair(y_true, y_pred)
    t = y_true - tf.reduce_mean(y_true, axis=axis, keepdims=True)
    p = y_pred - tf.reduce_mean(y_pred, axis=axis, keepdims=True)
    t = t / tf.math.reduce_std(t, axis=axis, keepdims=True)
    p = p / tf.math.reduce_std(p, axis=axis, keepdims=True)
    return tf.reduce_mean(t * p, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation of `y_true` and `y_pred` along `axis`.

    Keras' formula (kept): the covariance term centres `y_true` on `y_pred`'s mean.
    """
    y_true, y_pred = losses_mod._pair(y_true, y_pred)
    t_mean = tf.reduce_mean(y_true, axis=axis, keepdims=True)
    p_mean = tf.reduce_mean(y_pred, axis=axis, keepdims=True)
    t_var = tf.math.reduce_variance(y_true - t_mean, axis=axis, keepdims=True)
    p_var = tf.math.reduce_variance(y_pred - p_mean, axis=axis, keepdims=True)
    covar = (y_true - p_mean) * (y_pred - p_mean)
    norm = t_var + p_var + tf.square(t_mean - p_mean)
    return tf.reduce_mean(2 * covar / (norm + backend.epsilon()), axis=axis)


class PearsonCorrelation(MeanMetricWrapper):
    """The mean Pearson correlation along `axis`."""

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(fn=pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class ConcordanceCorrelation(MeanMetricWrapper):
    """The mean concordance correlation along `axis`."""

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(fn=concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


# -- IoU --------------------------------------------------------------------------------------
def confusion_matrix(labels, predictions, num_classes, weights=None, dtype="int32"):
    """The `(num_classes, num_classes)` matrix of (weighted) counts, rows = labels."""
    labels = tf.cast(to_tensor(labels), dtype)
    predictions = tf.cast(to_tensor(predictions), dtype)
    labels, predictions = squeeze_or_expand_to_same_rank(labels, predictions)
    index = tf.cast(tf.stack([labels, predictions], axis=1), "int64")
    values = tf.ones_like(predictions) if weights is None else tf.cast(weights, dtype)
    zeros = tf.zeros((int(num_classes), int(num_classes)), dtype)
    return tf.tensor_scatter_nd_add(zeros, index, values)


class _IoUBase(Metric):
    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):  # fmt: skip
        super().__init__(name=name, dtype=dtype or "int")
        self._direction = "up"
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            name="total_confusion_matrix", shape=(num_classes, num_classes), initializer=_zeros,
            dtype=self.dtype,
        )  # fmt: skip

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.sparse_y_true:
            y_true = tf.argmax(to_tensor(y_true), axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = tf.argmax(to_tensor(y_pred), axis=self.axis)
        y_true = to_tensor(y_true, self.dtype)
        y_pred = to_tensor(y_pred, self.dtype)
        if len(y_pred.shape) > 1:
            y_pred = tf.reshape(y_pred, [-1])
        if len(y_true.shape) > 1:
            y_true = tf.reshape(y_true, [-1])
        if sample_weight is None:
            sample_weight = 1
        elif (hasattr(sample_weight, "dtype") and "float" in str(sample_weight.dtype)
              and "int" in str(self.dtype)):  # fmt: skip
            warnings.warn(
                "You are passing weight as `float`, but dtype is `int`. This may result in an "
                "incorrect weight due to type casting Consider using integer weights.",
                stacklevel=1,  # Keras' (the warning names this module)
            )
        sample_weight = to_tensor(sample_weight, self.dtype)
        if len(sample_weight.shape) > 1:
            sample_weight = tf.reshape(sample_weight, [-1])
        sample_weight = tf.broadcast_to(sample_weight, tf.shape(y_true))
        num_classes = tf.cast(self.num_classes, y_true.dtype)
        in_bounds = tf.logical_and(
            tf.logical_and(y_true >= 0, y_true < num_classes),
            tf.logical_and(y_pred >= 0, y_pred < num_classes),
        )
        if self.ignore_class is not None:
            ignore = tf.cast(self.ignore_class, y_true.dtype)
            in_bounds = tf.logical_and(in_bounds, tf.not_equal(y_true, ignore))
        zero = tf.zeros((), y_true.dtype)
        y_true = tf.where(in_bounds, y_true, zero)
        y_pred = tf.where(in_bounds, y_pred, zero)
        sample_weight = tf.where(in_bounds, sample_weight, tf.zeros((), sample_weight.dtype))
        current = confusion_matrix(y_true, y_pred, self.num_classes, weights=sample_weight,
                                   dtype=self.dtype)  # fmt: skip
        return self.total_cm.assign(self.total_cm + current)

    def reset_state(self):
        self.total_cm.assign(tf.zeros(self.total_cm.shape, dtype=self.total_cm.dtype))


class IoU(_IoUBase):
    """Intersection over union `tp / (tp + fp + fn)` averaged over `target_class_ids`
    (integer labels and predictions, or one-hot/scores with `sparse_y_*=False`)."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):  # fmt: skip
        super().__init__(name=name, num_classes=num_classes, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis,
                         dtype=dtype)  # fmt: skip
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"Target class id {max(target_class_ids)} is out of range, which is "
                f"[{0}, {num_classes})."
            )
        self.target_class_ids = list(target_class_ids)

    def result(self):
        cm = tf.convert_to_tensor(self.total_cm)
        sum_over_row = tf.cast(tf.reduce_sum(cm, axis=0), self.dtype)
        sum_over_col = tf.cast(tf.reduce_sum(cm, axis=1), self.dtype)
        tp = tf.cast(tf.linalg.diag_part(cm), self.dtype)
        denominator = sum_over_row + sum_over_col - tp
        ids = tf.constant(self.target_class_ids, dtype="int32")
        tp = tf.cast(tf.gather(tp, ids), "float32")
        denominator = tf.cast(tf.gather(denominator, ids), "float32")
        valid = tf.cast(denominator > 1e-9, "float32")
        iou = tp / (denominator + backend.epsilon())
        iou = tf.where(tf.cast(valid, "bool"), iou, tf.zeros_like(iou))
        return tf.reduce_sum(iou, axis=self.axis) / (tf.reduce_sum(valid) + backend.epsilon())

    def get_config(self):
        config = {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                  "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                  "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}  # fmt: skip
        return {**super().get_config(), **config}


class BinaryIoU(IoU):
    """IoU of binary labels against `y_pred >= threshold`."""

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name,
                         dtype=dtype)  # fmt: skip
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = to_tensor(y_true, self.dtype)
        y_pred = tf.cast(to_tensor(y_pred, "float32") >= self.threshold, self.dtype)
        return super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {"target_class_ids": self.target_class_ids, "threshold": self.threshold,
                "name": self.name, "dtype": self._dtype}  # fmt: skip


class MeanIoU(IoU):
    """IoU averaged over all `num_classes` classes."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):  # fmt: skip
        super().__init__(name=name, num_classes=num_classes,
                         target_class_ids=list(range(num_classes)), axis=axis, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred)  # fmt: skip

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self._dtype,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}  # fmt: skip


class OneHotIoU(IoU):
    """IoU of one-hot labels against score vectors (arg-max), over `target_class_ids`."""

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):  # fmt: skip
        super().__init__(num_classes=num_classes, target_class_ids=target_class_ids, name=name,
                         dtype=dtype, ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)  # fmt: skip

    def get_config(self):
        return {"num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "name": self.name, "dtype": self._dtype, "ignore_class": self.ignore_class,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}  # fmt: skip


class OneHotMeanIoU(MeanIoU):
    """MeanIoU of one-hot labels against score vectors (arg-max)."""

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):  # fmt: skip
        super().__init__(num_classes=num_classes, axis=axis, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred)  # fmt: skip

    def get_config(self):
        return {"num_classes": self.num_classes, "name": self.name, "dtype": self._dtype,
                "ignore_class": self.ignore_class, "sparse_y_pred": self.sparse_y_pred,
                "axis": self.axis}  # fmt: skip


# -- lookup -----------------------------------------------------------------------------------
METRIC_CLASSES = (
    Metric,
    Mean,
    Sum,
    MeanMetricWrapper,
    MeanSquaredError,
    RootMeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCoshError,
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    PrecisionAtRecall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    R2Score,
    ConcordanceCorrelation,
    PearsonCorrelation,
    F1Score,
    FBetaScore,
    IoU,
    BinaryIoU,
    MeanIoU,
    OneHotIoU,
    OneHotMeanIoU,
)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in METRIC_CLASSES}
ALL_OBJECTS_DICT.update({naming.to_snake_case(cls.__name__): cls for cls in METRIC_CLASSES})
ALL_OBJECTS_DICT.update(
    bce=BinaryCrossentropy,
    BCE=BinaryCrossentropy,
    mse=MeanSquaredError,
    MSE=MeanSquaredError,
    mae=MeanAbsoluteError,
    MAE=MeanAbsoluteError,
    mape=MeanAbsolutePercentageError,
    MAPE=MeanAbsolutePercentageError,
    msle=MeanSquaredLogarithmicError,
    MSLE=MeanSquaredLogarithmicError,
)
_METRIC_FUNCTIONS = (
    pearson_correlation,
    concordance_correlation,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    cosine_similarity,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    sparse_categorical_crossentropy,
    categorical_hinge,
    hinge,
    squared_hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
)
_FUNCTIONS = {fn.__name__: fn for fn in _METRIC_FUNCTIONS}

# tf.keras' Keras-2 aliases of the functions.
MSE = mse = mean_squared_error
MAE = mae = mean_absolute_error
MAPE = mape = mean_absolute_percentage_error
MSLE = msle = mean_squared_logarithmic_error
KLD = kld = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh


def serialize(metric):
    """The config dict of a `Metric` or metric function."""
    return losses_mod.serialize_keras_object(metric)


def deserialize(config, custom_objects=None):
    """A `Metric` or metric function from `serialize`'s dict (or a name)."""
    return losses_mod.deserialize_keras_object(config, ALL_OBJECTS_DICT, custom_objects)


def get(identifier):
    """A metric from an identifier: a class name or its snake_case (`"accuracy"` ->
    `Accuracy()`, `"mae"` -> `MeanAbsoluteError()`), a config dict, a callable, or None.

    `"acc"` is unknown here, as in Keras (only `compile` knows it, see
    `get_metric_for_compile`).
    """
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
    raise ValueError(f"Could not interpret metric identifier: {identifier}")


def get_metric_for_compile(identifier, y_true, y_pred):
    """One entry of `compile(metrics=[...])` as a `Metric` (for the trainer).

    `"accuracy"`/`"acc"` (any case) pick `BinaryAccuracy` when the output's last axis is 1,
    `SparseCategoricalAccuracy` when the target has a lower rank (or a last axis of 1 against
    several outputs), else `CategoricalAccuracy`; functions are wrapped in
    `MeanMetricWrapper`. The metric is named by the string given (so `"acc"` logs as `acc`),
    or by the object's own name.

    Args:
        identifier: A name, a `Metric`, a function `f(y_true, y_pred)` or a config dict.
        y_true: The target (a tensor or anything with `.shape`).
        y_pred: The model's output (likewise).
    """
    if identifier is None:
        raise ValueError("Expected metric, received `None`")
    if str(identifier).lower() not in ("accuracy", "acc"):
        metric = get(identifier)
    else:
        is_binary, is_sparse = losses_mod.is_binary_or_sparse_categorical(y_true, y_pred)
        if is_binary:
            metric = BinaryAccuracy(name=str(identifier))
        elif is_sparse:
            metric = SparseCategoricalAccuracy(name=str(identifier))
        else:
            metric = CategoricalAccuracy(name=str(identifier))
    name = identifier if isinstance(identifier, str) else losses_mod._object_name(metric)
    if not isinstance(metric, Metric):
        metric = MeanMetricWrapper(metric)
    metric.name = name
    return metric
