"""`tf.keras.datasets.mnist`."""

from .._src.datasets.mnist import load_data  # noqa: F401
