"""Keras layers: training/inference behaviour, gradients' types, models built from the
layers and their summaries (values observed on TF 2.21 / Keras 3.15.1 where stated)."""

from __future__ import annotations

import os

import numpy as np
import pytest
from keras_layer_util import ensure_seed_generator

import tapeflow as tf

REAL_SEED_GENERATOR = ensure_seed_generator()
layers = tf.keras.layers


@pytest.fixture(autouse=True)
def _fresh_names():
    tf.keras.backend.clear_session()


# -- Dropout ---------------------------------------------------------------------------------
def test_dropout_is_the_identity_at_inference():
    x = np.arange(12, dtype="float32").reshape(3, 4)
    layer = layers.Dropout(0.5)
    assert layer.built  # stateless: built at construction, as Keras
    for kwargs in ({}, {"training": False}, {"training": None}):
        np.testing.assert_array_equal(layer(x, **kwargs).numpy(), x)


def test_dropout_training_statistics_and_scaling():
    rate = 0.3
    layer = layers.Dropout(rate, seed=7)
    out = layer(np.ones((200, 500), dtype="float32"), training=True).numpy()
    kept = out != 0
    # 100,000 Bernoulli(0.7) draws: the kept fraction is within 0.005 of 0.7 (> 6 sigma).
    assert abs(kept.mean() - (1 - rate)) < 0.005
    np.testing.assert_allclose(out[kept], 1 / (1 - rate), rtol=1e-6)
    again = layer(np.ones((200, 500), dtype="float32"), training=True).numpy()
    assert (again != out).any()  # the seed generator advances between calls


def test_dropout_noise_shape_broadcasts_the_mask():
    layer = layers.Dropout(0.5, noise_shape=(None, 1), seed=1)
    out = layer(np.ones((64, 6), dtype="float32"), training=True).numpy()
    assert all(len(set(row)) == 1 for row in out)  # whole rows kept or dropped
    assert set(np.unique(out)) <= {0.0, 2.0}


def test_dropout_seed_state_is_a_variable_but_not_a_weight():
    layer = layers.Dropout(0.5)
    assert layer.weights == []
    assert [v.path for v in layer.non_trainable_variables] == [
        "seed_generator/seed_generator_state"
    ]
    assert not hasattr(layers.Dropout(0.0), "seed_generator")


def test_dropout_rate_one_zeroes_everything():
    # observed on TF 2.21: Dropout(1.0)(ones, training=True) is all zeros
    out = layers.Dropout(1.0)(np.ones((2, 3), dtype="float32"), training=True)
    np.testing.assert_array_equal(out.numpy(), np.zeros((2, 3)))


def test_dropout_training_reaches_it_through_a_model():
    model = tf.keras.Sequential([tf.keras.Input((50,)), layers.Dropout(0.5)])
    x = np.ones((20, 50), dtype="float32")
    np.testing.assert_array_equal(model(x).numpy(), x)
    assert (model(x, training=True).numpy() == 0).any()


# -- BatchNormalization ---------------------------------------------------------------------
def test_batchnorm_inference_on_a_fresh_layer():
    # observed on TF 2.21: x / sqrt(1 + 1e-3)
    out = layers.BatchNormalization()(np.array([[1.0, 2.0], [3.0, 6.0]], dtype="float32"))
    np.testing.assert_allclose(out.numpy(), [[0.9995, 1.9990], [2.9985, 5.9970]], atol=1e-4)


def test_batchnorm_training_updates_the_moving_statistics():
    bn = layers.BatchNormalization()
    x = np.array([[1.0, 2.0], [3.0, 6.0]], dtype="float32")
    out = bn(x, training=True)
    # batch mean [2, 4], biased variance [1, 4]
    np.testing.assert_allclose(out.numpy(), [[-1, -2], [1, 2]] / np.sqrt([1.001, 4.001]),
                               rtol=1e-5)  # fmt: skip
    # observed on TF 2.21: moving_mean [0.02, 0.04], moving_variance [1.0, 1.03]
    np.testing.assert_allclose(bn.moving_mean.numpy(), [0.02, 0.04], rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), [1.0, 1.03], rtol=1e-5)
    assert [v.path for v in bn.weights] == [
        "batch_normalization/gamma",
        "batch_normalization/beta",
        "batch_normalization/moving_mean",
        "batch_normalization/moving_variance",
    ]
    assert [v.name for v in bn.trainable_weights] == ["gamma", "beta"]
    assert [v.name for v in bn.non_trainable_weights] == ["moving_mean", "moving_variance"]


