"""tapeflow's functional control flow against goldens recorded from TensorFlow 2.21.

The cases (tools/tf_goldens/make_control_flow_goldens.py) cover the docstring examples of
tf.cond, tf.case, tf.switch_case, tf.while_loop, tf.map_fn, tf.scan, tf.foldl, tf.foldr and
tf.TensorArray, TF's eager semantics of each, gradients through them (tapes, higher orders,
jacobians, forward mode), nested constructs and misuse errors. Each case is compared with the
main harness's rules (tf_golden_util.compare_results): values, dtypes, reprs, printed output,
logged warnings, exception classes and messages.
"""

from __future__ import annotations

import pytest
from family_goldens import assert_goldens_current, check_case, load_goldens

import tapeflow

GOLDENS = load_goldens("control_flow")


@pytest.mark.parametrize("name", sorted(GOLDENS["cases"]))
def test_control_flow_golden(name: str) -> None:
    check_case(GOLDENS, name, tapeflow, isolated=GOLDENS["cases"][name]["isolated"])


def test_goldens_are_current() -> None:
    """The golden file holds exactly the generator's cases (regenerate it if not)."""
    assert_goldens_current(GOLDENS, "make_control_flow_goldens", "code", "isolated")
