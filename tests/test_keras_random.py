"""keras.random (SeedGenerator, the global generator, the functions) and keras.utils
(set_random_seed, to_categorical, normalize), values observed on TF 2.21 / Keras 3.15.1."""

from __future__ import annotations

import random
import warnings

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.keras._src import random as keras_random_src

keras = tf.keras
K = keras.random


@pytest.fixture(autouse=True)
def _fresh():
    keras.backend.clear_session()
    yield
    tf.random.set_seed(None)


def _values(x):
    return np.asarray(x).tolist()


def test_seed_generator_state_and_draws():
    g = K.SeedGenerator(42)
    assert repr(g.state) == (
        "<Variable path=seed_generator/seed_generator_state, shape=(2,), dtype=int64, "
        "value=[42  0]>"
    )
    assert g.name == "seed_generator" and not g.state.trainable
    assert g.get_config() == {"seed": 42, "name": "seed_generator"}
    assert _values(K.uniform((3,), seed=g)) == [
        0.2824331521987915, 0.4984169006347656, 0.7154585123062134]  # fmt: skip
    assert _values(g.state) == [42, 1]
    assert _values(K.uniform((3,), seed=g)) == [
        0.5280030965805054, 0.24338412284851074, 0.3770291805267334]  # fmt: skip
    assert _values(g.state) == [42, 2]
    for _ in range(3):
        K.SeedGenerator()
    assert K.SeedGenerator().name == "seed_generator_4"


def test_global_generator_after_set_random_seed():
    keras.utils.set_random_seed(3)
    np.testing.assert_allclose(K.normal((3,)), [
        0.11797960102558136, 1.1750175952911377, 0.34103018045425415], rtol=3e-7)  # fmt: skip
    assert _values(K.uniform((2,), minval=-1, maxval=4)) == [1.2098236083984375, 3.528315544128418]
    # The global generator advances by (state + 1) * 5387 % 933199 per draw.
    assert _values(keras_random_src.global_seed_generator().state) == [226928, 95987]


def test_int_seeded_functions_are_tfs():
    assert _values(K.randint((4,), 0, 10, seed=5)) == [3, 0, 7, 9]
    got = K.randint((2,), 0, 10, dtype="uint8", seed=5)
    assert got.dtype == tf.uint8 and _values(got) == [3, 1]
    assert _values(K.shuffle(tf.range(6), seed=2)) == [4, 5, 2, 1, 3, 0]
    assert _values(K.shuffle(tf.reshape(tf.range(6), (2, 3)), axis=1, seed=2)) == [
        [2, 1, 0], [5, 4, 3]]  # fmt: skip
    assert _values(K.dropout(tf.ones([6]), 0.5, seed=3)) == [0.0, 2.0, 2.0, 2.0, 0.0, 0.0]
    got = K.dropout(tf.ones([2, 3]), 0.5, noise_shape=(None, 1), seed=3)
    assert _values(got) == [[0.0, 0.0, 0.0], [2.0, 2.0, 2.0]]
    assert _values(K.dropout(tf.ones([2]), 1.0, seed=3)) == [0.0, 0.0]
    np.testing.assert_allclose(K.truncated_normal((3,), seed=4), [
        -0.581848680973053, 0.8653590679168701, -1.5661876201629639], rtol=3e-7)  # fmt: skip
    assert _values(K.uniform((2,), seed=2**33 + 7)) == [0.23209762573242188, 0.18040382862091064]
    got = K.uniform((2,), dtype="float64", seed=1)
    assert _values(got) == [0.027906033135913777, 0.8023308951269792]


