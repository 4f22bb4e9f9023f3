"""tf.keras losses against TF 2.21 / Keras 3.15.1 goldens, plus gradient checks.

The goldens (tests/data/tf_keras_loss_metric_goldens.json) are written by
tools/tf_goldens/make_keras_loss_metric_goldens.py, whose `CASES`, `run` and `compare` this
file replays with `import tapeflow as tf`.
"""

from __future__ import annotations

import json
import pathlib
import warnings

import numpy as np
import pytest
from family_goldens import load_generator
from gradcheck import check_first_order, check_second_order

import tapeflow as tf
from tapeflow.keras import _keras3
from tapeflow.keras._src import losses as losses_src
from tapeflow.keras._src import metrics as metrics_src

ROOT = pathlib.Path(__file__).resolve().parents[1]
goldens = load_generator("make_keras_loss_metric_goldens")
GOLDEN = json.loads((ROOT / "tests" / "data" / "tf_keras_loss_metric_goldens.json").read_text())

# Cases where tapeflow matches TF's error class but not its message, with the reason.
MESSAGE_DIFFERS = {
    # the module's own name is in Python's message ('keras._tf_keras.keras.losses' in TF)
    "loss_spec/no_long_name": "AttributeError",
    "metric_spec/no_long_name": "AttributeError",
    # tf.reduce_mean(scalar, axis=-1): tapeflow's core names the error differently
    "loss_spec/mse_scalar": "InvalidArgumentError",
}
EXTRA = {
    "get_metric_for_compile": metrics_src.get_metric_for_compile,
    "get_loss_for_compile": losses_src.get_loss_for_compile,
}


def replay(name: str) -> None:
    want = GOLDEN["cases"][name]
    tf.keras.backend.clear_session()
    got = goldens.run(tf, tf.keras, goldens.CASES[name], EXTRA)
    if name in MESSAGE_DIFFERS:
        assert want["error"] == MESSAGE_DIFFERS[name]
        assert got.get("error") == want["error"], got
        return
    problems = goldens.compare(got, want)
    assert not problems, f"{name}:\n" + "\n".join(problems)


LOSS_CASES = sorted(n for n in goldens.CASES if n.startswith(("loss", "compile_loss")))


@pytest.mark.parametrize("name", LOSS_CASES)
def test_loss_golden(name):
    replay(name)


def _public(module) -> list:
    return goldens.public_names(module)


def test_tf_keras_losses_names_are_tfs():
    assert _public(tf.keras.losses) == GOLDEN["names"]["tf.keras.losses"]


def test_keras3_losses_names_are_keras():
    from tapeflow.keras._keras3 import losses

    assert _public(losses) == GOLDEN["names"]["keras.losses"]
    assert _keras3.__doc__


def test_btl_guide_long_name_is_an_attribute_error():
    # observed on TF 2.21: tf.keras.losses has no `mean_squared_error`
    with pytest.raises(AttributeError):
        tf.keras.losses.mean_squared_error  # noqa: B018


# -- dtypes, shapes and reprs beyond the goldens ----------------------------------------------
def test_loss_is_floatx_whatever_the_input():
    loss = tf.keras.losses.MeanSquaredError()
    out = loss(np.array([1.0, 2.0]), np.array([1.5, 2.0]))
    assert out.dtype == tf.float32 and float(out) == 0.125  # observed on TF 2.21
    out = loss(tf.constant([1, 2]), tf.constant([2, 2]))
    assert out.dtype == tf.float32 and float(out) == 0.5


def test_loss_follows_floatx():
    tf.keras.backend.set_floatx("float64")
    try:
        loss = tf.keras.losses.MeanSquaredError()
        assert loss.dtype == "float64"
        assert loss([1.0], [0.5]).dtype == tf.float64
    finally:
        tf.keras.backend.set_floatx("float32")


def test_reprs():
    assert repr(tf.keras.losses.MeanSquaredError()).startswith(
        "<LossFunctionWrapper(<function mean_squared_error at 0x"
    )
    assert repr(tf.keras.losses.Huber(delta=2.0)).endswith(", kwargs={'delta': 2.0})>")
    assert repr(tf.keras.losses.mse).startswith("<function mean_squared_error at 0x")


def test_loss_subclass_without_call_raises_bare_not_implemented():
    class NoCall(tf.keras.losses.Loss):
        pass

    with pytest.raises(NotImplementedError):
        NoCall()([1.0], [2.0])


