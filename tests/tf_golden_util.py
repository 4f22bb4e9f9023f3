"""Shared helpers for the TensorFlow golden tests.

The same code runs under real TensorFlow (when goldens are generated, and when the harness is
checked against TF itself) and under tapeflow (in the test suite). It therefore only uses the
public API that both share (``.numpy()``, ``.dtype.name``, ``.shape.as_list()``, ``str``,
``repr``, ``type(x).__name__``) and recognises objects by duck typing, never by importing
tensorflow.

Run as a script (``python tests/tf_golden_util.py MODULE``) it reads case code from stdin, runs
it in a fresh interpreter with ``import MODULE as tf`` and prints the result as JSON after a
marker line. Cases whose output depends on process-wide state (TF logs some warnings only the
first N times per process) are run that way.

`compare_results` compares a recorded result with the target's; test_tf_goldens.py and
test_array_goldens.py both use it.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import logging
import math
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np

_ADDRESS_RE = re.compile(r" at 0x[0-9a-fA-F]+")
_MARKER = "@@TF_GOLDEN_RESULT@@"


def mask_addresses(text: str) -> str:
    """Replaces memory addresses in reprs so that outputs are deterministic.

    Args:
        text: Any string, typically a ``repr``.

    Returns:
        The string with every `` at 0x...`` replaced by `` at 0x?``.
    """
    return _ADDRESS_RE.sub(" at 0x?", text)


def encode_scalar(value: Any) -> Any:
    """Turns one Python/NumPy scalar into JSON-able data.

    JSON has no nan/inf or complex numbers, so they become strings and ``{"re", "im"}`` dicts.

    Args:
        value: A bool, int, float, complex or NumPy scalar.

    Returns:
        A JSON-able value.
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (complex, np.complexfloating)):
        value = complex(value)
        return {"re": encode_scalar(value.real), "im": encode_scalar(value.imag)}
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    return repr(value)


def encode_array(array: np.ndarray) -> Any:
    """Encodes an ndarray (or NumPy scalar) as nested lists of JSON-able scalars."""
    listed = np.asarray(array).tolist()

    def walk(item: Any) -> Any:
        if isinstance(item, list):
            return [walk(x) for x in item]
        return encode_scalar(item)

    return walk(listed)


def _is_dtype(obj: Any) -> bool:
    return all(hasattr(obj, a) for a in ("as_numpy_dtype", "is_floating", "name"))


def _is_shape(obj: Any) -> bool:
    return all(hasattr(obj, a) for a in ("as_list", "rank", "dims"))


def _is_tensor(obj: Any) -> bool:
    return (
        not isinstance(obj, (np.ndarray, np.generic))
        and callable(getattr(obj, "numpy", None))
        and hasattr(obj, "dtype")
        and hasattr(obj, "shape")
    )


def _is_variable(obj: Any) -> bool:
    return _is_tensor(obj) and all(hasattr(obj, a) for a in ("assign", "trainable", "name"))


def _describe_tensor_fields(obj: Any) -> dict[str, Any]:
    return {
        "dtype": obj.dtype.name,
        "shape": list(obj.shape.as_list()),
        "value": encode_array(obj.numpy()),
        "str": mask_addresses(str(obj)),
        "repr": mask_addresses(repr(obj)),
        "type": type(obj).__name__,
    }


def describe(obj: Any) -> Any:
    """Turns a case result into JSON-able data, identically for TF and tapeflow objects.

    Args:
        obj: Anything a golden case left in ``out``.

    Returns:
        Nested dicts/lists of JSON-able values; each dict has a ``kind`` key.
    """
    if obj is None:
        return {"kind": "none"}
    if isinstance(obj, (bool, int, float, complex, str)) and not isinstance(obj, np.generic):
        value = mask_addresses(obj) if isinstance(obj, str) else encode_scalar(obj)
        return {"kind": "py", "type": type(obj).__name__, "value": value}
    if isinstance(obj, np.ndarray):
        return {
            "kind": "ndarray",
            "dtype": str(obj.dtype),
            "shape": list(obj.shape),
            "value": encode_array(obj),
            "repr": repr(obj),
        }
    if isinstance(obj, np.generic):
        return {
            "kind": "npscalar",
            "type": type(obj).__name__,
            "dtype": str(obj.dtype),
            "value": encode_scalar(obj),
            "repr": repr(obj),
        }
    if _is_variable(obj):
        desc = {"kind": "variable", "name": obj.name, "trainable": bool(obj.trainable)}
        desc.update(_describe_tensor_fields(obj))
        return desc
    if _is_tensor(obj):
        desc = {"kind": "tensor"}
        desc.update(_describe_tensor_fields(obj))
        return desc
    if all(hasattr(obj, a) for a in ("values", "indices", "dense_shape")):
        # Sparse gradients (e.g. of tf.gather); their repr embeds a module path, so record parts.
        return {
            "kind": "indexed_slices",
            "type": type(obj).__name__,
            "values": describe(obj.values),
            "indices": describe(obj.indices),
            "dense_shape": describe(obj.dense_shape),
        }
    if _is_dtype(obj):
        return {"kind": "dtype", "repr": repr(obj), "name": obj.name}
    if _is_shape(obj):
        try:
            as_list: Any = obj.as_list()
        except ValueError:
            # Unknown-rank shapes refuse as_list(); record that instead of failing.
            as_list = None
        return {"kind": "shape", "str": str(obj), "repr": repr(obj), "as_list": as_list}
    if isinstance(obj, (list, tuple)) and type(obj) in (list, tuple):
        return {"kind": type(obj).__name__, "items": [describe(x) for x in obj]}
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            key_desc = key if isinstance(key, str) else mask_addresses(repr(key))
            items.append([key_desc, describe(value)])
        return {"kind": "dict", "items": items}
    return {"kind": "object", "type": type(obj).__name__, "repr": mask_addresses(repr(obj))}


