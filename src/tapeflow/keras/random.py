"""`tf.keras.random`: Keras 3's seeded random functions and SeedGenerator."""

from ._src.random import (  # noqa: F401
    SeedGenerator,
    categorical,
    dropout,
    normal,
    randint,
    shuffle,
    truncated_normal,
    uniform,
)
