"""Compares tapeflow with golden outputs recorded from real TensorFlow.

The goldens (tests/data/tf_goldens.json) are produced by tools/tf_goldens/make_goldens.py; see
tools/tf_goldens/README.md. Every case runs its code with ``import tapeflow as tf`` and must
match TF: same exception class and message, same stdout and warnings, same kind/dtype/shape/
str/repr of the result, and equal values (exact for ints and bools, relative 1e-6 for float32,
1e-12 for float64, nan == nan).

A case using an API tapeflow lacks FAILS (it is how coverage is tracked). Case names start with
their group, so a group runs with e.g. ``pytest tests/test_tf_goldens.py -k grad_``.

Set ``TAPEFLOW_GOLDEN_TARGET=tensorflow`` to run the same comparison against TensorFlow itself
(in the TF venv): everything must pass there, which proves the harness is self-consistent.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_PATH = ROOT / "tests" / "data" / "tf_goldens.json"
TARGET = os.environ.get("TAPEFLOW_GOLDEN_TARGET", "tapeflow")

if TARGET == "tensorflow":
    # Same settings as make_goldens.py, so TF reproduces its own goldens exactly.
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
elif importlib.util.find_spec("tapeflow") is None and (ROOT / "src").is_dir():
    sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from family_goldens import load_generator  # noqa: E402
from tf_golden_util import (  # noqa: E402
    compare_results,
    run_case,
    run_case_isolated,
    same_numpy_release,
)

# Cases where tapeflow deliberately differs from TF. For these, every compared string has
# dotted module paths reduced to the class name ("tensorflow.python.eager.backprop.GradientTape"
# -> "GradientTape") before comparison. Keep this list short and justified.
KNOWN_DIFFERENCES: dict[str, str] = {
    "grad_tape_repr": "GradientTape's default object repr names TF's internal module path.",
    "proto_setitem_error": "The TypeError message names TF's internal module path of EagerTensor.",
}

# Cases whose exception MESSAGE (only) may differ; class and everything else must still match.
# Add an entry only when reproducing TF's text is impossible or meaningless; say why.
MESSAGE_RELAXED: dict[str, str] = {}


def _load_goldens() -> dict[str, Any]:
    return json.loads(GOLDEN_PATH.read_text())


GOLDENS = _load_goldens()


# Tensors print through NumPy (as TF's do), and NumPy's scalar formatting and some of its
# error messages change between releases (2.2 prints float32 1e10 as 10000000000.0, 2.4 as
# 1e+10). Printed text and messages are compared only under the NumPy release the goldens
# were recorded with (CI's); values, dtypes, shapes and exception types always.
SAME_NUMPY_FORMATTING = same_numpy_release(GOLDENS["header"]["numpy_version"])
CASE_NAMES = sorted(GOLDENS["cases"])


@pytest.fixture(scope="module")
def tf_module() -> Any:
    """The library under test; an import failure fails every case (never skips)."""
    try:
        return importlib.import_module(TARGET)
    except ImportError as exc:  # pragma: no cover - depends on the state of tapeflow
        pytest.fail(f"cannot import {TARGET}: {exc}")


@pytest.mark.parametrize("name", CASE_NAMES)
def test_golden(name: str, tf_module: Any) -> None:
    """Runs one golden case on the target and compares with TensorFlow's result."""
    golden = GOLDENS["cases"][name]
    if golden.get("isolated"):
        actual = run_case_isolated(golden["code"], TARGET)
    else:
        actual = run_case(golden["code"], tf_module)
    errors = compare_results(
        golden,
        actual,
        compare_text=SAME_NUMPY_FORMATTING,
        normalise_paths=name in KNOWN_DIFFERENCES,
        relax_message=name in MESSAGE_RELAXED,
    )
    if errors:
        pytest.fail(f"case {name}\ncode:\n{golden['code']}\n" + "\n".join(errors), pytrace=False)


def test_goldens_are_current() -> None:
    """The golden file holds exactly the cases of tools/tf_goldens/cases.py (regenerate if not)."""
    cases = load_generator("cases").CASES
    current = {c["name"]: (c["code"], bool(c.get("isolated"))) for c in cases}
    recorded = {n: (r["code"], r["isolated"]) for n, r in GOLDENS["cases"].items()}
    assert current == recorded, "tests/data/tf_goldens.json is stale: run make_goldens.py"


def test_harness_relaxations_name_real_cases() -> None:
    """Relaxation lists must only name existing cases (typos would silently do nothing)."""
    unknown = (set(KNOWN_DIFFERENCES) | set(MESSAGE_RELAXED)) - set(GOLDENS["cases"])
    assert not unknown
