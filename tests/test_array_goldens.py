"""tapeflow's array ops against goldens recorded from TensorFlow 2.21.

The cases (tools/tf_goldens/make_array_goldens.py) cover values, dtypes, reprs,
exception classes and messages, and the sparse `tf.IndexedSlices` gradients of
gather; the comparison is the main golden harness's (tests/test_tf_goldens.py).
"""

from __future__ import annotations

import pytest
from family_goldens import load_goldens
from test_tf_goldens import compare_results
from tf_golden_util import run_case

import tapeflow

GOLDENS = load_goldens("array")["cases"]


@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_array_golden(name: str) -> None:
    golden = GOLDENS[name]
    errors = compare_results(name, golden, run_case(golden["code"], tapeflow))
    assert not errors, f"case {name}\ncode:\n{golden['code']}\n" + "\n".join(errors)
