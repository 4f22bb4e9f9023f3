"""The tf.debugging checks added last, against goldens recorded from TensorFlow 2.21.

The cases (tools/tf_goldens/make_debugging_goldens.py) cover assert_integer,
assert_proper_iterable, assert_rank_at_least, assert_rank_in, assert_same_float_dtype,
assert_scalar, is_numeric_tensor, tf.math.is_non_decreasing and is_strictly_increasing,
tf.Assert's message and the top-level names, compared with the main harness's rules
(tf_golden_util.compare_results).
"""

from __future__ import annotations

import importlib.util
import sys

import pytest
from family_goldens import DATA, load_goldens
from tf_golden_util import compare_results, run_case, same_numpy_release

import tapeflow

GOLDENS = load_goldens("debugging")
SAME_NUMPY_FORMATTING = same_numpy_release(GOLDENS["header"]["numpy_version"])
GENERATOR = DATA.parents[1] / "tools" / "tf_goldens" / "make_debugging_goldens.py"


@pytest.mark.parametrize("name", sorted(GOLDENS["cases"]))
def test_debugging_golden(name: str) -> None:
    golden = GOLDENS["cases"][name]
    actual = run_case(golden["code"], tapeflow)
    errors = compare_results(golden, actual, compare_text=SAME_NUMPY_FORMATTING)
    assert not errors, f"case {name}\ncode:\n{golden['code']}\n" + "\n".join(errors)


def test_goldens_are_current() -> None:
    """The golden file holds exactly the generator's cases (regenerate it if not)."""
    sys.path.insert(0, str(GENERATOR.parent))
    try:
        spec = importlib.util.spec_from_file_location("make_debugging_goldens", GENERATOR)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(GENERATOR.parent))
    recorded = {n: c["code"] for n, c in GOLDENS["cases"].items()}
    assert module.all_cases() == recorded, "stale goldens: run make_debugging_goldens.py"
