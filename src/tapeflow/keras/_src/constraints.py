"""`keras.constraints`: MaxNorm, MinMaxNorm, NonNeg, UnitNorm, as Keras 3.15.1 has them."""

from __future__ import annotations

import tapeflow as tf

from . import backend, utils
from .naming import to_snake_case

_MODULE = "keras.constraints"


def _norms(w, axis):
    return tf.sqrt(tf.reduce_sum(tf.square(w), axis=axis, keepdims=True))


class Constraint:
    """Keras' base: `__call__(w)` returns the projected weights (unchanged here)."""

    def __call__(self, w):
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class MaxNorm(Constraint):
    """Rescales slices along `axis` whose L2 norm exceeds `max_value`."""

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = tf.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = tf.clip_by_value(norms, tf.cast(0, norms.dtype), self.max_value)
        return tf.cast(w, norms.dtype) * (desired / (backend.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """max(w, 0)."""

    def __call__(self, w):
        w = tf.convert_to_tensor(w)
        return tf.maximum(w, tf.cast(0, w.dtype))


class UnitNorm(Constraint):
    """Slices along `axis` scaled to unit L2 norm."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = tf.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        return tf.cast(w, norms.dtype) / (backend.epsilon() + norms)

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Slice norms moved toward [min_value, max_value] at `rate` (1: all the way)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = tf.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        clipped = tf.clip_by_value(
            norms, tf.cast(self.min_value, norms.dtype), tf.cast(self.max_value, norms.dtype)
        )
        desired = self.rate * clipped + (1 - self.rate) * norms
        return tf.cast(w, norms.dtype) * (desired / (backend.epsilon() + norms))

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


_CLASSES = [Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm]
ALL_OBJECTS = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})


def serialize(constraint):
    return utils.serialize_object(constraint, _MODULE)


def deserialize(config, custom_objects=None):
    return utils.deserialize_object(config, {**ALL_OBJECTS, **(custom_objects or {})})


def get(identifier):
    """A constraint from a name (`"max_norm"`, `"NonNeg"`, ...), a dict, a class or an
    instance; None gives None."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS.get(identifier, None)
    else:
        obj = identifier
    if callable(obj):
        return obj() if isinstance(obj, type) else obj
    raise ValueError(f"Could not interpret constraint identifier: {identifier}")
