"""`keras.layers.Wrapper` and `keras.layers.TimeDistributed`."""

from __future__ import annotations

import tapeflow as tf

from ..layer import Layer


class Wrapper(Layer):
    """`Wrapper(layer)`: the base of layers that wrap another layer (built with it; its
    config holds the wrapped layer's serialized config)."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Layer {layer} supplied to Wrapper isn't a supported layer type. Please "
                "ensure wrapped layer is a valid Keras layer."
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True
        self.built = True

    def get_config(self):
        from ...serialization import serialize

        return {**super().get_config(), "layer": serialize(self.layer)}

    @classmethod
    def from_config(cls, config):
        from ...serialization import deserialize

        config = dict(config)
        layer = deserialize(config.pop("layer"))
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"]["config"]["name"]
        return cls(layer, **config)


class TimeDistributed(Wrapper):
    """`TimeDistributed(layer)`: applies `layer` to every timestep (axis 1) of a
    (batch, timesteps, ...) input; `call(inputs, training=None, mask=None)`."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` "
                f"instance. Received: {layer}"
            )
        super().__init__(layer, **kwargs)

    @property
    def supports_masking(self) -> bool:
        return True

    @staticmethod
    def _child_input_shape(input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 "
                f"dimensions, received: {input_shape}"
            )
        return (input_shape[0], *input_shape[2:])

    def compute_output_shape(self, input_shape):
        child = self.layer.compute_output_shape(self._child_input_shape(input_shape))
        return (child[0], input_shape[1], *child[1:])

    def build(self, input_shape):
        super().build(self._child_input_shape(input_shape))

    def call(self, inputs, training=None, mask=None):
        if mask is not None:
            mask = tf.convert_to_tensor(mask)
            if mask.shape.rank < 2:
                raise ValueError(
                    "The `mask` passed to the `TimeDistributed` layer must be at least 2D "
                    "(e.g., `(batch_size, timesteps)`), but it has "
                    f"{mask.shape.rank} dimension(s) with shape {tuple(mask.shape)}."
                )
            if tuple(mask.shape[:2]) != tuple(inputs.shape[:2]):
                raise ValueError(
                    "The `mask` passed to the `TimeDistributed` layer has a shape "
                    f"{tuple(mask.shape)} that is incompatible with the input shape "
                    f"{tuple(inputs.shape)}. The first two dimensions of the mask (batch size "
                    "and timesteps) must match the input's first two dimensions. Expected mask "
                    f"shape prefix: ({inputs.shape[0]}, {inputs.shape[1]})."
                )
        kwargs = {}
        if self.layer._call_has_training_arg:
            kwargs["training"] = training
        outputs = []
        for t in range(inputs.shape[1]):
            step_kwargs = dict(kwargs)
            if self.layer._call_has_mask_arg and mask is not None:
                step_kwargs["mask"] = mask[:, t]
            outputs.append(self.layer.call(inputs[:, t], **step_kwargs))
        return tf.stack(outputs, axis=1)
