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
import math
import os
import re
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

from tf_golden_util import run_case, run_case_isolated  # noqa: E402

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

_MODULE_PATH_RE = re.compile(r"\b[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+\.([A-Z]\w*)")
_NUMBER_RE = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
_FLOAT_TOLERANCE = {
    "float16": 1e-3,
    "bfloat16": 1e-2,
    "float32": 1e-6,
    "complex64": 1e-6,
    "float64": 1e-12,
    "complex128": 1e-12,
}
_DEFAULT_TOLERANCE = 1e-6


def _load_goldens() -> dict[str, Any]:
    return json.loads(GOLDEN_PATH.read_text())


GOLDENS = _load_goldens()


def _minor(version: str) -> tuple:
    return tuple(int(part) for part in version.split(".")[:2])


# Tensors print through NumPy (as TF's do), and NumPy's scalar formatting and some of its
# error messages change between releases (2.2 prints float32 1e10 as 10000000000.0, 2.4 as
# 1e+10). Printed text and messages are compared only under the NumPy release the goldens
# were recorded with (CI's); values, dtypes, shapes and exception types always.
SAME_NUMPY_FORMATTING = _minor(importlib.import_module("numpy").__version__) == _minor(
    GOLDENS["header"]["numpy_version"]
)
CASE_NAMES = sorted(GOLDENS["cases"])


# TF's eager runtime wraps kernel errors in text that names its own machinery: a
# "{{function_node __wrapped__AddV2_device_/job:localhost/...}} " prefix and a trailing
# " name: <op name>". tapeflow's messages end at TF's "[Op:AddV2]" tag; both artifacts are
# removed from either side before comparing (everything else must match exactly).
_FUNCTION_NODE_RE = re.compile(r"\{\{function_node [^}]*\}\} ?")
_NAME_SUFFIX_RE = re.compile(r"(\[Op:\w+\]) name: \S*$")


# Dtype errors also dump the kernel's NodeDef/OpDef and list allowed types in the kernel
# registry's order (including types tapeflow has no NumPy dtype for, like bfloat16); the
# comparison keeps "... is not in the list of allowed values" and the [Op:...] tag.
_NODE_DEF_RE = re.compile(r"\n\t; NodeDef: .*(?= \[Op:)", re.DOTALL)
_ALLOWED_RE = re.compile(r"(is not in the list of allowed values): [^\n\[]*?(?=( \[Op:|\n|$))")


def strip_runtime_artifacts(message: str) -> str:
    """Removes TF's eager-runtime wrapper text from an op error message."""
    message = _FUNCTION_NODE_RE.sub("", message)
    message = _NODE_DEF_RE.sub("", message)
    message = _ALLOWED_RE.sub(r"\1", message)
    return _NAME_SUFFIX_RE.sub(r"\1", message)


def normalise_module_paths(text: str) -> str:
    """Reduces ``pkg.mod.Class`` to ``Class`` (for KNOWN_DIFFERENCES cases)."""
    return _MODULE_PATH_RE.sub(r"\1", text)


def strings_match(expected: str, actual: str, rel_tol: float) -> bool:
    """Compares printed output exactly, except for float digits within tolerance.

    TF's Eigen kernels and NumPy's can round transcendental results differently in the last
    ulp, which changes the shortest-repr digits. Numbers that differ in VALUE within ``rel_tol``
    are accepted (then column padding may differ too); numbers with the same value but a
    different spelling (``1.`` vs ``1.0``) are a formatting bug and are rejected.

    Args:
        expected: Golden text.
        actual: Text produced by the target.
        rel_tol: Relative tolerance for numbers.

    Returns:
        Whether the strings match.
    """
    if expected == actual:
        return True
    exp_nums, act_nums = _NUMBER_RE.findall(expected), _NUMBER_RE.findall(actual)
    if len(exp_nums) != len(act_nums):
        return False
    for exp_num, act_num in zip(exp_nums, act_nums, strict=False):
        if exp_num == act_num:
            continue
        exp_val, act_val = float(exp_num), float(act_num)
        if exp_val == act_val or not math.isclose(exp_val, act_val, rel_tol=rel_tol):
            return False

    def skeleton(text: str) -> list[str]:
        # Column padding follows the widest number, so whitespace is not compared here.
        return ["".join(part.split()) for part in _NUMBER_RE.split(text)]

    return skeleton(expected) == skeleton(actual)


