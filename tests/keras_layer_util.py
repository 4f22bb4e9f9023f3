"""Helpers shared by the Keras layer tests."""

from __future__ import annotations

import sys
import types

import numpy as np


class SeedGeneratorDouble:
    """A test double of `keras.random.SeedGenerator` (seed, counter) used only while
    keras/_src/random.py is not in the tree; Dropout's tests then check its arithmetic and
    statistics, not TF's exact draws."""

    _keras_seed_generator = True

    def __init__(self, seed=None, name=None):
        from tapeflow.keras._src import naming
        from tapeflow.keras._src.variable import Variable

        seed = 1337 if seed is None else int(seed)
        with naming.name_scope(name or naming.auto_name("SeedGenerator")):
            self.state = Variable(
                initializer=np.array([seed, 0], dtype=np.int64),
                dtype="int64",
                trainable=False,
                name="seed_generator_state",
            )

    def next(self, ordered=True):
        value = self.state.value * 1
        self.state.assign(value + np.array([0, 1], dtype=np.int64))
        return value


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
