"""`keras.utils`: set_random_seed, to_categorical, normalize; and Keras' object serialization
for the leaf modules (initializers, activations, regularizers, constraints).

This module sits at the bottom of keras/_src: it imports only `tapeflow`, NumPy and the
backend config, so every other module may use it.
"""

from __future__ import annotations

import inspect
import random as _python_random

import numpy as np

import tapeflow as tf

from .. import backend

# Hooks run by set_random_seed (keras.random registers the global SeedGenerator's reset).
_seed_hooks: list = []
_state = {"random_seed": None}


def make_default_seed() -> int:
    """Keras' seed for an object built with `seed=None`: `random.randint(1, 10**9)` from
    Python's `random` module, drawn at construction (so construction order matters)."""
    return _python_random.randint(1, int(1e9))


def on_set_random_seed(hook) -> None:
    """Registers `hook()` to run when `set_random_seed` is called."""
    _seed_hooks.append(hook)


def set_random_seed(seed) -> None:
    """Seeds Python's `random`, NumPy and `tf.random`, and resets Keras' global SeedGenerator.

    This, not `tf.random.set_seed` alone, fixes Keras' initial weights (a Keras 3 wart:
    initializers draw their seeds from Python's `random` module).

    Raises:
      ValueError: if `seed` is not an int.
    """
    if not isinstance(seed, int):
        raise ValueError(
            "Expected `seed` argument to be an integer. "
            f"Received: seed={seed} (of type {type(seed)})"
        )
    _state["random_seed"] = seed
    for hook in _seed_hooks:
        hook()
    _python_random.seed(seed)
    np.random.seed(seed)
    tf.random.set_seed(seed)


def get_random_seed():
    """The seed given to `set_random_seed`, or None."""
    return _state["random_seed"]


def _clear_seed() -> None:
    _state["random_seed"] = None


backend.on_clear_session(_clear_seed)


def to_categorical(x, num_classes=None):
    """Class indices to one-hot rows (a trailing axis of size 1 is dropped first).

    A NumPy (or list) input gives a float64 NumPy array; a tensor gives a float32 tensor
    through `tf.one_hot`, and then `num_classes` is required (as in Keras, where None fails).
    """
    if isinstance(x, tf.Tensor) or hasattr(x, "__tf_tensor__"):
        x = tf.convert_to_tensor(x)
        shape = x.shape.as_list()
        if len(shape) > 1 and shape[-1] == 1:
            x = tf.reshape(x, shape[:-1])
        if num_classes is None:
            raise ValueError(
                "Attempt to convert a value (None) with an unsupported type "
                "(<class 'NoneType'>) to a Tensor."
            )
        return tf.one_hot(x, num_classes)
    x = np.array(x, dtype="int64")
    shape = x.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = tuple(shape[:-1])
    x = x.reshape(-1)
    if not num_classes:
        num_classes = int(np.max(x)) + 1
    out = np.zeros((x.shape[0], num_classes))
    out[np.arange(x.shape[0]), x] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """`x` divided by its `order`-norm along `axis`: a NumPy array stays NumPy (zero norms
    leave rows unchanged); anything else becomes a tensor, `x * rsqrt(sum(x**2))` for the
    L2 norm with the inverse norm capped at `1 / epsilon` (Keras' ops.normalize)."""
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        return x / np.expand_dims(norm, axis or -1)
    if not isinstance(order, int) or not order >= 1:
        raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
    x = tf.convert_to_tensor(x)
    if x.shape.rank == 0:
        x = tf.expand_dims(x, 0)
    epsilon = backend.epsilon()
    if order == 2:
        inv_norm = tf.math.rsqrt(tf.reduce_sum(tf.square(x), axis=axis, keepdims=True))
        return x * tf.minimum(inv_norm, 1.0 / epsilon)
    norm = tf.norm(x, ord=order, axis=axis, keepdims=True)
    return x / tf.maximum(norm, epsilon)


# -- Keras' serialization of leaf objects ---------------------------------------------------


def serialize_object(obj, module: str):
    """Keras' `serialize_keras_object` for a leaf object: its class's dict, a function's name,
    or plain values unchanged."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_object(v, module) for v in obj]
    if isinstance(obj, np.ndarray) or isinstance(obj, tf.Tensor):
        value = np.asarray(obj)
        return value.item() if value.ndim == 0 else value.tolist()
    if inspect.isfunction(obj):
        return obj.__name__
    return {
        "module": module,
        "class_name": type(obj).__name__,
        "config": obj.get_config(),
        "registered_name": None,
    }


def deserialize_object(config, objects: dict):
    """Keras' `deserialize_keras_object` over `objects` (name -> class or function): a name,
    or a `{'class_name': ..., 'config': ...}` dict; classes are built from their config.

    As in Keras, an unknown name comes back as the name itself (and anything else as it
    is), so `get` then reports "Could not interpret ... identifier".
    """
    if isinstance(config, str):
        found = objects.get(config, config)
        return found() if inspect.isclass(found) else found
    if isinstance(config, dict) and "class_name" in config:
        name = config["class_name"]
        inner = config.get("config", {})
        if name == "function":  # a serialized function: its name is the config
            return deserialize_object(inner, objects)
        if name not in objects:
            return name
        return objects[name].from_config(inner)
    return config
