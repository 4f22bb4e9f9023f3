"""Gradients of every Keras layer, with respect to its inputs and its trainable weights,
checked against central differences, first and second order (gradcheck's directional
method: one random input direction and one random output direction per check).

Layers run in float64 (`dtype="float64"`) so that finite differences are meaningful.
BatchNormalization (training) and LayerNormalization take their statistics from
`tf.nn.moments`, which, as in TF, stops the gradient through the mean inside the variance:
first derivatives are exact, second derivatives are TF's (not the true ones). Their second
order is compared with TF's own (goldens' `second_order` records) instead of finite
differences.

Non-trainable state (moving statistics, seed generator states) is restored before each
evaluation, so Dropout draws the same mask and BatchNormalization starts from the same
statistics every time.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from gradcheck import assert_close
from keras_layer_util import ensure_seed_generator

import tapeflow as tf

ensure_seed_generator()
L = tf.keras.layers
EPS = 1e-6
RTOL = 1e-5
ATOL = 1e-6
MULTI = (L.Concatenate, L.Add, L.Subtract, L.Multiply, L.Average, L.Maximum, L.Minimum, L.Dot)


def _spec(id, make, shapes, call_kwargs=None, ints=None):  # noqa: A002
    return pytest.param(make, shapes, call_kwargs or {}, ints, id=id)


F64 = {"dtype": "float64"}
CASES = [
    _spec("conv2d", lambda: L.Conv2D(3, 2, **F64), [(2, 4, 5, 2)]),
    _spec("conv2d_same_strides_relu",
          lambda: L.Conv2D(2, 3, strides=2, padding="same", activation="relu", **F64),
          [(1, 5, 5, 2)]),
    _spec("conv2d_groups_dilated", lambda: L.Conv2D(4, 2, groups=2, dilation_rate=2, **F64),
          [(1, 5, 5, 4)]),
    _spec("conv2d_channels_first", lambda: L.Conv2D(2, 2, data_format="channels_first", **F64),
          [(1, 2, 4, 4)]),
    _spec("conv1d_causal", lambda: L.Conv1D(2, 3, padding="causal", **F64), [(2, 6, 2)]),
    _spec("conv1d_stride", lambda: L.Conv1D(3, 2, strides=2, **F64), [(1, 7, 2)]),
    _spec("conv2d_transpose_s2", lambda: L.Conv2DTranspose(2, 3, strides=2, padding="same",
                                                          **F64), [(1, 3, 3, 2)]),
    _spec("conv2d_transpose_valid", lambda: L.Conv2DTranspose(2, (2, 3), **F64), [(2, 2, 3, 1)]),
    _spec("maxpool2d", lambda: L.MaxPooling2D(**F64), [(2, 4, 4, 2)]),
    _spec("maxpool2d_same", lambda: L.MaxPooling2D(3, 2, padding="same", **F64), [(1, 5, 5, 1)]),
    _spec("avgpool2d_same", lambda: L.AveragePooling2D(2, padding="same", **F64), [(1, 3, 5, 2)]),
    _spec("maxpool1d", lambda: L.MaxPooling1D(**F64), [(2, 6, 2)]),
    _spec("avgpool1d", lambda: L.AveragePooling1D(3, strides=1, **F64), [(2, 5, 2)]),
    _spec("gmaxpool1d", lambda: L.GlobalMaxPooling1D(**F64), [(2, 5, 3)]),
    _spec("gmaxpool2d", lambda: L.GlobalMaxPooling2D(keepdims=True, **F64), [(2, 3, 3, 2)]),
    _spec("gavgpool1d", lambda: L.GlobalAveragePooling1D(**F64), [(2, 5, 3)]),
    _spec("gavgpool2d", lambda: L.GlobalAveragePooling2D(**F64), [(2, 3, 3, 2)]),
    _spec("flatten", lambda: L.Flatten(**F64), [(2, 3, 2)]),
    _spec("reshape", lambda: L.Reshape((-1, 3), **F64), [(2, 3, 2)]),
    _spec("permute", lambda: L.Permute((2, 1), **F64), [(2, 3, 2)]),
    _spec("repeat_vector", lambda: L.RepeatVector(3, **F64), [(2, 2)]),
    _spec("upsampling2d", lambda: L.UpSampling2D((2, 1), **F64), [(1, 2, 2, 2)]),
    _spec("zeropadding2d", lambda: L.ZeroPadding2D(1, **F64), [(1, 2, 2, 1)]),
    _spec("cropping2d", lambda: L.Cropping2D(((1, 0), (0, 1)), **F64), [(1, 3, 3, 1)]),
    _spec("dropout_training", lambda: L.Dropout(0.4, seed=3, **F64), [(3, 5)],
          {"training": True}),
    _spec("identity", lambda: L.Identity(**F64), [(2, 3)]),
    _spec("batchnorm_training", lambda: L.BatchNormalization(**F64), [(5, 3)],
          {"training": True}),
    _spec("batchnorm_axis1_training", lambda: L.BatchNormalization(axis=1, **F64),
          [(3, 2, 4)], {"training": True}),
    _spec("batchnorm_inference", lambda: L.BatchNormalization(**F64), [(4, 3)]),
    _spec("layernorm", lambda: L.LayerNormalization(**F64), [(2, 3, 4)]),
    _spec("layernorm_axes", lambda: L.LayerNormalization(axis=(1, 2), center=False, **F64),
          [(2, 3, 4)]),
    _spec("embedding", lambda: L.Embedding(6, 3, embeddings_initializer="zeros", **F64),
          [(2, 4)], ints=6),
    _spec("leaky_relu", lambda: L.LeakyReLU(0.2, **F64), [(3, 4)]),
    _spec("relu_args", lambda: L.ReLU(max_value=0.8, negative_slope=0.1, threshold=0.1, **F64),
          [(3, 4)]),
    _spec("softmax", lambda: L.Softmax(axis=1, **F64), [(2, 3, 4)]),
    _spec("softmax_two_axes", lambda: L.Softmax(axis=(1, 2), **F64), [(2, 3, 4)]),
    _spec("elu", lambda: L.ELU(0.5, **F64), [(3, 4)]),
    _spec("prelu", lambda: L.PReLU("zeros", shared_axes=[1], **F64), [(2, 3, 4)]),
    _spec("activation", lambda: L.Activation("softmax", **F64), [(2, 5)]),
    _spec("concatenate", lambda: L.Concatenate(axis=1, **F64), [(2, 3), (2, 2)]),
    _spec("add_broadcast", lambda: L.Add(**F64), [(2, 3), (2, 1)]),
    _spec("subtract", lambda: L.Subtract(**F64), [(2, 3), (2, 3)]),
    _spec("multiply", lambda: L.Multiply(**F64), [(2, 3), (2, 3), (2, 3)]),
    _spec("average", lambda: L.Average(**F64), [(2, 3), (2, 3)]),
    _spec("maximum", lambda: L.Maximum(**F64), [(2, 3), (2, 3)]),
    _spec("minimum", lambda: L.Minimum(**F64), [(2, 3), (2, 3)]),
    _spec("dot_normalize", lambda: L.Dot(axes=2, normalize=True, **F64), [(2, 3, 4), (2, 2, 4)]),
    _spec("dot_axes", lambda: L.Dot(axes=(1, 1), **F64), [(2, 3, 2), (2, 3, 4)]),
    _spec("einsum_dense", lambda: L.EinsumDense("abc,cd->abd", (None, 3), bias_axes="d",
                                                **F64), [(2, 4, 2)]),
    _spec("time_distributed", lambda: L.TimeDistributed(L.Conv1D(2, 2, **F64), **F64),
          [(2, 3, 4, 2)]),
    _spec("lambda", lambda: L.Lambda(lambda x: tf.sin(x) * x, **F64), [(2, 3)]),
    _spec("simple_rnn", lambda: L.SimpleRNN(3, activation=tf.math.tanh,
                                            recurrent_initializer="zeros", **F64), [(2, 4, 2)]),
    _spec("lstm_seq_state", lambda: L.LSTM(2, activation=tf.math.tanh,
                                           recurrent_activation=tf.math.sigmoid,
                                           recurrent_initializer="zeros",
                                           return_sequences=True, return_state=True, **F64),
          [(2, 3, 2)]),
    _spec("gru_back", lambda: L.GRU(2, activation=tf.math.tanh,
                                    recurrent_activation=tf.math.sigmoid,
                                    recurrent_initializer="zeros", go_backwards=True, **F64),
          [(2, 3, 2)]),
    _spec("gru_reset_before", lambda: L.GRU(2, activation=tf.math.tanh,
                                            recurrent_activation=tf.math.sigmoid,
                                            recurrent_initializer="zeros", reset_after=False,
                                            **F64), [(2, 3, 2)]),
    _spec("mha", lambda: L.MultiHeadAttention(2, 2, **F64), [(2, 3, 4), (2, 2, 4)]),
    _spec("mha_scores", lambda: L.MultiHeadAttention(2, 2, value_dim=3, output_shape=5, **F64),
          [(1, 3, 4), (1, 2, 3)], {"return_attention_scores": True}),
]  # fmt: skip


def _call(layer, xs, kwargs):
    if isinstance(layer, MULTI):
        return layer(list(xs), **kwargs)
    if isinstance(layer, L.MultiHeadAttention):
        return layer(*xs, **kwargs)
    return layer(xs[0], **kwargs)


def _flat(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


class _Harness:
    """f(inputs, weights) evaluated at shifted points, with the layer's state restored."""

    def __init__(self, layer, xs, kwargs, differentiable_inputs):
        self.layer, self.xs, self.kwargs = layer, xs, kwargs
        self.diff_x = differentiable_inputs
        self.weights = layer.trainable_variables
        self.w0 = [w.numpy() for w in self.weights]
        self.state = [(v, v.numpy()) for v in layer.non_trainable_variables]

    def _restore(self):
        for v, value in self.state:
            v.assign(value)

    def point(self, shift, v):
        """Inputs and weights moved by `shift * v` (v: directions for inputs then weights)."""
        n = len(self.xs) if self.diff_x else 0
        xs = [tf.constant(x + shift * v[i]) if self.diff_x else tf.constant(x)
              for i, x in enumerate(self.xs)]  # fmt: skip
        for w, w0, d in zip(self.weights, self.w0, v[n:]):
            w.assign(w0 + shift * d)
        self._restore()
        return xs

    def grads(self, xs, u, tape):
        outs = _flat(_call(self.layer, xs, self.kwargs))
        sources = (list(xs) if self.diff_x else []) + list(self.weights)
        grads = tape.gradient(
            outs,
            sources,
            output_gradients=[tf.constant(ui) for ui in u],
            unconnected_gradients=tf.UnconnectedGradients.ZERO,
        )
        return [tf.convert_to_tensor(g) for g in grads]


