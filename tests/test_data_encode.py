"""The result encoding shared by tools/tf_goldens/make_data_goldens.py (under real TF) and
tests/test_data.py (under tapeflow), so that recording and replay cannot drift apart.

No tests live here; the module only describes results as JSON.
"""

from __future__ import annotations

import re

import numpy as np

# Elements listed per dataset (infinite datasets are cut here).
MAX_ELEMENTS = 40


def encode(value, tf):
    """A JSON description of `value` (a dataset, tensor, NumPy value, structure or spec)."""
    if isinstance(value, tf.data.Dataset):
        elements = []
        for i, element in enumerate(value):
            if i == MAX_ELEMENTS:
                break
            elements.append(encode(element, tf))
        return {
            "dataset": repr(value),
            "cardinality": int(value.cardinality()),
            "elements": elements,
        }
    if isinstance(value, tf.Tensor):
        array = value.numpy()
        return {"tensor": value.dtype.name, "shape": list(array.shape), "value": array.tolist()}
    if isinstance(value, (np.ndarray, np.generic)):
        return {
            "numpy": type(value).__name__,
            "dtype": str(value.dtype),
            "shape": list(np.shape(value)),
            "value": value.tolist(),
        }
    if isinstance(value, dict):
        return {"dict": [[k, encode(v, tf)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {"tuple": [encode(v, tf) for v in value]}
    if isinstance(value, list):
        return {"list": [encode(v, tf) for v in value]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return {"repr": repr(value)}


def run(code: str, tf) -> dict:
    """Runs a case (`out` is its result) and encodes the result or the error it raised."""
    scope = {"tf": tf, "np": np, "D": tf.data.Dataset}
    try:
        exec(code, scope)
        return {"out": encode(scope["out"], tf)}
    except Exception as e:  # the error is the result
        message = str(e).strip()
        if any(mark in message for mark in ("Traceback", "in user code", "[[{{node")):
            message = message.splitlines()[0]  # the error itself, not where TF raised it
        return {"error": type(e).__name__, "message": message}


def eager_message(text: str) -> str:
    """TF's error text without its eager wrapper: the failing function's node name first and
    " name: " last, which tapeflow's errors do not carry."""
    text = re.sub(r"^\{\{function_node [^}]*\}\} ", "", text)
    return re.sub(r" name: ?$", "", text)


def check_golden(want: dict, tf, message=eager_message) -> None:
    """Replays one golden case as the generator ran it (global seed cleared first, and after)
    and asserts tapeflow's result, or its error class and `message(text)`, is TF's."""
    tf.random.set_seed(None)
    try:
        got = run(want["code"], tf)
    finally:
        tf.random.set_seed(None)
    if "error" in want:
        assert got.get("error") == want["error"], got
        assert message(got["message"]) == message(want["message"])
    else:
        assert got == {"out": want["out"]}
