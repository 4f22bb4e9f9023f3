"""`keras.layers.Dense`: `activation(inputs @ kernel + bias)`."""

from __future__ import annotations

import tapeflow as tf

from ..input_spec import InputSpec
from ..layer import Layer


class Dense(Layer):
    """`Dense(units, activation=None, use_bias=True, kernel_initializer='glorot_uniform',
    bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None,
    activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
    lora_rank=None, lora_alpha=None, quantization_config=None)`.

    The kernel is stored as `_kernel` (Keras' attribute, hence checkpoint keys
    `.../_kernel/...`) and read through the `kernel` property. Inputs of rank > 2 are
    contracted on their last axis. LoRA is not supported (a `lora_rank` raises).
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                "Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units}"
            )
        if lora_rank is not None:
            raise ValueError("tapeflow's Dense does not support LoRA: pass lora_rank=None.")
        if quantization_config is not None:
            raise ValueError(
                "tapeflow's Dense does not support quantization: pass quantization_config=None."
            )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        from ... import activations, constraints, initializers, regularizers

        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        kernel_shape = (input_shape[-1], self.units)
        self._kernel = self.add_weight(
            name="kernel",
            shape=kernel_shape,
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_shape[-1]})
        self.built = True

    @property
    def kernel(self):
        if not self.built:
            raise AttributeError("You must build the layer before accessing `kernel`.")
        return self._kernel

    @property
    def supports_masking(self) -> bool:
        return True

    def call(self, inputs, training=None):
        kernel = self._kernel.value
        if inputs.dtype != kernel.dtype:  # integer inputs: keras.ops.matmul promotes them
            inputs = tf.cast(inputs, kernel.dtype)
        if inputs.shape.rank == 2:
            x = tf.matmul(inputs, kernel)
        else:
            x = tf.tensordot(inputs, kernel, [[inputs.shape.rank - 1], [0]])
        if self.bias is not None:
            x = tf.nn.bias_add(x, self.bias.value)
        if self.activation is not None:
            x = self.activation(x)
        return x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        from ... import activations, constraints, initializers, regularizers

        base = super().get_config()
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        }
        return {**base, **config}
