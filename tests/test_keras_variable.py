"""`keras.Variable` as tf.keras 2.21 has it (values observed on TF 2.21 / Keras 3.15.1)."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf

keras = tf.keras


def test_repr_names_dtype_and_shape():
    keras.backend.clear_session()
    v = keras.Variable(1.0)
    assert repr(v) == "<Variable path=variable, shape=(), dtype=float32, value=1.0>"
    assert v.name == "variable" and v.path == "variable" and v.dtype == "float32"
    assert isinstance(v.shape, tf.TensorShape) and not isinstance(v, tf.Variable)
    assert keras.Variable([1, 2]).dtype == "int32"
    assert keras.Variable(np.float64(2)).dtype == "float64"
    assert keras.Variable(1.0).name == "variable_3"  # the fourth


def test_arithmetic_gives_tensors_and_assign_returns_the_value():
    v = keras.Variable(1.0)
    assert repr(v + 1) == "<tf.Tensor: shape=(), dtype=float32, numpy=2.0>"
    assert repr(v.assign(3.0)) == "<tf.Tensor: shape=(), dtype=float32, numpy=3.0>"
    assert repr(v.assign_add(1)) == "<tf.Tensor: shape=(), dtype=float32, numpy=4.0>"
    assert float(v) == 4.0 and f"{v:.3%}" == "400.000%"
    assert bool(v == 4.0) and np.asarray(v).dtype == np.float32


def test_errors():
    v = keras.Variable(4.0)
    with pytest.raises(ValueError) as e:
        v.assign([1.0, 2.0])
    assert str(e.value) == (
        "The shape of the target variable and the shape of the target value in "
        "`variable.assign(value)` must match. variable.shape=(), Received: value.shape=(2,). "
        f"Target variable: {v}"
    )
    with pytest.raises(ValueError, match="cannot contain character `/`. Received: name=a/b"):
        keras.Variable(1.0, name="a/b")
    with pytest.raises(TypeError, match="unhashable"):
        hash(v)
    with pytest.raises(TypeError, match="cannot be used as a boolean"):
        bool(keras.Variable([1.0, 2.0]))


def test_tapes_watch_and_differentiate_keras_variables():
    v = keras.Variable(np.full((2, 2), 3.0, np.float32), name="w")
    x = tf.constant([[1.0, 2.0]])
    with tf.GradientTape() as t:
        y = tf.reduce_sum(tf.matmul(x, v) ** 2)
    np.testing.assert_allclose(t.gradient(y, v).numpy(), [[18, 18], [36, 36]])
    with tf.GradientTape(persistent=True) as t:
        t.watch(v)
        y = v * v
    assert t.gradient(y, [v])[0].numpy().tolist() == [[6, 6], [6, 6]]
    assert t.jacobian(y, v).shape == (2, 2, 2, 2)
    v.trainable = False
    with tf.GradientTape() as t:
        y = tf.reduce_sum(v * 2)
    assert t.gradient(y, v) is None


def test_name_scopes_make_paths():
    from tapeflow.keras._src import naming

    with naming.name_scope("dense"):
        v = keras.Variable(0.0, name="kernel")
    assert v.path == "dense/kernel" and v.name == "kernel"
    assert naming.to_snake_case("HTTPLayer") == "http_layer"
    assert naming.to_snake_case("Conv2DTranspose") == "conv2d_transpose"
    assert naming.to_snake_case("MLP2") == "mlp2"


def test_wrapped_tf_variable_is_named_by_the_path_and_fstrings_give_the_repr():
    # Observed on TF 2.21: `kernel.value` is named `dense/kernel:0`; f"{v}" is the repr.
    d = keras.layers.Dense(2, name="dense")
    d.build((None, 3))
    assert d.kernel.value.name == "dense/kernel:0"
    assert f"{d.bias}" == repr(d.bias) and f"{keras.Variable(0.5):.1f}" == "0.5"
