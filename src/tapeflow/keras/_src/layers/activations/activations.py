"""`keras.layers.LeakyReLU`, `ReLU`, `Softmax`, `ELU`, `PReLU` and `Activation`."""

from __future__ import annotations

import warnings

import tapeflow as tf

from ... import activations, constraints, initializers, regularizers
from ..input_spec import InputSpec
from ..layer import Layer


class _Elementwise(Layer):
    @property
    def supports_masking(self) -> bool:
        return True

    def compute_output_shape(self, input_shape):
        return input_shape


class LeakyReLU(_Elementwise):
    """`LeakyReLU(negative_slope=0.3)`: `x` for x >= 0, `negative_slope * x` below
    (the deprecated `alpha=` still works, with Keras' warning)."""

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn(
                "Argument `alpha` is deprecated. Use `negative_slope` instead.", stacklevel=2
            )
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "The negative_slope value of a Leaky ReLU layer cannot be None or negative "
                f"value. Expected a float. Received: negative_slope={negative_slope}"
            )
        self.negative_slope = negative_slope
        self._build_at_init()

    def call(self, inputs):
        return tf.nn.leaky_relu(inputs, alpha=self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Keras' `activations.relu` with its three options, computed as Keras does."""
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return tf.nn.leaky_relu(x, alpha=negative_slope)
        negative_part = tf.nn.relu(-x + threshold) if threshold != 0 else tf.nn.relu(-x)
    clip_max = max_value is not None
    if threshold != 0:
        x = x * tf.cast(x > tf.cast(threshold, x.dtype), x.dtype)
    elif max_value == 6:
        x = tf.nn.relu6(x)
        clip_max = False
    else:
        x = tf.nn.relu(x)
    if clip_max:
        x = tf.clip_by_value(x, tf.cast(0.0, x.dtype), tf.cast(max_value, x.dtype))
    if negative_slope != 0.0:
        x = x - negative_slope * negative_part
    return x


class ReLU(_Elementwise):
    """`ReLU(max_value=None, negative_slope=0.0, threshold=0.0)`: `max_value` clips,
    below `threshold` the output is `negative_slope * (x - threshold)`."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(
                f"max_value of a ReLU layer cannot be a negative value. Received: "
                f"max_value={max_value}"
            )
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(
                "negative_slope of a ReLU layer cannot be None or a negative value. "
                f"Received: negative_slope={negative_slope}"
            )
        if threshold is None or threshold < 0.0:
            raise ValueError(
                "threshold of a ReLU layer cannot be None or a negative value. "
                f"Received: threshold={threshold}"
            )
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self._build_at_init()

    def call(self, inputs):
        return relu(inputs, self.negative_slope, self.max_value, self.threshold)

    def get_config(self):
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }


def _large_negative(dtype):
    return -3e4 if dtype == tf.float16 else -1e9


class Softmax(_Elementwise):
    """`Softmax(axis=-1)`; `call(inputs, mask=None)`: masked positions (False, or <= 0.5)
    get probability 0, as Keras."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self._build_at_init()

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = tf.convert_to_tensor(mask)
            if mask.shape.rank > inputs.shape.rank:
                raise ValueError(
                    "The `mask` must be broadcastable to `inputs` and must not have more "
                    f"dimensions. Received: inputs.shape={inputs.shape}, mask.shape={mask.shape}"
                )
            for m, i in zip(mask.shape.as_list()[::-1], inputs.shape.as_list()[::-1]):
                if m != 1 and m != i:
                    raise ValueError(
                        "The `mask` must be broadcastable to `inputs`. Each mask dimension "
                        "must be 1 or match the corresponding input dimension. Received: "
                        f"inputs.shape={inputs.shape}, mask.shape={mask.shape}"
                    )
            if mask.dtype != tf.bool:
                mask = mask > tf.cast(0.5, mask.dtype)
            mask = tf.broadcast_to(mask, tf.shape(inputs))
            inputs = tf.where(
                mask, inputs, tf.cast(tf.fill(tf.shape(inputs), _large_negative(inputs.dtype)),
                                      inputs.dtype)
            )  # fmt: skip
        if isinstance(self.axis, (tuple, list)):
            if len(self.axis) > 1:
                outputs = tf.exp(
                    inputs - tf.reduce_logsumexp(inputs, axis=list(self.axis), keepdims=True)
                )
            else:
                outputs = tf.nn.softmax(inputs, axis=self.axis[0])
        else:
            outputs = tf.nn.softmax(inputs, axis=self.axis)
        if mask is not None:
            outputs = tf.where(mask, outputs, tf.zeros_like(outputs))
        return outputs

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class ELU(_Elementwise):
    """`ELU(alpha=1.0)`: `x` for x > 0, `alpha * (exp(x) - 1)` below."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha
        self._build_at_init()

    def call(self, inputs):
        res = tf.nn.elu(inputs)
        if self.alpha == 1:
            return res
        return tf.where(inputs > 0, res, self.alpha * res)


class PReLU(_Elementwise):
    """`PReLU(alpha_initializer='Zeros', alpha_regularizer=None, alpha_constraint=None,
    shared_axes=None)`: a leaky ReLU whose slope `alpha` (shape `input_shape[1:]`, 1 on
    shared axes) is learned."""

    def __init__(
        self,
        alpha_initializer="Zeros",
        alpha_regularizer=None,
        alpha_constraint=None,
        shared_axes=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = list(shared_axes)

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        if self.shared_axes is not None:
            for i in self.shared_axes:
                param_shape[i - 1] = 1
        self.alpha = self.add_weight(
            shape=param_shape,
            name="alpha",
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        axes = {}
        if self.shared_axes:
            axes = {i: input_shape[i] for i in range(1, len(input_shape))
                    if i not in self.shared_axes}  # fmt: skip
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs):
        return tf.nn.relu(inputs) - self.alpha.value * tf.nn.relu(-inputs)

    def get_config(self):
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }


class Activation(_Elementwise):
    """`Activation(activation)`: applies a Keras activation (a name or a callable)."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self._build_at_init()

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
