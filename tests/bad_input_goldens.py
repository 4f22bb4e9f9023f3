"""Recording and replay of the bad-input goldens (tests/data/tf_bad_input_goldens.json).

The file is written by tools/tf_goldens/make_bad_input_goldens.py under real TensorFlow and
replayed on tapeflow by tests/test_bad_inputs.py. Both run a case through `run` below, so the
recorded outcome and tapeflow's have one format. Like family_goldens.py, this module runs under
TensorFlow and under tapeflow, so it never imports either: the ``tf`` module is an argument.

A case is two code strings run with ``tf`` and ``np`` defined: ``setup`` builds the inputs
(``x = ...``), ``call`` runs the function under test and leaves its result in ``out``. They are
run separately so that a test can tell which ops the call itself executes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

_ADDRESS_RE = re.compile(r" at 0x[0-9a-fA-F]+")


def outcome(value: Any) -> Any:
    """What a case's result is: dtype and shape of tensors, recursively for structures.

    A tensor becomes ``{"dtype", "shape"}``, a list or tuple (named tuples too) a list, None
    None, an IndexedSlices ``{"indexed_slices": dtype, "dense_shape"}``, a Python scalar
    ``{"py": type name}`` and anything else ``{"type": type name}``.
    """
    if value is None:
        return None
    if isinstance(value, (bool, int, float, complex, str)) and not isinstance(value, np.generic):
        return {"py": type(value).__name__}
    if isinstance(value, (list, tuple)):
        return [outcome(v) for v in value]
    if all(hasattr(value, a) for a in ("values", "indices", "dense_shape")):
        dense_shape = np.asarray(value.dense_shape).tolist()
        return {"indexed_slices": value.values.dtype.name, "dense_shape": dense_shape}
    if callable(getattr(value, "numpy", None)) and hasattr(value, "dtype"):
        return {"dtype": value.dtype.name, "shape": list(value.shape.as_list())}
    return {"type": type(value).__name__}


def describe_error(e: BaseException) -> dict:
    """An exception as ``{"type", "mro", "message"}`` (memory addresses masked)."""
    mro = [c.__name__ for c in type(e).__mro__ if c not in (object, BaseException)]
    return {"type": type(e).__name__, "mro": mro, "message": _ADDRESS_RE.sub(" at 0x?", str(e))}


def run(
    setup: str,
    call: str,
    tf_module: Any,
    around_call: Callable[[Callable[[], None]], None] | None = None,
) -> dict:
    """Runs one case.

    Args:
        setup: Code building the inputs.
        call: Code calling the function under test; leaves its result in ``out``.
        tf_module: The module playing ``tf`` (tensorflow or tapeflow).
        around_call: Optional ``around_call(thunk)`` that runs ``thunk`` (the call), e.g. with
            an op recorder installed.

    Returns:
        ``{"setup_error": error}`` if the setup raised, else ``{"error": error}`` if the call
        raised, else ``{"out": outcome(out)}``.
    """
    namespace: dict[str, Any] = {"tf": tf_module, "np": np}
    try:
        exec(setup, namespace)
    except Exception as e:  # noqa: BLE001 - recording the error is the point
        return {"setup_error": describe_error(e)}

    def thunk() -> None:
        exec(call, namespace)

    try:
        if around_call is None:
            thunk()
        else:
            around_call(thunk)
    except Exception as e:  # noqa: BLE001 - recording the error is the point
        return {"error": describe_error(e)}
    return {"out": outcome(namespace.get("out"))}
