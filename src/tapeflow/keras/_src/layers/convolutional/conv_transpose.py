"""`keras.layers.Conv2DTranspose`: the gradient of a convolution as a layer."""

from __future__ import annotations

import tapeflow as tf

from ... import activations, constraints, initializers, regularizers
from .. import _utils
from ..input_spec import InputSpec
from ..layer import Layer


class Conv2DTranspose(Layer):
    """`Conv2DTranspose(filters, kernel_size, strides=(1, 1), padding='valid',
    output_padding=None, data_format=None, dilation_rate=(1, 1), activation=None,
    use_bias=True, ...)`; kernel `(kh, kw, filters, in_channels)`, as Keras."""

    rank = 2

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=(1, 1),
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        rank = self.rank
        self.filters = filters
        self.kernel_size = _utils.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = _utils.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = _utils.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = _utils.standardize_padding(padding)
        if output_padding is None:
            self.output_padding = None
        else:
            self.output_padding = _utils.standardize_tuple(
                output_padding, rank, "output_padding", allow_zero=True
            )
        self.data_format = _utils.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        if self.filters is not None and self.filters <= 0:
            raise ValueError(
                "Invalid value for argument `filters`. Expected a strictly positive value. "
                f"Received filters={self.filters}."
            )
        if not all(self.kernel_size):
            raise ValueError(
                "The argument `kernel_size` cannot contain 0. Received "
                f"kernel_size={self.kernel_size}."
            )
        if not all(self.strides):
            raise ValueError(
                f"The argument `strides` cannot contains 0. Received strides={self.strides}."
            )
        if self.output_padding is not None:
            for i, (op, s) in enumerate(zip(self.output_padding, self.strides)):
                if op >= s:
                    raise ValueError(
                        "`output_padding` must be strictly less than `strides` for all "
                        f"dimensions. At dimension {i}, `output_padding` is {op} but "
                        f"`strides` is {s}. Received: output_padding={self.output_padding}, "
                        f"strides={self.strides}"
                    )
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )

    def build(self, input_shape):
        axis = -1 if self.data_format == "channels_last" else 1
        input_channel = input_shape[axis]
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={axis: input_channel})
        self.kernel = self.add_weight(
            name="kernel",
            shape=self.kernel_size + (self.filters, input_channel),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            trainable=True,
            dtype=self.dtype,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.filters,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                trainable=True,
                dtype=self.dtype,
            )
        else:
            self.bias = None
        self.built = True

    def call(self, inputs):
        x = _utils.to_channels_last(inputs, self.data_format)
        output_shape = _utils.conv_transpose_output_shape(
            tuple(x.shape.as_list()),
            self.kernel_size,
            self.filters,
            self.strides,
            self.padding,
            self.output_padding,
            "channels_last",
            self.dilation_rate,
        )
        out = tf.nn.conv2d_transpose(
            x,
            self.kernel.value,
            list(output_shape),
            list(self.strides),
            padding=self.padding.upper(),
            dilations=list(self.dilation_rate),
        )
        if self.use_bias:
            out = out + tf.reshape(self.bias.value, (1, 1, 1, self.filters))
        out = _utils.from_channels_last(out, self.data_format)
        if self.activation is not None:
            return self.activation(out)
        return out

    def compute_output_shape(self, input_shape):
        return _utils.conv_transpose_output_shape(
            input_shape,
            self.kernel_size,
            self.filters,
            self.strides,
            self.padding,
            self.output_padding,
            self.data_format,
            self.dilation_rate,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "output_padding": self.output_padding,
            }
        )
        return config