def values_match(expected: Any, actual: Any, rel_tol: float) -> bool:
    """Compares encoded values (see tf_golden_util.encode_scalar) recursively."""
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(values_match(e, a, rel_tol) for e, a in zip(expected, actual, strict=False))
        )
    if isinstance(expected, dict):  # complex number
        return (
            isinstance(actual, dict)
            and set(expected) == set(actual)
            and all(values_match(expected[k], actual[k], rel_tol) for k in expected)
        )
    if isinstance(expected, float) and isinstance(actual, (int, float)):
        if isinstance(actual, bool):
            return False
        return math.isclose(expected, float(actual), rel_tol=rel_tol, abs_tol=1e-300)
    # bool/int/str (including "nan", "inf", "-inf"): exact, and the JSON type must agree.
    return type(expected) is type(actual) and expected == actual


class Comparer:
    """Collects every mismatch between a golden description and the target's."""

    def __init__(self, normalise: bool) -> None:
        self.normalise = normalise
        self.errors: list[str] = []

    def text(self, path: str, expected: str, actual: Any, rel_tol: float) -> None:
        """Compares two printed strings."""
        if not isinstance(actual, str):
            self.errors.append(f"{path}: expected a string, got {actual!r}")
            return
        if not SAME_NUMPY_FORMATTING:
            return  # printing follows NumPy's own formatting, which changes between releases
        if self.normalise:
            expected, actual = normalise_module_paths(expected), normalise_module_paths(actual)
        if not strings_match(expected, actual, rel_tol):
            self.errors.append(f"{path}:\n  expected: {expected!r}\n  actual:   {actual!r}")

    def field(self, path: str, expected: Any, actual: Any) -> None:
        """Compares a field exactly."""
        if expected != actual or type(expected) is not type(actual):
            self.errors.append(f"{path}: expected {expected!r}, got {actual!r}")

    def describe(self, path: str, expected: Any, actual: Any) -> None:
        """Compares two ``describe()`` results."""
        if not isinstance(actual, dict) or actual.get("kind") != expected["kind"]:
            kind = actual.get("kind") if isinstance(actual, dict) else actual
            self.errors.append(f"{path}: expected kind {expected['kind']!r}, got {kind!r}")
            if isinstance(actual, dict) and "repr" in actual and "repr" in expected:
                self.errors.append(f"  expected repr {expected['repr']!r}, got {actual['repr']!r}")
            return
        kind = expected["kind"]
        rel_tol = _FLOAT_TOLERANCE.get(expected.get("dtype", ""), _DEFAULT_TOLERANCE)
        if kind in ("tensor", "variable", "ndarray", "npscalar"):
            for key in ("dtype", "shape", "type", "name", "trainable"):
                if key in expected:
                    self.field(f"{path}.{key}", expected[key], actual.get(key))
            if not values_match(expected["value"], actual.get("value"), rel_tol):
                self.errors.append(
                    f"{path}.value: expected {expected['value']!r}, got {actual.get('value')!r}"
                )
            for key in ("str", "repr"):
                if key in expected:
                    self.text(f"{path}.{key}", expected[key], actual.get(key), rel_tol)
        elif kind == "py":
            self.field(f"{path}.type", expected["type"], actual.get("type"))
            if isinstance(expected["value"], str) and expected["type"] == "str":
                self.text(f"{path}.value", expected["value"], actual.get("value"), rel_tol)
            elif not values_match(expected["value"], actual.get("value"), rel_tol):
                self.errors.append(
                    f"{path}.value: expected {expected['value']!r}, got {actual.get('value')!r}"
                )
        elif kind in ("list", "tuple"):
            exp_items, act_items = expected["items"], actual.get("items", [])
            if len(exp_items) != len(act_items):
                self.errors.append(f"{path}: expected {len(exp_items)} items, got {len(act_items)}")
                return
            for i, (exp, act) in enumerate(zip(exp_items, act_items, strict=False)):
                self.describe(f"{path}[{i}]", exp, act)
        elif kind == "dict":
            exp_keys = [k for k, _ in expected["items"]]
            act_keys = [k for k, _ in actual.get("items", [])]
            if exp_keys != act_keys:
                self.errors.append(f"{path}: expected keys {exp_keys!r}, got {act_keys!r}")
                return
            for (key, exp), (_, act) in zip(expected["items"], actual["items"], strict=False):
                self.describe(f"{path}[{key!r}]", exp, act)
        elif kind == "indexed_slices":
            self.field(f"{path}.type", expected["type"], actual.get("type"))
            for key in ("values", "indices", "dense_shape"):
                self.describe(f"{path}.{key}", expected[key], actual.get(key))
        elif kind in ("dtype", "shape", "object"):
            for key, value in expected.items():
                if isinstance(value, str) and key != "kind":
                    self.text(f"{path}.{key}", value, actual.get(key), _DEFAULT_TOLERANCE)
                else:
                    self.field(f"{path}.{key}", value, actual.get(key))
        elif kind != "none":
            self.errors.append(f"{path}: unknown golden kind {kind!r}")

    def exception(self, expected: Any, actual: Any, relax_message: bool) -> None:
        """Compares recorded exceptions (or their absence)."""
        if expected is None or actual is None:
            if expected != actual:
                self.errors.append(f"exception: expected {expected!r}, got {actual!r}")
            return
        self.field("exception.type", expected["type"], actual["type"])
        self.field("exception.mro", expected["mro"], actual["mro"])
        if not relax_message:
            self.text(
                "exception.message",
                strip_runtime_artifacts(expected["message"]),
                strip_runtime_artifacts(actual["message"]),
                0.0,
            )


