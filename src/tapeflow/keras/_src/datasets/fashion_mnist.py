"""`keras.datasets.fashion_mnist`: 70,000 28x28 grayscale images of 10 kinds of clothing."""

from __future__ import annotations

import gzip
import os

import numpy as np

from . import file_utils

BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILES = [
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
]


def load_data():
    """`(x_train, y_train), (x_test, y_test)`: uint8 arrays of shapes (60000, 28, 28),
    (60000,), (10000, 28, 28), (10000,), read from the four gzipped IDX files cached in
    `~/.keras/datasets/fashion-mnist`."""
    dirname = os.path.join("datasets", "fashion-mnist")
    paths = [file_utils.get_file(f, origin=BASE + f, cache_subdir=dirname) for f in FILES]
    with gzip.open(paths[0], "rb") as f:
        y_train = np.frombuffer(f.read(), np.uint8, offset=8)
    with gzip.open(paths[1], "rb") as f:
        x_train = np.frombuffer(f.read(), np.uint8, offset=16).reshape(len(y_train), 28, 28)
    with gzip.open(paths[2], "rb") as f:
        y_test = np.frombuffer(f.read(), np.uint8, offset=8)
    with gzip.open(paths[3], "rb") as f:
        x_test = np.frombuffer(f.read(), np.uint8, offset=16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
