"""`keras.layers.MaxPooling1D/2D`, `AveragePooling1D/2D` and the global poolings."""

from __future__ import annotations

import tapeflow as tf

from .. import _utils
from ..input_spec import InputSpec
from ..layer import Layer


class BasePooling(Layer):
    """Keras' `BasePooling(pool_size, strides, pool_dimensions, pool_mode='max',
    padding='valid', data_format=None, name=None)`; `strides=None` means `pool_size`.

    As in Keras, `padding` is kept as given (not lower-cased) and checked by the pooling
    op when called.
    """

    def __init__(
        self,
        pool_size,
        strides,
        pool_dimensions,
        pool_mode="max",
        padding="valid",
        data_format=None,
        name=None,
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        self.pool_size = _utils.standardize_tuple(pool_size, pool_dimensions, "pool_size")
        strides = pool_size if strides is None else strides
        self.strides = _utils.standardize_tuple(
            strides, pool_dimensions, "strides", allow_zero=True
        )
        self.pool_mode = pool_mode
        self.padding = padding
        self.data_format = _utils.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self._build_at_init()

    def call(self, inputs):
        # Any other padding reaches the op, whose InvalidArgumentError TF raises too.
        padding = self.padding.lower()
        x = _utils.to_channels_last(inputs, self.data_format)
        pool = {
            ("max", 1): tf.nn.max_pool1d,
            ("max", 2): tf.nn.max_pool2d,
            ("average", 1): tf.nn.avg_pool1d,
            ("average", 2): tf.nn.avg_pool2d,
        }[(self.pool_mode, len(self.pool_size))]
        out = pool(x, list(self.pool_size), list(self.strides), padding.upper())
        return _utils.from_channels_last(out, self.data_format)

    def compute_output_shape(self, input_shape):
        return _utils.pooling_output_shape(
            input_shape, self.pool_size, self.strides, self.padding, self.data_format
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "pool_size": self.pool_size,
                "padding": self.padding,
                "strides": self.strides,
                "data_format": self.data_format,
            }
        )
        return config


class MaxPooling1D(BasePooling):
    """`MaxPooling1D(pool_size=2, strides=None, padding='valid', data_format=None)`."""

    def __init__(
        self, pool_size=2, strides=None, padding="valid", data_format=None, name=None, **kwargs
    ):
        super().__init__(pool_size, strides, 1, "max", padding, data_format, name, **kwargs)


class MaxPooling2D(BasePooling):
    """`MaxPooling2D(pool_size=(2, 2), strides=None, padding='valid', data_format=None)`."""

    def __init__(
        self,
        pool_size=(2, 2),
        strides=None,
        padding="valid",
        data_format=None,
        name=None,
        **kwargs,
    ):
        super().__init__(pool_size, strides, 2, "max", padding, data_format, name, **kwargs)


class AveragePooling1D(BasePooling):
    """`AveragePooling1D(pool_size, strides=None, padding='valid', data_format=None)`
    (`pool_size` is required, as in Keras 3.15). 'same' padding averages only the
    values inside the input, as TF does."""

    def __init__(
        self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs
    ):
        super().__init__(pool_size, strides, 1, "average", padding, data_format, name, **kwargs)


class AveragePooling2D(BasePooling):
    """`AveragePooling2D(pool_size, strides=None, padding='valid', data_format=None)`."""

    def __init__(
        self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs
    ):
        super().__init__(pool_size, strides, 2, "average", padding, data_format, name, **kwargs)


class BaseGlobalPooling(Layer):
    """Keras' `BaseGlobalPooling(pool_dimensions, data_format=None, keepdims=False)`."""

    _reduce = None

    def __init__(self, pool_dimensions, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _utils.standardize_data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self._build_at_init()

    def _axes(self, rank):
        if self.data_format == "channels_last":
            return list(range(1, rank - 1))
        return list(range(2, rank))

    def call(self, inputs):
        reduce = tf.reduce_max if self._mode == "max" else tf.reduce_mean
        return reduce(inputs, axis=self._axes(inputs.shape.rank), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        spatial = len(input_shape) - 2
        if self.data_format == "channels_last":
            if self.keepdims:
                return (input_shape[0],) + (1,) * spatial + (input_shape[-1],)
            return (input_shape[0], input_shape[-1])
        if self.keepdims:
            return (input_shape[0], input_shape[1]) + (1,) * spatial
        return (input_shape[0], input_shape[1])

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config


class GlobalMaxPooling1D(BaseGlobalPooling):
    """`GlobalMaxPooling1D(data_format=None, keepdims=False)`: the max over steps."""

    _mode = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalMaxPooling2D(BaseGlobalPooling):
    """`GlobalMaxPooling2D(data_format=None, keepdims=False)`."""

    _mode = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalAveragePooling1D(BaseGlobalPooling):
    """`GlobalAveragePooling1D(data_format=None, keepdims=False)`; a `mask` (batch, steps)
    averages only the unmasked steps, as Keras."""

    _mode = "average"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)

    @property
    def supports_masking(self) -> bool:
        return True

    def call(self, inputs, mask=None):
        steps_axis = 1 if self.data_format == "channels_last" else 2
        if mask is None:
            return tf.reduce_mean(inputs, axis=steps_axis, keepdims=self.keepdims)
        mask = tf.cast(tf.expand_dims(mask, 2 if steps_axis == 1 else 1), "bool")
        inputs = tf.where(mask, inputs, tf.zeros_like(inputs))
        weights = tf.cast(mask, inputs.dtype)
        return tf.reduce_sum(inputs, axis=steps_axis, keepdims=self.keepdims) / tf.reduce_sum(
            weights, axis=steps_axis, keepdims=self.keepdims
        )


class GlobalAveragePooling2D(BaseGlobalPooling):
    """`GlobalAveragePooling2D(data_format=None, keepdims=False)`."""

    _mode = "average"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, data_format=data_format, keepdims=keepdims, **kwargs)
