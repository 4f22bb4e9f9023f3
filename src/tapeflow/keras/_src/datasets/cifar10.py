"""`keras.datasets.cifar10`: 60,000 32x32 colour images in 10 classes."""

from __future__ import annotations

import os
import pickle

import numpy as np

from .. import backend
from . import file_utils

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
# What rebuilding the pickled NumPy arrays needs, and nothing else (no code runs on load).
_ALLOWED_GLOBALS = frozenset(
    {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
    }
)


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"Refusing to deserialize `{module}.{name}` while loading a Keras dataset. The "
            "file may be corrupted or malicious."
        )


def load_batch(fpath, label_key="labels"):
    """`(data, labels)` of one CIFAR batch pickle: data (n, 3, 32, 32) uint8."""
    with open(fpath, "rb") as f:
        d = _RestrictedUnpickler(f, encoding="bytes").load()
    d = {k.decode("utf8"): v for k, v in d.items()}
    data = d["data"]
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]


def load_data():
    """`(x_train, y_train), (x_test, y_test)`: uint8 arrays of shapes (50000, 32, 32, 3),
    (50000, 1), (10000, 32, 32, 3), (10000, 1) (channels first when
    `keras.backend.image_data_format()` is "channels_first"), from the
    `cifar-10-batches-py` pickles extracted under `~/.keras/datasets`."""
    path = file_utils.get_file(
        fname="cifar-10-batches-py-target", origin=ORIGIN, extract=True, file_hash=FILE_HASH
    )
    path = os.path.join(path, "cifar-10-batches-py")
    batches = [load_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]
    # Concatenated, not written into a preallocated 50,000 (same result for the real files).
    x_train = np.concatenate([b[0] for b in batches]).astype("uint8", copy=False)
    y_train = np.concatenate([np.asarray(b[1]) for b in batches]).astype("uint8")
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(np.asarray(y_test), (len(y_test), 1))
    if backend.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    x_test = x_test.astype(x_train.dtype)
    y_test = y_test.astype(y_train.dtype)
    return (x_train, y_train), (x_test, y_test)
