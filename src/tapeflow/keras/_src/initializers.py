"""`keras.initializers`, as Keras 3.15.1 defines them.

Seeding follows Keras exactly: a random initializer built with `seed=None` draws
`random.randint(1, 10**9)` from Python's `random` module when constructed, and each call
samples `tf.random.stateless_*(shape, seed=[s % (2**31 - 2), 0])`, so the same object gives
the same values every call, and after `keras.utils.set_random_seed(n)` the values are TF's
(uniform-based initializers bit for bit, normal-based ones to ~1 ulp). A wart kept:
`tf.random.set_seed` alone does not fix them. A `keras.random.SeedGenerator` seed advances
per call instead.
"""

from __future__ import annotations

import math

import numpy as np

import tapeflow as tf

from . import utils
from .naming import to_snake_case


def standardize_dtype(dtype) -> str:
    # keras.Variable (variable.py) imports this module for string initializers, so its
    # standardize_dtype is reached through the public namespace, not imported.
    return tf.keras.backend.standardize_dtype(dtype)


_MODULE = "keras.initializers"
_INT32_MAX = 2**31 - 1


def _seed_pair(seed):
    """Keras' stateless seed for an int or a SeedGenerator (`draw_seed` + `_cast_seed`)."""
    if isinstance(seed, int):
        pair = tf.constant([seed, 0], dtype=tf.int64)
    else:
        pair = seed.next()
    return tf.cast(tf.math.floormod(tf.cast(pair, tf.int64), _INT32_MAX - 1), tf.int32)


def _draw(kind: str, shape, seed, dtype, a, b):
    dtype = standardize_dtype(dtype)
    shape = tuple(shape)
    pair = _seed_pair(seed)
    if kind == "uniform":
        low, high = tf.cast(a, dtype), tf.cast(b, dtype)
        return tf.random.stateless_uniform(shape, pair, low, high, dtype=dtype)
    sampler = (
        tf.random.stateless_normal if kind == "normal" else tf.random.stateless_truncated_normal
    )
    return sampler(shape, pair, mean=a, stddev=b, dtype=dtype)


class Initializer:
    """Keras' base class: `__call__(shape, dtype=None)`, `get_config`, `from_config`, `clone`.

    As in Keras, calling the base class itself raises NotImplementedError (it is abstract).
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError("Initializer subclasses must implement the `__call__()` method.")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return self.__class__.from_config(self.get_config())


class Constant(Initializer):
    """Fills with `value` (a scalar or anything broadcastable to the shape)."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dtype = standardize_dtype(dtype)
        return tf.cast(self.value, dtype) * tf.ones(shape, dtype=dtype)

    def get_config(self):
        return {"value": utils.serialize_object(self.value, _MODULE)}

    @classmethod
    def from_config(cls, config):
        # Keras reads config["value"]: `get("constant")` raises KeyError there (a wart kept).
        return cls(config["value"])


class Zeros(Initializer):
    """Fills with zeros."""

    def __call__(self, shape, dtype=None):
        return tf.zeros(shape, dtype=standardize_dtype(dtype))


class Ones(Initializer):
    """Fills with ones."""

    def __call__(self, shape, dtype=None):
        return tf.ones(shape, dtype=standardize_dtype(dtype))


