"""compile/fit/evaluate/predict against Keras 3.15.1 on TF 2.21: the same model, initial
weights and batch order (shuffle=False) give TF's histories, params, evaluate lists, predict
arrays and train_on_batch results (tests/data/tf_keras_fit_goldens.json, written by
tools/tf_goldens/make_keras_fit_goldens.py), to float32 rounding of BLAS against Eigen."""

from __future__ import annotations

import json
import pathlib
import warnings

import numpy as np
import pytest

import tapeflow as tf

keras = tf.keras
DATA = json.loads(
    (pathlib.Path(__file__).parent / "data" / "tf_keras_fit_goldens.json").read_text()
)
X = np.asarray(DATA["x"], np.float32)
Y = {"bin": np.asarray(DATA["y_bin"], np.float32), "cls": np.asarray(DATA["y_cls"], np.int64)}
SW = np.asarray(DATA["sw"], np.float32)
CASES = ["binary_adam_accuracy", "sparse_sgd_logits", "mse_rmsprop_mae_weights"]


def _model(case):
    units, activation = case["out"]
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
         keras.layers.Dense(units, activation=activation)]
    )  # fmt: skip
    return model


def _compiled(name, run_eagerly=False):
    golden = DATA[name]
    case = golden["case"]
    model = _model(case)
    model.set_weights([np.asarray(w, np.float32) for w in golden["initial_weights"]])
    args = dict(case["compile"])
    if args["loss"] == "sparse_categorical_crossentropy_logits":
        args["loss"] = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(run_eagerly=run_eagerly, **args)
    return model, golden, case


def _close(got, want, rtol=2e-5, atol=2e-6):
    np.testing.assert_allclose(np.asarray(got, np.float64), np.asarray(want), rtol=rtol, atol=atol)


@pytest.mark.parametrize("run_eagerly", [False, True], ids=["replayed", "eager"])
@pytest.mark.parametrize("name", CASES)
def test_fit_history_evaluate_predict_match_tf(name, run_eagerly):
    keras.backend.clear_session()
    model, golden, case = _compiled(name, run_eagerly)
    y = Y[case["y"]]
    fit_args = dict(case["fit"])
    if fit_args.pop("sample_weight", False):
        fit_args["sample_weight"] = SW
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the replayed step must not fall back to eager
        history = model.fit(X, y, shuffle=False, verbose=0, **fit_args)
    assert history is model.history
    assert list(history.history) == list(golden["history"])
    for key, values in golden["history"].items():
        assert all(type(v) is float for v in history.history[key])
        _close(history.history[key], values)
    assert history.params == golden["params"] and history.epoch == golden["epoch"]
    _close(model.evaluate(X, y, verbose=0), golden["evaluate"])
    got = model.evaluate(X, y, verbose=0, return_dict=True)
    assert list(got) == list(golden["evaluate_dict"])
    predicted = model.predict(X[:5], verbose=0)
    assert isinstance(predicted, np.ndarray) and predicted.dtype == np.float32
    _close(predicted, golden["predict"])
    assert model.metrics_names == golden["metrics_names"]
    _close(model.train_on_batch(X[:10], y[:10]), golden["train_on_batch"])
    for w, want in zip(model.get_weights(), golden["final_weights"]):
        _close(w, want, rtol=1e-4, atol=1e-5)


def test_errors_before_compile_and_without_loss():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    with pytest.raises(AttributeError):
        model.optimizer  # noqa: B018 - Keras raises before compile
    with pytest.raises(ValueError, match=r"You must call `compile\(\)` before using the model."):
        model.fit(X, Y["bin"], verbose=0)
    model.compile(optimizer="adam")
    assert type(model.optimizer).__name__ == "Adam" and model.optimizer.name == "adam"
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match=r"No loss to compute. Provide a `loss` argument"):
        model.fit(X, Y["bin"], verbose=0)
    for w, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(w, b)


def test_fit_on_a_dataset_warns_about_shuffle_and_uses_its_batches():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    ds = tf.data.Dataset.from_tensor_slices((X, Y["bin"])).batch(25)
    with pytest.warns(UserWarning, match="`shuffle=True` was passed, but will be ignored"):
        history = model.fit(ds, epochs=2, verbose=0)
    assert history.params == {"verbose": 0, "epochs": 2, "steps": 4}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(ds, epochs=1, verbose=0, shuffle=False)
    with pytest.raises(ValueError, match="Argument `validation_split` is only supported"):
        model.fit(ds, validation_split=0.2, verbose=0)


def test_custom_train_step_and_metrics_property():
    class CustomModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = tf.reduce_mean(tf.square(y - y_pred))
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply(grads, self.trainable_variables)
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    inputs = keras.Input(shape=(4,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(0.05))
    history = model.fit(X, Y["bin"], epochs=5, verbose=0, shuffle=False)
    assert sorted(history.history) == ["loss", "mae"] and len(history.history["loss"]) == 5
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
