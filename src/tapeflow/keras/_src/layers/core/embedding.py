"""`keras.layers.Embedding`."""

from __future__ import annotations

import warnings

import tapeflow as tf

from ... import constraints, initializers, regularizers
from ..layer import Layer


class Embedding(Layer):
    """`Embedding(input_dim, output_dim, embeddings_initializer='uniform',
    embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, weights=None,
    lora_rank=None, lora_alpha=None, quantization_config=None)`.

    Rows of the `(input_dim, output_dim)` table `embeddings` are gathered with `tf.gather`
    on the variable, so the gradient is a `tf.IndexedSlices`, as in TF. int32/int64 inputs
    are not cast (the layer does not autocast); other dtypes are cast to int32. LoRA and
    quantization are not supported (a `lora_rank` or `quantization_config` raises).
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        weights=None,
        lora_rank=None,
        lora_alpha=None,
        quantization_config=None,
        **kwargs,
    ):
        for name, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(
                    f"`{name}` must be a positive integer. Received: {name}={value} "
                    f"(of type {type(value).__name__})."
                )
        if lora_rank is not None or quantization_config is not None:
            raise ValueError(
                "tapeflow's Embedding supports neither LoRA nor quantization: pass "
                "lora_rank=None and quantization_config=None."
            )
        if kwargs.pop("input_length", None) is not None:
            warnings.warn("Argument `input_length` is deprecated. Just remove it.", stacklevel=2)
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.autocast = False
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self.quantization_config = quantization_config
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    @property
    def supports_masking(self) -> bool:
        return self.mask_zero

    def build(self, input_shape=None):
        if self.built:
            return
        self._embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            name="embeddings",
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
            trainable=True,
        )
        self.built = True

    @property
    def embeddings(self):
        if not self.built:
            raise AttributeError("You must build the layer before accessing `embeddings`.")
        return self._embeddings

    def call(self, inputs):
        if inputs.dtype not in (tf.int32, tf.int64):
            inputs = tf.cast(inputs, "int32")
        # Keras' `ops.take`: negative indices count from the end.
        inputs = tf.where(inputs < 0, inputs + self.input_dim, inputs)
        outputs = tf.gather(self._embeddings.value, inputs, axis=0)
        return tf.cast(outputs, self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return tf.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def get_config(self):
        config = {
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }
        return {**super().get_config(), **config}
