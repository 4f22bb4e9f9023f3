"""tf.keras' Layer, Model, Sequential and Functional basics (observed on TF 2.21 / Keras 3.15.1,
spec §3, §9.1, §11; probe outputs in shared/keras-probes/p1_names.out, p12_call.out,
p13_misc.out, p2_pipe.txt)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tapeflow as tf

keras = tf.keras
layers = keras.layers


@pytest.fixture(autouse=True)
def _fresh_names():
    keras.backend.clear_session()
    yield


def test_names_paths_and_reprs():
    d = layers.Dense(3)
    assert repr(d) == "<Dense name=dense, built=False>" and d.path is None
    y = d(np.ones((2, 4)))
    assert y.dtype == tf.float32 and y.shape == (2, 3)
    assert [v.path for v in d.weights] == ["dense/kernel", "dense/bias"]
    assert [v.name for v in d.weights] == ["kernel", "bias"]
    assert repr(d) == "<Dense name=dense, built=True>" and d.path == "dense"
    assert not isinstance(d, tf.Module)
    assert layers.Dense(1).name == "dense_1"
    assert d(np.ones((2, 4), np.int32)).dtype == tf.float32  # ints promote, as keras.ops


def test_sequential_functional_and_subclassed_paths():
    seq = keras.Sequential([keras.Input((4,)), layers.Dense(8), layers.Dense(2)])
    assert repr(seq) == "<Sequential name=sequential, built=True>"
    assert [v.path for v in seq.weights] == [
        "sequential/dense/kernel", "sequential/dense/bias",
        "sequential/dense_1/kernel", "sequential/dense_1/bias",
    ]  # fmt: skip
    x = keras.Input(shape=(4,), name="x")
    out = layers.Dense(2)(layers.Dense(3)(x))
    model = keras.Model(x, out)
    # The Sequential's internal Functional took the first `functional` number.
    assert repr(model) == "<Functional name=functional_1, built=True>"
    # `Dense(2)` is created before `Dense(3)`, which runs first.
    assert [layer.name for layer in model.layers] == ["x", "dense_3", "dense_2"]
    assert [v.path for v in model.weights] == [
        "dense_3/kernel", "dense_3/bias", "dense_2/kernel", "dense_2/bias",
    ]  # fmt: skip

    class M(keras.Model):
        def __init__(self):
            super().__init__()
            self.scale = keras.Variable(1.0, name="scale")
            self.dense = layers.Dense(2)

        def call(self, inputs):
            return self.dense(inputs) * self.scale

    m = M()
    m(np.ones((2, 3)))
    assert [v.path for v in m.weights] == ["scale", "m/dense_4/kernel", "m/dense_4/bias"]
    assert [v.name for v in m.trainable_variables] == ["scale", "kernel", "bias"]


def test_functional_layer_order_and_names():
    x = keras.Input(shape=(4,), name="x")
    h = layers.Dense(3)(x)
    model = keras.Model(x, layers.Dense(2)(h))
    assert [layer.name for layer in model.layers] == ["x", "dense", "dense_1"]
    assert [v.path for v in model.weights] == [
        "dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias",
    ]  # fmt: skip
    assert (
        model.get_layer(index=1).name == "dense" and model.get_layer("dense_1") is model.layers[2]
    )
    assert repr(x) == (
        "<KerasTensor shape=(None, 4), dtype=float32, sparse=False, ragged=False, name=x>"
    )
    a, b = keras.Input((3,)), keras.Input((3,))
    assert (a.name, b.name) == ("keras_tensor_2", "keras_tensor_3")
    assert a._keras_history[0].name == "input_layer"
    y = model(np.ones((5, 4)))
    assert y.shape == (5, 2)


def test_keras_tensor_cannot_enter_a_tf_function():
    x = keras.Input((2,))
    with pytest.raises(ValueError, match="A KerasTensor cannot be used as input to a TensorFlow"):
        tf.exp(x)
    y = x * 2 + 1
    assert isinstance(y, type(x)) and y.shape == (None, 2)
    model = keras.Model(x, y)
    assert model(np.ones((1, 2))).numpy().tolist() == [[3.0, 3.0]]


def test_training_reaches_inner_layers_through_the_call_context():
    seen = []

    class Inner(layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    class Outer(layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = Inner()

        def call(self, x):
            return self.inner(x)

    outer = Outer()
    outer(np.ones((1, 2)), training=True)
    # First call: `call` runs once on placeholders (training unset) to build, as Keras.
    assert seen == [None, True]
    seen.clear()
    outer(np.ones((1, 2)))
    assert seen == [None]
    seen.clear()
    keras.Sequential([Inner()])(np.ones((1, 2)), training=True)
    assert seen[-1] is True


def test_tracking_lists_dicts_and_the_untracked_tf_variable():
    class Block(layers.Layer):
        def __init__(self):
            super().__init__()
            self.items = [layers.Dense(2)]
            self.items.append(layers.Dense(2))
            self.named = {"last": layers.Dense(2)}
            self.v = tf.Variable(2.0)  # not tracked, as in tf.keras 2.21

        def call(self, x):
            for layer in self.items:
                x = layer(x)
            return self.named["last"](x)

    block = Block()
    block(np.ones((1, 2)))
    assert [v.path for v in block.weights] == [
        "block/dense/kernel", "block/dense/bias", "block/dense_1/kernel",
        "block/dense_1/bias", "block/dense_2/kernel", "block/dense_2/bias",
    ]  # fmt: skip
    block.trainable = False
    assert block.trainable_weights == [] and len(block.non_trainable_weights) == 6


def test_input_errors():
    d = layers.Dense(2)
    with pytest.raises(ValueError) as e:
        d(np.ones(3))
    assert str(e.value) == (
        "Input 0 with name 'None' of layer 'dense' is incompatible with the layer: expected "
        "min_ndim=2, found ndim=1. Full shape received: (3,)"
    )
    model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])
    with pytest.raises(ValueError) as e:
        model(np.ones((2, 3)), training=True)
    assert str(e.value) == (
        "Exception encountered when calling Sequential.call().\n\n\x1b[1mInput 0 with name "
        "'None' of layer 'dense_1' is incompatible with the layer: expected axis -1 of input "
        "shape to have value 4, but received input with shape (2, 3)\x1b[0m\n\nArguments "
        "received by Sequential.call():\n  • inputs=tf.Tensor(shape=(2, 3), dtype=float32)\n"
        "  • training=True\n  • mask=None\n  • kwargs=<class 'inspect._empty'>"
    )
    with pytest.raises(ValueError, match="Unrecognized keyword arguments passed to Dense"):
        layers.Dense(2, foo=1)
    with pytest.raises(ValueError, match="`name` must be passed as a keyword argument"):
        layers.Layer().add_weight("w")
    with pytest.warns(UserWarning, match="Do not pass an `input_shape`/`input_dim` argument"):
        seq = keras.Sequential([layers.Dense(3, input_shape=(4,))])
    assert seq.built and seq.layers[0].weights[0].shape == (4, 3)


def test_get_and_set_weights():
    d = layers.Dense(2)
    d.build((None, 3))
    kernel, bias = d.get_weights()
    assert kernel.shape == (3, 2) and bias.tolist() == [0.0, 0.0]
    d.set_weights([np.ones((3, 2)), np.arange(2.0)])
    assert d.bias.numpy().tolist() == [0.0, 1.0]
    with pytest.raises(ValueError) as e:
        d.set_weights([np.ones((3, 2))])
    assert str(e.value) == (
        "You called `set_weights(weights)` on layer 'dense' with a weight list of length 1, "
        "but the layer was expecting 2 weights."
    )
    with pytest.raises(ValueError, match=r"Layer dense weight shape \(3, 2\) is not compatible"):
        d.set_weights([np.ones((2, 2)), np.zeros(2)])


def test_sequential_add_pop_and_get_config():
    model = keras.Sequential()
    model.add(keras.Input((3,)))
    model.add(layers.Dense(2))
    model.add(layers.Dense(1))
    model.pop()
    assert [layer.name for layer in model.layers] == ["dense"]
    config = model.get_config()
    assert config["build_input_shape"] == (None, 3)
    clone = keras.Sequential.from_config(config)
    assert clone(np.ones((1, 3))).shape == (1, 2)


SUMMARY = """\
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 8)              │            40 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 2)              │            18 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 58 (232.00 B)
 Trainable params: 58 (232.00 B)
 Non-trainable params: 0 (0.00 B)
