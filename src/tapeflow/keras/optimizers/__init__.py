"""`tf.keras.optimizers`: Keras 3's optimizers (implementation in `keras._src.optimizers`)."""

from .._src.optimizers import (  # noqa: F401
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    Ftrl,
    Lion,
    Nadam,
    Optimizer,
    RMSprop,
    deserialize,
    get,
    serialize,
)
from . import legacy, schedules  # noqa: F401
