"""Every bad input gets TensorFlow's error class (issue 15), replayed from TF 2.21 goldens.

tests/data/tf_bad_input_goldens.json is written by tools/tf_goldens/make_bad_input_goldens.py,
which ran every case under TensorFlow 2.21 (observed results; TF is never imported here):

* the hand-written EXAMPLES must raise TF's error class with TF's message (after removing TF's
  eager-runtime wrapper text, tf_golden_util.strip_runtime_artifacts), or give TF's dtypes and
  shapes;
* the GENERATED cases (every public function, its good input and a fixed list of bad inputs
  for its first tensor argument) must raise TF's error class, or give TF's dtypes and shapes.

Whatever tapeflow raises must be a TF error class (`tf.errors.OpError`), a TypeError or
ValueError, or the very class TF raised: never an internal Python exception. And every op of
the registry must be executed by some case.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
import types
from pathlib import Path

import pytest
from bad_input_goldens import run
from tf_golden_util import strip_runtime_artifacts

import tapeflow as tf
from tapeflow._core.registry import REGISTRY, add_output_check, remove_output_check

ROOT = Path(__file__).resolve().parents[1]
GOLDENS = json.loads((ROOT / "tests" / "data" / "tf_bad_input_goldens.json").read_text())
EXAMPLES = GOLDENS["examples"]
FUNCTIONS = GOLDENS["functions"]
NAMESPACES = ("", "math", "linalg", "nn", "random", "bitwise", "debugging", "dtypes")
ALLOWED_BASES = {"OpError", "TypeError", "ValueError"}

# Where tapeflow deliberately differs from TF: (function or "*", variant) -> (reason, what
# tapeflow raises instead: the class name, and where: "setup" or "call").
KNOWN_DIFFERENCES = {
    ("*", "string"): (
        "tapeflow has no tf.string dtype: building the string input already fails, with the "
        "error TF gives for values of an unsupported type",
        ("setup", "ValueError"),
    ),
}

# Example cases where tapeflow deliberately differs from TF: name -> (reason, the class
# tapeflow raises).
KNOWN_EXAMPLE_DIFFERENCES = {
    "rank_above_numpy_limit": (
        "NumPy arrays have at most 64 dimensions (TF allows 254): tapeflow refuses higher "
        "ranks with an InvalidArgumentError, the class TF uses past its own limit",
        "InvalidArgumentError",
    ),
    "zeros_rank_above_numpy_limit": (
        "NumPy arrays have at most 64 dimensions (TF allows 254)",
        "InvalidArgumentError",
    ),
    "ones_rank_above_numpy_limit": (
        "NumPy arrays have at most 64 dimensions (TF allows 254)",
        "InvalidArgumentError",
    ),
    "expand_dims_past_rank_limit": (
        "NumPy arrays have at most 64 dimensions (TF allows 254)",
        "InvalidArgumentError",
    ),
}

# Example cases whose message tapeflow words differently (the class must still match).
MESSAGE_RELAXED: dict[str, str] = {}


def _generator() -> types.ModuleType:
    tools = ROOT / "tools" / "tf_goldens"
    if str(tools) not in sys.path:
        sys.path.insert(0, str(tools))
    spec = importlib.util.spec_from_file_location(
        "make_bad_input_goldens", tools / "make_bad_input_goldens.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _resolve(dotted: str):
    obj = tf
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _public_callables() -> dict[int, list[str]]:
    """id(callable) -> its public names, for every function of the TF namespaces."""
    found: dict[int, list[str]] = {}
    for namespace in NAMESPACES:
        module = _resolve(namespace) if namespace else tf
        for name in sorted(dir(module)):
            obj = getattr(module, name)
            if name.startswith("_") or isinstance(obj, (types.ModuleType, type)):
                continue
            if callable(obj):
                found.setdefault(id(obj), []).append(f"{namespace}.{name}".lstrip("."))
    return found


def _record_ops(ops: set):
    def around(thunk):
        def check(op, inputs, outputs, attrs):
            ops.add(op.type)

        add_output_check(check)
        try:
            thunk()
        finally:
            remove_output_check(check)

    return around


@functools.cache
def _replay(function: str) -> tuple[dict, dict]:
    """tapeflow's result of every case of `function`, and the ops each case's call ran."""
    results, ops = {}, {}
    for variant, golden in FUNCTIONS[function]["cases"].items():
        ops[variant] = set()
        results[variant] = run(golden["setup"], golden["call"], tf, _record_ops(ops[variant]))
    return results, ops


def _error_allowed(actual: dict, expected_type: str | None) -> bool:
    return bool(ALLOWED_BASES.intersection(actual["mro"])) or actual["type"] == expected_type


def _mismatch(golden: dict, actual: dict, known: tuple | None) -> str | None:
    """Why tapeflow's result differs from TF's, or None."""
    for key in ("setup_error", "error"):
        if key in actual and not _error_allowed(actual[key], golden.get("error", {}).get("type")):
            return f"internal exception {actual[key]}"
    if known is not None:
        where, cls = known[1]
        key = "setup_error" if where == "setup" else "error"
        if actual.get(key, {}).get("type") != cls:
            return f"known difference ({known[0]}): expected {cls} in {where}, got {actual}"
        return None
    if "setup_error" in actual:
        return f"the input could not be built: {actual['setup_error']}"
    if "error" in golden:
        if "error" not in actual:
            return (
                f"TF raised {golden['error']['type']}: {golden['error']['message']!r}; got {actual}"
            )
        if actual["error"]["type"] != golden["error"]["type"]:
            return (
                f"TF raised {golden['error']['type']}: {golden['error']['message']!r}; "
                f"tapeflow {actual['error']['type']}: {actual['error']['message']!r}"
            )
        return None
    if "error" in actual:
        return f"TF returned {golden['out']}; tapeflow raised {actual['error']}"
    if actual["out"] != golden["out"]:
        return f"TF returned {golden['out']}; tapeflow {actual['out']}"
    return None


def _known(function: str, variant: str) -> tuple | None:
    return KNOWN_DIFFERENCES.get((function, variant)) or KNOWN_DIFFERENCES.get(("*", variant))


# -- the goldens and the functions they cover ---------------------------------------------------


def test_goldens_are_current() -> None:
    """The golden file holds exactly the generator's cases (regenerate it if not)."""
    generator = _generator()
    recorded_examples = {n: (c["setup"], c["call"]) for n, c in EXAMPLES.items()}
    current_examples = {n: (c["setup"], c["call"]) for n, c in generator.example_cases().items()}
    assert recorded_examples == current_examples, "run make_bad_input_goldens.py"
    recorded = {
        f: {v: (c["setup"], c["call"]) for v, c in e["cases"].items()} for f, e in FUNCTIONS.items()
    }
    current = {
        f: {v: (c["setup"], c["call"]) for v, c in e["cases"].items()}
        for f, e in generator.generated_cases().items()
    }
    assert recorded == current, "tests/data/tf_bad_input_goldens.json is stale"
    assert GOLDENS["skipped"] == generator.SKIPPED


