"""`tf.keras.datasets`: small datasets with Keras' loaders (the files download once into
`~/.keras/datasets`)."""

from . import cifar10, fashion_mnist, mnist  # noqa: F401