def test_batchnorm_not_trainable_forces_inference():
    bn = layers.BatchNormalization()
    x = np.array([[1.0, 2.0], [3.0, 6.0]], dtype="float32")
    bn(x)
    bn.trainable = False
    out = bn(x, training=True)
    np.testing.assert_allclose(out.numpy(), x / np.sqrt(1.001), rtol=1e-6)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(bn.moving_variance.numpy(), [1.0, 1.0])


def test_batchnorm_gradient_flows_through_batch_statistics():
    bn = layers.BatchNormalization(dtype="float64")
    x = tf.constant(np.random.default_rng(0).standard_normal((6, 3)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = bn(x, training=True)
        loss = tf.reduce_sum(y * y[::-1])
    gx, gg, gb = tape.gradient(loss, [x, bn.gamma, bn.beta])
    # normalised outputs are invariant to shifting a channel: the input gradient sums to 0
    np.testing.assert_allclose(gx.numpy().sum(axis=0), 0.0, atol=1e-10)
    assert gg.shape == (3,) and gb.shape == (3,)


# -- Embedding -------------------------------------------------------------------------------
def test_embedding_gradient_is_indexed_slices():
    emb = layers.Embedding(5, 3, embeddings_initializer="ones")
    ids = np.array([[0, 2], [2, 4]], dtype="int64")
    with tf.GradientTape() as tape:
        out = emb(ids)
        loss = tf.reduce_sum(out)
    assert out.dtype == tf.float32 and out.shape == (2, 2, 3)
    (grad,) = tape.gradient(loss, emb.trainable_variables)
    assert isinstance(grad, tf.IndexedSlices)
    dense = tf.convert_to_tensor(grad).numpy()
    np.testing.assert_array_equal(dense[:, 0], [1, 0, 2, 0, 1])


def test_embedding_mask_zero_and_float_ids():
    emb = layers.Embedding(4, 2, embeddings_initializer="zeros", mask_zero=True)
    ids = np.array([[0, 1, 3]], dtype="int32")
    np.testing.assert_array_equal(emb.compute_mask(ids).numpy(), [[False, True, True]])
    assert emb.supports_masking
    out = emb(np.array([[1.0, 3.0]]))  # float ids are cast to int32, as Keras
    assert out.shape == (1, 2, 2)


def test_embedding_built_from_weights_argument():
    table = np.arange(6, dtype="float32").reshape(3, 2)
    emb = layers.Embedding(3, 2, embeddings_initializer="zeros", weights=[table])
    np.testing.assert_array_equal(emb(np.array([2, 0])).numpy(), [[4, 5], [0, 1]])


# -- merging function forms, Lambda ------------------------------------------------------------
def test_merge_function_forms():
    a = np.array([[1.0, 2.0]], dtype="float32")
    b = np.array([[3.0, -1.0]], dtype="float32")
    np.testing.assert_array_equal(layers.add([a, b]).numpy(), [[4, 1]])
    np.testing.assert_array_equal(layers.subtract([a, b]).numpy(), [[-2, 3]])
    np.testing.assert_array_equal(layers.multiply([a, b]).numpy(), [[3, -2]])
    np.testing.assert_array_equal(layers.average([a, b]).numpy(), [[2, 0.5]])
    np.testing.assert_array_equal(layers.maximum([a, b]).numpy(), [[3, 2]])
    np.testing.assert_array_equal(layers.minimum([a, b]).numpy(), [[1, -1]])
    np.testing.assert_array_equal(layers.concatenate([a, b]).numpy(), [[1, 2, 3, -1]])
    np.testing.assert_array_equal(layers.dot([a, b], axes=1).numpy(), [[1]])


def test_merge_layer_needs_a_list():
    with pytest.raises(ValueError, match="A merge layer should be called on a list of inputs"):
        layers.Add()(np.ones((2, 3), dtype="float32"))


def test_lambda_infers_shape_and_round_trips_its_config():
    layer = layers.Lambda(lambda x: x[:, :2] * 2.0)
    x = tf.keras.Input((3,))
    assert layer(x).shape == (None, 2)
    config = layer.get_config()
    assert config["function"]["class_name"] == "__lambda__"
    clone = layers.Lambda.from_config(config)
    np.testing.assert_array_equal(clone(np.array([[1.0, 2.0, 3.0]])).numpy(), [[2, 4]])
    assert not layers.Lambda(lambda x: x).built  # Lambda is not built at construction


def test_lambda_output_shape_argument():
    layer = layers.Lambda(lambda x: tf.concat([x, x], axis=-1), output_shape=(6,))
    assert layer.compute_output_shape((None, 3)) == (None, 6)


# -- models ------------------------------------------------------------------------------------
def test_cnn_in_sequential_and_functional_models():
    x = np.random.default_rng(1).standard_normal((2, 8, 8, 1)).astype("float32")
    seq = tf.keras.Sequential(
        [
            tf.keras.Input((8, 8, 1)),
            layers.Conv2D(4, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.BatchNormalization(),
            layers.Flatten(),
            layers.Dropout(0.2),
            layers.Dense(3),
        ]
    )
    assert seq(x).shape == (2, 3)
    assert seq.output_shape == (None, 3)
    inp = tf.keras.Input((8, 8, 1))
    h = layers.Conv2DTranspose(2, 3, strides=2, padding="same")(inp)
    h = layers.GlobalAveragePooling2D()(h)
    model = tf.keras.Model(inp, layers.Dense(1)(h))
    assert model(x).shape == (2, 1)


def test_rnn_and_attention_in_functional_models():
    tokens = tf.keras.Input((5,), dtype="int32")
    h = layers.Embedding(10, 4, embeddings_initializer="zeros")(tokens)
    h = layers.MultiHeadAttention(num_heads=2, key_dim=2)(h, h)
    h = layers.LayerNormalization()(h)
    out = layers.Dense(1)(layers.GlobalMaxPooling1D()(h))
    model = tf.keras.Model(tokens, out)
    assert model(np.array([[1, 2, 3, 4, 5]], dtype="int32")).shape == (1, 1)


def test_summaries_of_the_spec(capsys, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    # a non-TTY: rich's fallback width 80 (L = 76)
    monkeypatch.setattr("shutil.get_terminal_size", lambda *a, **k: os.terminal_size((80, 24)))
    # The statements of keras-probes/p2_summary.py, in order (they consume the name counters).
    keras = tf.keras
    keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                      keras.layers.Dense(2)])  # fmt: skip
    inp = keras.Input(shape=(784,), name="digits")
    x = keras.layers.Dense(64, activation="relu", name="dense_1")(inp)
    x = keras.layers.Dense(64, activation="relu", name="dense_2")(x)
    keras.Model(inp, keras.layers.Dense(10, name="predictions")(x), name="mnist_model")
    keras.Sequential([keras.layers.Dense(3), keras.layers.Dense(1)])
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    c = keras.layers.Concatenate()([keras.layers.Dense(4)(a), b])
    mm = keras.Model([a, b], keras.layers.Dense(1)(c))
    bnm = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4),
                            keras.layers.BatchNormalization(), keras.layers.Dropout(0.5),
                            keras.layers.Dense(1)])  # fmt: skip
    capsys.readouterr()
    mm.summary()
    bnm.summary()
    # observed on TF 2.21 (keras-probes/p2_summary.out)
    assert capsys.readouterr().out == SUMMARIES


