"""tf.vectorized_map against goldens recorded from TensorFlow 2.21.

The cases (tools/tf_goldens/make_vectorized_map_goldens.py) cover its docstring examples,
per-example gradients and Jacobians, gradients through it, tiled and broadcast values,
nested structures, the while_loop fallback's warning and its errors. Each case is compared
with the main harness's rules (tf_golden_util.compare_results).
"""

from __future__ import annotations

import pytest
from family_goldens import assert_goldens_current, check_case, load_goldens

import tapeflow

GOLDENS = load_goldens("vectorized_map")


@pytest.mark.parametrize("name", sorted(GOLDENS["cases"]))
def test_vectorized_map_golden(name: str) -> None:
    check_case(GOLDENS, name, tapeflow, isolated=GOLDENS["cases"][name]["isolated"])


def test_goldens_are_current() -> None:
    """The golden file holds exactly the generator's cases (regenerate it if not)."""
    assert_goldens_current(GOLDENS, "make_vectorized_map_goldens", "code", "isolated")