"""


def test_summary_is_keras_table(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8), layers.Dense(2)])
    assert model.summary() is None
    assert capsys.readouterr().out == SUMMARY
    lines = []
    model.summary(print_fn=lines.append)
    assert lines == [SUMMARY]
    unbuilt = keras.Sequential([layers.Dense(2), layers.Dense(3)])
    unbuilt.summary()
    out = capsys.readouterr().out
    assert "│ dense_2 (Dense)                 │ ?                      │   0 (unbuilt) │" in out
    assert " Total params: 0 (0.00 B)" in out


def test_summary_of_a_functional_mnist_model(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    inputs = keras.Input(shape=(784,), name="digits")
    x = layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, name="predictions")(x)
    keras.Model(inputs=inputs, outputs=outputs, name="mnist_model").summary()
    out = capsys.readouterr().out
    assert "│ digits (InputLayer)             │ (None, 784)            │             0 │" in out
    assert "│ dense_1 (Dense)                 │ (None, 64)             │        50,240 │" in out
    assert " Total params: 55,050 (215.04 KB)\n" in out


def test_summary_column_widths_match_rich():
    from tapeflow.keras._src.utils.summary import segments

    assert segments(76, [0.45, 0.80, 1.0]) == [33, 24, 15]
    assert segments(88, [0.45, 0.80, 1.0]) == [38, 29, 17]
    assert segments(76, [0.3, 0.56, 0.74, 1.0]) == [21, 19, 12, 19]


def test_gradients_flow_to_model_weights_second_order():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="relu"),
                              layers.Dense(1)])  # fmt: skip
    x = tf.constant(np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32))
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(model(x) ** 2)
        g = inner.gradient(y, x)
        s = tf.reduce_sum(g)
    grads = outer.gradient(s, model.trainable_variables)
    assert [tuple(g.shape) for g in grads] == [(3, 4), (4,), (4, 1), (1,)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert all(g is not None for g in grads)
