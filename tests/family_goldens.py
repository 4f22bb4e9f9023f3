"""Shared replay of the per-family TensorFlow goldens (math, nn, linalg, array).

The files are written by tools/tf_goldens/make_<family>_goldens.py. The math and nn cases are
code strings run after the file's ``prelude``; their results are encoded by `encode` below,
which the generators use too (tools/tf_goldens/family.py imports `encode` and `run` from here),
so TensorFlow's recorded results and tapeflow's have a single format. Like
tests/tf_golden_util.py, this module runs under real TensorFlow and under tapeflow, so it never
imports either: the ``tf`` module is an argument.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tf_golden_util import (
    compare_results,
    encode_array,
    run_case,
    run_case_isolated,
    same_numpy_release,
)

DATA = Path(__file__).resolve().parent / "data"
GENERATORS = DATA.parents[1] / "tools" / "tf_goldens"


def load_goldens(family: str) -> dict:
    """The parsed tests/data/tf_<family>_goldens.json."""
    return json.loads((DATA / f"tf_{family}_goldens.json").read_text())


def load_generator(name: str):
    """The module tools/tf_goldens/<name>.py, its sibling modules importable while it loads."""
    sys.path.insert(0, str(GENERATORS))
    try:
        spec = importlib.util.spec_from_file_location(name, GENERATORS / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(GENERATORS))
    return module


def check_case(goldens: dict, name: str, tf_module: Any, *, isolated: bool = False) -> None:
    """Runs golden case `name` of a `run_case`-style golden file and asserts it matches.

    `isolated` runs it in a fresh interpreter (importing `tf_module` by name), as cases that
    change process-wide state were recorded. Printed text is compared only under the NumPy
    release the goldens were recorded with (`same_numpy_release`).
    """
    golden = goldens["cases"][name]
    if isolated:
        actual = run_case_isolated(golden["code"], tf_module.__name__)
    else:
        actual = run_case(golden["code"], tf_module)
    same_numpy = same_numpy_release(goldens["header"]["numpy_version"])
    errors = compare_results(golden, actual, compare_text=same_numpy)
    assert not errors, f"case {name}\ncode:\n{golden['code']}\n" + "\n".join(errors)


def assert_goldens_current(goldens: dict, generator: str, *fields: str) -> None:
    """The golden file holds exactly `generator`'s `all_cases()` (regenerate it if not).

    `all_cases()` maps names to the case's `fields` (one field: the value, else a tuple).
    """
    recorded = {
        n: c[fields[0]] if len(fields) == 1 else tuple(c[f] for f in fields)
        for n, c in goldens["cases"].items()
    }
    assert load_generator(generator).all_cases() == recorded, f"stale goldens: run {generator}.py"


# -- recording (generators and tests alike) ---------------------------------------------------


def encode(value: Any) -> Any:
    """JSON-able description of a case result (tensors, None, lists and tuples of them).

    A tensor becomes ``{"dtype", "shape", "value"}``; values are nested lists with nan/inf as
    strings and complex numbers as ``{"re", "im"}`` (tf_golden_util.encode_array).
    """
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    array = np.asarray(value.numpy())
    return {"dtype": value.dtype.name, "shape": list(array.shape), "value": encode_array(array)}


def run(code: str, tf_module: Any, prelude: str) -> dict:
    """Runs one case with ``tf`` and ``np`` (and the prelude's helpers) defined.

    Returns:
        ``{"out": encode(out)}``, or ``{"error": {"type", "mro", "message"}}`` if it raised.
    """
    namespace = {"tf": tf_module, "np": np}
    exec(prelude, namespace)
    try:
        exec(code, namespace)
    except Exception as e:  # noqa: BLE001 - recording the error is the point
        mro = [c.__name__ for c in type(e).__mro__ if c not in (object, BaseException)]
        return {"error": {"type": type(e).__name__, "mro": mro, "message": str(e)}}
    return {"out": encode(namespace.get("out"))}


# -- comparison ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tolerance:
    """How close a family's floating-point values must be; ints and bools compare exactly.

    ``rtol`` maps dtype names to relative tolerances (``default`` for the others). The absolute
    tolerance is ``atol + rtol * atol_ratio``, times ``max(1, max|expected|)`` when
    ``scale_atol`` (gradients near cancellation need a floor scaled to the tensor's magnitude).
    """

    rtol: Mapping[str, float]
    default: float = 0.0
    atol: float = 0.0
    atol_ratio: float = 0.0
    scale_atol: bool = False

    def bounds(self, dtype: str, expected: np.ndarray) -> tuple[float, float]:
        """(rtol, atol) for comparing against `expected`, a tensor of dtype `dtype`."""
        rtol = self.rtol.get(dtype, self.default)
        relative = rtol * self.atol_ratio
        if self.scale_atol:
            relative *= max(1.0, float(np.nanmax(np.abs(expected), initial=0.0)))
        return rtol, self.atol + relative


def decode(value: Any) -> Any:
    """Inverse of the value encoding: "nan"/"inf" strings and {"re", "im"} back to numbers."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        return complex(decode(value["re"]), decode(value["im"]))
    if isinstance(value, str):
        return float(value)
    return value


def close(expected: np.ndarray, actual: np.ndarray, dtype: str, tolerance: Tolerance) -> bool:
    """Same shape and, for float/complex values, within `tolerance` (nan == nan); else equal."""
    if expected.shape != actual.shape:
        return False
    if expected.dtype.kind in "fc" or actual.dtype.kind in "fc":
        rtol, atol = tolerance.bounds(dtype, expected)
        return bool(np.allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True))
    return bool(np.array_equal(actual, expected))


def compare(path: str, expected: Any, actual: Any, errors: list, tolerance: Tolerance) -> None:
    """Appends to `errors` every difference between two `encode` results."""
    if expected is None or isinstance(expected, list):
        if expected is None or not isinstance(actual, list) or len(actual) != len(expected):
            if expected != actual:
                errors.append(f"{path}: expected {expected!r}, got {actual!r}")
            return
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            compare(f"{path}[{i}]", e, a, errors, tolerance)
        return
    if not isinstance(actual, dict):
        errors.append(f"{path}: expected a tensor, got {actual!r}")
        return
    for key in ("dtype", "shape"):
        if expected[key] != actual[key]:
            errors.append(f"{path}.{key}: expected {expected[key]}, got {actual[key]}")
            return
    want = np.asarray(decode(expected["value"]))
    got = np.asarray(decode(actual["value"]))
    if not close(want, got, expected["dtype"], tolerance):
        errors.append(f"{path}: expected {want!r}, got {got!r}")


def replay(
    goldens: dict,
    name: str,
    tf_module: Any,
    tolerance: Tolerance,
    *,
    contains_required: bool = False,
) -> None:
    """Runs golden case `name` with `tf_module` and asserts it matches TensorFlow's result.

    An error case must raise the same exception class, with the case's ``contains`` text in
    its message (when set; ``contains_required`` makes a missing one a failure).
    """
    golden = goldens["cases"][name]
    actual = run(golden["code"], tf_module, goldens["prelude"])
    if "error" in golden:
        assert "error" in actual, f"TF raised {golden['error']}, tapeflow returned {actual}"
        assert actual["error"]["type"] == golden["error"]["type"], (golden["error"], actual)
        if contains_required:
            assert golden["contains"], f"{name}: the error case names no expected message"
        if golden["contains"]:
            message = actual["error"]["message"]
            assert golden["contains"] in message, (golden["contains"], actual)
        return
    assert "error" not in actual, f"tapeflow raised {actual['error']}"
    errors: list = []
    compare("out", golden["out"], actual["out"], errors, tolerance)
    assert not errors, f"{golden['code']}\n" + "\n".join(errors)
