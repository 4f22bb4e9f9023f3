"""keras.ops against Keras 3.15.1 on TF 2.21 (values, dtypes and shapes recorded by
tools/tf_goldens/make_keras_ops_goldens.py from tools/tf_goldens/keras_ops_cases.py)."""

from __future__ import annotations

import json
import pathlib
import sys

import numpy as np
import pytest

import tapeflow as tf

ROOT = pathlib.Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "tools" / "tf_goldens"))
from keras_ops_cases import CASES  # noqa: E402

GOLDENS = json.loads((ROOT / "tests" / "data" / "tf_keras_ops_goldens.json").read_text())
ops = tf.keras.ops


def _encode(value):
    if isinstance(value, tuple) and not hasattr(value, "dtype"):
        return {"tuple": [_encode(v) for v in value]}
    array = np.asarray(value)
    dtype = value.dtype.name if tf.is_tensor(value) else str(getattr(value, "dtype", array.dtype))
    return {"value": array.tolist(), "dtype": dtype, "shape": list(array.shape)}


def _compare(got, want, case):
    if "tuple" in want:
        assert len(got["tuple"]) == len(want["tuple"]), case
        for g, w in zip(got["tuple"], want["tuple"]):
            _compare(g, w, case)
        return
    assert got["dtype"] == want["dtype"], case
    assert got["shape"] == want["shape"], case
    if want["dtype"].startswith("<U"):  # a string result (ops.dtype)
        assert got["value"] == want["value"], case
        return
    np.testing.assert_allclose(
        np.asarray(got["value"], dtype=np.float64), np.asarray(want["value"], dtype=np.float64),
        rtol=2e-6, atol=1e-6, err_msg=case,
    )  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_op_matches_keras(case):
    want = GOLDENS[case]
    if "error" in want:
        with pytest.raises(Exception) as e:
            eval(case)  # noqa: S307 - our own expressions
        assert type(e.value).__name__ == want["error"]
        return
    _compare(_encode(eval(case)), want, case)  # noqa: S307


def test_ops_build_functional_models_and_differentiate():
    x = tf.keras.Input((3,))
    y = ops.relu(ops.matmul(x, np.ones((3, 2), np.float32)))
    assert y.shape == (None, 2)
    model = tf.keras.Model(x, ops.sum(y, axis=-1))
    assert model(np.ones((4, 3))).shape == (4,)
    v = tf.Variable([[1.0, -2.0]])
    with tf.GradientTape() as t:
        loss = ops.sum(ops.square(ops.tanh(v)))
    expected = 2 * np.tanh([[1.0, -2.0]]) * (1 - np.tanh([[1.0, -2.0]]) ** 2)
    np.testing.assert_allclose(t.gradient(loss, v).numpy(), expected, rtol=1e-6)
