"""tf.keras metrics against TF 2.21 / Keras 3.15.1 goldens (values, names, variable paths,
configs, errors), and metric behaviour the goldens cannot show (jit replay, speed paths)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from test_keras_losses import GOLDEN, goldens, replay

import tapeflow as tf
from tapeflow.keras._src import metrics as metrics_src

METRIC_CASES = sorted(n for n in goldens.CASES if n.startswith(("metric", "compile_metric")))


@pytest.mark.parametrize("name", METRIC_CASES)
def test_metric_golden(name):
    replay(name)


def test_tf_keras_metrics_names_are_tfs():
    assert goldens.public_names(tf.keras.metrics) == GOLDEN["names"]["tf.keras.metrics"]


def test_keras3_metrics_names_are_keras():
    from tapeflow.keras._keras3 import metrics

    assert goldens.public_names(metrics) == GOLDEN["names"]["keras.metrics"]


def test_two_means_share_the_name_and_clear_session_resets_auto_names():
    # observed on TF 2.21: Mean() is always 'mean'; AUC() takes the next free auto-name
    tf.keras.backend.clear_session()
    assert [tf.keras.metrics.Mean().name for _ in range(2)] == ["mean", "mean"]
    assert [tf.keras.metrics.AUC().name for _ in range(2)] == ["auc", "auc_1"]
    tf.keras.backend.clear_session()
    assert tf.keras.metrics.AUC().name == "auc"


def test_metric_variables_are_keras_variables_not_trainable():
    m = tf.keras.metrics.Precision(name="p")
    assert all(isinstance(v, tf.keras.Variable) for v in m.variables)
    assert [(v.path, v.trainable) for v in m.variables] == [
        ("p/true_positives", False),
        ("p/false_positives", False),
    ]


def test_result_formats_as_percent():
    m = tf.keras.metrics.SparseCategoricalAccuracy()
    m.update_state([0, 1], [[0.9, 0.1], [0.8, 0.2]])
    assert "{:.3%}".format(m.result()) == "50.000%"  # noqa: UP032 - the guides write it so


def test_metrics_update_under_jit_compile():
    acc = tf.keras.metrics.SparseCategoricalAccuracy()
    auc = tf.keras.metrics.AUC()
    prec = tf.keras.metrics.Precision()
    mean = tf.keras.metrics.Mean()
    labels = tf.constant([0, 1, 1, 0])

    @tf.function(jit_compile=True)
    def step(scores):
        probs = tf.nn.softmax(scores)
        acc.update_state(labels, probs)
        auc.update_state(labels, probs[:, 1])
        prec.update_state(labels, probs[:, 1])
        mean.update_state(tf.reduce_sum(scores))

    rng = np.random.default_rng(0)
    batches = [tf.constant(rng.standard_normal((4, 2)).astype(np.float32)) for _ in range(3)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an eager fallback would warn
        for batch in batches:
            step(batch)
    eager = [tf.keras.metrics.SparseCategoricalAccuracy(), tf.keras.metrics.AUC(),
             tf.keras.metrics.Precision(), tf.keras.metrics.Mean()]  # fmt: skip
    for batch in batches:
        probs = tf.nn.softmax(batch)
        eager[0].update_state(labels, probs)
        eager[1].update_state(labels, probs[:, 1])
        eager[2].update_state(labels, probs[:, 1])
        eager[3].update_state(tf.reduce_sum(batch))
    for traced, plain in zip([acc, auc, prec, mean], eager):
        np.testing.assert_allclose(traced.result().numpy(), plain.result().numpy(), rtol=1e-6)


def test_bucketed_and_thresholded_counts_agree():
    # AUC's evenly spaced thresholds use one bucket per prediction; explicit thresholds
    # compare against each threshold: both must count the same.
    rng = np.random.default_rng(3)
    y_true = (rng.uniform(size=(50, 3)) > 0.4).astype(np.float32)
    y_pred = rng.uniform(size=(50, 3)).astype(np.float32)
    weights = rng.uniform(size=(50,)).astype(np.float32)
    thresholds = [i / 9 for i in range(1, 9)]
    even = tf.keras.metrics.AUC(num_thresholds=10)
    explicit = tf.keras.metrics.AUC(thresholds=thresholds)
    explicit._thresholds_distributed_evenly = False  # force the per-threshold path
    for m in (even, explicit):
        m.update_state(y_true, y_pred, sample_weight=weights)
    for name in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
        np.testing.assert_allclose(
            getattr(even, name).numpy(), getattr(explicit, name).numpy(), rtol=1e-5, atol=1e-5
        )
    # and both equal the definition: weighted count of positives predicted above t
    tp = [float(np.sum(weights[:, None] * y_true * (y_pred > t))) for t in even.thresholds]
    np.testing.assert_allclose(even.true_positives.numpy(), tp, rtol=1e-5)


def test_in_top_k_matches_tf_semantics():
    # observed on TF 2.21 (tf.math.in_top_k): ties at the boundary are in, non-finite out
    preds = tf.constant([[0.5, 0.5, 0.0], [0.1, np.inf, 0.2], [0.3, 0.2, np.nan]])
    got = metrics_src.in_top_k(tf.constant([1, 0, 2]), preds, 1)
    assert got.numpy().tolist() == [True, False, False]


def test_get_metric_for_compile_names_and_kinds():
    get = metrics_src.get_metric_for_compile
    m = get("acc", tf.zeros((4,)), tf.zeros((4, 3)))
    assert type(m).__name__ == "SparseCategoricalAccuracy" and m.name == "acc"
    m = get("accuracy", tf.zeros((4, 1)), tf.zeros((4, 1)))
    assert type(m).__name__ == "BinaryAccuracy" and m.name == "accuracy"
    m = get("accuracy", tf.zeros((4, 3)), tf.zeros((4, 3)))
    assert type(m).__name__ == "CategoricalAccuracy"
    m = get(tf.keras.metrics.mae, None, None)
    assert type(m).__name__ == "MeanMetricWrapper" and m.name == "mean_absolute_error"
    with pytest.raises(ValueError, match="Expected metric, received `None`"):
        get(None, None, None)


def test_custom_metric_tracks_attribute_variables_once():
    class Twice(tf.keras.metrics.Metric):
        def __init__(self):
            super().__init__(name="twice")
            self.a = self.add_variable((), "zeros", name="a")
            self.b = self.a  # the same variable under a second attribute

        def update_state(self, x):
            self.a.assign_add(x)

        def result(self):
            return tf.convert_to_tensor(self.a)

    t = Twice()
    assert [v.path for v in t.variables] == ["twice/a"]
    assert float(t(2.0)) == 2.0 and float(t(3.0)) == 5.0
    t.reset_state()
    assert float(t.result()) == 0.0