def compare_results(name: str, expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Returns the list of differences between a golden case result and the target's.

    Args:
        name: Case name (selects KNOWN_DIFFERENCES / MESSAGE_RELAXED handling).
        expected: Golden result.
        actual: Result of ``run_case`` on the target.

    Returns:
        Human-readable mismatch descriptions; empty when the case passes.
    """
    comparer = Comparer(normalise=name in KNOWN_DIFFERENCES)
    comparer.exception(expected["exception"], actual["exception"], name in MESSAGE_RELAXED)
    comparer.text("stdout", expected["stdout"], actual["stdout"], _DEFAULT_TOLERANCE)
    exp_warn, act_warn = expected["warnings"], actual["warnings"]
    if len(exp_warn) != len(act_warn):
        comparer.errors.append(f"warnings:\n  expected: {exp_warn!r}\n  actual:   {act_warn!r}")
    else:
        for i, (exp, act) in enumerate(zip(exp_warn, act_warn, strict=False)):
            comparer.text(f"warnings[{i}]", exp, act, 0.0)
    if "describe_error" in actual or "describe_error" in expected:
        comparer.field(
            "describe_error", expected.get("describe_error"), actual.get("describe_error")
        )
    if ("out" in expected) != ("out" in actual):
        comparer.errors.append(
            f"out: expected {'a result' if 'out' in expected else 'no result'}, "
            f"got {actual.get('out', 'no result')!r}"
        )
    elif "out" in expected:
        comparer.describe("out", expected["out"], actual["out"])
    return comparer.errors


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
    errors = compare_results(name, golden, actual)
    if errors:
        pytest.fail(f"case {name}\ncode:\n{golden['code']}\n" + "\n".join(errors), pytrace=False)


def test_goldens_are_current() -> None:
    """The golden file holds exactly the cases of tools/tf_goldens/cases.py (regenerate if not)."""
    spec = importlib.util.spec_from_file_location(
        "tf_golden_cases", ROOT / "tools" / "tf_goldens" / "cases.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cases = module.CASES
    current = {c["name"]: (c["code"], bool(c.get("isolated"))) for c in cases}
    recorded = {n: (r["code"], r["isolated"]) for n, r in GOLDENS["cases"].items()}
    assert current == recorded, "tests/data/tf_goldens.json is stale: run make_goldens.py"


def test_harness_relaxations_name_real_cases() -> None:
    """Relaxation lists must only name existing cases (typos would silently do nothing)."""
    unknown = (set(KNOWN_DIFFERENCES) | set(MESSAGE_RELAXED)) - set(GOLDENS["cases"])
    assert not unknown
