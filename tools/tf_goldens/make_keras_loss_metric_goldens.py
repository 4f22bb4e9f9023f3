"""Generates tests/data/tf_keras_loss_metric_goldens.json: tf.keras losses and metrics.

Usage (TensorFlow lives in its own venv)::

    /work/tfvenv/bin/python tools/tf_goldens/make_keras_loss_metric_goldens.py

Records, from TF 2.21 / Keras 3.15.1, the public name lists of `tf.keras.losses`,
`tf.keras.metrics`, `keras.losses` and `keras.metrics`, and the result of every case in
`CASES`: a code string run with `tf`, `np` and `keras` (= `tf.keras`) defined, whose `out`
is encoded by `encode` (tensors as dtype, shape and values; errors as class and message).
tests/test_keras_losses.py and tests/test_keras_metrics.py load this module for `CASES`,
`encode` and `run`, so recording and replay share one definition.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "data" / "tf_keras_loss_metric_goldens.json"

# -- inputs shared by the cases ---------------------------------------------------------------
PRELUDE = """
yr = tf.constant([[0.0, 1.0, 2.0], [1.0, -1.0, 0.5]])
pr = tf.constant([[0.3, 0.9, 2.5], [0.5, -0.2, 0.4]])
ypos = tf.constant([[0.2, 1.0, 2.0], [1.5, 0.1, 0.5]])
ppos = tf.constant([[0.3, 0.9, 2.5], [0.5, 0.2, 0.4]])
yb = tf.constant([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
pb = tf.constant([[0.9, 0.2, 0.6], [0.3, 0.1, 0.7]])
lb = tf.constant([[2.0, -1.0, 0.5], [-0.3, -2.0, 1.2]])
yc = tf.constant([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
pc = tf.constant([[0.7, 0.2, 0.1], [0.2, 0.3, 0.5], [0.5, 0.3, 0.2]])
lc = tf.constant([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [-1.0, 0.2, 0.4]])
ys = tf.constant([0, 2, 1])
sw = tf.constant([1.0, 0.5, 0.0])
"""

LOSS_INPUTS = {
    # class name: (y_true, y_pred, function name)
    "MeanSquaredError": ("yr", "pr", "mean_squared_error"),
    "MeanAbsoluteError": ("yr", "pr", "mean_absolute_error"),
    "MeanAbsolutePercentageError": ("yr", "pr", "mean_absolute_percentage_error"),
    "MeanSquaredLogarithmicError": ("ypos", "ppos", "mean_squared_logarithmic_error"),
    "Huber": ("yr", "pr", "huber"),
    "LogCosh": ("yr", "pr", "log_cosh"),
    "KLDivergence": (
        "pc",
        "tf.constant([[0.6, 0.3, 0.1], [0.1, 0.4, 0.5], [0.3, 0.3, 0.4]])",
        "kl_divergence",
    ),
    "Poisson": ("ypos", "ppos", "poisson"),
    "CosineSimilarity": ("yr", "pr", "cosine_similarity"),
    "Hinge": ("yb", "lb", "hinge"),
    "SquaredHinge": ("yb", "lb", "squared_hinge"),
    "CategoricalHinge": ("yc", "lc", "categorical_hinge"),
    "BinaryCrossentropy": ("yb", "pb", "binary_crossentropy"),
    "BinaryFocalCrossentropy": ("yb", "pb", "binary_focal_crossentropy"),
    "CategoricalCrossentropy": ("yc", "pc", "categorical_crossentropy"),
    "CategoricalFocalCrossentropy": ("yc", "pc", "categorical_focal_crossentropy"),
    "SparseCategoricalCrossentropy": ("ys", "pc", "sparse_categorical_crossentropy"),
    "Dice": ("yb", "pb", "dice"),
    "Tversky": ("yb", "pb", "tversky"),
    "CategoricalGeneralizedCrossEntropy": ("ys", "pc", "categorical_generalized_cross_entropy"),
}
LOSS_OPTIONS = {
    "Huber": ["delta=0.5"],
    "CosineSimilarity": ["axis=0"],
    "BinaryCrossentropy": [
        "from_logits=True",
        "label_smoothing=0.2",
        "from_logits=True, label_smoothing=0.1",
    ],
    "BinaryFocalCrossentropy": [
        "from_logits=True",
        "apply_class_balancing=True, alpha=0.4",
        "gamma=3.0, label_smoothing=0.1",
    ],
    "CategoricalCrossentropy": ["from_logits=True", "label_smoothing=0.1"],
    "CategoricalFocalCrossentropy": [
        "from_logits=True",
        "alpha=0.5, gamma=1.0",
        "label_smoothing=0.2",
    ],
    "SparseCategoricalCrossentropy": [
        "from_logits=True",
        "ignore_class=1",
        "from_logits=True, ignore_class=2",
    ],
    "Dice": ["axis=-1"],
    "Tversky": ["alpha=0.7, beta=0.3", "axis=-1"],
    "CategoricalGeneralizedCrossEntropy": ["q=0.7"],
}
FROM_LOGITS_INPUT = {
    "BinaryCrossentropy": "lb",
    "BinaryFocalCrossentropy": "lb",
    "CategoricalCrossentropy": "lc",
    "CategoricalFocalCrossentropy": "lc",
    "SparseCategoricalCrossentropy": "lc",
}


def _loss_cases(case):
    L = "keras.losses"
    for cls, (yt, yp, fn) in LOSS_INPUTS.items():
        case(f"loss/{cls}/default", f"out = {L}.{cls}()({yt}, {yp})")
        case(f"loss/{cls}/config", f"out = {L}.{cls}().get_config()")
        case(f"loss/{cls}/name", f"out = {L}.{cls}().name")
        for reduction in (None, "none", "sum", "mean", "mean_with_sample_weight"):
            case(
                f"loss/{cls}/reduction={reduction}",
                f"out = {L}.{cls}(reduction={reduction!r})({yt}, {yp})",
            )
        case(
            f"loss/{cls}/sample_weight",
            f"out = {L}.{cls}()({yt}, {yp}, sample_weight=sw[:2] if {yt}.shape[0] == 2 else sw)",
        )
        case(
            f"loss/{cls}/sample_weight_mwsw",
            f"out = {L}.{cls}(reduction='mean_with_sample_weight')({yt}, {yp}, "
            f"sample_weight=sw[:2] if {yt}.shape[0] == 2 else sw)",
        )
        case(f"loss/{cls}/function", f"out = keras.losses.{cls}().fn({yt}, {yp})")
        case(f"loss/{cls}/fn_name", f"out = keras.losses.{cls}().fn.__name__ == {fn!r}")
        case(
            f"loss/{cls}/from_config",
            f"l = {L}.{cls}(reduction='sum', name='x'); l2 = {L}.{cls}.from_config("
            f"l.get_config()); out = [l2.get_config(), l2({yt}, {yp})]",
        )
        case(f"loss/{cls}/serialize", f"out = {L}.serialize({L}.{cls}())")
        case(
            f"loss/{cls}/deserialize",
            f"l = {L}.deserialize({L}.serialize({L}.{cls}(name='y'))); "
            f"out = [type(l).__name__, l.get_config()]",
        )
        case(f"loss/{cls}/float64_dtype", f"out = {L}.{cls}(dtype='float64')({yt}, {yp})")
        case(
            f"loss/{cls}/numpy_float64",
            f"out = {L}.{cls}()(np.asarray({yt}, 'float64'), np.asarray({yp}, 'float64'))",
        )
        case(
            f"loss/{cls}/grad",
            f"p = {yp}\nwith tf.GradientTape() as t:\n    t.watch(p)\n"
            f"    l = {L}.{cls}()({yt}, p)\nout = t.gradient(l, p)",
        )
        for i, option in enumerate(LOSS_OPTIONS.get(cls, [])):
            pred = FROM_LOGITS_INPUT[cls] if "from_logits" in option else yp
            case(
                f"loss/{cls}/option{i}",
                f"l = {L}.{cls}({option}); out = [l({yt}, {pred}), "
                f"l.get_config(), l({yt}, {pred}, sample_weight=sw[:{yt}.shape[0]])]",
            )
            case(
                f"loss/{cls}/option{i}/grad",
                f"p = {pred}\nwith tf.GradientTape() as t:\n    t.watch(p)\n"
                f"    l = {L}.{cls}({option})({yt}, p)\nout = t.gradient(l, p)",
            )
    # the spec's observed examples (§5)
    spec = {
        "scce_logits": "keras.losses.SparseCategoricalCrossentropy(from_logits=True)"
        "(tf.constant([0, 2]), lc[:2])",
        "scce_probs": "keras.losses.SparseCategoricalCrossentropy()(tf.constant([0, 2]), "
        "tf.nn.softmax(lc[:2]))",
        "scce_probs_given_logits": "keras.losses.SparseCategoricalCrossentropy()"
        "(tf.constant([0, 2]), lc[:2])",
        "scce_kw": "keras.losses.SparseCategoricalCrossentropy(from_logits=True)"
        "(y_true=tf.constant([0, 2]), y_pred=lc[:2])",
        "scce_sw": "keras.losses.SparseCategoricalCrossentropy(from_logits=True)"
        "(tf.constant([0, 2]), lc[:2], sample_weight=tf.constant([1.0, 0.0]))",
        "scce_labels_n1": "keras.losses.SparseCategoricalCrossentropy()"
        "(tf.constant([[0], [2], [1]]), pc)",
        "scce_float_labels": "keras.losses.SparseCategoricalCrossentropy()"
        "(tf.constant([0.0, 2.0, 1.0]), pc)",
        "scce_3d": "keras.losses.SparseCategoricalCrossentropy(from_logits=True)"
        "(tf.constant([[0, 1], [2, 2]]), tf.reshape(tf.range(12, dtype='float32') "
        "/ 5.0, (2, 2, 3)))",
        "scce_3d_ignore": "keras.losses.SparseCategoricalCrossentropy(from_logits=True, "
        "ignore_class=2)(tf.constant([[0, 1], [2, 2]]), "
        "tf.reshape(tf.range(12, dtype='float32') / 5.0, (2, 2, 3)))",
        "mse_float64": "keras.losses.MeanSquaredError()(np.array([1.0, 2.0]), "
        "np.array([1.5, 2.0]))",
        "mse_int": "keras.losses.MeanSquaredError()(tf.constant([1, 2]), tf.constant([2.0, 2.0]))",
        "mse_n1_n": "keras.losses.MeanSquaredError()(tf.constant([[1.0], [2.0]]), "
        "tf.constant([1.0, 3.0]))",
        "mse_n_n1": "keras.losses.MeanSquaredError()(tf.constant([1.0, 2.0]), "
        "tf.constant([[1.0], [3.0]]))",
        "mse_fn": "keras.losses.mse(tf.constant([[1.0, 2.0]]), tf.constant([[0.0, 0.0]]))",
        "mse_fn_lists": "keras.losses.mse([[1.0, 2.0]], [[0.0, 0.0]])",
        "mse_fn_int_lists": "keras.losses.mse([[1, 2]], [[0, 0]])",
        "mse_fn_1d": "keras.losses.mse(tf.constant([1.0, 2.0]), tf.constant([0.0, 0.0]))",
        "mse_fn_float64": "keras.losses.mse(np.array([[1.0, 2.0]]), np.array([[0.0, 0.5]]))",
        "mse_none_2d": "keras.losses.MeanSquaredError(reduction=None)(tf.ones((2, 2)), "
        "tf.zeros((2, 2)))",
        "mse_3d": "keras.losses.MeanSquaredError()(tf.ones((2, 3, 4)), tf.zeros((2, 3, 4)))",
        "mse_3d_sw": "keras.losses.MeanSquaredError()(tf.ones((2, 3, 4)), "
        "tf.reshape(tf.range(24, dtype='float32'), (2, 3, 4)), "
        "sample_weight=tf.constant([1.0, 2.0]))",
        "mse_3d_sw2": "keras.losses.MeanSquaredError(reduction=None)(tf.ones((2, 3, 4)), "
        "tf.reshape(tf.range(24, dtype='float32'), (2, 3, 4)), "
        "sample_weight=tf.constant([[1.0, 0.0, 2.0], [0.5, 0.5, 0.5]]))",
        "mse_sw_n1": "keras.losses.MeanSquaredError()(yr, pr, sample_weight=tf.constant([[2.0], "
        "[1.0]]))",
        "mse_sw_scalar": "keras.losses.MeanSquaredError()(yr, pr, sample_weight=2.0)",
        "mse_scalar": "keras.losses.MeanSquaredError()(1.0, 3.0)",
        "mse_float16": "keras.losses.MeanSquaredError()(tf.ones((2,), tf.float16), "
        "tf.zeros((2,), tf.float16))",
        "mse_shape_mismatch": "keras.losses.MeanSquaredError()(tf.ones((2, 3)), tf.ones((2, 4)))",
        "mse_empty": "keras.losses.MeanSquaredError()(tf.zeros((0, 3)), tf.zeros((0, 3)))",
        "bce_logits": "keras.losses.BinaryCrossentropy(from_logits=True)"
        "(tf.constant([[1.0], [0.0]]), tf.constant([[2.0], [-1.0]]))",
        "bce_probs": "keras.losses.BinaryCrossentropy()(tf.constant([[1.0], [0.0]]), "
        "tf.constant([[0.9], [0.2]]))",
        "bce_clip": "keras.losses.BinaryCrossentropy()(tf.constant([[1.0]]), tf.constant([[0.0]]))",
        "bce_1d": "keras.losses.BinaryCrossentropy()(tf.constant([1.0, 0.0, 1.0]), "
        "tf.constant([0.8, 0.3, 0.4]))",
        "bce_int_labels": "keras.losses.BinaryCrossentropy()(tf.constant([[1], [0]]), "
        "tf.constant([[0.8], [0.3]]))",
        "bce_fn": "keras.losses.binary_crossentropy(yb, pb)",
        "cce_clip": "keras.losses.CategoricalCrossentropy()(yc, tf.constant([[0.0, 1.0, 0.0], "
        "[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]))",
        "cce_unnormalised": "keras.losses.CategoricalCrossentropy()(yc, pc * 3.0)",
        "cce_axis0": "keras.losses.CategoricalCrossentropy(axis=0)(yc, pc)",
        "cce_rank_mismatch": "keras.losses.CategoricalCrossentropy()(ys, pc)",
        "cce_fn_smoothing": "keras.losses.categorical_crossentropy(yc, lc, from_logits=True, "
        "label_smoothing=0.3)",
        "kld_fn": "keras.losses.kld(pc, tf.reverse(pc, [0]))",
        "huber_config": "keras.losses.Huber(delta=2.0).get_config()",
        "huber_fn_delta": "keras.losses.huber(yr, pr, delta=0.1)",
        "hinge_pm1": "keras.losses.Hinge()(yb * 2.0 - 1.0, lb)",
        "hinge_nonbinary": "keras.losses.Hinge()(yb * 3.0, lb)",
        "cosine_zero": "keras.losses.CosineSimilarity()(tf.zeros((2, 3)), pr)",
        "circle": "keras.losses.Circle()(tf.constant([0, 1, 0, 1]), tf.math.l2_normalize("
        "tf.constant([[1.0, 0.2], [0.1, 1.0], [0.9, 0.3], [-0.2, 1.0]]), axis=-1))",
        "circle_config": "keras.losses.Circle(gamma=10.0).get_config()",
        "circle_none": "keras.losses.Circle(gamma=10.0, reduction=None)(tf.constant([0, 1, 0, 2]),"
        " tf.math.l2_normalize(tf.constant([[1.0, 0.2], [0.1, 1.0], [0.9, 0.3], "
        "[-0.2, 1.0]]), axis=-1))",
        "ctc": "[keras.losses.ctc(tf.constant([[1, 2, 0], [2, 2, 1]]), tf.reshape(tf.sin("
               "tf.range(40, dtype='float32')), (2, 5, 4))), keras.losses.CTC()(tf.constant([[1, 2, "
               "0], [2, 2, 1]]), tf.reshape(tf.sin(tf.range(40, dtype='float32')), (2, 5, 4))), "
               "keras.losses.CTC().get_config()]",
        "ctc_float64": "keras.losses.ctc(np.array([[3, 1]]), np.cos(np.arange(24.0)).reshape(1, 6, 4))",
        "ctc_empty_label": "keras.losses.ctc(tf.constant([[0, 0]]), tf.reshape(tf.cos(tf.range(12, "
                           "dtype='float32')), (1, 3, 4)))",
        "ctc_grad": "None\np = tf.reshape(tf.sin(tf.range(40, dtype='float32')), (2, 5, 4))\n"
                    "with tf.GradientTape() as t:\n    t.watch(p)\n"
                    "    l = keras.losses.CTC()(tf.constant([[1, 2, 0], [2, 2, 1]]), p)\n"
                    "out = t.gradient(l, p)",
        "ctc_bad_rank": "keras.losses.ctc(tf.constant([1, 2]), tf.zeros((2, 3, 4)))",
        "ctc_bad_rank_pred": "keras.losses.ctc(tf.constant([[1, 2]]), tf.zeros((2, 3)))",
        "cgce_bad_q": "keras.losses.CategoricalGeneralizedCrossEntropy(q=1.5)",
        "reduction_auto": "keras.losses.MeanSquaredError(reduction='auto')",
        "reduction_bad": "keras.losses.Loss(reduction='batch')",
        "label_out_of_range": "keras.losses.SparseCategoricalCrossentropy(from_logits=True)"
        "(tf.constant([0, 5]), lc[:2])",
        "label_negative": "keras.losses.SparseCategoricalCrossentropy()(tf.constant([0, -1]), "
        "pc[:2])",
        "scce_axis": "keras.losses.SparseCategoricalCrossentropy(axis=0)(ys, pc)",
        "scce_shape_mismatch": "keras.losses.SparseCategoricalCrossentropy()(tf.constant([0, 1]), "
        "pc)",
        "get_mse": "keras.losses.get('mse').__name__",
        "get_MSE": "keras.losses.get('MSE').__name__",
        "get_scce": "keras.losses.get('sparse_categorical_crossentropy').__name__",
        "get_class": "[type(keras.losses.get('MeanSquaredError')).__name__, "
        "keras.losses.get('MeanSquaredError').get_config()]",
        "get_bce": "keras.losses.get('bce').__name__",
        "get_kld": "keras.losses.get('kld').__name__",
        "get_dict": "keras.losses.get({'class_name': 'CategoricalCrossentropy', 'config': "
        "{'from_logits': True}}).get_config()",
        "get_none": "keras.losses.get(None)",
        "get_unknown": "keras.losses.get('msee')",
        "get_int": "keras.losses.get(3)",
        "get_crossentropy": "keras.losses.get('crossentropy')",
        "get_callable": "keras.losses.get(keras.losses.hinge).__name__",
        "serialize_fn": "keras.losses.serialize(keras.losses.mse)",
        "deserialize_fn": "keras.losses.deserialize(keras.losses.serialize(keras.losses.mse))"
        ".__name__",
        "deserialize_str": "keras.losses.deserialize('mse').__name__",
        "deserialize_cls_str": "keras.losses.deserialize('MeanSquaredError').__name__",
        "reduction_class": "[keras.losses.Reduction.all(), keras.losses.Reduction.SUM]",
        "reduction_validate": "keras.losses.Reduction.validate('mean')",
        "aliases": "[keras.losses.mse is keras.losses.MSE, keras.losses.kld is "
        "keras.losses.kullback_leibler_divergence, keras.losses.logcosh.__name__, "
        "keras.losses.mae.__name__, keras.losses.mape.__name__, "
        "keras.losses.msle.__name__, keras.losses.KLD.__name__]",
        "no_long_name": "keras.losses.mean_squared_error",
        "wrapper": "keras.losses.Loss.__name__",
        "mse_dtype": "keras.losses.MeanSquaredError().dtype",
        "mse_dtype64": "keras.losses.MeanSquaredError(dtype='float64').dtype",
        "mixed": "[keras.losses.MeanSquaredError(dtype='mixed_float16').dtype, "
        "keras.losses.MeanSquaredError(dtype='mixed_float16')(yr, pr)]",
        "focal_fn": "keras.losses.binary_focal_crossentropy(yb, pb, apply_class_balancing=True)",
        "cat_focal_fn": "keras.losses.categorical_focal_crossentropy(yc, lc, from_logits=True)",
        "cce_one_class_warning": "keras.losses.categorical_crossentropy(tf.ones((2, 1)), "
        "tf.ones((2, 1)) * 0.5)",
        "scce_fn_ignore": "keras.losses.sparse_categorical_crossentropy(ys, pc, ignore_class=1)",
        "dice_fn": "keras.losses.dice(yb, pb)",
        "tversky_fn": "keras.losses.tversky(yb, pb, alpha=0.2, beta=0.8)",
        "loss_subclass": (
            "class MyLoss(keras.losses.Loss):\n"
            "    def call(self, y_true, y_pred):\n"
            "        return tf.reduce_mean(tf.abs(y_true - y_pred), axis=-1) * 2.0\n"
            "l = MyLoss(name='my_loss', reduction='sum')\n"
            "out = [l(yr, pr), l.get_config(), l.name, l.dtype, "
            "MyLoss.from_config(l.get_config())(yr, pr)]"
        ),
        "loss_subclass_default_name": (
            "class Fancy(keras.losses.Loss):\n"
            "    def call(self, y_true, y_pred):\n"
            "        return y_pred - y_true\n"
            "keras.backend.clear_session()\n"
            "out = [Fancy().name, Fancy().name, Fancy(name='z').name]"
        ),
        "loss_subclass_int": (
            "class Plain(keras.losses.Loss):\n"
            "    def call(self, y_true, y_pred):\n"
            "        seen.append((y_true.dtype.name, y_pred.dtype.name))\n"
            "        return y_pred - y_true\n"
            "seen = []\n"
            "out = [Plain()(tf.constant([1, 2]), tf.constant([3, 5])), seen]"
        ),
        "loss_base_call": "keras.losses.Loss()(yr, pr)",
    }
    for name, code in spec.items():
        if "\n" in code:
            case(f"loss_spec/{name}", code)
        else:
            case(f"loss_spec/{name}", f"out = {code}")


def _metric_cases(case):
    M = "keras.metrics"
    case(
        "metric/mean",
        (
            f"m = {M}.Mean()\nr = m.update_state(tf.constant([1.0, 2.0]))\nm.update_state(4.0)\n"
            "out = [r, m.result(), [(v.path, v.dtype, v.name, v.trainable) for v in m.variables], "
            "m.dtype, m(10.0), m.get_config(), repr(m), str(m)]\n"
            "m.reset_state()\nout.append(m.result())\nout.append(hasattr(m, 'reset_states'))"
        ),
    )
    case("metric/mean_names", f"out = [{M}.Mean().name, {M}.Mean().name, {M}.Sum().name]")
    case(
        "metric/mean_sw",
        (
            f"m = {M}.Mean()\nm.update_state([1.0, 2.0, 3.0], sample_weight=[1.0, 0.0, 2.0])\n"
            "out = [m.result(), m.count]"
        ),
    )
    case(
        "metric/mean_2d",
        (
            f"m = {M}.Mean()\nm.update_state([[1.0, 2.0], [3.0, 5.0]])\n"
            "m.update_state([[1.0, 2.0], [3.0, 5.0]], sample_weight=[[1.0, 0.0], [0.5, 0.5]])\n"
            "out = [m.result(), m.total, m.count]"
        ),
    )
    case(
        "metric/mean_sw_1d_on_2d",
        (
            f"m = {M}.Mean()\nm.update_state([[1.0, 2.0], [3.0, 5.0]], sample_weight=[2.0, 1.0])\n"
            "out = [m.result(), m.total, m.count]"
        ),
    )
    case(
        "metric/sum",
        (
            f"m = {M}.Sum()\nm.update_state([1.0, 2.0])\nm.update_state([[1.0, 2.0]], "
            "sample_weight=[0.5])\nout = [m.result(), [v.path for v in m.variables], m.get_config()]"
        ),
    )
    case("metric/mean_int", f"m = {M}.Mean()\nm.update_state([1, 2])\nout = m.result()")
    case(
        "metric/mean_dtype64",
        f"m = {M}.Mean(dtype='float64')\nm.update_state([1.0, 2.0])\n"
        "out = [m.result(), m.dtype, [v.dtype for v in m.variables]]",
    )
    case("metric/mean_empty", f"out = {M}.Mean().result()")
    case(
        "metric/format",
        f"m = {M}.Accuracy()\nm.update_state([1, 2], [1, 0])\n"
        "out = ['{:.3%}'.format(m.result()), '{:.4f}'.format(m.result()), float(m.result())]",
    )
    case(
        "metric/mmw",
        (
            f"m = {M}.MeanMetricWrapper(keras.losses.mse, name='w')\n"
            "m.update_state(yr, pr)\nout = [m.result(), m.name, m.get_config(), "
            "[v.path for v in m.variables]]"
        ),
    )
    case(
        "metric/mmw_kwargs",
        (
            f"m = {M}.MeanMetricWrapper(keras.metrics.binary_accuracy, name='ba', threshold=0.2)\n"
            "m.update_state(yb, pb)\nout = [m.result(), m.get_config()]"
        ),
    )
    case(
        "metric/mmw_from_config",
        (
            f"m = {M}.MeanMetricWrapper(keras.losses.mse, name='w')\n"
            f"m2 = {M}.MeanMetricWrapper.from_config(m.get_config())\n"
            "m2.update_state(yr, pr)\nout = [m2.result(), m2.name]"
        ),
    )
    case(
        "metric/mmw_default_name",
        (
            f"keras.backend.clear_session()\nout = [{M}.MeanMetricWrapper(keras.losses.mse).name, "
            f"{M}.MeanMetricWrapper(keras.losses.mse).name]"
        ),
    )
    inputs = {
        "Accuracy": (
            "tf.constant([1, 2, 3, 4])",
            "tf.constant([1, 2, 0, 4])",
            "[1.0, 0.5, 1.0, 0.0]",
        ),
        "BinaryAccuracy": ("yb", "pb", "[1.0, 0.5]"),
        "CategoricalAccuracy": ("yc", "pc", "sw"),
        "SparseCategoricalAccuracy": ("ys", "pc", "sw"),
        "TopKCategoricalAccuracy": ("yc", "pc", "sw"),
        "SparseTopKCategoricalAccuracy": ("ys", "pc", "sw"),
        "MeanAbsoluteError": ("yr", "pr", "[1.0, 0.5]"),
        "MeanSquaredError": ("yr", "pr", "[1.0, 0.5]"),
        "RootMeanSquaredError": ("yr", "pr", "[1.0, 0.5]"),
        "MeanAbsolutePercentageError": ("yr", "pr", "[1.0, 0.5]"),
        "MeanSquaredLogarithmicError": ("ypos", "ppos", "[1.0, 0.5]"),
        "LogCoshError": ("yr", "pr", "[1.0, 0.5]"),
        "CosineSimilarity": ("yr", "pr", "[1.0, 0.5]"),
        "KLDivergence": ("pc", "tf.reverse(pc, [0])", "sw"),
        "Poisson": ("ypos", "ppos", "[1.0, 0.5]"),
        "Hinge": ("yb", "lb", "[1.0, 0.5]"),
        "SquaredHinge": ("yb", "lb", "[1.0, 0.5]"),
        "CategoricalHinge": ("yc", "lc", "sw"),
        "BinaryCrossentropy": ("yb", "pb", "[1.0, 0.5]"),
        "CategoricalCrossentropy": ("yc", "pc", "sw"),
        "SparseCategoricalCrossentropy": ("ys", "pc", "sw"),
        "Precision": ("yb", "pb", "[[1.0, 0.5, 1.0], [0.0, 1.0, 2.0]]"),
        "Recall": ("yb", "pb", "[[1.0, 0.5, 1.0], [0.0, 1.0, 2.0]]"),
        "AUC": ("yb", "pb", "[1.0, 0.5]"),
        "TruePositives": ("yb", "pb", "[1.0, 0.5]"),
        "FalsePositives": ("yb", "pb", "[1.0, 0.5]"),
        "TrueNegatives": ("yb", "pb", "[1.0, 0.5]"),
        "FalseNegatives": ("yb", "pb", "[1.0, 0.5]"),
        "PearsonCorrelation": ("yr", "pr", "[1.0, 0.5]"),
        "ConcordanceCorrelation": ("yr", "pr", "[1.0, 0.5]"),
        "F1Score": ("yc", "pc", "sw"),
        "FBetaScore": ("yc", "pc", "sw"),
        "R2Score": ("yr", "pr", "[1.0, 0.5]"),
    }
    for cls, (yt, yp, w) in inputs.items():
        case(
            f"metric/{cls}/basic",
            (
                f"keras.backend.clear_session()\nm = {M}.{cls}()\nm.update_state({yt}, {yp})\n"
                f"out = [m.result(), m.name, [(v.path, v.shape) for v in m.variables], "
                f"m.get_config(), repr(m), m.dtype]"
            ),
        )
        case(
            f"metric/{cls}/sample_weight",
            (
                f"m = {M}.{cls}()\nm.update_state({yt}, {yp}, sample_weight={w})\n"
                f"m.update_state({yt}, {yp})\nout = [m.result(), [v.numpy() for v in m.variables]]"
            ),
        )
        case(
            f"metric/{cls}/call_reset",
            (
                f"m = {M}.{cls}()\na = m({yt}, {yp})\nb = m({yt}, {yp}, sample_weight={w})\n"
                f"m.reset_state()\nout = [a, b, m.result()]"
            ),
        )
        case(
            f"metric/{cls}/from_config",
            (
                f"m = {M}.{cls}(name='zz')\nm2 = {M}.{cls}.from_config(m.get_config())\n"
                f"m2.update_state({yt}, {yp})\nout = [m2.name, m2.get_config(), m2.result()]"
            ),
        )
    extra = {
        "binary_accuracy_threshold": f"m = {M}.BinaryAccuracy(threshold=0.65)\n"
        "m.update_state(yb, pb)\nout = [m.result(), m.get_config()]",
        "binary_accuracy_spec": f"m = {M}.BinaryAccuracy()\nm.update_state(tf.constant([[1.0], "
        "[0.0]]), tf.constant([[0.7], [0.6]]))\nout = m.result()",
        "binary_accuracy_1d_vs_2d": f"m = {M}.BinaryAccuracy()\nm.update_state(tf.constant([1.0, "
        "0.0, 1.0]), tf.constant([[0.7], [0.6], [0.2]]))\n"
        "out = m.result()",
        "sca_spec": f"m = {M}.SparseCategoricalAccuracy()\nm.update_state(tf.constant([0, 1]), "
        "tf.constant([[0.9, 0.1], [0.8, 0.2]]))\nout = [m.result(), "
        "[v.path for v in m.variables]]",
        "sca_n1": f"m = {M}.SparseCategoricalAccuracy()\nm.update_state(tf.constant([[0], [2], "
        "[2]]), pc)\nout = m.result()",
        "sca_float": f"m = {M}.SparseCategoricalAccuracy()\nm.update_state(tf.constant([0.0, 2.0,"
        " 2.0]), pc)\nout = m.result()",
        "sca_3d": f"m = {M}.SparseCategoricalAccuracy()\nm.update_state(tf.constant([[0, 1], "
        "[2, 2]]), tf.reshape(tf.range(12, dtype='float32') % 5.0, (2, 2, 3)))\n"
        "out = m.result()",
        "ca_3d": f"m = {M}.CategoricalAccuracy()\nm.update_state(tf.one_hot([[0, 1], [2, 2]], 3),"
        " tf.reshape(tf.range(12, dtype='float32') % 5.0, (2, 2, 3)))\nout = m.result()",
        "accuracy_spec": f"m = {M}.Accuracy()\nm.update_state(tf.constant([1, 2, 3]), "
        "tf.constant([1, 2, 0]))\nout = m.result()",
        "accuracy_float": f"m = {M}.Accuracy()\nm.update_state([[1.0], [2.0]], [1.0, 2.5])\n"
        "out = m.result()",
        "topk_k1": f"m = {M}.TopKCategoricalAccuracy(k=1)\nm.update_state(yc, pc)\n"
        "out = [m.result(), m.get_config()]",
        "topk_ties": f"m = {M}.SparseTopKCategoricalAccuracy(k=1)\nm.update_state([0, 1, 2], "
        "[[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.3, 0.3, 0.3]])\nout = m.result()",
        "topk_k2": f"m = {M}.SparseTopKCategoricalAccuracy(k=2)\nm.update_state(ys, pc)\n"
        "out = [m.result(), m.get_config()]",
        "topk_sorted_ids": f"m = {M}.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)\n"
        "m.update_state([0, 2, 1], [[1, 0, 2], [0, 1, 2], [2, 0, 1]])\n"
        "out = [m.result(), m.get_config()]",
        "topk_fn": f"out = {M}.sparse_top_k_categorical_accuracy(ys, pc, k=1)",
        "topk_3d": f"out = {M}.sparse_top_k_categorical_accuracy(tf.constant([[0, 1], [2, 2]]), "
        "tf.reshape(tf.range(12, dtype='float32') % 5.0, (2, 2, 3)), k=2)",
        "precision_thresholds": f"m = {M}.Precision(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0])\n"
        "m.update_state(yb, pb)\nout = [m.result(), m.get_config(), "
        "[v.shape for v in m.variables]]",
        "precision_evenly_sw": f"m = {M}.Precision(thresholds=[0.0, 0.5, 1.0])\n"
        "m.update_state(yb, pb, sample_weight=[2.0, 0.5])\n"
        "out = [m.result(), m.true_positives, m.false_positives]",
        "precision_top_k": f"m = {M}.Precision(top_k=2)\nm.update_state(yb, pb)\n"
        "out = [m.result(), m.get_config()]",
        "precision_class_id": f"m = {M}.Precision(class_id=2)\nm.update_state(yb, pb)\n"
        "out = m.result()",
        "recall_top_k_class": f"m = {M}.Recall(top_k=1, class_id=0)\nm.update_state(yc, pc)\n"
        "out = m.result()",
        "recall_thresholds": f"m = {M}.Recall(thresholds=[0.3, 0.6])\nm.update_state(yb, pb)\n"
        "out = m.result()",
        "precision_bad_threshold": f"out = {M}.Precision(thresholds=[0.5, 1.5])",
        "tp_thresholds": f"m = {M}.TruePositives(thresholds=[0.15, 0.5, 0.85])\n"
        "m.update_state(yb, pb)\nout = [m.result(), m.get_config()]",
        "fn_evenly": f"m = {M}.FalseNegatives(thresholds=[0.0, 0.5, 1.0])\n"
        "m.update_state(yb, pb)\nout = m.result()",
        "auc_names": f"keras.backend.clear_session()\nout = [{M}.AUC().name, {M}.AUC().name, "
        f"{M}.Precision().name, {M}.Recall().name, {M}.TruePositives().name, "
        f"{M}.get('auc').name]",
        "auc_thresholds_len": f"m = {M}.AUC()\nout = [len(m.thresholds), m.thresholds[:3], "
        "m.thresholds[-2:], m.num_thresholds]",
        "auc_roc": f"m = {M}.AUC()\nm.update_state([0, 0, 1, 1, 1, 0], "
        "[0.1, 0.4, 0.35, 0.8, 0.7, 0.2])\nout = m.result()",
        "auc_roc_sw": f"m = {M}.AUC(num_thresholds=50)\nm.update_state([0, 0, 1, 1, 1, 0], "
        "[0.1, 0.4, 0.35, 0.8, 0.7, 0.2], sample_weight=[1, 2, 1, 0.5, 1, 3])\n"
        "out = [m.result(), m.true_positives[:5]]",
        "auc_pr": f"m = {M}.AUC(curve='PR')\nm.update_state([0, 0, 1, 1, 1, 0], "
        "[0.1, 0.4, 0.35, 0.8, 0.7, 0.2])\nout = [m.result(), m.get_config()]",
        "auc_pr_majoring": f"m = {M}.AUC(curve='PR', summation_method='majoring')\n"
        "m.update_state([0, 0, 1, 1, 1, 0], [0.1, 0.4, 0.35, 0.8, 0.7, 0.2])\n"
        "out = m.result()",
        "auc_minoring": f"m = {M}.AUC(summation_method='minoring', num_thresholds=7)\n"
        "m.update_state([0, 0, 1, 1, 1, 0], [0.1, 0.4, 0.35, 0.8, 0.7, 0.2])\n"
        "out = [m.result(), m.true_positives, m.false_negatives]",
        "auc_prgain": f"m = {M}.AUC(curve='PRGAIN')\nm.update_state([0, 0, 1, 1, 1, 0], "
        "[0.1, 0.4, 0.35, 0.8, 0.7, 0.2])\nout = m.result()",
        "auc_given_thresholds": f"m = {M}.AUC(thresholds=[0.3, 0.5, 0.75])\n"
        "m.update_state([0, 0, 1, 1, 1, 0], "
        "[0.1, 0.4, 0.35, 0.8, 0.7, 0.2])\n"
        "out = [m.result(), m.get_config(), m.thresholds]",
        "auc_from_logits": f"m = {M}.AUC(from_logits=True)\nm.update_state(yb, lb)\n"
        "out = m.result()",
        "auc_multi_label": f"m = {M}.AUC(multi_label=True)\nm.update_state(tf.constant("
        "[[1, 0], [0, 1], [1, 1], [0, 0]]), tf.constant([[0.8, 0.3], "
        "[0.4, 0.6], [0.7, 0.9], [0.2, 0.5]]))\nout = [m.result(), "
        "[v.shape for v in m.variables]]",
        "auc_multi_label_weights": f"m = {M}.AUC(multi_label=True, num_labels=2, "
        "label_weights=[0.3, 0.7])\nm.update_state(tf.constant("
        "[[1, 0], [0, 1], [1, 1], [0, 0]]), tf.constant([[0.8, 0.3], "
        "[0.4, 0.6], [0.7, 0.9], [0.2, 0.5]]))\nout = [m.result(), "
        "m.get_config()]",
        "auc_label_weights": f"m = {M}.AUC(label_weights=[0.3, 0.7, 1.0])\n"
        "m.update_state(yb, pb)\nout = m.result()",
        "auc_reset": f"m = {M}.AUC()\nm.update_state(yb, pb)\nm.reset_state()\n"
        "out = [m.result(), float(tf.reduce_sum(m.true_positives))]",
        "auc_bad_curve": f"out = {M}.AUC(curve='XY')",
        "auc_bad_method": f"out = {M}.AUC(summation_method='trapezoid')",
        "auc_bad_num": f"out = {M}.AUC(num_thresholds=1)",
        "auc_num_labels_no_multi": f"out = {M}.AUC(num_labels=3)",
        "auc_pred_zero_one": f"m = {M}.AUC(num_thresholds=5)\nm.update_state([0, 1, 1, 0], "
        "[0.0, 1.0, 0.5, 0.25])\nout = [m.result(), m.true_positives, "
        "m.false_positives, m.true_negatives, m.false_negatives]",
        "sens_at_spec": f"m = {M}.SensitivityAtSpecificity(0.5)\nm.update_state([0, 0, 1, 1, 1,"
                        " 0], [0.1, 0.4, 0.35, 0.8, 0.7, 0.2], sample_weight=[1, 2, 1, 1, 0.5, 1])"
                        "\nout = [m.result(), m.get_config(), m.name, len(m.thresholds)]",
        "spec_at_sens": f"m = {M}.SpecificityAtSensitivity(0.8, num_thresholds=20)\n"
                        "m.update_state([0, 0, 1, 1, 1, 0], [0.1, 0.4, 0.35, 0.8, 0.7, 0.2])\n"
                        "out = [m.result(), m.get_config()]",
        "prec_at_recall": f"m = {M}.PrecisionAtRecall(0.6, num_thresholds=1)\n"
                          "m.update_state([0, 0, 1, 1, 1, 0], [0.1, 0.4, 0.35, 0.8, 0.7, 0.2])\n"
                          "out = [m.result(), m.thresholds]",
        "recall_at_prec": f"m = {M}.RecallAtPrecision(0.9, class_id=1)\n"
                          "m.update_state(yc, pc)\nout = [m.result(), m.get_config()]",
        "recall_at_prec_pred_01": f"m = {M}.RecallAtPrecision(0.5, num_thresholds=3)\n"
                                  "m.update_state([0, 1, 1, 0], [0.0, 1.0, 0.5, 0.25])\n"
                                  "out = [m.result(), m.true_positives, m.false_positives]",
        "sens_bad": f"out = {M}.SensitivityAtSpecificity(1.5)",
        "sens_bad_num": f"out = {M}.SensitivityAtSpecificity(0.5, num_thresholds=0)",
        "f1_averages": f"out = []\nfor a in [None, 'micro', 'macro', 'weighted']:\n"
                       f"    m = {M}.F1Score(average=a, threshold=0.4)\n"
                       "    m.update_state(yc, pc, sample_weight=sw)\n"
                       "    out.append([m.result(), m.get_config(), [v.shape for v in m.variables]])",
        "fbeta_beta2": f"m = {M}.FBetaScore(beta=2.0, average='macro')\nm.update_state(yb, pb)\n"
                       "out = [m.result(), m.get_config()]",
        "fbeta_bad_beta": f"out = {M}.FBetaScore(beta=2)",
        "fbeta_bad_average": f"out = {M}.FBetaScore(average='mean')",
        "fbeta_bad_threshold": f"out = {M}.F1Score(threshold=1.5)",
        "fbeta_1d": f"m = {M}.F1Score()\nout = m.update_state([1.0, 0.0], [0.3, 0.9])",
        "r2_aggregations": f"out = []\nfor a in [None, 'uniform_average', 'variance_weighted_average']:"
                           f"\n    m = {M}.R2Score(class_aggregation=a)\n"
                           "    m.update_state(yc, pc, sample_weight=sw)\n"
                           "    out.append([m.result(), m.get_config()])",
        "r2_adjusted": f"m = {M}.R2Score(num_regressors=2)\nm.update_state(tf.reshape(tf.range(12, "
                       "dtype='float32'), (6, 2)), tf.reshape(tf.range(12, dtype='float32'), "
                       "(6, 2)) * 0.9 + 0.3)\nout = [m.result(), m.num_samples]",
        "r2_adjusted_fallback": f"m = {M}.R2Score(num_regressors=5)\nm.update_state(yr, pr)\n"
                                "out = m.result()",
        "r2_bad": f"out = {M}.R2Score(class_aggregation='mean')",
        "r2_1d": f"m = {M}.R2Score()\nout = m.update_state([1.0, 2.0, 3.0], [1.0, 2.5, 2.0])",
        "pearson_fn": f"out = [{M}.pearson_correlation(yr, pr), "
                      f"{M}.concordance_correlation(yr, pr), "
                      f"{M}.pearson_correlation(yr, pr, axis=0)]",
        "mean_iou": f"m = {M}.MeanIoU(3)\nm.update_state([0, 1, 2, 1], [0, 2, 2, 1])\n"
                    "out = [m.result(), m.dtype, [(v.path, v.dtype) for v in m.variables], "
                    "m.get_config(), m.total_cm, m.name]",
        "mean_iou_sw": f"m = {M}.MeanIoU(3, ignore_class=0)\nm.update_state([[0, 1], [2, 1]], "
                       "[[0, 2], [2, 1]], sample_weight=[[1, 2], [3, 4]])\n"
                       "out = [m.result(), m.total_cm]",
        "mean_iou_float_sw": f"m = {M}.MeanIoU(3)\nm.update_state([0, 1, 2, 1], [0, 2, 2, 1], "
                             "sample_weight=tf.constant([1.0, 2.5, 1.0, 1.0]))\n"
                             "out = [m.result(), m.total_cm]",
        "mean_iou_float_dtype": f"m = {M}.MeanIoU(3, dtype='float32')\nm.update_state([0, 1, 2, 9]"
                                ", [0, 2, 2, 1], sample_weight=[1.0, 2.5, 1.0, 1.0])\n"
                                "out = [m.result(), m.total_cm]",
        "iou_targets": f"m = {M}.IoU(3, target_class_ids=[0, 2])\nm.update_state([0, 1, 2, 1], "
                       "[0, 2, 2, 1])\nout = [m.result(), m.get_config()]",
        "iou_bad_target": f"out = {M}.IoU(3, target_class_ids=[3])",
        "binary_iou": f"m = {M}.BinaryIoU(threshold=0.3)\nm.update_state(yb, pb)\n"
                      "out = [m.result(), m.get_config(), m.name]",
        "one_hot_iou": f"m = {M}.OneHotIoU(3, target_class_ids=[1])\nm.update_state(yc, pc)\n"
                       "out = [m.result(), m.get_config()]",
        "one_hot_mean_iou": f"m = {M}.OneHotMeanIoU(3)\nm.update_state(yc, pc)\n"
                            "out = [m.result(), m.get_config(), m.name]",
        "mean_iou_dense": f"m = {M}.MeanIoU(3, sparse_y_pred=False)\nm.update_state(ys, pc)\n"
                          "m.reset_state()\nm.update_state(ys, pc)\nout = m.result()",
        "rmse": f"m = {M}.RootMeanSquaredError()\nm.update_state([2.0, 4.0], [1.0, 1.0])\n"
        "out = m.result()",
        "bce_metric_logits": f"m = {M}.BinaryCrossentropy(from_logits=True, label_smoothing=0.1)"
        "\nm.update_state(yb, lb)\nout = [m.result(), m.get_config()]",
        "scce_metric_ignore": f"m = {M}.SparseCategoricalCrossentropy(ignore_class=1)\n"
        "m.update_state(ys, pc)\nout = [m.result(), m.count]",
        "scce_metric_ignore_sw": f"m = {M}.SparseCategoricalCrossentropy(ignore_class=1)\n"
                                 "m.update_state(ys, pc, sample_weight=[1.0, 2.0, 3.0])\n"
                                 "out = [m.result(), m.count, m.total]",
        "scce_metric_ignore_3d": f"m = {M}.SparseCategoricalCrossentropy(from_logits=True, "
                                 "ignore_class=2)\nm.update_state(tf.constant([[0, 1], [2, 2]]), "
                                 "tf.reshape(tf.range(12, dtype='float32') / 5.0, (2, 2, 3)), "
                                 "sample_weight=[1.0, 0.5])\nout = [m.result(), m.count]",
        "cce_metric_smoothing": f"m = {M}.CategoricalCrossentropy(label_smoothing=0.2)\n"
        "m.update_state(yc, pc)\nout = m.result()",
        "get_accuracy": f"out = [repr({M}.get('accuracy')), repr({M}.get('Accuracy'))]",
        "get_acc": f"out = {M}.get('acc')",
        "get_mae": f"out = [repr({M}.get('mae')), repr({M}.get('MSE')), repr({M}.get('bce'))]",
        "get_snake": f"out = [repr({M}.get('sparse_categorical_accuracy')), "
        f"repr({M}.get('root_mean_squared_error')), repr({M}.get('log_cosh_error'))]",
        "get_fn_name": f"out = {M}.get('binary_accuracy')",
        "get_dict": f"out = repr({M}.get({{'class_name': 'BinaryAccuracy', 'config': "
        "{'threshold': 0.3}}))",
        "get_unknown": f"out = {M}.get('crossentropy')",
        "get_callable": f"out = {M}.get({M}.binary_accuracy).__name__",
        "serialize": f"out = {M}.serialize({M}.BinaryAccuracy(threshold=0.3))",
        "deserialize": f"m = {M}.deserialize({M}.serialize({M}.AUC(curve='PR')))\n"
        "out = [repr(m), m.get_config()]",
        "fn_binary_accuracy": f"out = {M}.binary_accuracy(yb, pb, threshold=0.25)",
        "fn_categorical_accuracy": f"out = {M}.categorical_accuracy(yc, pc)",
        "fn_sca": f"out = {M}.sparse_categorical_accuracy(ys, pc)",
        "fn_topk": f"out = {M}.top_k_categorical_accuracy(yc, pc, k=2)",
        "fn_aliases": f"out = [{M}.mse.__name__, {M}.kld.__name__, {M}.logcosh.__name__, "
        f"{M}.MSE is keras.losses.mse, {M}.hinge is keras.losses.hinge, "
        f"{M}.huber.__name__]",
        "no_long_name": f"out = {M}.mean_squared_error",
        "custom_metric": (
            f"class MyMetric({M}.Metric):\n"
            "    def __init__(self, name='my_metric', **kw):\n"
            "        super().__init__(name=name, **kw)\n"
            "        self.tp = self.add_variable(shape=(), initializer='zeros', name='tp')\n"
            "    def update_state(self, y_true, y_pred, sample_weight=None):\n"
            "        self.tp.assign_add(tf.reduce_sum(tf.cast(y_true, 'float32')))\n"
            "    def result(self):\n"
            "        return self.tp\n"
            "mm = MyMetric()\nmm.update_state(tf.constant([1, 1]), None)\n"
            "out = [mm.result(), [v.path for v in mm.variables], mm.get_config(), repr(mm), "
            "[(v.trainable, v.aggregation, v.synchronization) for v in mm.variables]]"
        ),
        "custom_metric_dtype": (
            f"class Counter({M}.Metric):\n"
            "    def __init__(self, **kw):\n"
            "        super().__init__(**kw)\n"
            "        self.n = self.add_variable(shape=(2,), initializer='ones', dtype='int32', "
            "name='n', aggregation='mean')\n"
            "        self.inner = keras.metrics.Mean(name='inner')\n"
            "    def update_state(self, x):\n"
            "        self.n.assign_add(tf.constant([1, 2]))\n"
            "        self.inner.update_state(x)\n"
            "    def result(self):\n"
            "        return self.inner.result()\n"
            "keras.backend.clear_session()\nc = Counter()\nc.update_state(3.0)\n"
            "out = [c.name, c.result(), [(v.path, v.dtype, v.aggregation) for v in c.variables],"
            " c.n]\nc.reset_state()\nout.append([v.numpy() for v in c.variables])"
        ),
        "custom_metric_no_super": (
            f"class Bad({M}.Metric):\n"
            "    def __init__(self):\n"
            "        self.x = 1\n"
            "    def update_state(self, v):\n"
            "        pass\n"
            "    def result(self):\n"
            "        return 0.0\n"
            "out = Bad()(1.0)"
        ),
        "metric_slash_name": f"m = {M}.Mean(name='a/b')\nout = [m.name, "
        "[v.path for v in m.variables]]",
    }
    for name, code in extra.items():
        case(f"metric_spec/{name}", code)
    compile_cases = {
        "accuracy_binary": "'accuracy', yb[:, :1], pb[:, :1]",
        "acc_sparse": "'acc', ys, pc",
        "acc_categorical": "'acc', yc, pc",
        "ACC_sparse_n1": "'ACC', tf.constant([[0], [2], [1]]), pc",
        "Accuracy_binary_1d": "'Accuracy', tf.constant([1.0, 0.0]), tf.constant([[0.7], [0.2]])",
        "mae": "'mae', yr, pr",
        "mse_upper": "'MSE', yr, pr",
        "fn": "keras.metrics.binary_accuracy, yb, pb",
        "loss_fn": "keras.losses.mse, yr, pr",
        "instance": "keras.metrics.AUC(name='x'), yb, pb",
        "class_name": "'AUC', yb, pb",
        "sca_string": "'sparse_categorical_accuracy', ys, pc",
    }
    for name, args in compile_cases.items():
        case(f"compile_metric/{name}", (
            f"m = get_metric_for_compile({args})\n"
            f"yt, yp = ({args})[1:]\n"
            "out = [type(m).__name__, m.name, m(yt, yp)]"
        ))
    case("compile_metric/none", "out = get_metric_for_compile(None, yb, pb)")
    case("compile_metric/unknown", "out = get_metric_for_compile('acuracy', yb, pb)")
    for name, args in {"ce_binary": "'ce', yb[:, :1], pb[:, :1]", "ce_sparse": "'ce', ys, pc",
                       "crossentropy_cat": "'crossentropy', yc, pc",
                       "CE_sparse_n1": "'CE', tf.constant([[0], [2], [1]]), pc",
                       "mse": "'mse', yr, pr", "class": "'Huber', yr, pr",
                       "none": "None, yr, pr"}.items():
        case(f"compile_loss/{name}", (
            f"l = get_loss_for_compile({args})\n"
            f"yt, yp = ({args})[1:]\n"
            "out = None if l is None else [type(l).__name__, l.name, l(yt, yp), "
            "getattr(getattr(l, 'fn', None), '__name__', None)]"
        ))


def build_cases() -> dict:
    cases = {}

    def case(name, code):
        assert name not in cases, name
        cases[name] = code

    _loss_cases(case)
    _metric_cases(case)
    return cases


CASES = build_cases()


# -- encoding ---------------------------------------------------------------------------------
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def clean_message(text: str) -> str:
    """TF's message without the eager runtime's `{{function_node ...}}` prefix and ` name: `."""
    text = re.sub(r"\{\{function_node [^}]*\}\} ?", "", text)
    return re.sub(r" name: $", "", text)


def encode(obj):
    """A JSON-able description of a case's result (same code for TF and tapeflow)."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, float)) and not isinstance(obj, bool):
        return {"py": type(obj).__name__, "v": obj}
    if isinstance(obj, dict):
        return {"dict": {str(k): encode(v) for k, v in obj.items()}}
    if isinstance(obj, (list, tuple)):
        return {"list": [encode(v) for v in obj]}
    if isinstance(obj, np.generic):
        return {"np": obj.dtype.name, "v": obj.item()}
    if isinstance(obj, np.ndarray) or hasattr(obj, "numpy"):
        array = np.asarray(obj)
        kind = "ndarray" if isinstance(obj, np.ndarray) else "tensor"
        return {
            kind: array.dtype.name,
            "shape": list(array.shape),
            "v": np.where(np.isfinite(array), array, 0).tolist()
            if array.dtype.kind in "fc"
            else array.tolist(),
            "finite": np.isfinite(array).tolist() if array.dtype.kind in "fc" else None,
        }
    if hasattr(obj, "as_list") and hasattr(obj, "rank"):
        return {"shape": obj.as_list()}
    if callable(obj) and hasattr(obj, "__name__"):
        return {"callable": obj.__name__}
    return {"repr": _ADDRESS.sub(" at 0x", repr(obj))}


def run(tf, keras, code: str, extra: dict) -> dict:
    """Runs a case; returns `{"out": ...}` or `{"error": class, "message": text}`.

    `extra` holds the compile-time lookups (`get_metric_for_compile`, `get_loss_for_compile`:
    Keras' `compile_utils.get_metric`/`get_loss` under TF).
    """
    import warnings

    namespace = {"tf": tf, "np": np, "keras": keras, **extra}
    keras.backend.clear_session()  # each case starts from fresh auto-names
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(PRELUDE, namespace)
            exec(code if "out =" in code or "\n" in code else f"out = {code}", namespace)
            result = {"out": encode(namespace.get("out"))}
        except Exception as e:  # noqa: BLE001 - recorded
            result = {"error": type(e).__name__, "message": clean_message(str(e))}
    result["warnings"] = sorted(
        {
            f"{w.category.__name__}: {w.message}"
            for w in caught
            if "keras" in str(w.filename)
            or "tapeflow" in str(w.filename)
            or w.category is SyntaxWarning
        }
    )
    return result


def public_names(module) -> list:
    import types

    return sorted(
        n
        for n in dir(module)
        if not n.startswith("_") and not isinstance(getattr(module, n), types.ModuleType)
    )


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
    import keras as keras3
    import tensorflow as tf

    names = {
        "tf.keras.losses": public_names(tf.keras.losses),
        "tf.keras.metrics": public_names(tf.keras.metrics),
        "keras.losses": public_names(keras3.losses),
        "keras.metrics": public_names(keras3.metrics),
    }
    from keras.src.trainers import compile_utils

    extra = {
        "get_metric_for_compile": compile_utils.get_metric,
        "get_loss_for_compile": compile_utils.get_loss,
    }
    results = {name: run(tf, tf.keras, code, extra) for name, code in CASES.items()}
    document = {
        "header": {
            "tensorflow": tf.__version__,
            "keras": keras3.__version__,
            "generator": Path(__file__).name,
        },
        "names": names,
        "cases": results,
    }
    OUTPUT.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    errors = sum("error" in r for r in results.values())
    print(
        f"wrote {len(results)} cases ({errors} errors) to {OUTPUT.relative_to(ROOT)}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()


# -- replay (used by the tests) ---------------------------------------------------------------
_SET_IN_MESSAGE = re.compile(r"\{[^{}]*\}")


def _same_message(got: str, want: str) -> bool:
    # Keras prints Python sets (`Expected one of {...}`), whose order changes per process.
    if got == want:
        return True
    sets_got, sets_want = _SET_IN_MESSAGE.findall(got), _SET_IN_MESSAGE.findall(want)
    if len(sets_got) != len(sets_want) or not sets_got:
        return False
    norm = [sorted(x.strip() for x in s[1:-1].split(",")) for s in sets_got]
    if norm != [sorted(x.strip() for x in s[1:-1].split(",")) for s in sets_want]:
        return False
    return _SET_IN_MESSAGE.sub("{}", got) == _SET_IN_MESSAGE.sub("{}", want)


def compare(got, want, path="out", rtol=1e-5, atol=1e-6) -> list:
    """The differences between two `encode`d results (floats within rtol/atol)."""
    if isinstance(want, dict) and isinstance(got, dict):
        if "v" in want and "v" in got and set(want) == set(got):
            problems = [f"{path}: {k} {got[k]!r} != {want[k]!r}" for k in want
                        if k not in ("v",) and got[k] != want[k]]  # fmt: skip
            g, w = np.asarray(got["v"], dtype=object), np.asarray(want["v"], dtype=object)
            if g.shape != w.shape:
                return problems + [f"{path}: values {got['v']} != {want['v']}"]
            if g.size and isinstance(w.flat[0], float) or isinstance(want["v"], float):
                if not np.allclose(np.asarray(got["v"], float), np.asarray(want["v"], float),
                                   rtol=rtol, atol=atol):  # fmt: skip
                    problems.append(f"{path}: values {got['v']} != {want['v']}")
            elif got["v"] != want["v"]:
                problems.append(f"{path}: values {got['v']} != {want['v']}")
            return problems
        if set(got) != set(want):
            return [f"{path}: keys {sorted(got)} != {sorted(want)}"]
        problems = []
        for key in want:
            if key == "message":
                if not _same_message(got[key], want[key]):
                    problems.append(f"{path}.message: {got[key]!r} != {want[key]!r}")
                continue
            problems += compare(got[key], want[key], f"{path}.{key}", rtol, atol)
        return problems
    if isinstance(want, list) and isinstance(got, list):
        if len(got) != len(want):
            return [f"{path}: {got!r} != {want!r}"]
        problems = []
        for i, (g, w) in enumerate(zip(got, want)):
            problems += compare(g, w, f"{path}[{i}]", rtol, atol)
        return problems
    return [] if got == want else [f"{path}: {got!r} != {want!r}"]
