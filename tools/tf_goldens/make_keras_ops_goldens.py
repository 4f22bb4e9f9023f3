"""Writes tests/data/tf_keras_ops_goldens.json: each keras.ops case of keras_ops_cases.py
evaluated by Keras 3.15.1 on TF 2.21 (value, dtype, shape, or the exception's class).

Run where TensorFlow is installed: `python tools/tf_goldens/make_keras_ops_goldens.py`.
"""

from __future__ import annotations

import json
import pathlib
import sys

import keras
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from keras_ops_cases import CASES  # noqa: E402

ops = keras.ops


def encode(value):
    if isinstance(value, tuple) and not hasattr(value, "dtype"):
        return {"tuple": [encode(v) for v in value]}
    array = np.asarray(value)
    dtype = str(getattr(value, "dtype", array.dtype))
    dtype = dtype.replace("<dtype: '", "").replace("'>", "")
    return {"value": array.tolist(), "dtype": dtype, "shape": list(array.shape)}


def main():
    out = {}
    for case in CASES:
        try:
            out[case] = encode(eval(case))  # noqa: S307 - our own expressions
        except Exception as e:  # noqa: BLE001 - recorded as the golden
            out[case] = {"error": type(e).__name__}
    path = pathlib.Path(__file__).parents[2] / "tests" / "data" / "tf_keras_ops_goldens.json"
    path.write_text(json.dumps(out, indent=0, sort_keys=True) + "\n")
    print(f"wrote {len(out)} cases to {path}")


if __name__ == "__main__":
    main()
