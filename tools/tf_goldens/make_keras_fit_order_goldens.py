"""Writes tests/data/tf_keras_fit_order_goldens.json: the batches `Model.fit` feeds
`train_step` (and `test_step`) on NumPy arrays, with `shuffle=True`/`"batch"`,
`validation_split`, `class_weight` and `sample_weight`, recorded with Keras 3.15.1 on TF 2.21.

Each case's `x` is the sample index, so a batch's `x` is the order fit drew; its weights show
which weight travelled with which sample. tests/test_keras_fit_order.py runs `batch_orders`
below with tapeflow and compares.

Run where TensorFlow is installed: `python tools/tf_goldens/make_keras_fit_order_goldens.py`.
"""

from __future__ import annotations

import json
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

CASES = {
    "shuffle_true_seed_1337": dict(seed=1337, shuffle=True),
    "shuffle_batch_seed_1337": dict(seed=1337, shuffle="batch"),
    "shuffle_batch_partial_last": dict(seed=1337, shuffle="batch", n=11),
    "two_fits_same_seed": dict(seed=5, shuffle=True, n=13, batch_size=5, fits=2),
    "validation_split": dict(seed=1337, shuffle=True, validation_split=0.3),
    "class_weight": dict(seed=1, shuffle=True, class_weight={0: 1.0, 1: 2.0, 2: 3.0}),
    "sample_weight": dict(seed=1, shuffle=True, sample_weight=True),
    "seed_0": dict(seed=0, shuffle=True),
    "larger_256": dict(seed=1337, shuffle=True, n=256, batch_size=64, epochs=1),
    "no_shuffle": dict(seed=3, shuffle=False, validation_split=0.2),
}


def batch_orders(tf, keras, *, seed, shuffle, n=10, batch_size=4, epochs=2, fits=1,
                 validation_split=0.0, class_weight=None, sample_weight=False):  # fmt: skip
    """[("train", indices, weights or None) | ("val", indices), ...] in the order fit ran."""
    keras.utils.set_random_seed(seed)
    seen = []

    class Recorder(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x, _, w = keras.utils.unpack_x_y_sample_weight(data)
            weights = None if w is None else np.asarray(w).tolist()
            seen.append(["train", np.asarray(x)[:, 0].astype(int).tolist(), weights])
            return {"a": tf.constant(0.0)}

        def test_step(self, data):
            x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
            seen.append(["val", np.asarray(x)[:, 0].astype(int).tolist()])
            return {"a": tf.constant(0.0)}

    model = Recorder()
    model.compile(loss="mse", optimizer="sgd", run_eagerly=True)
    x = np.arange(n, dtype="float32")[:, None]
    y = (np.arange(n) % 3).astype("int64")
    kwargs = {}
    if class_weight:
        kwargs["class_weight"] = class_weight
    if sample_weight:
        kwargs["sample_weight"] = np.linspace(0.5, 1.5, n).astype("float32")
    for _ in range(fits):
        model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0, shuffle=shuffle,
                  validation_split=validation_split, **kwargs)  # fmt: skip
    return seen


def all_cases() -> dict:
    return {name: dict(case) for name, case in CASES.items()}


def main():
    import keras
    import tensorflow as tf

    cases = {}
    for name, case in CASES.items():
        cases[name] = {"case": case, "batches": batch_orders(tf, keras, **case)}
    header = {"tensorflow_version": tf.__version__, "keras_version": keras.__version__}
    path = pathlib.Path(__file__).parents[2] / "tests" / "data" / "tf_keras_fit_order_goldens.json"
    lines = [f"  {json.dumps(name)}: {json.dumps(c)}" for name, c in cases.items()]
    text = f'{{"header": {json.dumps(header)},\n "cases": {{\n' + ",\n".join(lines) + "\n}}\n"
    path.write_text(text)
    print("wrote", path)


if __name__ == "__main__":
    main()