def test_categorical_is_tfs():
    logits = tf.math.log([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
    keras.utils.set_random_seed(3)
    got = K.categorical(logits, 5, seed=4)
    assert got.dtype == tf.int32 and _values(got) == [
        [2, 1, 1, 2, 1], [0, 1, 1, 0, 1], [1, 2, 2, 2, 2]]  # fmt: skip
    assert _values(K.categorical(logits, 2)) == [[2, 2], [0, 2], [1, 2]]


def test_errors_are_keras():
    cases = [
        (lambda: K.SeedGenerator(1.5), "Argument `seed` must be an integer. Received: seed=1.5"),
        (lambda: K.normal((2,), seed="a"), "Argument `seed` must be either an integer or an "
         "instance of `SeedGenerator`. Received: seed=a (of type <class 'str'>)"),
        (lambda: K.SeedGenerator(1, foo=2), "Unrecognized keyword arguments: {'foo': 2}"),
        (lambda: K.categorical(tf.zeros([3]), 2, seed=1), "`logits` should be a 2-D tensor with "
         "shape [batch_size, num_classes]. Received: logits=[0. 0. 0.]"),
        (lambda: keras.utils.set_random_seed(1.5), "Expected `seed` argument to be an integer. "
         "Received: seed=1.5 (of type <class 'float'>)"),
    ]  # fmt: skip
    for fn, message in cases:
        with pytest.raises(ValueError) as info:
            fn()
        assert str(info.value) == message


def test_set_random_seed_seeds_python_numpy_and_tf():
    keras.utils.set_random_seed(7)
    keras.initializers.GlorotUniform()  # consumes one random.randint
    assert random.random() == 0.9478653606090632
    assert np.random.rand() == 0.07630828937395717
    assert _values(tf.random.uniform([2])) == [0.834453821182251, 0.23336660861968994]


def test_to_categorical():
    got = keras.utils.to_categorical([0, 2, 1])
    assert got.dtype == np.float64 and got.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    got = keras.utils.to_categorical([[1], [0]], num_classes=3)
    assert got.tolist() == [[0, 1, 0], [1, 0, 0]]
    got = keras.utils.to_categorical([[1, 0], [2, 2]])
    assert got.shape == (2, 2, 3) and got[1, 0].tolist() == [0, 0, 1]
    assert keras.utils.to_categorical(np.array([1.7, 0.2])).tolist() == [[0, 1], [1, 0]]
    got = keras.utils.to_categorical(tf.constant([[1], [0]]), 3)
    assert got.dtype == tf.float32 and _values(got) == [[0, 1, 0], [1, 0, 0]]
    with pytest.raises(ValueError, match=r"Attempt to convert a value \(None\)"):
        keras.utils.to_categorical(tf.constant([1, 0, 2]))  # Keras' wart: tensors need n


def test_normalize():
    got = keras.utils.normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert got.tolist() == [[0.6, 0.8], [0.0, 0.0]]
    # Keras' wart: axis=0 is falsy, so the norms are expanded on the last axis.
    got = keras.utils.normalize(np.array([[3.0, 4.0], [0.0, 1.0]]), axis=0, order=1)
    assert got.tolist() == [[1.0, 1.3333333333333333], [0.0, 0.2]]
    got = keras.utils.normalize(tf.constant([[3.0, 4.0], [0.0, 0.0]]))
    assert got.dtype == tf.float32
    np.testing.assert_allclose(got, [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)
    np.testing.assert_allclose(keras.utils.normalize([[3.0, 4.0]]), [[0.6, 0.8]], rtol=1e-6)


def _dropout_fit_history(run_eagerly: bool) -> dict:
    tf.keras.utils.set_random_seed(3)
    model = tf.keras.Sequential(
        [
            tf.keras.Input((4,)),
            tf.keras.layers.Dense(8),
            tf.keras.layers.Dropout(0.5, seed=1),
            tf.keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse", run_eagerly=run_eagerly)
    x = np.arange(32 * 4, dtype=np.float32).reshape(32, 4) / 100
    y = np.ones((32, 1), np.float32)
    return model.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=False).history


def test_dropout_fit_replays_stateless_draws_as_eager_does():
    # The seed is a tensor input of StatelessRandomGetKeyCounter, so the traced train_step
    # replays each step's new SeedGenerator seed instead of falling back to eager.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traced = _dropout_fit_history(run_eagerly=False)
    assert traced == _dropout_fit_history(run_eagerly=True)
    assert len(set(traced["loss"])) == 3


def test_stateless_uniform_with_a_tensor_seed_is_replayed_not_run_eagerly():
    runs = []

    @tf.function(jit_compile=True)
    def draw(seed):
        runs.append(1)
        return tf.random.stateless_uniform([3], seed=seed)

    seeds = [[1, 2], [7, 0], [1, 3]]
    drawn = [draw(tf.constant(s)).numpy() for s in seeds]
    assert len(runs) == 1  # traced once; later calls replay the recorded ops
    for s, values in zip(seeds, drawn):
        np.testing.assert_array_equal(values, tf.random.stateless_uniform([3], seed=s).numpy())
    # observed on TF 2.21: tf.random.stateless_uniform([3], [1, 2])
    np.testing.assert_array_equal(drawn[0], np.float32([0.8440604, 0.19204533, 0.9962232]))


def test_dropout_fit_traces_train_step_once_not_per_batch():
    # With jit_compile=True (a plain tf.function still runs eagerly in tapeflow) a replayed
    # train_step runs the layers' Python only while tracing; an eager fallback (the seed
    # read in Python) would run it on each of the 12 batches.
    calls = []

    class CountingDropout(tf.keras.layers.Dropout):
        def call(self, inputs, training=False):
            calls.append(training)
            return super().call(inputs, training=training)

    tf.keras.utils.set_random_seed(3)
    model = tf.keras.Sequential(
        [
            tf.keras.Input((4,)),
            tf.keras.layers.Dense(8),
            CountingDropout(0.5, seed=1),
            tf.keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    x = np.arange(32 * 4, dtype=np.float32).reshape(32, 4) / 100
    model.fit(x, np.ones((32, 1), np.float32), batch_size=8, epochs=3, verbose=0)
    assert 1 <= calls.count(True) <= 2