SUMMARIES = """\
Model: "functional_1"
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓
┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩
│ a (InputLayer)      │ (None, 3)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_4 (Dense)     │ (None, 4)         │         16 │ a[0][0]           │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ b (InputLayer)      │ (None, 2)         │          0 │ -                 │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ concatenate         │ (None, 6)         │          0 │ dense_4[0][0],    │
│ (Concatenate)       │                   │            │ b[0][0]           │
├─────────────────────┼───────────────────┼────────────┼───────────────────┤
│ dense_5 (Dense)     │ (None, 1)         │          7 │ concatenate[0][0] │
└─────────────────────┴───────────────────┴────────────┴───────────────────┘
 Total params: 23 (92.00 B)
 Trainable params: 23 (92.00 B)
 Non-trainable params: 0 (0.00 B)
Model: "sequential_2"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense_6 (Dense)                 │ (None, 4)              │            24 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ batch_normalization             │ (None, 4)              │            16 │
│ (BatchNormalization)            │                        │               │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dropout (Dropout)               │ (None, 4)              │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_7 (Dense)                 │ (None, 1)              │             5 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 45 (180.00 B)
 Trainable params: 37 (148.00 B)
 Non-trainable params: 8 (32.00 B)
"""


# -- recurrent state -----------------------------------------------------------------------------
def _lstm(**kwargs):
    return layers.LSTM(3, activation=tf.math.tanh, recurrent_activation=tf.math.sigmoid,
                       recurrent_initializer="zeros", **kwargs)  # fmt: skip


