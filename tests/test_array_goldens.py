"""tapeflow's array ops against goldens recorded from TensorFlow 2.21.

The cases (tools/tf_goldens/make_array_goldens.py) cover values, dtypes, reprs,
exception classes and messages, and the sparse `tf.IndexedSlices` gradients of
gather; the comparison is the main golden harness's (tf_golden_util.compare_results).
"""

from __future__ import annotations

import json

import pytest
from family_goldens import DATA, load_goldens
from tf_golden_util import compare_results, run_case, same_numpy_release

import tapeflow

GOLDENS = load_goldens("array")["cases"]
# The array goldens' header records no NumPy version. They are recorded in the same TF venv as
# tests/data/tf_goldens.json, whose header does: printed text is compared under that release.
SAME_NUMPY_FORMATTING = same_numpy_release(
    json.loads((DATA / "tf_goldens.json").read_text())["header"]["numpy_version"]
)


@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_array_golden(name: str) -> None:
    golden = GOLDENS[name]
    actual = run_case(golden["code"], tapeflow)
    errors = compare_results(golden, actual, compare_text=SAME_NUMPY_FORMATTING)
    assert not errors, f"case {name}\ncode:\n{golden['code']}\n" + "\n".join(errors)
