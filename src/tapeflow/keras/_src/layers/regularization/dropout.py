"""`keras.layers.Dropout`."""

from __future__ import annotations

import tapeflow as tf

from ..layer import Layer


class Dropout(Layer):
    """`Dropout(rate, noise_shape=None, seed=None)`.

    With `training=True` (and `rate > 0`) each element is kept when a uniform draw is
    `>= rate` and scaled by `1 / (1 - rate)`, as TF's `stateless_dropout` does; the draw
    uses `tf.random.stateless_uniform` with the next seed of the layer's
    `keras.random.SeedGenerator(seed)` (created at construction, as Keras: its state is
    `seed_generator/seed_generator_state`). `None` dimensions of `noise_shape` take the
    input's size. Otherwise (inference, `training=None`) it is the identity.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(
                "Invalid value received for argument `rate`. Expected a float value between 0 "
                f"and 1. Received: rate={rate}"
            )
        self.rate = rate
        self.seed = seed
        self.noise_shape = self._validate_noise_shape(noise_shape)
        if rate > 0:
            from ...random import SeedGenerator

            self.seed_generator = SeedGenerator(seed)
        self._build_at_init()

    @staticmethod
    def _validate_noise_shape(noise_shape):
        if noise_shape is None:
            return None
        prefix = "Invalid value received for argument `noise_shape`. "
        if isinstance(noise_shape, str):
            raise ValueError(
                f"{prefix}Expected a tuple or list of integers. Received: noise_shape={noise_shape}"
            )
        if not isinstance(noise_shape, tuple):
            try:
                noise_shape = tuple(noise_shape)
            except TypeError:
                raise ValueError(
                    f"{prefix}Expected an iterable of integers (e.g., a tuple or list). "
                    f"Received: noise_shape={noise_shape}"
                ) from None
        for i, dim in enumerate(noise_shape):
            if dim is None:
                continue
            if not isinstance(dim, int):
                raise ValueError(
                    f"{prefix}Expected all elements to be integers or None. Received element "
                    f"at index {i}: {dim} (type: {type(dim).__name__})"
                )
            if dim <= 0:
                raise ValueError(
                    f"{prefix}Expected all dimensions to be positive integers or None. "
                    f"Received negative or zero value at index {i}: {dim}"
                )
        return noise_shape

    @property
    def supports_masking(self) -> bool:
        return True

    def call(self, inputs, training=False):
        if not (training and self.rate > 0):
            return inputs
        shape = inputs.shape.as_list()
        if self.noise_shape is not None:
            shape = [s if d is None else d for d, s in zip(self.noise_shape, shape)]
        seed = self.seed_generator.next()
        if self.rate == 1:
            return tf.zeros_like(inputs)
        draw = tf.random.stateless_uniform(shape, seed=tf.cast(seed, "int32"), dtype=inputs.dtype)
        keep = tf.cast(draw >= self.rate, inputs.dtype)
        return inputs * (1.0 / (1.0 - self.rate)) * keep

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "rate": self.rate,
            "seed": self.seed,
            "noise_shape": self.noise_shape,
        }
