"""Keras 3's optimizers (`keras.optimizers`) on tapeflow: the base class, the built-in
update rules, learning-rate schedules, and `get`/`serialize`/`deserialize`."""

from __future__ import annotations

from . import schedules
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .base import BaseOptimizer, Optimizer
from .ftrl import Ftrl
from .lion import Lion
from .nadam import Nadam
from .rmsprop import RMSprop
from .schedules import _deserialize
from .sgd import SGD

ALL_OBJECTS = (Optimizer, Adam, SGD, RMSprop, Adadelta, AdamW, Adagrad, Adamax, Nadam, Ftrl, Lion)
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}

__all__ = [
    "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "BaseOptimizer", "Ftrl", "Lion", "Nadam",
    "Optimizer", "RMSprop", "SGD", "deserialize", "get", "schedules", "serialize",
]  # fmt: skip


def serialize(optimizer):
    """The optimizer as Keras 3 serializes it:
    `{'module': 'keras.optimizers', 'class_name': 'Adam', 'config': {...},
    'registered_name': None}` (a class of one's own: module None, registered_name its name).
    """
    cls = type(optimizer)
    builtin = ALL_OBJECTS_DICT.get(cls.__name__.lower()) is cls
    return {
        "module": "keras.optimizers" if builtin else None,
        "class_name": cls.__name__,
        "config": optimizer.get_config(),
        "registered_name": None if builtin else cls.__name__,
    }


def deserialize(config, custom_objects=None):
    """An optimizer from `serialize`'s dict; built-in class names match in any case."""
    if config["class_name"].lower() in ALL_OBJECTS_DICT:
        config["class_name"] = config["class_name"].lower()
    return _deserialize(config, ALL_OBJECTS_DICT, custom_objects, "optimizer")


def get(identifier):
    """An optimizer from a name (`"adam"`, `"rmsprop"`, any case), a config dict or an
    instance (returned as is); None gives None."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        if identifier.lower() not in ALL_OBJECTS_DICT:
            raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
        obj = deserialize({"class_name": identifier, "config": {}})
    else:
        obj = identifier
    if isinstance(obj, Optimizer):
        return obj
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")


class LegacyOptimizerWarning:
    """What `tf.keras.optimizers.legacy.<Name>` is in Keras 3: every name is this class,
    which raises Keras' ImportError (Keras 2 optimizers live in the `tf_keras` package)."""

    def __init__(self, *args, **kwargs):
        raise ImportError(
            "`keras.optimizers.legacy` is not supported in Keras 3. When using `tf.keras`, "
            "to continue using a `tf.keras.optimizers.legacy` optimizer, you can install the "
            "`tf_keras` package (Keras 2) and set the environment variable "
            "`TF_USE_LEGACY_KERAS=True` to configure TensorFlow to use `tf_keras` when "
            "accessing `tf.keras`."
        )
