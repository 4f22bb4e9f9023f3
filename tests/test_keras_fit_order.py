"""`Model.fit` on NumPy arrays feeds `train_step` the batches TF's Keras does: the shuffled
order (TF's `RandomShuffle` kernel inside Keras' tf.data map, the same every epoch under a
global seed), `shuffle="batch"`, `validation_split` taken before shuffling, and class or
sample weights travelling with their samples (goldens written by
tools/tf_goldens/make_keras_fit_order_goldens.py on TF 2.21 / Keras 3.15.1)."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras
from tests.family_goldens import load_generator

GOLDENS = json.loads(
    (pathlib.Path(__file__).parent / "data" / "tf_keras_fit_order_goldens.json").read_text()
)
GENERATOR = load_generator("make_keras_fit_order_goldens")


def test_goldens_hold_the_generators_cases():
    recorded = {name: c["case"] for name, c in GOLDENS["cases"].items()}
    # JSON turns class_weight's int keys into strings.
    expected = json.loads(json.dumps(GENERATOR.all_cases()))
    assert recorded == expected, "stale goldens: run make_keras_fit_order_goldens.py"


@pytest.mark.parametrize("name", sorted(GENERATOR.CASES))
def test_fit_feeds_tfs_batches(name):
    got = GENERATOR.batch_orders(tf, keras, **GENERATOR.CASES[name])
    assert got == GOLDENS["cases"][name]["batches"]


def test_without_a_global_seed_each_epoch_is_shuffled_afresh():
    tf.random.set_seed(None)
    orders = []

    class Recorder(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            orders.append(np.asarray(data[0])[:, 0].astype(int).tolist())
            return {"a": tf.constant(0.0)}

    model = Recorder()
    model.compile(loss="mse", run_eagerly=True)
    x = np.arange(64, dtype="float32")[:, None]
    model.fit(x, x, batch_size=64, epochs=3, verbose=0)
    assert all(sorted(o) == list(range(64)) for o in orders)
    assert len({tuple(o) for o in orders}) == 3  # 64! orders: a repeat would be a bug


def test_reading_the_seed_for_the_shuffle_draws_no_op_seed():
    # TF pairs the global seed with the map function's own op counter, so fit(shuffle=True)
    # leaves the eager op-seed sequence where it was (observed on TF 2.21).
    keras.utils.set_random_seed(7)
    before = tf.random.uniform([3]).numpy()
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(loss="mse")
    tf.random.set_seed(7)
    model.fit(np.zeros((8, 1), "float32"), np.zeros((8, 1), "float32"), verbose=0)
    np.testing.assert_array_equal(tf.random.uniform([3]).numpy(), before)
