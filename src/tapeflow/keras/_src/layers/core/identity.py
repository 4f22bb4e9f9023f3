"""`keras.layers.Identity`."""

from __future__ import annotations

from ..layer import Layer


class Identity(Layer):
    """`Identity()`: returns its input unchanged (nested structures too)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._build_at_init()

    @property
    def supports_masking(self) -> bool:
        return True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
