"""`tf.keras.datasets.cifar10`."""

from .._src.datasets.cifar10 import load_data  # noqa: F401
