"""`keras.random`: Keras 3's stateless random functions and `SeedGenerator`.

Every function takes `seed`: an int (the same values every call), a `SeedGenerator` (a new
seed per call: its state `[seed, counter]` gives the stateless seed, then counter += 1), or
None (the global SeedGenerator, created lazily, which advances its state by
`(state + 1) * 5387 % 933199`). The stateless seed is `state % (2**31 - 2)` as int32, as
Keras' TensorFlow backend computes it, so values are TF's (uniform ones bit for bit).
"""

from __future__ import annotations

import numpy as np

import tapeflow as tf

from . import backend, naming, utils
from .variable import Variable, standardize_dtype

_INT32_MAX = 2**31 - 1
_state = {"global": None}


class SeedGenerator:
    """A seed state for Keras' random functions: a non-trainable int64 Variable
    `seed_generator_state` (under a name scope named after the generator) holding
    `[seed, counter]`.

    >>> gen = tf.keras.random.SeedGenerator(42)
    >>> gen.state.numpy().tolist()
    [42, 0]
    """

    _keras_seed_generator = True  # layers track it (its state is a non-trainable variable)

    def __init__(self, seed=None, name=None, **kwargs):
        if name is None:
            name = naming.auto_name(type(self).__name__)
        self.name = name
        kwargs.pop("backend", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        self._initial_seed = seed
        if seed is None:
            seed = utils.make_default_seed()
        if not isinstance(seed, int):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed}")

        def seed_initializer(*args, **kwargs):
            return tf.constant([seed, 0], dtype=kwargs.get("dtype", None))

        with naming.name_scope(self.name):
            self.state = Variable(
                seed_initializer,
                shape=(2,),
                dtype="int64",
                trainable=False,
                aggregation="none",
                name="seed_generator_state",
            )

    def next(self, ordered=True):
        """The current state (a tensor), then advance it: counter + 1 (`ordered`), or the
        global generator's `(state + 1) * 5387 % 933199`."""
        value = self.state.value * 1
        if ordered:
            self.state.assign(self.state + tf.constant([0, 1], dtype=tf.int64))
        else:
            self.state.assign((self.state + 1) * 5387 % 933199)
        return value

    def get_config(self) -> dict:
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def global_seed_generator() -> SeedGenerator:
    """The SeedGenerator behind `seed=None`, created (drawing a Python-random seed) on first
    use; `set_random_seed` and `clear_session` discard it."""
    if _state["global"] is None:
        _state["global"] = SeedGenerator()
    return _state["global"]


def _reset_global() -> None:
    _state["global"] = None


utils.on_set_random_seed(_reset_global)
backend.on_clear_session(_reset_global)


def make_default_seed() -> int:
    return utils.make_default_seed()


def draw_seed(seed):
    """Keras' seed tensor ([2] int64) for an int, a SeedGenerator or None."""
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, int) and not isinstance(seed, bool):
        return tf.constant([seed, 0], dtype=tf.int64)
    if seed is None:
        return global_seed_generator().next(ordered=False)
    raise ValueError(
        "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
        f"Received: seed={seed} (of type {type(seed)})"
    )


def _stateless_seed(seed):
    """`draw_seed` cast to int32 by floormod (Keras' TF backend `_cast_seed`)."""
    return tf.cast(tf.math.floormod(draw_seed(seed), _INT32_MAX - 1), tf.int32)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples (`tf.random.stateless_normal`)."""
    dtype = dtype or backend.floatx()
    seed = _stateless_seed(seed)
    return tf.random.stateless_normal(shape, seed, mean=mean, stddev=stddev, dtype=dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Uniform samples in [minval, maxval) (`tf.random.stateless_uniform`)."""
    dtype = dtype or backend.floatx()
    seed = _stateless_seed(seed)
    low, high = tf.cast(minval, dtype), tf.cast(maxval, dtype)
    return tf.random.stateless_uniform(shape, seed, low, high, dtype=dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples within two standard deviations."""
    dtype = dtype or backend.floatx()
    seed = _stateless_seed(seed)
    return tf.random.stateless_truncated_normal(shape, seed, mean=mean, stddev=stddev, dtype=dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers in [minval, maxval) (other int dtypes are drawn as int64 and cast)."""
    drawn = dtype if standardize_dtype(dtype) in ("int32", "int64") else "int64"
    seed = _stateless_seed(seed)
    out = tf.random.stateless_uniform(shape, seed, minval, maxval, dtype=drawn)
    return tf.cast(out, dtype)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Keras' dropout: zeros where `stateless_uniform < rate`, the rest scaled by
    1 / (1 - rate); rate 1 gives zeros and rate 0 the inputs (drawing no seed)."""
    if rate == 1.0:
        return tf.zeros_like(inputs)
    if rate == 0.0:
        return inputs
    seed = _stateless_seed(seed)
    if noise_shape is not None:
        shape = tf.convert_to_tensor(inputs).shape.as_list()
        noise_shape = [shape[i] if d is None else d for i, d in enumerate(noise_shape)]
    return tf.nn.experimental.stateless_dropout(
        inputs, rate=rate, noise_shape=noise_shape, seed=seed
    )


def shuffle(x, axis=0, seed=None):
    """`x` permuted along `axis` by the argsort of stateless uniform keys."""
    seed = _stateless_seed(seed)
    x = tf.convert_to_tensor(x)
    keys = tf.random.stateless_uniform([x.shape[axis]], seed)
    return tf.gather(x, tf.argsort(keys), axis=axis)


def categorical(logits, num_samples, dtype="int32", seed=None):
    """`num_samples` class indices per row of `logits` (2-D), as Keras draws them through
    `tf.random.stateless_categorical`: TF's values (not differentiable, as in TF)."""
    logits = tf.convert_to_tensor(logits)
    if logits.shape.rank != 2:
        raise ValueError(
            "`logits` should be a 2-D tensor with shape [batch_size, num_classes]. "
            f"Received: logits={np.asarray(logits)}"
        )
    seed = _stateless_seed(seed)
    # As Keras: tf.random.stateless_categorical, then a cast (the seed stays a tensor input,
    # so a replayed train step draws from each step's seed).
    return tf.cast(tf.random.stateless_categorical(logits, num_samples, seed=seed), dtype)
