"""tf.train.Checkpoint of Keras objects writes TF 2.21's keys (tests/data/
tf_checkpoint_goldens.json, "keras", recorded by tools/tf_goldens/make_checkpoint_goldens.py),
and restores them, deferred into layers built later."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import tapeflow as tf

keras = tf.keras
GOLDENS = json.loads(
    (pathlib.Path(__file__).parent / "data" / "tf_checkpoint_goldens.json").read_text()
)["keras"]


def _keys(path) -> list:
    return [[k, list(shape)] for k, shape in tf.train.list_variables(path)]


def _saved(tmp_path, name, **objects):
    return _keys(tf.train.Checkpoint(**objects).save(str(tmp_path / name / "ckpt")))


def test_dense_and_sequential_keys(tmp_path):
    d = keras.layers.Dense(4)
    d.build((None, 3))
    assert _saved(tmp_path, "dense", layer=d) == GOLDENS["dense"]["keys"]
    assert _keys(tf.train.Checkpoint(d).save(str(tmp_path / "root" / "ckpt"))) == GOLDENS[
        "dense_root"]["keys"]  # fmt: skip
    seq = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    assert _saved(tmp_path, "seq", net=seq) == GOLDENS["sequential"]["keys"]
    seq2 = keras.Sequential([keras.layers.Dense(2, use_bias=False)])
    seq2(tf.ones((1, 3)))
    assert _saved(tmp_path, "seq2", net=seq2) == GOLDENS["sequential_built_by_call"]["keys"]


def test_subclassed_model_keys_skip_lists_of_layers(tmp_path):
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.l1 = keras.layers.Dense(5)
            self.blocks = [keras.layers.Dense(3), keras.layers.Dense(2)]
            self.norm = keras.layers.BatchNormalization()

        def call(self, x):
            x = self.l1(x)
            for b in self.blocks:
                x = b(x)
            return self.norm(x)

    net = Net()
    net(tf.ones((2, 4)))
    assert _saved(tmp_path, "sub", net=net) == GOLDENS["subclassed"]["keys"]


@pytest.mark.parametrize(
    "name, make",
    [("adam", lambda: keras.optimizers.Adam(0.1)),
     ("sgd_momentum", lambda: keras.optimizers.SGD(0.1, momentum=0.9)),
     ("sgd", lambda: keras.optimizers.SGD(0.1)),
     ("rmsprop", lambda: keras.optimizers.RMSprop(0.1))],
)  # fmt: skip
def test_optimizer_keys(tmp_path, name, make):
    opt = make()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    with tf.GradientTape() as t:
        loss = tf.reduce_sum(model(tf.ones((2, 3))))
    grads = t.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))
    keys = _saved(tmp_path, name, step=tf.Variable(1), optimizer=opt, net=model)
    assert keys == GOLDENS[f"{name}_one_step"]["keys"]
    assert _saved(tmp_path, f"{name}_alone", optimizer=opt) == GOLDENS[f"{name}_alone"]["keys"]


def test_metrics_are_not_trackable():
    metric = keras.metrics.Mean()
    with pytest.raises(ValueError, match="`Checkpoint` was expecting metric to be a trackable"):
        tf.train.Checkpoint(metric=metric)


def test_round_trip_and_deferred_restore_into_a_model_built_later(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    opt = keras.optimizers.Adam(0.1)
    with tf.GradientTape() as t:
        loss = tf.reduce_sum(model(tf.ones((2, 3))))
    opt.apply_gradients(zip(t.gradient(loss, model.trainable_variables),
                            model.trainable_variables))  # fmt: skip
    path = tf.train.Checkpoint(net=model, optimizer=opt).save(str(tmp_path / "ckpt"))
    saved = [w.copy() for w in model.get_weights()]

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.l1 = keras.layers.Dense(2)

        def call(self, x):
            return self.l1(x)

    net = Net()
    net(tf.ones((1, 3)))
    path2 = tf.train.Checkpoint(net=net).save(str(tmp_path / "net"))
    fresh = Net()
    status = tf.train.Checkpoint(net=fresh).restore(path2)
    fresh(tf.ones((1, 3)))  # builds l1: the saved values arrive now (deferred restore)
    status.assert_consumed()
    for got, want in zip(fresh.get_weights(), net.get_weights()):
        np.testing.assert_array_equal(got, want)
    restored = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    tf.train.Checkpoint(net=restored).restore(path).expect_partial()
    for got, want in zip(restored.get_weights(), saved):
        np.testing.assert_array_equal(got, want)
