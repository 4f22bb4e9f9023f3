"""`tf.keras.backend`: Keras' global configuration."""

from ._src.backend import (  # noqa: F401
    backend,
    clear_session,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from ._src.variable import standardize_dtype  # noqa: F401
