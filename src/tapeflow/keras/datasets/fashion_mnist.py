"""`tf.keras.datasets.fashion_mnist`."""

from .._src.datasets.fashion_mnist import load_data  # noqa: F401
