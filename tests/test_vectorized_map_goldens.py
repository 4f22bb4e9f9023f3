"""tf.vectorized_map against goldens recorded from TensorFlow 2.21.

The cases (tools/tf_goldens/make_vectorized_map_goldens.py) cover its docstring examples,
per-example gradients and Jacobians, gradients through it, tiled and broadcast values,
nested structures, the while_loop fallback's warning and its errors. Each case is compared
with the main harness's rules (tf_golden_util.compare_results).
"""

from __future__ import annotations

import importlib.util

import pytest
from family_goldens import DATA, load_goldens
from tf_golden_util import compare_results, run_case, run_case_isolated, same_numpy_release

import tapeflow

GOLDENS = load_goldens("vectorized_map")
SAME_NUMPY_FORMATTING = same_numpy_release(GOLDENS["header"]["numpy_version"])
GENERATOR = DATA.parents[1] / "tools" / "tf_goldens" / "make_vectorized_map_goldens.py"


@pytest.mark.parametrize("name", sorted(GOLDENS["cases"]))
def test_vectorized_map_golden(name: str) -> None:
    golden = GOLDENS["cases"][name]
    if golden["isolated"]:
        actual = run_case_isolated(golden["code"], "tapeflow")
    else:
        actual = run_case(golden["code"], tapeflow)
    errors = compare_results(golden, actual, compare_text=SAME_NUMPY_FORMATTING)
    assert not errors, f"case {name}\ncode:\n{golden['code']}\n" + "\n".join(errors)


def test_goldens_are_current() -> None:
    """The golden file holds exactly the generator's cases (regenerate it if not)."""
    import sys

    sys.path.insert(0, str(GENERATOR.parent))
    try:
        spec = importlib.util.spec_from_file_location("make_vectorized_map_goldens", GENERATOR)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(GENERATOR.parent))
    recorded = {n: (c["code"], c["isolated"]) for n, c in GOLDENS["cases"].items()}
    assert module.all_cases() == recorded, "stale goldens: run make_vectorized_map_goldens.py"
