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
                exec(compile(code, "<golden case>", "exec"), namespace)  # noqa: S102
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


def _main() -> None:
    module = importlib.import_module(sys.argv[1])
    result = run_case(sys.stdin.read(), module)
    sys.stdout.write(_MARKER + json.dumps(result))


if __name__ == "__main__":
    _main()