class _ListHandler(logging.Handler):
    """Collects log records; the same record may reach it through several loggers."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not any(r is record for r in self.records):
            self.records.append(record)


def _describe_exception(exc: BaseException) -> dict[str, Any]:
    cls = type(exc)
    return {
        "type": cls.__name__,
        "qualname": cls.__qualname__,
        # Base classes tell whether e.g. InvalidArgumentError is also a ValueError.
        "mro": [c.__name__ for c in cls.__mro__ if c is not object],
        "message": mask_addresses(str(exc)),
    }


def run_case(code: str, tf_module: Any) -> dict[str, Any]:
    """Executes one golden case and records everything observable about it.

    Args:
        code: Python statements; ``tf`` and ``np`` are predefined, the result goes in ``out``.
        tf_module: The module playing the role of ``tf`` (tensorflow or tapeflow).

    Returns:
        A dict with ``out`` (described, or absent), ``stdout``, ``exception`` (or None) and
        ``warnings`` (Python warnings and log records of level WARNING or above).
    """
    namespace: dict[str, Any] = {"tf": tf_module, "np": np, "__name__": "golden_case"}
    handler = _ListHandler()
    loggers = [logging.getLogger(), logging.getLogger("tensorflow")]
    for logger in loggers:
        logger.addHandler(handler)
    stdout = io.StringIO()
    exception = None
    try:
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(stdout):
            warnings.simplefilter("always")
            try:
                exec(compile(code, "<golden case>", "exec"), namespace)
            except Exception as exc:  # noqa: BLE001 - recording the error is the point
                exception = _describe_exception(exc)
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    captured = [f"{w.category.__name__}: {w.message}" for w in caught]
    captured += [f"{r.levelname}: {r.getMessage()}" for r in handler.records]
    result: dict[str, Any] = {
        "stdout": mask_addresses(stdout.getvalue()),
        "exception": exception,
        "warnings": [mask_addresses(w) for w in captured],
    }
    if "out" in namespace:
        try:
            result["out"] = describe(namespace["out"])
        except Exception as exc:  # noqa: BLE001 - describing must not hide the case result
            result["describe_error"] = _describe_exception(exc)
    return result


def run_case_isolated(code: str, module_name: str, python: str | None = None) -> dict[str, Any]:
    """Runs a case in a fresh interpreter (for warnings TF logs only first-N times a process).

    Args:
        code: The case code.
        module_name: Module to import as ``tf`` ("tensorflow" or "tapeflow").
        python: Interpreter to use; defaults to the current one.

    Returns:
        The same dict as :func:`run_case`.
    """
    env = dict(os.environ)
    if python is None:
        # The child must find the same packages (e.g. tapeflow from src/) as this process.
        paths = [p for p in sys.path if p] + [env.get("PYTHONPATH", "")]
        env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    proc = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [python or sys.executable, str(Path(__file__).resolve()), module_name],
        input=code,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if _MARKER not in proc.stdout:
        raise RuntimeError(f"isolated case failed to run:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.split(_MARKER, 1)[1])


# -- comparison (a golden result against the target's) ----------------------------------------

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


def same_numpy_release(recorded: str) -> bool:
    """Whether this process runs the NumPy minor release `recorded` (e.g. "2.4.6").

    NumPy's scalar formatting and some of its messages change between releases, so printed
    text is only comparable under the release the goldens were recorded with.
    """

    def minor(version: str) -> tuple:
        return tuple(int(part) for part in version.split(".")[:2])

    return minor(np.__version__) == minor(recorded)


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
    """Reduces ``pkg.mod.Class`` to ``Class`` (for the harness's KNOWN_DIFFERENCES cases)."""
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
    """Compares encoded values (see `encode_scalar`) recursively."""
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

    def __init__(self, normalise: bool, compare_text: bool) -> None:
        self.normalise = normalise
        self.compare_text = compare_text
        self.errors: list[str] = []

    def text(self, path: str, expected: str, actual: Any, rel_tol: float) -> None:
        """Compares two printed strings."""
        if not isinstance(actual, str):
            self.errors.append(f"{path}: expected a string, got {actual!r}")
            return
        if not self.compare_text:
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


def compare_results(
    expected: dict[str, Any],
    actual: dict[str, Any],
    *,
    compare_text: bool = True,
    normalise_paths: bool = False,
    relax_message: bool = False,
) -> list[str]:
    """Returns the list of differences between a golden case result and the target's.

    Args:
        expected: Golden result.
        actual: Result of ``run_case`` on the target.
        compare_text: Compare printed text and messages (only meaningful under the NumPy
            release the goldens were recorded with, see `same_numpy_release`).
        normalise_paths: Reduce dotted module paths to class names before comparing text
            (the golden harness's KNOWN_DIFFERENCES).
        relax_message: Skip the exception message (the harness's MESSAGE_RELAXED).

    Returns:
        Human-readable mismatch descriptions; empty when the case passes.
    """
    comparer = Comparer(normalise=normalise_paths, compare_text=compare_text)
    comparer.exception(expected["exception"], actual["exception"], relax_message)
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


def _main() -> None:
    module = importlib.import_module(sys.argv[1])
    result = run_case(sys.stdin.read(), module)
    sys.stdout.write(_MARKER + json.dumps(result))


if __name__ == "__main__":
    _main()