def _dot(tensors, arrays):
    return sum(float(np.sum(t.numpy() * a)) for t, a in zip(tensors, arrays))


def _check(harness, rng, order, label):
    x_dirs = [rng.standard_normal(x.shape) for x in harness.xs] if harness.diff_x else []
    v = x_dirs + [rng.standard_normal(w0.shape) for w0 in harness.w0]
    outs = _flat(_call(harness.layer, harness.point(0.0, v), harness.kwargs))
    u = [rng.standard_normal(o.shape) for o in outs]
    w = [rng.standard_normal(d.shape) for d in v]  # second order: the gradient's direction

    def value(shift):
        xs = harness.point(shift, v)
        if order == 1:
            return _dot(_flat(_call(harness.layer, xs, harness.kwargs)), u)
        with tf.GradientTape(persistent=True) as tape:
            for x in xs if harness.diff_x else []:
                tape.watch(x)
            grads = harness.grads(xs, u, tape)
        return _dot(grads, w)

    xs = harness.point(0.0, v)
    with tf.GradientTape() as outer:
        for x in xs if harness.diff_x else []:
            outer.watch(x)
        if order == 1:
            target = _flat(_call(harness.layer, xs, harness.kwargs))
            weights = [tf.constant(ui) for ui in u]
        else:
            with tf.GradientTape() as inner:
                for x in xs if harness.diff_x else []:
                    inner.watch(x)
                grads = harness.grads(xs, u, inner)
            target = grads
            weights = [tf.constant(wi) for wi in w]
    sources = (list(xs) if harness.diff_x else []) + list(harness.weights)
    analytic_grads = outer.gradient(
        target, sources, output_gradients=weights,
        unconnected_gradients=tf.UnconnectedGradients.ZERO,
    )  # fmt: skip
    analytic = _dot([tf.convert_to_tensor(g) for g in analytic_grads], v)
    numeric = (value(EPS) - value(-EPS)) / (2 * EPS)
    harness.point(0.0, v)
    assert_close(
        analytic,
        numeric,
        rtol=RTOL,
        atol=ATOL,
        failure=f"{label} order-{order} check failed",
        names=("analytic (tape)", "numeric (central differences)"),
    )