def test_every_public_function_is_generated_or_skipped_with_a_reason() -> None:
    covered = {id(_resolve(name)) for name in FUNCTIONS}
    skipped = {id(_resolve(name)) for name in GOLDENS["skipped"]}
    missing = [names for key, names in _public_callables().items() if key not in covered | skipped]
    assert not missing, f"public functions without bad-input cases: {missing}"
    assert not covered & skipped


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_good_input_runs_registered_ops(function: str) -> None:
    """A function marked as running an op runs one on its good input (and the others none)."""
    _, ops = _replay(function)
    assert bool(ops["good"]) == FUNCTIONS[function]["runs_op"], (function, ops["good"])


# -- replay -------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_bad_inputs_match_tensorflow(function: str) -> None:
    results, _ = _replay(function)
    problems = []
    for variant, golden in FUNCTIONS[function]["cases"].items():
        problem = _mismatch(golden, results[variant], _known(function, variant))
        if problem:
            setup, call = golden["setup"], golden["call"]
            problems.append(f"[{variant}] {setup}\n{call}\n  -> {problem}")
    assert not problems, f"{function}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_matches_tensorflow(name: str) -> None:
    golden = EXAMPLES[name]
    actual = run(golden["setup"], golden["call"], tf)
    if name in KNOWN_EXAMPLE_DIFFERENCES:
        reason, cls = KNOWN_EXAMPLE_DIFFERENCES[name]
        assert actual.get("error", {}).get("type") == cls, (reason, actual)
        return
    problem = _mismatch(golden, actual, None)
    assert problem is None, f"{golden['call']}\n  -> {problem}"
    if "error" in golden and name not in MESSAGE_RELAXED:
        expected = strip_runtime_artifacts(golden["error"]["message"])
        assert strip_runtime_artifacts(actual["error"]["message"]) == expected


def test_known_differences_name_real_cases() -> None:
    for function, variant in KNOWN_DIFFERENCES:
        functions = FUNCTIONS.values() if function == "*" else [FUNCTIONS[function]]
        assert any(variant in f["cases"] for f in functions), (function, variant)
    for name in {**KNOWN_EXAMPLE_DIFFERENCES, **MESSAGE_RELAXED}:
        assert name in EXAMPLES, name


# -- registry coverage --------------------------------------------------------------------------

# Ops no public function reaches with the generated inputs: op type -> reason (and the case
# that runs it instead, if any).
UNREACHED: dict[str, str] = {}


def test_every_registered_op_is_executed() -> None:
    executed: set = set()
    for function in FUNCTIONS:
        for ops in _replay(function)[1].values():
            executed |= ops
    for golden in EXAMPLES.values():
        run(golden["setup"], golden["call"], tf, _record_ops(executed))
    missing = sorted(set(REGISTRY) - executed - set(UNREACHED))
    assert not missing, f"registered ops no bad-input case executes: {missing}"
    stale = sorted(set(UNREACHED) & executed)
    assert not stale, f"UNREACHED lists ops that are executed: {stale}"
