"""`keras.layers.BatchNormalization`."""

from __future__ import annotations

import tapeflow as tf

from ... import constraints, initializers, regularizers
from ..input_spec import InputSpec
from ..layer import Layer


class BatchNormalization(Layer):
    """`BatchNormalization(axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True,
    beta_initializer='zeros', gamma_initializer='ones', moving_mean_initializer='zeros',
    moving_variance_initializer='ones', ..., renorm=False, synchronized=False)`.

    `training=True` on a trainable layer normalizes with the batch mean and the biased
    batch variance (`tf.nn.moments`) and updates `moving = momentum * moving +
    (1 - momentum) * batch`; otherwise (inference, `None`, or `trainable=False`) it uses
    the moving statistics. Weights: gamma, beta (trainable), moving_mean,
    moving_variance (not). Batch renormalization is not supported (`renorm=True` raises);
    `synchronized` changes nothing in one replica.
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        renorm=False,
        renorm_clipping=None,
        renorm_momentum=0.99,
        synchronized=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if renorm:
            raise ValueError("tapeflow's BatchNormalization does not support renorm=True.")
        self.axis = int(axis)
        self.synchronized = synchronized
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.renorm = renorm
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.gamma = None
        self.beta = None
        self.moving_mean = None
        self.moving_variance = None
        self._reduction_axes = None

    @property
    def supports_masking(self) -> bool:
        return True

    def build(self, input_shape):
        shape = (input_shape[self.axis],)
        if self.scale:
            self.gamma = self.add_weight(
                shape=shape,
                name="gamma",
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                trainable=True,
                autocast=False,
            )
        if self.center:
            self.beta = self.add_weight(
                shape=shape,
                name="beta",
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                trainable=True,
                autocast=False,
            )
        self.moving_mean = self.add_weight(
            shape=shape,
            name="moving_mean",
            initializer=self.moving_mean_initializer,
            trainable=False,
            autocast=False,
        )
        self.moving_variance = self.add_weight(
            shape=shape,
            name="moving_variance",
            initializer=self.moving_variance_initializer,
            trainable=False,
            autocast=False,
        )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: input_shape[self.axis]})
        axes = list(range(len(input_shape)))
        del axes[self.axis]
        self._reduction_axes = axes
        self.built = True

    def compute_output_shape(self, input_shape):
        if self.axis >= len(input_shape) or self.axis < -len(input_shape):
            raise ValueError(
                f"Axis {self.axis} is out of bounds for input shape {input_shape}. "
                f"Received: axis={self.axis}"
            )
        return input_shape

    def _moments(self, inputs, mask):
        if mask is None:
            return tf.nn.moments(inputs, axes=self._reduction_axes)
        weights = tf.expand_dims(tf.cast(mask, inputs.dtype), -1)
        weights = tf.broadcast_to(weights, tf.shape(inputs))
        total = tf.reduce_sum(weights, axis=self._reduction_axes)
        mean = tf.reduce_sum(inputs * weights, axis=self._reduction_axes) / total
        centred = inputs - _broadcast(mean, self.axis, inputs.shape.rank)
        variance = tf.reduce_sum(tf.square(centred) * weights, axis=self._reduction_axes) / total
        return mean, variance

    def call(self, inputs, training=None, mask=None):
        if mask is not None and mask.shape.rank != inputs.shape.rank - 1:
            raise ValueError(
                "The mask provided should be one dimension less than the inputs. Received: "
                f"mask.shape={mask.shape}, inputs.shape={inputs.shape}"
            )
        dtype = "float64" if inputs.dtype == tf.float64 else "float32"
        inputs = tf.cast(inputs, dtype)
        moving_mean = tf.cast(self.moving_mean.value, dtype)
        moving_variance = tf.cast(self.moving_variance.value, dtype)
        gamma = tf.cast(self.gamma.value, dtype) if self.scale else None
        beta = tf.cast(self.beta.value, dtype) if self.center else None
        if training and self.trainable:
            mean, variance = self._moments(inputs, mask)
            self.moving_mean.assign(moving_mean * self.momentum + mean * (1.0 - self.momentum))
            self.moving_variance.assign(
                moving_variance * self.momentum + variance * (1.0 - self.momentum)
            )
        else:
            mean, variance = moving_mean, moving_variance
        rank = inputs.shape.rank
        outputs = tf.nn.batch_normalization(
            inputs,
            _broadcast(mean, self.axis, rank),
            _broadcast(variance, self.axis, rank),
            _broadcast(beta, self.axis, rank),
            _broadcast(gamma, self.axis, rank),
            self.epsilon,
        )
        return tf.cast(outputs, self.compute_dtype)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(
                    self.moving_variance_initializer
                ),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
                "synchronized": self.synchronized,
                "renorm": self.renorm,
                "renorm_clipping": self.renorm_clipping,
                "renorm_momentum": self.renorm_momentum,
            }
        )
        return config


def _broadcast(v, axis, rank):
    """A per-channel vector shaped to broadcast against a rank-`rank` input on `axis`."""
    if v is None or axis in (-1, rank - 1):
        return v
    shape = [1] * rank
    shape[axis] = -1
    return tf.reshape(v, shape)
