"""The tf.debugging checks added last, against goldens recorded from TensorFlow 2.21.

The cases (tools/tf_goldens/make_debugging_goldens.py) cover assert_integer,
assert_proper_iterable, assert_rank_at_least, assert_rank_in, assert_same_float_dtype,
assert_scalar, is_numeric_tensor, tf.math.is_non_decreasing and is_strictly_increasing,
tf.Assert's message and the top-level names, compared with the main harness's rules
(tf_golden_util.compare_results).
"""

from __future__ import annotations

import pytest
from family_goldens import assert_goldens_current, check_case, load_goldens

import tapeflow

GOLDENS = load_goldens("debugging")


@pytest.mark.parametrize("name", sorted(GOLDENS["cases"]))
def test_debugging_golden(name: str) -> None:
    check_case(GOLDENS, name, tapeflow)


def test_goldens_are_current() -> None:
    """The golden file holds exactly the generator's cases (regenerate it if not)."""
    assert_goldens_current(GOLDENS, "make_debugging_goldens", "code")
