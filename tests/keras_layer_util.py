"""Helpers shared by the Keras layer tests."""

from __future__ import annotations

import sys
import types

import tapeflow as tf


class SeedGeneratorDouble:
    """A test double of `keras.random.SeedGenerator` (seed, counter) used only while
    keras/_src/random.py is not in the tree; Dropout's tests then check its arithmetic and
    statistics, not TF's exact draws."""

    _keras_seed_generator = True

    def __init__(self, seed=None, name=None):
        self._seed = 1337 if seed is None else int(seed)
        self._count = 0

    def next(self, ordered=True):
        self._count += 1
        return tf.constant([self._seed, self._count], dtype=tf.int64)


def ensure_seed_generator() -> bool:
    """Installs the double as `tapeflow.keras._src.random` when the real module is absent;
    returns True when the real module is used."""
    try:
        import tapeflow.keras._src.random  # noqa: F401

        return True
    except ModuleNotFoundError:
        module = types.ModuleType("tapeflow.keras._src.random")
        module.SeedGenerator = SeedGeneratorDouble
        sys.modules["tapeflow.keras._src.random"] = module
        return False
