"""The models of the Keras saving goldens, and how an HDF5 file is described.

tools/tf_goldens/make_keras_saving_goldens.py builds them with real Keras and writes the files
and tests/data/keras_saving_goldens.json; tests/test_keras_saving.py builds the same models with
tapeflow and compares. Both use this module, so the two sides cannot drift apart. Every
function takes the `keras` module to use.
"""

from __future__ import annotations

import functools
import types

KEYS = ("seq", "func", "func2out", "sub", "seq_lazy", "nested", "block", "compiled")


def layout(h5py, path) -> list:
    """Every group and dataset of an HDF5 file (attributes included), in h5py's order."""
    entries = []
    with h5py.File(path, "r") as f:
        entries.append(["/", "Group", None, None, {k: str(v) for k, v in f.attrs.items()}])

        def visit(name, obj):
            is_dataset = isinstance(obj, h5py.Dataset)
            entries.append(
                [
                    name,
                    "Dataset" if is_dataset else "Group",
                    list(obj.shape) if is_dataset else None,
                    str(obj.dtype) if is_dataset else None,
                    {k: str(v) for k, v in obj.attrs.items()},
                ]
            )

        f.visititems(visit)
    return entries


@functools.cache
def classes(keras) -> types.SimpleNamespace:
    """The custom model and layer classes (one pair per keras module): Sub and Block."""

    class Sub(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.d1 = keras.layers.Dense(4)
            self.blocks = [keras.layers.Dense(3), keras.layers.Dense(3)]
            self.d2 = keras.layers.Dense(2)

        def call(self, x):
            x = self.d1(x)
            for block in self.blocks:
                x = block(x)
            return self.d2(x)

    class Block(keras.layers.Layer):
        """Sublayers as attributes, in a dict and a nested list; own weights with a
        non-trainable one created first."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = keras.layers.Dense(3)
            self.parts = {"x": keras.layers.Dense(2), "y": [keras.layers.Dense(2)]}

        def build(self, input_shape):
            self.count = self.add_weight(shape=(), initializer="zeros", trainable=False)
            self.scale = self.add_weight(shape=(2,), initializer="ones")

        def call(self, x):
            h = self.inner(x)
            return (self.parts["x"](h) + self.parts["y"][0](h)) * self.scale + self.count

    return types.SimpleNamespace(Sub=Sub, Block=Block)


def build(keras, key: str, x, seed=None):
    """Model `key`, built after `clear_session` (so auto-names start afresh) and, with `seed`,
    `set_random_seed(seed)`; `x` is the input that builds the lazily built models."""
    keras.backend.clear_session()
    if seed is not None:
        keras.utils.set_random_seed(seed)
    if key == "seq":
        return keras.Sequential(
            [keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)]
        )
    if key == "func":
        inputs = keras.Input((3,))
        hidden = keras.layers.Dense(4, activation="relu")(inputs)
        return keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(hidden))
    if key == "func2out":
        inputs = keras.Input((3,))
        hidden = keras.layers.Dense(4)(inputs)
        return keras.Model(inputs, [keras.layers.Dense(2)(hidden), keras.layers.Dense(1)(hidden)])
    if key == "sub":
        model = classes(keras).Sub()
        model(x)
        return model
    if key == "seq_lazy":
        model = keras.Sequential([keras.layers.Dense(4)])
        model(x)
        return model
    if key == "nested":
        inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
        inputs = keras.Input((3,))
        return keras.Model(inputs, inner(keras.layers.Dense(4)(inputs)))
    if key == "block":
        return keras.Sequential([keras.Input((3,)), classes(keras).Block()])
    if key == "compiled":
        return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    raise KeyError(key)