class Identity(Initializer):
    """`gain` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(
                "Identity matrix initializer can only be used for 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        dtype = standardize_dtype(dtype)
        return self.gain * tf.eye(*shape, dtype=dtype)

    def get_config(self):
        # Keras' Identity has no get_config: its config is {} (gain is lost, a Keras wart).
        return {}


class RandomInitializer(Initializer):
    """Base of the seeded initializers (Keras' seed rules, see the module docstring)."""

    def __init__(self, seed=None):
        self._init_seed = seed
        if seed is None:
            seed = utils.make_default_seed()
        elif isinstance(seed, dict):
            # Through the public namespace: keras.random imports keras.Variable, which
            # imports this module.
            seed = tf.keras.random.SeedGenerator.from_config(seed.get("config", seed))
        elif not isinstance(seed, int) and type(seed).__name__ != "SeedGenerator":
            raise ValueError(
                "`seed` argument should be an instance of `keras.random.SeedGenerator()` or "
                f"an integer. Received: seed={seed}"
            )
        self.seed = seed

    def get_config(self):
        return {"seed": _serialize_seed(self._init_seed)}


def _serialize_seed(seed):
    if seed is None or isinstance(seed, int):
        return seed
    return {
        "module": "keras.random",
        "class_name": "SeedGenerator",
        "config": seed.get_config(),
        "registered_name": None,
    }


class RandomNormal(RandomInitializer):
    """Normal values, `mean` 0 and `stddev` 0.05 by default."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return _draw("normal", shape, self.seed, dtype, self.mean, self.stddev)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Normal values redrawn beyond two standard deviations."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return _draw("truncated_normal", shape, self.seed, dtype, self.mean, self.stddev)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Uniform values in [minval, maxval), ±0.05 by default."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        return _draw("uniform", shape, self.seed, dtype, self.minval, self.maxval)

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


def compute_fans(shape, input_axes=None, output_axes=None) -> tuple:
    """Keras' (fan_in, fan_out): a conv kernel's fans include its receptive field."""
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        fan_in = math.prod(shape[a] for a in input_axes)
        fan_out = math.prod(shape[a] for a in output_axes)
        return int(fan_in), int(fan_out)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    if len(shape) == 2:
        return int(shape[0]), int(shape[1])
    field = math.prod(shape[:-2])
    return int(shape[-2] * field), int(shape[-1] * field)


class VarianceScaling(RandomInitializer):
    """Samples scaled to the fans: `scale / n` variance, n per `mode` (fan_in, fan_out,
    fan_avg), from `distribution` (truncated_normal, untruncated_normal, uniform; "normal"
    means truncated_normal)."""

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        input_axes=None,
        output_axes=None,
    ):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        modes = {"fan_in", "fan_out", "fan_avg"}
        if mode not in modes:
            raise ValueError(f"Invalid `mode` argument: {mode}. Please use one of {modes}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        distributions = {"uniform", "truncated_normal", "untruncated_normal"}
        if distribution not in distributions:
            raise ValueError(
                f"Invalid `distribution` argument: {distribution}.Please use one of {distributions}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            # The std of a unit normal truncated to [-2, 2].
            stddev = math.sqrt(scale) / 0.8796256610342398
            return _draw("truncated_normal", shape, self.seed, dtype, 0.0, stddev)
        if self.distribution == "untruncated_normal":
            return _draw("normal", shape, self.seed, dtype, 0.0, math.sqrt(scale))
        limit = math.sqrt(3.0 * scale)
        return _draw("uniform", shape, self.seed, dtype, -limit, limit)

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _Preset(VarianceScaling):
    """A VarianceScaling with fixed scale, mode and distribution (Glorot, He, Lecun)."""

    _args: tuple = ()

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        scale, mode, distribution = self._args
        super().__init__(scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self):
        return {
            "seed": _serialize_seed(self._init_seed),
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class GlorotUniform(_Preset):
    """Uniform in ±sqrt(6 / (fan_in + fan_out)) (Dense's and Conv's default kernel)."""

    _args = (1.0, "fan_avg", "uniform")


class GlorotNormal(_Preset):
    """Truncated normal with std sqrt(2 / (fan_in + fan_out))."""

    _args = (1.0, "fan_avg", "truncated_normal")


class LecunNormal(_Preset):
    """Truncated normal with std sqrt(1 / fan_in)."""

    _args = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_Preset):
    """Uniform in ±sqrt(3 / fan_in)."""

    _args = (1.0, "fan_in", "uniform")


class HeNormal(_Preset):
    """Truncated normal with std sqrt(2 / fan_in)."""

    _args = (2.0, "fan_in", "truncated_normal")


class HeUniform(_Preset):
    """Uniform in ±sqrt(6 / fan_in)."""

    _args = (2.0, "fan_in", "uniform")


class Orthogonal(RandomInitializer):
    """`gain` times an orthogonal matrix: Q of the QR of a normal matrix, signs fixed by R's
    diagonal (shapes of rank >= 2 are flattened to (prod(shape[:-1]), shape[-1]))."""

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(
                "The tensor to initialize must be at least two-dimensional. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        rows = math.prod(shape[:-1])
        cols = shape[-1]
        flat = (max(cols, rows), min(cols, rows))
        a = _draw("normal", flat, self.seed, dtype, 0.0, 1.0)
        q, r = tf.linalg.qr(a)
        q = q * tf.sign(tf.linalg.diag_part(r))
        if rows < cols:
            q = tf.transpose(q)
        return self.gain * tf.reshape(q, shape)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


_CLASSES = [
    Initializer, Constant, Identity, Ones, Zeros, GlorotNormal, GlorotUniform, HeNormal,
    HeUniform, LecunNormal, LecunUniform, Orthogonal, RandomNormal, RandomUniform,
    TruncatedNormal, VarianceScaling,
]  # fmt: skip
ALL_OBJECTS = {cls.__name__: cls for cls in _CLASSES}


def _register_names() -> None:
    ALL_OBJECTS.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})
    ALL_OBJECTS.update(
        {
            "IdentityInitializer": Identity,
            "normal": RandomNormal,
            "one": Ones,
            "OrthogonalInitializer": Orthogonal,
            "uniform": RandomUniform,
            "zero": Zeros,
        }
    )


_register_names()


def serialize(initializer):
    """Keras' dict for an initializer: module, class_name, config, registered_name."""
    return utils.serialize_object(initializer, _MODULE)


def deserialize(config, custom_objects=None):
    """An initializer from `serialize`'s dict (or a name)."""
    objects = {**ALL_OBJECTS, **(custom_objects or {})}
    return utils.deserialize_object(config, objects)


def get(identifier):
    """An initializer from a name, a config dict, an instance, a class, a callable, or an
    array/tensor (used as the value, for that shape only); None gives None."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = deserialize({"class_name": identifier, "config": {}})
    elif isinstance(identifier, (tf.Tensor, np.ndarray, np.generic)):
        value = identifier

        def initialize_fn(shape, dtype=None):
            dtype = standardize_dtype(dtype)
            if tuple(shape) != tuple(value.shape):
                raise ValueError(
                    f"Expected `shape` to be {tuple(value.shape)} for direct tensor as "
                    f"initializer. Received shape={shape}"
                )
            return tf.cast(value, dtype)

        obj = initialize_fn
    else:
        obj = identifier
    if callable(obj):
        return obj() if isinstance(obj, type) else obj
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")