def test_nested_structures_are_converted_leafwise():
    class PairLoss(tf.keras.losses.Loss):
        def call(self, y_true, y_pred):
            assert isinstance(y_pred, dict) and y_pred["a"].dtype == tf.float32
            return tf.abs(y_true["a"] - y_pred["a"]) + tf.abs(y_true["b"] - y_pred["b"])

    out = PairLoss()({"a": [1.0, 2.0], "b": [0.0, 0.0]}, {"a": [0.0, 0.0], "b": [1.0, 1.0]})
    assert float(out) == 2.5


def test_mask_on_y_pred_is_honoured():
    class Masked:
        """An array-like carrying a Keras mask (as a masked layer's output does)."""

        def __init__(self, value, mask):
            self.value, self._keras_mask = tf.constant(value), tf.constant(mask)

        def __tf_tensor__(self, dtype=None, name=None):
            return tf.convert_to_tensor(self.value, dtype=dtype)

    y_pred = Masked([[1.0], [2.0], [5.0]], [True, True, False])
    out = tf.keras.losses.MeanSquaredError()(tf.constant([[0.0], [0.0], [0.0]]), y_pred)
    # (1 + 4) / 2 valid entries, as Keras' apply_mask rescales by total/valid
    assert np.isclose(float(out), 2.5)


def test_one_class_categorical_crossentropy_warns():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tf.keras.losses.categorical_crossentropy(tf.ones((2, 1)), tf.ones((2, 1)) * 0.5)
    assert [w.category for w in caught] == [SyntaxWarning]
    assert "Consider using 'binary_crossentropy'" in str(caught[0].message)


def test_get_loss_for_compile_picks_crossentropy_by_shapes():
    get = losses_src.get_loss_for_compile
    pick = get("ce", tf.zeros((4, 1)), tf.zeros((4, 1)))
    assert pick.fn is losses_src.binary_crossentropy and pick.name == "ce"
    assert get("crossentropy", tf.zeros((4,)), tf.zeros((4, 3))).fn is (
        losses_src.sparse_categorical_crossentropy
    )
    assert get("CE", tf.zeros((4, 3)), tf.zeros((4, 3))).fn is (losses_src.categorical_crossentropy)
    assert get(None, None, None) is None


def test_losses_replay_under_jit_compile():
    loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    labels = tf.constant([0, 2, 1])
    w = tf.Variable(tf.ones((3, 3)) * 0.1)

    @tf.function(jit_compile=True)
    def step(x):
        with tf.GradientTape() as tape:
            value = loss(labels, tf.matmul(x, w))
        return value, tape.gradient(value, w)

    x = tf.constant(np.arange(9.0, dtype=np.float32).reshape(3, 3) / 9.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an eager fallback would warn
        first = step(x)
        second = step(x)
    with tf.GradientTape() as tape:
        eager = loss(labels, tf.matmul(x, w))
    np.testing.assert_allclose(second[0].numpy(), eager.numpy(), rtol=1e-6)
    np.testing.assert_allclose(second[1].numpy(), tape.gradient(eager, w).numpy(), rtol=1e-6)
    np.testing.assert_allclose(first[0].numpy(), second[0].numpy())


# -- gradients: first and second order, with respect to y_pred --------------------------------
RNG = np.random.default_rng(7)
_R = RNG.uniform(-1.5, 1.5, (3, 4))
_POS = RNG.uniform(0.2, 2.0, (3, 4))
_PROB = RNG.uniform(0.05, 0.95, (3, 4))
_SIMPLEX = RNG.dirichlet(np.ones(4), 3) * 0.9 + 0.025
_ONEHOT = np.eye(4)[[0, 3, 1]]
_LABELS = np.array([0, 3, 1])
_BINARY = (RNG.uniform(size=(3, 4)) > 0.5).astype(float)

# (class, options, y_true, y_pred): y_pred away from kinks (hinge corners, clipping bounds).
GRAD_CASES = [
    ("MeanSquaredError", {}, _R, RNG.uniform(-1.5, 1.5, (3, 4))),
    ("MeanAbsoluteError", {}, _R, _R + 0.3),
    ("MeanAbsolutePercentageError", {}, _R + 3.0, _R + 2.5),
    ("MeanSquaredLogarithmicError", {}, _POS, _POS[::-1]),
    ("Huber", {}, _R, _R * 0.3 + RNG.uniform(-2, 2, (3, 4))),
    ("Huber", {"delta": 0.4}, _R, _R * 0.5),
    ("LogCosh", {}, _R, _R[::-1]),
    ("KLDivergence", {}, _SIMPLEX, _SIMPLEX[::-1]),
    ("Poisson", {}, _POS, _POS[::-1]),
    ("CosineSimilarity", {}, _R, _R[::-1] + 0.2),
    ("CosineSimilarity", {"axis": 0}, _R, _R[::-1] + 0.2),
    ("Hinge", {}, _BINARY, _R * 0.3 + 0.05),
    ("SquaredHinge", {}, _BINARY, _R * 0.3 + 0.05),
    ("CategoricalHinge", {}, _ONEHOT, _R),
    ("BinaryCrossentropy", {}, _BINARY, _PROB),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, _BINARY, _R),
    ("BinaryFocalCrossentropy", {}, _BINARY, _PROB),
    ("BinaryFocalCrossentropy", {"from_logits": True, "apply_class_balancing": True},
     _BINARY, _R),
    ("CategoricalCrossentropy", {}, _ONEHOT, _SIMPLEX),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, _ONEHOT, _R),
    ("CategoricalFocalCrossentropy", {}, _ONEHOT, _SIMPLEX),
    ("CategoricalFocalCrossentropy", {"from_logits": True, "gamma": 3.0}, _ONEHOT, _R),
    ("SparseCategoricalCrossentropy", {}, _LABELS, _SIMPLEX),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, _LABELS, _R),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 3}, _LABELS, _R),
    ("Dice", {}, _BINARY, _PROB),
    ("Tversky", {"alpha": 0.3, "beta": 0.7, "axis": -1}, _BINARY, _PROB),
    ("CategoricalGeneralizedCrossEntropy", {"q": 0.6}, _LABELS, _SIMPLEX),
]  # fmt: skip


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "none"])
@pytest.mark.parametrize(("cls", "options", "y_true", "y_pred"), GRAD_CASES,
                         ids=[f"{c}{i}" for i, (c, *_) in enumerate(GRAD_CASES)])  # fmt: skip
