"""`keras.datasets.mnist`: 70,000 28x28 grayscale digits."""

from __future__ import annotations

import numpy as np

from . import file_utils

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """`(x_train, y_train), (x_test, y_test)`: uint8 arrays of shapes (60000, 28, 28),
    (60000,), (10000, 28, 28), (10000,), read from `mnist.npz` (downloaded once into
    `~/.keras/datasets`, or `$KERAS_HOME/datasets`)."""
    path = file_utils.get_file(fname=path, origin=f"{ORIGIN_FOLDER}mnist.npz", file_hash=FILE_HASH)
    with np.load(path, allow_pickle=False) as f:
        x_train, y_train = f["x_train"], f["y_train"]
        x_test, y_test = f["x_test"], f["y_test"]
        return (x_train, y_train), (x_test, y_test)