MOMENTS = {"batchnorm_training", "batchnorm_axis1_training", "layernorm", "layernorm_axes"}
ORDERED = [
    pytest.param(*case.values, order, id=f"{case.id}-{order}")
    for case in CASES
    for order in (1, 2)
    if not (order == 2 and case.id in MOMENTS)
]


@pytest.mark.parametrize(("make", "shapes", "call_kwargs", "ints", "order"), ORDERED)
def test_layer_gradients(make, shapes, call_kwargs, ints, order, request):
    tf.keras.backend.clear_session()
    rng = np.random.default_rng(abs(hash(request.node.callspec.id)) % 2**32)
    layer = make()
    if ints is not None:
        xs = [rng.integers(0, ints, size=s).astype("int32") for s in shapes]
    else:
        xs = [rng.standard_normal(s) for s in shapes]
    _call(layer, [tf.constant(x) for x in xs], call_kwargs)
    for w in layer.weights:
        value = rng.standard_normal(tuple(w.shape)) * 0.7
        if "variance" in w.path:
            value = np.abs(value) + 0.5
        w.assign(value)
    harness = _Harness(layer, xs, call_kwargs, differentiable_inputs=ints is None)
    _check(harness, rng, order, request.node.callspec.id)


with open(os.path.join(os.path.dirname(__file__), "data", "tf_keras_layer_goldens.json")) as f:
    SECOND_ORDER = json.load(f)["second_order"]


@pytest.mark.parametrize("case", SECOND_ORDER, ids=[c["id"] for c in SECOND_ORDER])
def test_moments_layers_second_order_matches_tf(case):
    tf.keras.backend.clear_session()
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in case["kwargs"].items()}
    layer = getattr(L, case["cls"])(dtype="float64", **kwargs)
    x = tf.constant(np.asarray(case["input"]))
    layer(x)
    layer.set_weights([np.asarray(w) for w in case["weights"]])
    sources = [x, *layer.trainable_variables]
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            out = layer(x, **case["call_kwargs"])
        first = inner.gradient(out, sources, output_gradients=tf.constant(np.asarray(case["u"])))
    second = outer.gradient(
        first,
        sources,
        output_gradients=[tf.constant(np.asarray(w)) for w in case["w"]],
        unconnected_gradients=tf.UnconnectedGradients.ZERO,
    )
    for got, want in zip(first, case["first"]):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-9, atol=1e-12)
    for got, want in zip(second, case["second"]):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-9, atol=1e-12)