def test_loss_gradients(cls, options, y_true, y_pred, reduction):
    loss = getattr(tf.keras.losses, cls)(reduction=reduction, dtype="float64", **options)
    # per-sample weights, unless the loss reduces the batch axis itself
    weights = None if options.get("axis") == 0 else tf.constant([1.0, 0.5, 2.0], tf.float64)

    def fn(p):
        return loss(y_true, p, sample_weight=weights)

    label = f"{cls}({options}, reduction={reduction})"
    check_first_order(fn, [y_pred], [0], np.random.default_rng(1), label=label)
    check_second_order(fn, [y_pred], [0], np.random.default_rng(2), label=label)


def test_circle_loss_gradients():
    emb = RNG.standard_normal((4, 3))
    emb = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    loss = tf.keras.losses.Circle(gamma=4.0, dtype="float64")
    labels = np.array([0, 1, 0, 1])

    def fn(p):
        return loss(labels, p)

    check_first_order(fn, [emb], [0], np.random.default_rng(3), label="Circle")
    check_second_order(fn, [emb], [0], np.random.default_rng(4), label="Circle")


def test_ctc_gradients_in_float64():
    # The public CTC computes float64 in float32 as Keras does; the recursion itself is
    # dtype-generic and checked in float64, first and second order.
    labels = tf.constant([[1, 2, 0], [2, 2, 1], [3, 0, 0]])
    lengths = tf.constant([2, 3, 1])
    logits = RNG.standard_normal((3, 6, 4))

    def fn(x):
        return losses_src.ctc_negative_log_likelihood(labels, x, lengths)

    check_first_order(fn, [logits], [0], np.random.default_rng(6), label="CTC")
    check_second_order(fn, [logits], [0], np.random.default_rng(7), label="CTC")


def test_ctc_impossible_alignment_is_inf():
    # Two steps cannot emit 2, 2, 1 (the repeat needs a blank between). TF 2.21's kernel
    # returns a large finite value (708.88 here); tapeflow returns inf.
    out = tf.keras.losses.ctc(tf.constant([[2, 2, 1]]), tf.zeros((1, 2, 4)))
    assert np.isinf(out.numpy()[0])


def test_function_forms_have_gradients_in_float64():
    y_true = tf.constant(_R)
    for fn in (tf.keras.losses.mse, tf.keras.losses.mae, tf.keras.losses.logcosh,
               tf.keras.losses.huber, tf.keras.losses.cosine_similarity):  # fmt: skip

        def f(p, fn=fn):
            return fn(y_true, p)

        check_first_order(f, [_R[::-1] + 0.3], [0], np.random.default_rng(5), label=fn.__name__)
