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
from tapeflow._core.registry import REGISTRY, add_output_check, load_all, remove_output_check

load_all()  # every op family: this module goes through the whole registry

ROOT = Path(__file__).resolve().parents[1]
GOLDENS = json.loads((ROOT / "tests" / "data" / "tf_bad_input_goldens.json").read_text())
EXAMPLES = GOLDENS["examples"]
FUNCTIONS = GOLDENS["functions"]
NAMESPACES = ("", "math", "linalg", "nn", "random", "bitwise", "debugging", "dtypes")
ALLOWED_BASES = {"OpError", "TypeError", "ValueError"}

# Where tapeflow deliberately differs from TF: (function or "*", variant) -> (reason, what
# tapeflow does instead: ("setup" or "call", the class it raises) or ("out", its outcome)).
_NONE_FIRST = (
    "TF's Python wrapper reads `.shape`/`.dtype` of None before converting it and leaks "
    "an AttributeError/TypeError; tapeflow converts first and raises conversion's ValueError"
)
_NO_GRADIENT = (
    "TF registers no gradient for this op, so the tape raises LookupError; tapeflow's walk "
    "(autodiff/walk.py) treats every op without a rule as not differentiable, TF's "
    "NotDifferentiable, and gives None"
)
KNOWN_DIFFERENCES = {
    ("*", "string"): (
        "tapeflow has no tf.string dtype: building the string input already fails, with the "
        "error TF gives for values of an unsupported type",
        ("setup", "ValueError"),
    ),
    **{
        (name, "none"): (_NONE_FIRST, ("call", "ValueError"))
        for name in (
            "einsum",
            "meshgrid",
            "nn.avg_pool",
            "nn.max_pool",
            "nn.conv2d",
            "nn.batch_normalization",
            "nn.moments",
        )
    },
    **{
        (name, "grad"): (_NO_GRADIENT, ("out", None))
        for name in ("math.is_finite", "math.is_inf", "math.is_nan", "truncatemod")
    },
    ("linalg.lstsq", "empty"): (
        "TF's shape inference leaks an IndexError; tapeflow's MatrixSolveLs check names the rank",
        ("call", "InvalidArgumentError"),
    ),
    ("linalg.lstsq", "rank0"): (
        "TF's shape inference leaks NumPy's 'zero-size array to reduction operation' "
        "ValueError; tapeflow's MatrixSolveLs check names the rank",
        ("call", "InvalidArgumentError"),
    ),
    ("range", "bool"): (
        "TF's dtype inference is a bare `assert` (AssertionError); tapeflow says which bound "
        "has which dtype",
        ("call", "TypeError"),
    ),
    ("range", "complex64"): (
        "TF's dtype inference is a bare `assert` (AssertionError); tapeflow says which bound "
        "has which dtype",
        ("call", "TypeError"),
    ),
    **{
        (name, "rank5"): (
            "TF pools rank-5 inputs in 3-D; tapeflow has no 3-D pooling",
            ("call", "UnimplementedError"),
        )
        for name in ("nn.avg_pool", "nn.max_pool")
    },
    **{
        (name, "rank5"): (
            "TF's convolutions take extra leading batch dimensions and grouped convolution "
            "(input channels a multiple of the filter's); tapeflow's take rank-4 NHWC inputs "
            "whose channels match the filter",
            ("call", "InvalidArgumentError"),
        )
        for name in ("nn.conv1d", "nn.conv2d")
    },
}

# Example cases where tapeflow deliberately differs from TF: name -> (reason, what tapeflow
# does instead, as in KNOWN_DIFFERENCES).
_RANK = (
    "NumPy arrays have at most 64 dimensions (TF's tensors 254): tapeflow refuses higher ranks "
    "with an InvalidArgumentError, the class TF uses past its own limit"
)
KNOWN_EXAMPLE_DIFFERENCES = {
    "rank_above_numpy_limit": (_RANK, ("call", "InvalidArgumentError")),
    "zeros_rank_above_numpy_limit": (_RANK, ("call", "InvalidArgumentError")),
    "ones_rank_above_numpy_limit": (_RANK, ("call", "InvalidArgumentError")),
    "expand_dims_past_rank_limit": (_RANK, ("call", "InvalidArgumentError")),
    "exp_of_str": (
        "tapeflow has no tf.string dtype: 'a' is a value of an unsupported type",
        ("call", "ValueError"),
    ),
    "output_gradients_shape": (
        "TF does not check output_gradients against the target: its Mul gradient returns a "
        "(3,) gradient for a (2,) source. tapeflow refuses the mismatched shape",
        ("call", "ValueError"),
    ),
    "output_gradients_broadcast": (
        "TF's Mul gradient returns the scalar output gradient times 2, a () gradient for a "
        "(2,) source; tapeflow broadcasts the upstream gradient to the target's shape",
        ("out", {"dtype": "float32", "shape": [2]}),
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
        where, expected = known[1]
        if where == "out":
            ok = actual.get("out", "missing") == expected
        else:
            key = "setup_error" if where == "setup" else "error"
            ok = actual.get(key, {}).get("type") == expected
        if not ok:
            return f"known difference ({known[0]}): expected {where} {expected}, got {actual}"
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
    problem = _mismatch(golden, actual, KNOWN_EXAMPLE_DIFFERENCES.get(name))
    assert problem is None, f"{golden['call']}\n  -> {problem}"
    if "error" in golden and name not in {**MESSAGE_RELAXED, **KNOWN_EXAMPLE_DIFFERENCES}:
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
UNREACHED: dict[str, str] = {
    # The table keys cases by TF function name, and tf.random.stateless_uniform's key runs the
    # float sampler; the integer samplers' values and errors are pinned by test_random_ops.py.
    "StatelessRandomUniformIntV2": "tf.random.stateless_uniform(dtype=int, minval, maxval)",
    "StatelessRandomUniformFullIntV2": "tf.random.stateless_uniform(dtype=int, None, None)",
    # Recorded only while a tf.function traces `x[i]` with a call-dependent index (the
    # cases run eagerly); its bad indices are pinned by test_function_tensor_index.py.
    "TensorIndex": "x[i] inside a traced tf.function",
    "TensorIndexGrad": "the gradient of x[i] inside a traced tf.function",
}


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
