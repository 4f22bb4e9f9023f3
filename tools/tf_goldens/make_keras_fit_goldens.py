"""Writes tests/data/tf_keras_fit_goldens.json: compile/fit/evaluate/predict histories of small
models on fixed data, recorded with Keras 3.15.1 on TF 2.21, with their initial weights (the
tapeflow test loads them, so both start from the same point and see batches in the same order:
`shuffle=False`).

Run where TensorFlow is installed: `python tools/tf_goldens/make_keras_fit_goldens.py`.
"""

from __future__ import annotations

import json
import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

rng = np.random.default_rng(0)
X = rng.normal(size=(100, 4)).astype("float32")
Y_BIN = (X[:, :1] + X[:, 1:2] > 0).astype("float32")
Y_CLS = (np.argmax(X[:, :3], axis=1)).astype("int64")
SW = np.linspace(0.5, 1.5, 100).astype("float32")


def model(units_out, activation=None):
    keras.utils.set_random_seed(1)
    return keras.Sequential([
        keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(units_out, activation=activation),
    ])  # fmt: skip


CASES = {
    "binary_adam_accuracy": dict(
        out=(1, "sigmoid"), y="bin", compile=dict(optimizer="adam", loss="binary_crossentropy",
                                                  metrics=["accuracy"]),
        fit=dict(epochs=3, batch_size=16, validation_split=0.2),
    ),
    "sparse_sgd_logits": dict(
        out=(3, None), y="cls",
        compile=dict(optimizer="sgd", metrics=["sparse_categorical_accuracy"],
                     loss="sparse_categorical_crossentropy_logits"),
        fit=dict(epochs=2, batch_size=32),
    ),
    "mse_rmsprop_mae_weights": dict(
        out=(1, None), y="bin", compile=dict(optimizer="rmsprop", loss="mse", metrics=["mae"]),
        fit=dict(epochs=2, batch_size=25, sample_weight=True),
    ),
}


def build_loss(name):
    if name == "sparse_categorical_crossentropy_logits":
        return keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    return name


def main():
    out = {"x": X.tolist(), "y_bin": Y_BIN.tolist(), "y_cls": Y_CLS.tolist(), "sw": SW.tolist()}
    for name, case in CASES.items():
        m = model(*case["out"])
        initial = [w.tolist() for w in m.get_weights()]
        compile_args = dict(case["compile"])
        compile_args["loss"] = build_loss(compile_args["loss"])
        m.compile(**compile_args)
        y = Y_BIN if case["y"] == "bin" else Y_CLS
        fit_args = dict(case["fit"])
        if fit_args.pop("sample_weight", False):
            fit_args["sample_weight"] = SW
        h = m.fit(X, y, shuffle=False, verbose=0, **fit_args)
        out[name] = {
            "case": {k: v for k, v in case.items()},
            "initial_weights": initial,
            "history": h.history,
            "params": h.params,
            "epoch": h.epoch,
            "evaluate": m.evaluate(X, y, verbose=0),
            "evaluate_dict": m.evaluate(X, y, verbose=0, return_dict=True),
            "predict": m.predict(X[:5], verbose=0).tolist(),
            "metrics_names": m.metrics_names,
            "train_on_batch": m.train_on_batch(X[:10], y[:10]),
            "final_weights": [w.tolist() for w in m.get_weights()],
        }
    path = pathlib.Path(__file__).parents[2] / "tests" / "data" / "tf_keras_fit_goldens.json"
    path.write_text(json.dumps(out) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