def test_stateful_rnn_carries_its_states_between_calls():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((2, 2, 4, 2)).astype("float32")
    stateful = _lstm(stateful=True, return_state=True)
    stateless = _lstm(return_state=True)
    stateful(a)
    stateless(a)
    stateless.set_weights(stateful.get_weights())
    stateful.reset_state()
    _, h, c = stateful(a)
    np.testing.assert_allclose([v.numpy() for v in stateful.states], [h.numpy(), c.numpy()])
    second = stateful(b)[0]
    expected = stateless(b, initial_state=[h, c])[0]
    np.testing.assert_allclose(second.numpy(), expected.numpy(), rtol=1e-6)
    # states are not weights, as Keras
    assert [id(v) for v in stateful.weights] == [id(v) for v in stateful.cell.weights]
    stateful.reset_state()
    np.testing.assert_array_equal(stateful.states[0].numpy(), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="the batch size of the input sequences must be"):
        stateful(np.ones((3, 4, 2), dtype="float32"))


def test_rnn_mask_keeps_the_previous_output_or_zeros():
    x = np.random.default_rng(4).standard_normal((1, 3, 2)).astype("float32")
    mask = np.array([[True, False, True]])
    cell = layers.SimpleRNNCell(2, activation=tf.math.tanh, recurrent_initializer="zeros")
    rnn = layers.RNN(cell, return_sequences=True)
    out = rnn(x, mask=mask).numpy()
    np.testing.assert_array_equal(out[0, 1], out[0, 0])  # masked step repeats the output
    zero = layers.RNN(cell, return_sequences=True, zero_output_for_mask=True)
    np.testing.assert_array_equal(zero(x, mask=mask).numpy()[0, 1], [0.0, 0.0])
    # the step after the masked one continues from the state before it
    direct = layers.RNN(cell, return_sequences=True)(x[:, [0, 2]])
    np.testing.assert_allclose(out[0, 2], direct.numpy()[0, 1], rtol=1e-6)


def test_lstm_exposes_its_cell_arguments_and_weight_paths():
    lstm = _lstm()
    lstm(np.ones((1, 2, 4), dtype="float32"))
    assert lstm.units == 3
    assert [v.path for v in lstm.weights] == [
        "lstm/lstm_cell/kernel",
        "lstm/lstm_cell/recurrent_kernel",
        "lstm/lstm_cell/bias",
    ]
    # unit_forget_bias: the forget gate's bias starts at one
    np.testing.assert_array_equal(lstm.cell.bias.numpy(), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])


def _double(x):
    return x * 2


def test_lambda_config_of_a_named_function():
    # observed on TF 2.21: every plain function is recorded under the module 'builtins'
    config = layers.Lambda(_double).get_config()
    assert config["function"] == {
        "module": "builtins",
        "class_name": "function",
        "config": "_double",
        "registered_name": "function",
    }
    assert config["arguments"] == {}
