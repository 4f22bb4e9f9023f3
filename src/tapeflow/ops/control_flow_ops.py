"""Functional control flow, as TensorFlow runs it eagerly: `tf.cond`, `tf.case`,
`tf.switch_case`, `tf.while_loop`, `tf.map_fn`, `tf.scan`, `tf.foldl`, `tf.foldr` and
`tf.TensorArray`.

In eager mode TF builds nothing: `cond` calls the branch its predicate picks, `while_loop`
is a Python loop over `body`, `map_fn`/`scan`/`foldl`/`foldr` are while loops that read and
write TensorArrays, and a TensorArray is a Python list of tensors. So nothing here is an op:
the tape records the ops the chosen branch and the iterations that ran executed (a
TensorArray's `stack`, `unstack`, `concat` and `split` are the array ops of the same names),
and gradients, higher orders, jacobians and forward-mode JVPs flow through exactly those.

Each function follows the code of TF 2.21's eager path step for step (cond.py,
control_flow_case.py, control_flow_switch_case.py, while_loop.py, map_fn.py,
functional_ops.py, tensor_array_ops.py), so Python values stay Python values where TF
keeps them, structures come back as TF returns them, and errors have TF's classes and
messages; `_assert_same_structure` gives the messages of TF's nest checks. In eager mode
TF checks neither branch structures (cond) nor loop-variable shapes (while_loop without
shape invariants): only structures, as here.

Under a traced `tf.function` a construct whose predicate, index, loop variables
or elements are call-dependent is recorded as one replay step whose branches and bodies
are sub-traces (`_replaying_trace`, _compile/control_flow.py; under tapes one tape entry with a
replayed gradient), and map_fn, scan and the folds that cannot be one (a tape inside, no
elements, a Python initializer) are unrolled over their static length (`_unrolled`); the
values, structures and errors are those of the eager code here.

One deliberate addition: a construct that raises changes nothing (TF eager would keep
what the iterations before the failure did). The tapes of this thread lose the entries
recorded since the construct started and the variables it assigned get their values back,
as a failing `tf.function` call undoes its assignments (see `_atomically`).
"""

from __future__ import annotations

import collections
import collections.abc
import functools
import os
import sys

import numpy as np

from .._core import dtypes as _dt
from .._core import nest
from .._core import tape as _tape
from .._core.errors import InvalidArgumentError, OpError, OutOfRangeError, invalid_argument
from .._core.logging import warn
from .._core.tensor import EagerTensor, Tensor, _is_variable, constant, convert_to_tensor, make
from .._core.tensor_shape import TensorShape, as_shape
from .._core.tensor_spec import TensorSpec
from .array_ops import concat as _concat
from .array_ops import split as _split
from .array_ops import stack as _stack
from .array_ops import unstack as _unstack
from .array_ops import zeros as _zeros
from .debug_ops import Assert
from .math_ops import cast, equal, less, less_equal, logical_and
from .reduction_ops import reduce_sum

__all__ = [
    "TensorArray",
    "TensorArraySpec",
    "case",
    "cond",
    "foldl",
    "foldr",
    "map_fn",
    "scan",
    "switch_case",
    "while_loop",
]


# -- structures: TF's nest checks and messages -------------------------------------------------


class _Dot:
    """The leaf of TF's "Entire first structure" summaries: prints as a dot."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "."

    __str__ = __repr__


_DOT = _Dot()
_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE


def _type_name(obj) -> str:
    """CPython's `tp_name` of `type(obj)`, which TF's messages print: the bare name of
    Python classes and builtins, the dotted name of other extension types."""
    cls = type(obj)
    if cls.__flags__ & _HEAP_TYPE or cls.__module__ == "builtins":
        return cls.__name__
    return f"{cls.__module__}.{cls.__name__}"


def _describe(obj) -> str:
    """TF's PyObjectToString: the type's name and `str()` (not `format`: a tensor formats
    as its bare NumPy value)."""
    return f"type={_type_name(obj)} str={obj!s}"


def _is_namedtuple(obj) -> bool:
    fields = getattr(type(obj), "_fields", None)
    return (
        isinstance(obj, tuple)
        and isinstance(fields, collections.abc.Sequence)
        and all(isinstance(f, str) for f in fields)
    )


def _children(structure) -> list:
    if isinstance(structure, collections.abc.Mapping):
        return [structure[k] for k in sorted(structure)]
    return list(structure)


def _mismatch(a, b):
    """(exception class, TF's detail message) for the first difference, or None."""
    nested_a, nested_b = nest.is_nested(a), nest.is_nested(b)
    if nested_a != nested_b:
        seq, leaf = (a, b) if nested_a else (b, a)
        return ValueError, (
            f'Substructure "{_describe(seq)}" is a sequence, while substructure '
            f'"{_describe(leaf)}" is not'
        )
    if not nested_a:
        return None
    type_a, type_b = type(a), type(b)
    if _is_namedtuple(a) and _is_namedtuple(b):
        differ = type_a.__name__ != type_b.__name__ or tuple(a._fields) != tuple(b._fields)
    else:
        differ = (
            type_a is not type_b
            and not (isinstance(a, list) and isinstance(b, list))
            and not (
                isinstance(a, collections.abc.Mapping) and isinstance(b, collections.abc.Mapping)
            )
        )
    if differ:
        return TypeError, (
            "The two namedtuples don't have the same sequence type. First structure "
            f"{_describe(a)} has type {_type_name(a)}, while second structure {_describe(b)} "
            f"has type {_type_name(b)}"
        )
    if isinstance(a, dict) and isinstance(b, dict):
        if len(a) != len(b) or any(k not in b for k in a):
            return ValueError, (
                "The two dictionaries don't have the same set of keys. First structure has keys "
                f"{_describe(list(a))}, while second structure has keys {_describe(list(b))}"
            )
    children_a, children_b = _children(a), _children(b)
    for x, y in zip(children_a, children_b):
        found = _mismatch(x, y)
        if found is not None:
            return found
    if len(children_a) != len(children_b):
        return ValueError, (
            "The two structures don't have the same number of elements. "
            f"First structure: {_describe(a)}. Second structure: {_describe(b)}"
        )
    return None


def _assert_same_structure(nest1, nest2) -> None:
    """TF's `nest.assert_same_structure(nest1, nest2)` (types checked), with its messages."""
    found = _mismatch(nest1, nest2)
    if found is None:
        return
    error, detail = found
    dots1 = nest.map_structure(lambda _: _DOT, nest1)
    dots2 = nest.map_structure(lambda _: _DOT, nest2)
    raise error(
        "The two structures don't have the same nested structure.\n\n"
        f"First structure: {_describe(nest1)}\n\nSecond structure: {_describe(nest2)}\n\n"
        f"More specifically: {detail}\nEntire first structure:\n{dots1}\n"
        f"Entire second structure:\n{dots2}"
    )


def _convert_variables(structure):
    """TF's `convert_variables_to_tensors`: variables in `structure` become their values."""
    return nest.map_structure(lambda x: convert_to_tensor(x) if _is_variable(x) else x, structure)


def _number_as_tensor(value):
    """A Python or NumPy number (or NumPy array) as a tensor; anything else unchanged."""
    if type(value) in (int, float, bool, complex) or isinstance(value, (np.generic, np.ndarray)):
        return convert_to_tensor(value)
    return value


def _type_spec(value):
    """TF's `type_spec_from_value`: a TensorArray's or tensor's spec, else the spec of the
    value converted to a tensor (which raises TF's conversion errors)."""
    if isinstance(value, TensorArray):
        return TensorArraySpec(value.element_shape, value.dtype, value.dynamic_size, value._infer)
    if not isinstance(value, Tensor):
        value = convert_to_tensor(value)
    return TensorSpec(value.shape, value.dtype)


def _convert_preferred(value, dtype):
    """TF's `convert_to_tensor(value, preferred_dtype=dtype)`: `dtype` when the value
    converts to it, the value's own dtype otherwise."""
    try:
        return convert_to_tensor(value, dtype=dtype)
    except (TypeError, ValueError):
        return convert_to_tensor(value)


# -- a construct that raises changes nothing ---------------------------------------------------


class _Undo(_tape.Journal):
    """What a running construct must undo if it raises: the variables it assigned (the
    journal's part), and the entries this thread's tapes recorded since it started (and
    the ids and variables they began tracking)."""

    __slots__ = ("marks",)

    def __init__(self, tapes: list):
        super().__init__()
        self.marks = [(tape, len(tape.entries), len(tape.variables)) for tape in tapes]

    def rollback(self) -> None:
        for tape, n_entries, n_variables in self.marks:
            added = tape.entries[n_entries:]
            del tape.entries[n_entries:]
            for _, _, outputs, _ in added:  # laid out as tape.Entry
                for o in outputs if type(outputs) is tuple else (outputs,):
                    tape.ids.discard(o._id)
            for vid in list(tape.variables)[n_variables:]:
                del tape.variables[vid]
                tape.ids.discard(vid)
        self.undo_assignments()


def _atomically(fn, *args):
    """Runs `fn(*args)`; if it raises, undoes its tape entries and assignments first.

    Only the outermost construct keeps marks: the ones it runs are undone with it.
    """
    journals = _tape.state.journals
    for journal in journals:
        if type(journal) is _Undo:
            return fn(*args)
    undo = _Undo(_tape.state.tapes)
    _tape.push(undo)
    try:
        result = fn(*args)
    except BaseException:
        _tape.pop(undo)
        undo.rollback()
        raise
    _tape.pop(undo)
    return result


# -- TF's eager warnings -----------------------------------------------------------------------

_FUNCTIONAL_OPS = "tensorflow.python.ops.functional_ops"  # TF's module, in its warnings
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # tapeflow/
_deprecations_logged: set = set()
_parallel_iterations_logged: list = []


def _call_location() -> str:
    """`file:line` of the user code that called into tapeflow (TF's deprecation warnings)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else "<unknown>"


def _warn_back_prop(function: str, module: str, call: str, back_prop) -> None:
    """TF's `deprecated_arg_values(back_prop=False)` warning, once per function and process.

    `call` is the function's call in TF's instructions, e.g. "tf.scan(fn, elems".
    """
    if back_prop is None or not back_prop == False:  # noqa: E712 - TF's _safe_eq
        return
    if function in _deprecations_logged:
        return
    _deprecations_logged.add(function)
    warn(
        f"From {_call_location()}: calling {function} (from {module}) with back_prop=False is "
        "deprecated and will be removed in a future version.\nInstructions for updating:\n"
        "back_prop=False is deprecated. Consider using tf.stop_gradient instead.\n"
        f"Instead of:\nresults = {call}, back_prop=False)\nUse:\n"
        f"results = tf.nest.map_structure(tf.stop_gradient, {call}))"
    )


def _inside_function() -> bool:
    """Whether a `tf.function` call runs in this thread (each one keeps a journal of its
    assignments, _compile/function.py); TF builds a graph there, not eager code."""
    return any(type(journal) is not _Undo for journal in _tape.state.journals)


# -- tf.cond, tf.case, tf.switch_case ----------------------------------------------------------


def _replaying_trace(value, tapes=True, accumulators=True):
    """The tf.function trace recording this thread, if `value` (a predicate or branch index)
    is call-dependent in it: the construct is then a replay step whose branches are
    sub-traces (_compile/control_flow.py). Tapes inside the function get one entry for the step
    (its gradient a step too) where `tapes`, forward accumulators the tangents the
    branches computed where `accumulators`; else under them it runs as eagerly."""
    state = _tape.state
    trace = state.trace
    if trace is None or (state.accumulators and not accumulators) or (state.tapes and not tapes):
        return None
    if not _steps_constructs(trace):
        return None
    if not isinstance(value, EagerTensor) or value._id not in trace.traced:
        return None
    return trace


_TRACES: list = []  # (Trace, SubTrace), imported when first needed (_compile imports ops)


def _steps_constructs(trace) -> bool:
    """Whether `trace` is tf.function's (or one of its sub-traces), which records constructs
    as steps; other recorders built on Trace (vectorized_map's) see their ops run eagerly."""
    if not _TRACES:
        from .._compile.control_flow import SubTrace
        from .._compile.trace import Trace

        _TRACES.extend((Trace, SubTrace))
    return type(trace) in _TRACES


def _loop_trace(loop_vars, tapes=False):
    """The trace that records a construct over `loop_vars` as one replay step: as
    `_replaying_trace`, when every loop variable is a tensor and one is call-dependent.
    map_fn, scan and the folds pass no `tapes`: under tapes they unroll (`_unrolled`).
    tf.while_loop passes `tapes`, and is a step even if no loop variable is
    call-dependent (its cond may read a captured one; else it repeats the same loop)."""
    leaves = nest.flatten(loop_vars)
    if not all(type(t) is EagerTensor for t in leaves):
        return None
    state = _tape.state
    if tapes and state.trace is not None and not (state.accumulators and state.tapes):
        return state.trace if _steps_constructs(state.trace) else None
    for t in leaves:
        trace = _replaying_trace(t, tapes, accumulators=False)
        if trace is not None:
            return trace
    return None


def _element_arrays(elems_flat: list) -> list:
    """The TensorArrays eager map_fn, scan and the folds read their elements from."""
    n = elems_flat[0].shape[0]
    return [
        TensorArray(dtype=e.dtype, size=n, dynamic_size=False, infer_shape=True).unstack(e)
        for e in elems_flat
    ]


def _unrolled(apply, elems_ta: list, order: list, init=None):
    """map_fn's and scan's loop inside a traced function where no sub-trace step is used
    (a tape or accumulator inside records, no elements, a Python initializer): the eager
    loop unrolled over the static number of elements, so the trace records exactly the ops
    eager runs (Unpack, fn per element, Pack) and a replay repeats them.

    Elements are read from `elems_ta` (`_element_arrays`), as eagerly, so unequal lengths
    raise eager's errors. Without `init` returns the results of `apply(*slices)` per index
    of `order` as a list; with it (scan) of `apply(*acc, *slices)`, as index -> accumulator.
    """
    if init is None:
        return [apply(*[ta.read(i) for ta in elems_ta]) for i in order]
    acc, results = list(init), {}
    for i in order:
        acc = results[i] = apply(*acc, *[ta.read(i) for ta in elems_ta])
    return results


def _cond_select(value) -> int:
    return 0 if value else 1


def _unpack_if_singleton(result):
    if isinstance(result, (list, tuple)) and len(result) == 1:
        return result[0]
    return result


def _cond(pred, true_fn=None, false_fn=None, strict=False, name=None):
    """TF's v1 `cond` in eager mode (tf.case runs it with `strict`)."""
    if true_fn is None:
        raise TypeError("cond(): 'true_fn' argument required")
    if false_fn is None:
        raise TypeError("cond(): 'false_fn' argument required")
    if not callable(true_fn):
        raise TypeError("'true_fn' must be callable.")
    if not callable(false_fn):
        raise TypeError("'false_fn' must be callable.")
    trace = _replaying_trace(pred)
    if trace is not None:  # a call-dependent predicate under a traced tf.function
        pred = convert_to_tensor(pred)
        chosen = 0 if pred._value else 1  # raises NumPy's error for a non-scalar, as below
        result = trace.branch(pred, [true_fn, false_fn], chosen, _cond_select)
    # TF reads the predicate's value (NumPy's truth value: a non-scalar raises NumPy's error).
    elif convert_to_tensor(pred).numpy():
        result = true_fn()
    else:
        result = false_fn()
    if not strict:
        result = _unpack_if_singleton(result)
    return result


def cond(pred, true_fn=None, false_fn=None, name=None):
    """Returns `true_fn()` if the predicate `pred` is true else `false_fn()`.

    Eagerly only the chosen branch runs, so the tape records its ops alone. `pred` is a
    Python bool or a tensor, read as NumPy reads truth values (a non-scalar with more than
    one element raises NumPy's ValueError); as in TF's eager mode the branches may return
    different structures, and the result is what the chosen branch returned.

    Raises:
      TypeError: if `true_fn` or `false_fn` is missing or not callable.

    >>> x = tf.constant(2)
    >>> y = tf.constant(5)
    >>> def f1(): return tf.multiply(x, 7)
    >>> def f2(): return tf.add(y, 3)
    >>> r = tf.cond(tf.less(x, y), f1, f2)
    >>> print(r.numpy())
    14
    """
    return _atomically(_cond, pred, true_fn, false_fn, True, name)


def _assert_at_most_n_true(predicates, n: int, msg: str) -> None:
    preds_c = _stack(list(predicates))
    num_true_conditions = reduce_sum(cast(preds_c, _dt.int32))
    condition = less_equal(num_true_conditions, constant(n))
    preds_names = ", ".join(getattr(p, "name", "?") for p in predicates)  # "?" eagerly
    error_msg = [f"{msg}: more than {n} conditions ({preds_names}) evaluated as True:", preds_c]
    trace = _replaying_trace(condition)
    if trace is not None and condition._value:
        trace.guard(condition)  # a replay where it fails runs eagerly, raising TF's error
        return
    Assert(condition, data=error_msg, summarize=len(predicates))


def _case_default_action(predicates, actions):
    """TF's default when none is given: the last action, asserting that its predicate
    holds (so that no predicate being true is an error)."""
    k = len(predicates) - 1
    predicate, action = predicates[k], actions[k]
    other_predicates, other_actions = predicates[:k], actions[:k]

    def default_action():
        others_msg = (
            f"Implementation error: selected default action #{k} was called, but some of "
            "other predicates are True: "
        )
        default_msg = ("Input error: None of conditions evaluated as True:", _stack(predicates))
        if other_predicates:  # TF stacks no predicates into an empty tensor: none is true
            _assert_at_most_n_true(other_predicates, 0, others_msg)
        Assert(predicate, data=default_msg)
        return action()

    return default_action, other_predicates, other_actions


def _no_name() -> AttributeError:
    """What TF's case raises formatting `pred.name` into its TypeError: eagerly the name
    is undefined."""
    return AttributeError("Tensor.name is undefined when eager execution is enabled.")


def _case_verify(pred_fn_pairs, exclusive):
    if not isinstance(pred_fn_pairs, (list, tuple, dict)):
        raise TypeError(
            f"'pred_fn_pairs' must be a list, tuple, or dict. Received: {type(pred_fn_pairs)}"
        )
    if isinstance(pred_fn_pairs, collections.OrderedDict):
        pred_fn_pairs = pred_fn_pairs.items()
    elif isinstance(pred_fn_pairs, dict):
        if not exclusive:
            raise ValueError(
                "Unordered dictionaries are not supported for the 'pred_fn_pairs' argument when "
                "`exclusive=False` and eager mode is enabled."
            )
        pred_fn_pairs = list(pred_fn_pairs.items())
    for pred_fn_pair in pred_fn_pairs:
        if not isinstance(pred_fn_pair, tuple) or len(pred_fn_pair) != 2:
            raise TypeError(
                f"Each entry in 'pred_fn_pairs' must be a 2-tuple. Received {pred_fn_pair}."
            )
        pred, fn = pred_fn_pair
        if isinstance(pred, Tensor):
            if pred.dtype != _dt.bool:
                raise _no_name()
        else:
            raise TypeError(f"pred must be a Tensor, got: {pred}")
        if not callable(fn):
            raise _no_name()
    predicates, actions = zip(*pred_fn_pairs)
    return predicates, actions


def _case(pred_fn_pairs, default, exclusive, strict):
    predicates, actions = _case_verify(pred_fn_pairs, exclusive)
    if default is None:
        default, predicates, actions = _case_default_action(predicates, actions)
    fn = default
    for predicate, action in reversed(list(zip(predicates, actions))):
        fn = functools.partial(_cond, predicate, true_fn=action, false_fn=fn, strict=strict)
    if exclusive:
        _assert_at_most_n_true(predicates, 1, "Input error: exclusive=True")
    return fn()


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """Runs the callable of the first pair whose boolean tensor predicate is true.

    `pred_fn_pairs` is a list or tuple of `(predicate, callable)` pairs (a dict only with
    `exclusive=True`). Without `default` the last pair's callable is the default, asserting
    that its predicate holds. With `exclusive=True` every predicate is evaluated first and
    more than one true raises TF's InvalidArgumentError. Singleton lists and tuples returned
    by a callable are unpacked unless `strict`.

    Raises:
      TypeError: if `pred_fn_pairs` is not a list, tuple or dict of 2-tuples of a bool
        tensor and a callable.
      InvalidArgumentError: if no predicate is true and there is no default, or with
        `exclusive` more than one is.

    >>> x, y = tf.constant(1), tf.constant(2)
    >>> tf.case([(tf.less(x, y), lambda: tf.constant(17))], default=lambda: tf.constant(23))
    <tf.Tensor: shape=(), dtype=int32, numpy=17>
    """
    return _atomically(_case, pred_fn_pairs, default, exclusive, strict)


def _indexed_case_verify(branch_fns, default, branch_index):
    if not isinstance(branch_index, Tensor):
        raise TypeError(f"'branch_index' must be a Tensor, got {type(branch_index)}")
    if not branch_index.dtype.is_integer:
        raise TypeError(f"'branch_index' must be an integer Tensor, got {branch_index.dtype}")
    if not branch_fns:
        raise ValueError("Must provide at least one item in 'branch_fns'")
    if not isinstance(branch_fns, (list, tuple, dict)):
        raise TypeError("'branch_fns' must be a list, tuple, or dict")
    if isinstance(branch_fns, dict):
        branch_fns = branch_fns.items()
    if all(callable(fn) for fn in branch_fns):
        branch_fns = list(enumerate(branch_fns))
    for key_fn_pair in branch_fns:
        if not isinstance(key_fn_pair, tuple) or len(key_fn_pair) != 2:
            raise TypeError(
                f"Each entry in 'branch_fns' must be a 2-tuple. Received {key_fn_pair}."
            )
        key, branch_fn = key_fn_pair
        if not isinstance(key, int):
            raise TypeError(f"key must be a Python `int`, got {type(key)}")
        if not callable(branch_fn):
            raise TypeError(f"fn for key {key} must be callable.")
    keys = [p[0] for p in branch_fns]
    if min(keys) < 0 or max(keys) >= len(keys) or len(set(keys)) != len(keys):
        raise ValueError(
            f"branch indices (keys) must form contiguous range of [0 to {len(keys)}) but found "
            "{" + ",".join(map(str, sorted(keys))) + "}"
        )
    actions = [p[1] for p in sorted(branch_fns, key=lambda p: p[0])]
    if default is not None:
        actions.append(default)
    return actions


def _switch_case(branch_index, branch_fns, default):
    branch_fns = _indexed_case_verify(branch_fns, default, branch_index)
    if branch_index.shape.rank != 0:
        # TF selects with tf.where(out_of_range, len - 1, branch_index): the v1 Select op,
        # which refuses a scalar `then` beside a non-scalar condition.
        raise invalid_argument("'then' must be at least a vector, but saw shape: []", "Select")
    n = len(branch_fns)

    def select(value) -> int:
        index = int(value)
        return index if 0 <= index < n else n - 1

    trace = _replaying_trace(branch_index)
    if trace is not None:  # a call-dependent index under a traced tf.function
        return trace.branch(branch_index, branch_fns, select(branch_index._value), select)
    return branch_fns[select(branch_index.numpy())]()


def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """Runs the callable of `branch_fns` that `branch_index` (an integer tensor) selects.

    `branch_fns` is a list of callables, a dict from int keys to callables or a list of
    `(int, callable)` pairs; the keys must be 0 to len - 1. An index out of range runs
    `default`, or without one the last branch.

    Raises:
      TypeError: if `branch_index` is not an integer tensor (a Python int is refused, as in
        TF), or `branch_fns` is malformed.
      ValueError: if `branch_fns` is empty or its keys are not 0 to len - 1.

    >>> tf.switch_case(tf.constant(1), [lambda: tf.constant(17), lambda: tf.constant(31)])
    <tf.Tensor: shape=(), dtype=int32, numpy=31>
    """
    return _atomically(_switch_case, branch_index, branch_fns, default)


# -- tf.while_loop -----------------------------------------------------------------------------


def _convert_result(x):
    return x if isinstance(x, TensorArray) else convert_to_tensor(x)


def _while_loop(
    cond,
    body,
    loop_vars,
    parallel_iterations=10,
    maximum_iterations=None,
    return_same_structure=False,
):
    """TF's v1 `while_loop` in eager mode; TF2's tf.while_loop passes
    `return_same_structure=True`, map_fn and the folds call it as TF does."""
    if not callable(cond):
        raise TypeError("'cond' must be callable.")
    if not callable(body):
        raise TypeError("'body' must be callable.")
    if parallel_iterations < 1:
        raise TypeError("'parallel_iterations' must be a positive integer.")
    loop_vars = _convert_variables(loop_vars)
    if not loop_vars:
        raise ValueError("'loop_vars' must be provided.")
    trace = _tape.state.trace
    if trace is not None and _steps_constructs(trace):
        # Inside tf.function TF's graph while_loop takes its loop variables as tensors:
        # Python and NumPy numbers become constants of their default dtype (0 -> int32,
        # 1.0 -> float32), so the loop is a replay step rather than a Python loop that reads
        # its condition's value.
        loop_vars = nest.map_structure(_number_as_tensor, loop_vars)
    try_to_pack = len(loop_vars) == 1 and not return_same_structure
    if maximum_iterations is not None:
        maximum_iterations = convert_to_tensor(maximum_iterations)
        if maximum_iterations.shape.rank != 0:
            raise ValueError(
                f"'maximum_iterations' must be a scalar. Received shape: {maximum_iterations.shape}"
            )
        trace = None if try_to_pack else _loop_trace(loop_vars, True)
        if trace is not None:  # a replay step counting in a tensor (TF's graph while_loop)
            return _counted_loop(trace, cond, body, loop_vars, maximum_iterations)
        counter = 0
        limit = int(maximum_iterations.numpy())
        orig_cond, orig_body = cond, body
        # The counter is a Python int, its test a Python bool that logical_and converts.
        if try_to_pack:
            loop_vars = (counter, loop_vars[0])

            def cond(i, lv):
                return logical_and(constant(i < limit), orig_cond(lv))

            def body(i, lv):
                return (i + 1, orig_body(lv))

        else:
            loop_vars = (counter, loop_vars)

            def cond(i, lv):
                return logical_and(constant(i < limit), orig_cond(*lv))

            def body(i, lv):
                return (i + 1, orig_body(*lv))

        try_to_pack = False
    packed = False  # whether the body result was packed into a 1-item tuple
    loop_var_structure = nest.map_structure(_type_spec, list(loop_vars))
    if maximum_iterations is None and not try_to_pack:
        trace = _array_loop_trace(loop_vars)
        if trace is not None:  # TensorArrays among the loop variables, in a replayed loop
            return _flowing_loop(trace, cond, body, loop_vars, loop_var_structure)
    trace = _loop_trace(loop_vars, True) if maximum_iterations is None and not try_to_pack else None
    if trace is not None:  # call-dependent loop variables under a traced tf.function
        loop_vars = trace.loop(
            cond, body, loop_vars, lambda r: _assert_same_structure(loop_var_structure, list(r))
        )
        return nest.map_structure(_convert_result, loop_vars)
    while cond(*loop_vars):
        loop_vars = body(*loop_vars)
        if try_to_pack and not isinstance(loop_vars, (list, tuple)):
            packed = True
            loop_vars = (loop_vars,)
        _assert_same_structure(loop_var_structure, list(loop_vars))
    loop_vars = nest.map_structure(_convert_result, loop_vars)
    if maximum_iterations is not None:
        return loop_vars[1]
    return loop_vars[0] if packed else loop_vars


def _array_loop_trace(loop_vars):
    """The trace a tf.while_loop whose loop variables are tensors and TensorArrays (at least
    one) is replayed in (as TF's graph loop carries TensorLists), or None: nothing else
    records, and each array rereads (clear_after_read=False, as inside any function)."""
    state = _tape.state
    if state.trace is None or state.tapes or state.accumulators:
        return None
    if not _steps_constructs(state.trace):
        return None
    leaves = nest.flatten(loop_vars)
    arrays = [x for x in leaves if isinstance(x, TensorArray)]
    if not arrays or any(ta._clear_after_read for ta in arrays):
        return None
    if not all(isinstance(x, TensorArray) or type(x) is EagerTensor for x in leaves):
        return None
    return state.trace


def _flowing_loop(trace, cond, body, loop_vars, loop_var_structure):
    """`_while_loop` as one replay step of `trace` with TensorArrays among the loop
    variables: each is carried as its Flow tensor, its methods in cond and body steps on
    it (TensorArray._step); the eager code's values, checks and errors."""
    flat = nest.flatten(loop_vars)
    positions = [k for k, x in enumerate(flat) if isinstance(x, TensorArray)]
    arrays = [flat[k] for k in positions]  # the arrays at those positions now
    for ta in arrays:
        if ta._flow_t is None:
            ta._start_flow(trace)

    def flows(values: list) -> list:
        return [x._flow_t if isinstance(x, TensorArray) else x for x in values]

    def restore(args):
        values = nest.flatten(list(args))
        for j, k in enumerate(positions):
            arrays[j]._flow_t = values[k]
            values[k] = arrays[j]
        return nest.pack_sequence_as(loop_vars, values)

    def flowing_cond(*args):
        return cond(*restore(args))

    def flowing_body(*args):
        result = body(*restore(args))
        _assert_same_structure(loop_var_structure, list(result))
        values = nest.flatten(list(result))
        for j, k in enumerate(positions):
            arrays[j] = values[k]
            if arrays[j]._flow_t is None:  # an array the body made
                arrays[j]._start_flow(_tape.state.trace)
        return nest.pack_sequence_as(loop_vars, flows(values))

    result = trace.loop(
        flowing_cond, flowing_body, nest.pack_sequence_as(loop_vars, flows(flat)), _nothing
    )
    return nest.map_structure(_convert_result, restore(result))


def _nothing(_):
    """No check: the flowing body checked the structure, as eagerly."""


def _counted_loop(trace, cond, body, loop_vars, maximum_iterations):
    """`_while_loop` with `maximum_iterations` as one replay step of `trace`: the eager
    loop's counter and bound as int32 tensors, the same tests and results."""
    limit = maximum_iterations
    if limit.dtype != _dt.int32:
        limit = cast(limit, _dt.int32)
    counted = (constant(0), loop_vars)
    structure = nest.map_structure(_type_spec, list(counted))

    def counted_cond(i, lv):
        return logical_and(less(i, limit), cond(*lv))

    def counted_body(i, lv):
        return (i + 1, body(*lv))

    result = trace.loop(
        counted_cond, counted_body, counted, lambda r: _assert_same_structure(structure, list(r))
    )
    return nest.map_structure(_convert_result, result)[1]


def while_loop(
    cond,
    body,
    loop_vars,
    shape_invariants=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    maximum_iterations=None,
    name=None,
):
    """Repeats `body` while `cond` is true (TF2's `tf.while_loop`).

    Eagerly this is a Python loop: `loop_vars` (a list, tuple, namedtuple or dict of
    tensors, TensorArrays and Python or NumPy values, possibly nested) are passed to `cond`
    and `body` as positional arguments; each `body` result must have the structure of
    `loop_vars` (a top-level list and tuple count as one), and the result has the
    structure `body` last returned, or `loop_vars` itself if it never ran, with values
    converted to tensors. As in TF's eager mode shapes and dtypes may change between
    iterations: `shape_invariants`, `parallel_iterations`, `back_prop` (False still
    records, only warns that it is deprecated) and `swap_memory` change nothing.
    `maximum_iterations` bounds the iterations (`cond` is still called once more).
    Inside a traced `tf.function`, Python and NumPy numbers among the loop variables become
    tensors first (0 -> int32, 1.0 -> float32), as TF's graph while_loop takes them.

    Raises:
      TypeError: if `cond` or `body` is not callable, or `body` changes a sequence type.
      ValueError: if `loop_vars` is empty, `maximum_iterations` is not a scalar, or `body`
        returns a different structure.

    >>> i = tf.constant(0)
    >>> c = lambda i: tf.less(i, 10)
    >>> b = lambda i: (tf.add(i, 1), )
    >>> r = tf.while_loop(c, b, [i])[0]
    >>> print(r.numpy())
    10
    """
    _warn_back_prop(
        "while_loop_v2", "tensorflow.python.ops.while_loop", "tf.while_loop(c, b, vars", back_prop
    )
    return _atomically(
        _while_loop, cond, body, loop_vars, parallel_iterations, maximum_iterations, True
    )


# -- tf.map_fn ---------------------------------------------------------------------------------


def _dtype_to_spec(d):
    if isinstance(d, TensorArraySpec):
        raise TypeError(f"map_fn can not generate {d} outputs")
    return d if isinstance(d, TensorSpec) else TensorSpec(None, d)


def _leading_dim(t, dims: list) -> None:
    """Appends `t`'s leading dimension, with TF's error for a scalar."""
    if t.shape.rank < 1:
        raise ValueError(f"Shape {t.shape} must have rank at least 1")
    dims.append(t.shape[0])


def _check_same_size(dims: list) -> None:
    for d in dims[1:]:
        if d != dims[0]:
            raise ValueError(f"Dimensions {dims[0]} and {d} are not compatible")


def _result_ta(spec, n, infer_shape):
    """map_fn's TensorArray for one result: `n` elements of `spec`."""
    return TensorArray(
        dtype=spec.dtype,
        size=n,
        dynamic_size=False,
        infer_shape=infer_shape,
        element_shape=spec.shape,
    )


def _map_fn(fn, elems, parallel_iterations, infer_shape, fn_output_signature):
    if not callable(fn):
        raise TypeError(f"The provided function {fn.__name__} is not callable.fn must be callable.")
    if not parallel_iterations:
        parallel_iterations = 1
    elif parallel_iterations > 1:
        if not _inside_function() and not _parallel_iterations_logged:
            _parallel_iterations_logged.append(True)
            warn(
                "Setting parallel_iterations > 1 has no effect when executing eagerly. Consider "
                "calling map_fn with tf.function to execute fn in parallel."
            )
        parallel_iterations = 1
    elems = _convert_variables(elems)
    elems_flat = nest.flatten(elems)
    if len(elems_flat) == 0:
        raise ValueError(
            f"elems must be a Tensor or (possibly nested) sequence of Tensors. Got {elems}, which "
            "does not contain any Tensors."
        )
    elems_flat_signature = [_type_spec(e) for e in elems_flat]
    elems_unflatten = lambda x: nest.pack_sequence_as(elems, x)
    if fn_output_signature is None:
        result_flat_signature = [TensorSpec(None, spec.dtype) for spec in elems_flat_signature]
        result_unflatten = elems_unflatten
    else:
        result_flat_signature = [_dtype_to_spec(d) for d in nest.flatten(fn_output_signature)]
        result_unflatten = lambda x: nest.pack_sequence_as(fn_output_signature, x)
    elems_flat = [convert_to_tensor(t) for t in elems_flat]
    if elems_flat[0].shape.rank < 1:
        raise ValueError("Elements in elems must be 1+ dimensional Tensors, not scalars")
    dims: list = []
    for t in elems_flat:
        _leading_dim(t, dims)
    _check_same_size(dims)
    n = dims[0]
    trace = _loop_trace(elems_flat) if n else None
    if trace is not None or _tape.state.trace is not None:  # under a traced tf.function

        def apply(*slices):
            result_value = fn(elems_unflatten(list(slices)))
            _assert_same_structure(fn_output_signature or elems, result_value)
            return nest.flatten(result_value)

        def finish(results):
            tas = [_result_ta(spec, n, infer_shape) for spec in result_flat_signature]
            for i, flat in enumerate(results):
                for ta, value in zip(tas, flat):
                    ta.write(i, value)
            return [ta.stack() for ta in tas]

        if trace is not None:  # call-dependent elems: one replay step
            return result_unflatten(trace.map(apply, elems_flat, finish))
        return result_unflatten(finish(_unrolled(apply, _element_arrays(elems_flat), range(n))))
    elems_ta = [
        TensorArray(dtype=t.dtype, size=n, dynamic_size=False, infer_shape=True).unstack(t)
        for t in elems_flat
    ]
    results_ta = [_result_ta(spec, n, infer_shape) for spec in result_flat_signature]

    def compute(i, tas):
        elems_value = elems_unflatten([ta.read(i) for ta in elems_ta])
        result_value = fn(elems_value)
        _assert_same_structure(fn_output_signature or elems, result_value)
        tas = [ta.write(i, value) for ta, value in zip(tas, nest.flatten(result_value))]
        return (i + 1, tas)

    _, r_a = _while_loop(
        lambda i, _: i < n,
        compute,
        (constant(0), results_ta),
        parallel_iterations=parallel_iterations,
        maximum_iterations=n,
    )
    return result_unflatten([r.stack() for r in r_a])


def map_fn(
    fn,
    elems,
    dtype=None,
    parallel_iterations=None,
    back_prop=True,
    swap_memory=False,
    infer_shape=True,
    name=None,
    fn_output_signature=None,
):
    """Applies `fn` to each slice of `elems` along axis 0 and stacks the results.

    `elems` is a tensor or a (nested) structure of tensors sharing their first dimension;
    `fn` gets slices in that structure. Results have the structure and dtypes of `elems`
    unless `fn_output_signature` (a dtype, a `tf.TensorSpec` or a structure of them; the
    deprecated `dtype` is the same) says otherwise, and stack as TF's TensorArrays do: the
    first result fixes the shape of the rest unless `infer_shape=False` or the signature
    gives one. Eagerly `parallel_iterations` has no effect (TF warns once when above 1).

    Raises:
      ValueError: for scalar or no elems, elems of different lengths, a result of another
        structure or shape.
      InvalidArgumentError: for a result of another dtype.

    >>> tf.map_fn(fn=lambda t: tf.range(t, t + 3), elems=tf.constant([3, 5, 2]))
    <tf.Tensor: shape=(3, 3), dtype=int32, numpy=
    array([[3, 4, 5],
           [5, 6, 7],
           [2, 3, 4]], dtype=int32)>
    """
    _warn_back_prop("map_fn_v2", "tensorflow.python.ops.map_fn", "tf.map_fn(fn, elems", back_prop)
    if fn_output_signature is None:
        fn_output_signature = dtype
    return _atomically(_map_fn, fn, elems, parallel_iterations, infer_shape, fn_output_signature)


# -- tf.scan, tf.foldl, tf.foldr ---------------------------------------------------------------


def _scan(fn, elems, initializer, parallel_iterations, infer_shape, reverse):
    if not callable(fn):
        raise TypeError(f"{fn.__name__} is not callable. Please provide a callable function.")
    input_is_sequence = nest.is_nested(elems)

    def input_flatten(x):
        return nest.flatten(x) if input_is_sequence else [x]

    def input_pack(x):
        return nest.pack_sequence_as(elems, x) if input_is_sequence else x[0]

    if initializer is None:
        output_flatten, output_pack = input_flatten, input_pack
    else:
        output_is_sequence = nest.is_nested(initializer)

        def output_flatten(x):
            return nest.flatten(x) if output_is_sequence else [x]

        def output_pack(x):
            return nest.pack_sequence_as(initializer, x) if output_is_sequence else x[0]

    elems_flat = [convert_to_tensor(elem) for elem in input_flatten(elems)]
    n = elems_flat[0].shape[0]  # a scalar's shape has no [0]: TF's IndexError
    if (n or initializer is not None) and _tape.state.trace is not None:
        # Under a traced tf.function: a replay step for call-dependent values,
        # else unrolled (see _unrolled).
        init_flat = [] if initializer is None else output_flatten(initializer)
        trace = _loop_trace(elems_flat + [convert_to_tensor(x) for x in init_flat]) if n else None
        return _traced_scan(trace, fn, elems, elems_flat, initializer, infer_shape, reverse)
    elems_ta = [
        TensorArray(
            dtype=elem.dtype,
            size=n,
            dynamic_size=False,
            element_shape=elem.shape[1:],
            infer_shape=True,
        ).unstack(elem)
        for elem in elems_flat
    ]
    if initializer is None:
        a_flat = [elem.read(n - 1 if reverse else 0) for elem in elems_ta]
        i = 1
    else:
        a_flat = [convert_to_tensor(init) for init in output_flatten(initializer)]
        i = 0
    accs_ta = _scan_accumulators(
        a_flat, n, infer_shape, (n - 1 if reverse else 0) if initializer is None else None
    )

    def compute(i, a_flat, tas):
        packed_elems = input_pack([elem_ta.read(i) for elem_ta in elems_ta])
        a_out = fn(output_pack(a_flat), packed_elems)
        _assert_same_structure(elems if initializer is None else initializer, a_out)
        flat_a_out = output_flatten(a_out)
        tas = [ta.write(i, value) for ta, value in zip(tas, flat_a_out)]
        return (i - 1 if reverse else i + 1, flat_a_out, tas)

    if reverse:
        initial_i = n - 1 - i

        def condition(i, _1, _2):
            return i >= 0

    else:
        initial_i = i

        def condition(i, _1, _2):
            return i < n

    _, _, r_a = _while_loop(
        condition,
        compute,
        (initial_i, a_flat, accs_ta),
        parallel_iterations=parallel_iterations,
        maximum_iterations=n,
    )
    results_flat = [r.stack() for r in r_a]
    dims: list = [n]
    for elem in elems_flat[1:]:
        _leading_dim(elem, dims)
    _check_same_size(dims)
    return output_pack(results_flat)


def _scan_accumulators(a_flat, n: int, infer_shape: bool, first=None) -> list:
    """scan's result arrays, one per accumulator; without an initializer the first element
    (at index `first`) is the starting accumulator itself."""
    tas = [
        TensorArray(
            dtype=init.dtype,
            size=n,
            element_shape=init.shape if infer_shape else None,
            dynamic_size=False,
            infer_shape=infer_shape,
        )
        for init in a_flat
    ]
    if first is not None:
        tas = [ta.write(first, a) for ta, a in zip(tas, a_flat)]
    return tas


def _traced_scan(trace, fn, elems, elems_flat, initializer, infer_shape, reverse):
    """`_scan` as one replay step of `trace` (_compile/control_flow.py), or unrolled into the
    enclosing trace without one (`_unrolled`): the same values, checks and errors."""
    n = elems_flat[0].shape[0]
    input_is_sequence = nest.is_nested(elems)
    start = n - 1 if reverse else 0
    elems_ta = None if trace is not None else _element_arrays(elems_flat)
    if initializer is None:
        structure, output_is_sequence = elems, input_is_sequence
        if elems_ta is None:
            a_flat = [_unstack(elem)[start] for elem in elems_flat]
        else:
            a_flat = [ta.read(start) for ta in elems_ta]
        order = list(range(n - 2, -1, -1) if reverse else range(1, n))
    else:
        structure, output_is_sequence = initializer, nest.is_nested(initializer)
        flat = nest.flatten(initializer) if output_is_sequence else [initializer]
        a_flat = [convert_to_tensor(init) for init in flat]
        order = list(range(n - 1, -1, -1) if reverse else range(n))

    def pack(x, like, is_sequence):
        return nest.pack_sequence_as(like, x) if is_sequence else x[0]

    m = len(a_flat)

    def apply(*args):
        a_out = fn(
            pack(list(args[:m]), structure, output_is_sequence),
            pack(list(args[m:]), elems, input_is_sequence),
        )
        _assert_same_structure(structure, a_out)
        return nest.flatten(a_out) if output_is_sequence else [a_out]

    def finish(results):
        tas = _scan_accumulators(a_flat, n, infer_shape, start if initializer is None else None)
        for i, flat in results.items():
            tas = [ta.write(i, value) for ta, value in zip(tas, flat)]
        return [ta.stack() for ta in tas]

    if trace is not None:
        results_flat = trace.scan(apply, elems_flat, a_flat, order, finish)
    else:
        results_flat = finish(_unrolled(apply, elems_ta, order, a_flat))
    dims: list = [n]
    for elem in elems_flat[1:]:
        _leading_dim(elem, dims)
    _check_same_size(dims)
    return pack(results_flat, structure, output_is_sequence)


def scan(
    fn,
    elems,
    initializer=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    infer_shape=True,
    reverse=False,
    name=None,
):
    """Scans `fn(accumulator, element)` over `elems` along axis 0, stacking each accumulator.

    Without `initializer` the first element (the last with `reverse`) starts the
    accumulation and is the first result; `elems` and `initializer` may be nested
    structures (each `fn` result must have the initializer's structure, or the elements'
    without one).

    Raises:
      ValueError: if `fn` returns another structure or shape, or elems differ in length.
      InvalidArgumentError: if `fn` returns another dtype.
      OutOfRangeError: if `elems` is empty and there is no initializer.

    >>> tf.scan(lambda a, x: a + x, tf.constant([1, 2, 3, 4, 5, 6]))
    <tf.Tensor: shape=(6,), dtype=int32, numpy=array([ 1,  3,  6, 10, 15, 21], dtype=int32)>
    """
    _warn_back_prop("scan_v2", _FUNCTIONAL_OPS, "tf.scan(fn, elems", back_prop)
    return _atomically(_scan, fn, elems, initializer, parallel_iterations, infer_shape, reverse)


def _fold(fn, elems, initializer, parallel_iterations, from_right: bool):
    if not callable(fn):
        raise TypeError(f"{fn.__name__} is not callable. Please provide a callable function.")
    elems_flat = [convert_to_tensor(elem) for elem in nest.flatten(elems)]
    n = elems_flat[0].shape[0]  # a scalar's shape has no [0]: TF's IndexError
    init_flat = [] if initializer is None else nest.flatten(initializer)
    if (n or initializer is not None) and _tape.state.trace is not None:
        # Under a traced tf.function: a replay step for call-dependent values,
        # else unrolled (see _unrolled).
        tensors = all(type(x) is EagerTensor for x in init_flat)
        trace = _loop_trace(elems_flat + init_flat) if n and tensors else None
        return _traced_fold(trace, fn, elems, elems_flat, initializer, from_right)

    def create_ta(elem):
        return TensorArray(dtype=elem.dtype, size=n, dynamic_size=False, infer_shape=True).unstack(
            elem
        )

    elems_ta = nest.map_structure(create_ta, elems)
    if from_right:
        if initializer is None:
            i = n - 1
            a = nest.map_structure(lambda elem: elem.read(i), elems_ta)
        else:
            i = n
            a = initializer

        def compute(i, a):
            i -= 1
            elem = nest.map_structure(lambda elem: elem.read(i), elems_ta)
            return [i, fn(a, elem)]

        def condition(i, a):
            return i > 0

    else:
        if initializer is None:
            a = nest.map_structure(lambda elem: elem.read(0), elems_ta)
            i = constant(1)
        else:
            a = initializer
            i = constant(0)

        def compute(i, a):
            elem_i = nest.map_structure(lambda elem: elem.read(i), elems_ta)
            return [i + 1, fn(a, elem_i)]

        def condition(i, a):
            return i < n

    _, r_a = _while_loop(
        condition, compute, [i, a], parallel_iterations=parallel_iterations, maximum_iterations=n
    )
    return r_a


def _traced_fold(trace, fn, elems, elems_flat, initializer, from_right: bool):
    """`_fold` as one replay step of `trace` (_compile/control_flow.py), or unrolled into the
    enclosing trace without one (`_unrolled`): the same values, checks and errors."""
    n = elems_flat[0].shape[0]
    elems_ta = None if trace is not None else _element_arrays(elems_flat)
    if initializer is None:
        start = n - 1 if from_right else 0
        structure = elems
        if elems_ta is None:
            a_flat = [_unstack(elem)[start] for elem in elems_flat]
        else:
            a_flat = [ta.read(start) for ta in elems_ta]
        order = list(range(n - 2, -1, -1) if from_right else range(1, n))
    else:
        structure = initializer
        a_flat = nest.flatten(initializer)
        order = list(range(n - 1, -1, -1) if from_right else range(n))
    # What eager folds check each body result against: [iterations, [counter, accumulator]]
    # (the while loop they run, bounded by maximum_iterations).
    counter = (n - 1 if initializer is None else n) if from_right else constant(0)
    loop_var_structure = nest.map_structure(
        _type_spec, [0, [counter, nest.pack_sequence_as(structure, a_flat)]]
    )
    m = len(a_flat)
    indices = iter(enumerate(order))

    def apply(*args):
        iteration, index = next(indices)
        a_out = fn(
            nest.pack_sequence_as(structure, list(args[:m])),
            nest.pack_sequence_as(elems, list(args[m:])),
        )
        i = index if from_right else constant(index + 1)  # the counter eager folds carry
        _assert_same_structure(loop_var_structure, [iteration + 1, [i, a_out]])
        return [_convert_result(x) for x in nest.flatten(a_out)]

    def finish(results):
        return results[order[-1]] if order else [_convert_result(x) for x in a_flat]

    if trace is not None:
        final = trace.scan(apply, elems_flat, a_flat, order, finish, final=True)
    else:
        final = finish(_unrolled(apply, elems_ta, order, a_flat))
    return nest.pack_sequence_as(structure, final)


def foldl(
    fn,
    elems,
    initializer=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    name=None,
):
    """Folds `fn(accumulator, element)` over `elems` from the first element to the last.

    Without `initializer` the first element starts the accumulation; `elems` (sliced along
    axis 0) and `initializer` may be nested structures.

    Raises:
      OutOfRangeError: if `elems` is empty and there is no initializer.

    >>> tf.foldl(lambda a, x: a + x, tf.constant([1, 2, 3, 4, 5, 6]))
    <tf.Tensor: shape=(), dtype=int32, numpy=21>
    """
    _warn_back_prop("foldl_v2", _FUNCTIONAL_OPS, "tf.foldl(fn, elems", back_prop)
    return _atomically(_fold, fn, elems, initializer, parallel_iterations, False)


def foldr(
    fn,
    elems,
    initializer=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    name=None,
):
    """Folds `fn(accumulator, element)` over `elems` from the last element to the first.

    Without `initializer` the last element starts the accumulation; `elems` (sliced along
    axis 0) and `initializer` may be nested structures.

    Raises:
      OutOfRangeError: if `elems` is empty and there is no initializer.

    >>> tf.foldr(lambda a, x: a * 10 + x, tf.constant([1, 2, 3]))
    <tf.Tensor: shape=(), dtype=int32, numpy=321>
    """
    _warn_back_prop("foldr_v2", _FUNCTIONAL_OPS, "tf.foldr(fn, elems", back_prop)
    return _atomically(_fold, fn, elems, initializer, parallel_iterations, True)


# -- tf.TensorArray ----------------------------------------------------------------------------


class TensorArraySpec:
    """The type of a `tf.TensorArray` (what TF's structure errors print for one).

    >>> tf.TensorArraySpec([2], tf.int32)
    TensorArraySpec(TensorShape([2]), tf.int32, False, True)
    """

    __slots__ = ("_element_shape", "_dtype", "_dynamic_size", "_infer_shape")

    def __init__(self, element_shape=None, dtype=_dt.float32, dynamic_size=False, infer_shape=True):
        self._element_shape = as_shape(element_shape)
        self._dtype = _dt.as_dtype(dtype)
        self._dynamic_size = dynamic_size
        self._infer_shape = infer_shape

    @property
    def element_shape(self) -> TensorShape:
        return self._element_shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def dynamic_size(self):
        return self._dynamic_size

    @property
    def infer_shape(self):
        return self._infer_shape

    def _parts(self) -> tuple:
        return (self._element_shape, self._dtype, self._dynamic_size, self._infer_shape)

    def __eq__(self, other) -> bool:
        return type(other) is TensorArraySpec and self._parts() == other._parts()

    def __ne__(self, other) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self._parts())

    def __repr__(self) -> str:
        return f"TensorArraySpec({', '.join(repr(p) for p in self._parts())})"


_CONCAT_NOTHING = (
    "OpKernel 'ConcatV2' has constraint on attr 'T' not in NodeDef '[N=0, Tidx=DT_INT32]', "
    'KernelDef: \'goo.gle/debugonly    op: "ConcatV2" device_type: "CPU" constraint { name: '
    '"T" allowed_values { list { type: DT_QINT32 } } } host_memory_arg: "axis"\' [Op:ConcatV2]'
)


class TensorArray:
    """A list of tensors of one dtype, written and read by index (TF's eager TensorArray).

    Eagerly, as in TF, it is a Python list: `write` stores the tensor itself and `read`
    returns it, while `stack`, `unstack`, `gather`, `concat` and `split` run the array ops
    of those names, which the tape records, so gradients flow from what is read or stacked
    to what was written. Methods that change the array return it (the same object).

    Args:
      dtype: the dtype of every element.
      size: the number of elements (required eagerly; an int or an integer tensor).
      dynamic_size: writes past the end grow the array (else OutOfRangeError).
      clear_after_read: reading an element forgets it (the default), so a second read of
        it raises; `False` allows rereading. Inside a `tf.function`, where TF builds a graph
        TensorArray, reads never clear.
      element_shape: the shape every element must have (default: unknown; with
        `infer_shape` the first write fixes it).
      infer_shape: the first element written (or read as zeros) fixes the element shape.
      handle: not supported eagerly (ValueError); tensor_array_name, flow,
        colocate_with_first_write_call, name: accepted and ignored, as in TF's eager mode.

    >>> ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True, clear_after_read=False)
    >>> ta = ta.write(0, 10)
    >>> ta = ta.write(1, 20)
    >>> ta.stack()
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([10., 20.], dtype=float32)>
    """

    def __init__(
        self,
        dtype,
        size=None,
        dynamic_size=None,
        clear_after_read=None,
        tensor_array_name=None,
        handle=None,
        flow=None,
        infer_shape=True,
        element_shape=None,
        colocate_with_first_write_call=True,
        name=None,
    ):
        if handle is not None:
            raise ValueError(
                "TensorArray handles are not supported when eager execution is enabled."
            )
        if size is None:
            raise ValueError(
                "Size must be declared for TensorArrays when eager execution is enabled."
            )
        self._flow = constant(0, dtype=_dt.int32)
        self._infer = infer_shape
        self._element_shape = as_shape(element_shape)
        self._dtype = _dt.as_dtype(dtype)
        self._dynamic_size = dynamic_size or False
        # Inside a tf.function TF builds a graph TensorArray (a TensorList), whose reads never
        # clear: its docstring's fibonacci reads each element twice.
        self._clear_after_read = (
            True if clear_after_read is None else clear_after_read
        ) and not _inside_function()
        self._previously_read_indices: list = []
        self._flow_t = None  # inside a replayed loop: the tensor whose value is its Flow
        if isinstance(size, Tensor):
            trace = _replaying_trace(size)
            if trace is not None and size.shape.rank == 0:
                # A size computed in the function (from a shape, say): a replay with
                # another one runs eagerly (the size fixes what a replay stacks).
                value = size._value
                trace.guard(equal(size, constant(value, dtype=size.dtype)))
                size = value
            else:
                size = size.numpy()
        self._tensor_array: list = [None for _ in range(size)]

    # -- properties ------------------------------------------------------------------------

    @property
    def flow(self):
        """A scalar int32 tensor (TF's flow; eagerly it carries nothing)."""
        return self._flow

    @property
    def dtype(self):
        return self._dtype

    @property
    def handle(self):
        """None: eager TensorArrays have no resource handle."""
        return None

    @property
    def element_shape(self) -> TensorShape:
        return self._element_shape

    @property
    def dynamic_size(self):
        return self._dynamic_size

    def identity(self) -> TensorArray:
        """This TensorArray (TF's eager identity)."""
        return self

    def grad(self, source, flow=None, name=None):
        raise NotImplementedError(
            "TensorArray.grad is not supported when executing eagerly; eager's gradient "
            "implementation does not use/need this function to compute gradients of operations "
            "that use TensorArrays."
        )

    # -- elements --------------------------------------------------------------------------

    def _maybe_zero(self, ix):
        """Element `ix`, or zeros of the element shape stored in its place if unwritten."""
        value = self._tensor_array[ix]
        if value is None:
            if not self._element_shape.is_fully_defined():
                raise ValueError(
                    f"Cannot convert a partially known TensorShape {self._element_shape} to a "
                    "Tensor."
                )
            value = self._tensor_array[ix] = _zeros(self._element_shape, self._dtype)
        return value

    def read(self, index, name=None):
        """Element `index` (zeros of the element shape if never written).

        Raises:
          OutOfRangeError: for a negative index or one past the end.
          InvalidArgumentError: for an element already read with `clear_after_read`.
          ValueError: for an unwritten element of unknown shape.
        """
        trace = self._flow_trace()
        if trace is None and isinstance(index, EagerTensor) and not self._clear_after_read:
            trace = _replaying_trace(index, tapes=False, accumulators=False)
            if trace is not None:  # a call-dependent index: read from a Flow of it (a step)
                self._start_flow(trace)
                try:
                    return self.read(index)
                finally:
                    self._flow_t = None
        if trace is not None:
            index = convert_to_tensor(index)
            tensor = self._read(int(index._value))
            result = make(tensor._value, self._dtype)
            forward = _flow_reader(self._element_shape, self._dtype)
            return self._step(trace, forward, [index], "TensorListGetItem", result)
        return self._read(index)

    def _read(self, index):
        if isinstance(index, Tensor):
            index = index.numpy()
        if index < 0:
            raise OutOfRangeError(
                None, None, f"Reading from negative indices (index {int(index)}) is not allowed."
            )
        if index >= len(self._tensor_array):
            raise OutOfRangeError(
                None,
                None,
                f"Tried to read from index {int(index)} but array size is: "
                f"{len(self._tensor_array)} ",
            )
        tensor = self._tensor_array[index]
        if tensor is None:
            if index in self._previously_read_indices:
                raise InvalidArgumentError(
                    None,
                    None,
                    f"Could not read index {int(index)} twice because it was cleared after a "
                    "previous read (perhaps try setting clear_after_read = false?)",
                )
            tensor = self._maybe_zero(index)
        if self._clear_after_read:
            self._tensor_array[index] = None
            self._previously_read_indices.append(index)
        return tensor

    def _write(self, index, value) -> None:
        if isinstance(index, Tensor):
            index = index.numpy()
        if index < 0:
            raise OutOfRangeError(
                None, None, f"Writing to negative indices (index {int(index)}) is not allowed."
            )
        size = len(self._tensor_array)
        if index >= size:
            if not self._dynamic_size:
                raise OutOfRangeError(
                    None,
                    None,
                    f"Tried to write to index {int(index)} but array is not resizeable and size "
                    f"is: {size} ",
                )
            self._tensor_array.extend(None for _ in range(index - size + 1))
        if not isinstance(value, EagerTensor):
            value = _convert_preferred(value, self._dtype)
        if self._dtype != value.dtype:
            raise InvalidArgumentError(
                None,
                None,
                f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype "
                f"{value.dtype.name} ",
            )
        if not self._element_shape.is_compatible_with(value.shape):
            raise ValueError(
                f"Incompatible shape for value ({value.shape}), expected ({self._element_shape})"
            )
        if self._infer:
            self._element_shape = self._element_shape.merge_with(value.shape)
        self._tensor_array[index] = value

    def write(self, index, value, name=None) -> TensorArray:
        """Stores `value` (converted to the array's dtype where it converts) at `index`.

        Raises:
          OutOfRangeError: for a negative index, or one past the end of a fixed-size array.
          InvalidArgumentError: for a value of another dtype.
          ValueError: for a value whose shape the element shape does not admit.
        """
        trace = self._flow_trace()
        if trace is None:
            self._write(index, value)
            return self
        index = convert_to_tensor(index)
        i = int(index._value)  # the eager semantics, on the traced value (a replay checks)
        self._write(i, value)
        written = self._tensor_array[i]
        self._step(trace, _flow_writer(self._dynamic_size), [index, written], "TensorListSetItem")
        return self

    # -- inside a replayed tf.while_loop (_flowing_loop): steps on a Flow ------------------

    def _flow_trace(self):
        """The trace recording this array's methods as steps, or None (eagerly)."""
        if self._flow_t is None:
            return None
        return _tape.state.trace

    def _flow_value(self):
        from .._compile.trace import Flow

        return Flow(None if t is None else t._value for t in self._tensor_array)

    def _step(self, trace, forward, inputs: list, op_type: str, result=None):
        """Records `forward(flow, *inputs)` -> (new flow[, result]) and moves to the flow."""
        flow = make(self._flow_value(), _dt.int32)
        outputs = [flow] if result is None else [flow, result]
        trace.record_step(forward, [self._flow_t, *inputs], outputs, op_type)
        self._flow_t = flow
        return result

    def _start_flow(self, trace) -> None:
        """Makes the array's elements one Flow slot of `trace` (a step packing them)."""
        elements = self._tensor_array
        written = [i for i, t in enumerate(elements) if t is not None]
        size = len(elements)

        def pack(*values):
            from .._compile.trace import Flow

            flow = Flow([None] * size)
            for i, v in zip(written, values):
                flow[i] = v
            return (flow,)

        flow = make(self._flow_value(), _dt.int32)
        trace.record_step(pack, [elements[i] for i in written], [flow], "TensorListFromTensors")
        self._flow_t = flow

    def _leave_flow(self, what: str) -> None:
        """A method with no step: the trace gives up (the eager list stays right)."""
        if self._flow_t is not None:
            _tape.side_effect(f"it calls TensorArray.{what} on a TensorArray a loop carries")

    def _pack(self, values: list):
        """TF's conversion of a list of tensors to one tensor of the array's dtype: when the
        first tensor's dtype differs, every element is cast first."""
        if not values:
            return convert_to_tensor([], dtype=self._dtype)
        if values[0].dtype != self._dtype:
            values = [v if v.dtype == self._dtype else cast(v, self._dtype) for v in values]
        return _stack(values)

    def stack(self, name=None):
        """All elements stacked along a new axis 0 (unwritten ones as zeros)."""
        trace = self._flow_trace()
        if trace is not None:
            result = self._stack()
            forward = _flow_stacker(len(self._tensor_array), self._element_shape, self._dtype)
            return self._step(
                trace, forward, [], "TensorListStack", make(result._value, self._dtype)
            )
        return self._stack()

    def _stack(self):
        if self._tensor_array:
            for ix in range(len(self._tensor_array)):
                self._maybe_zero(ix)
        if not self._tensor_array and self._element_shape.is_fully_defined():
            return _zeros([0, *self._element_shape.as_list()], self._dtype)
        return self._pack(self._tensor_array)

    def gather(self, indices, name=None):
        """The elements at `indices` stacked (unwritten ones as zeros; Python's negative
        indices count from the end, as in TF's eager list)."""
        self._leave_flow("gather")
        if isinstance(indices, Tensor):
            indices = indices.numpy()
        values = [self._maybe_zero(i) for i in indices]
        return _stack(values) if values else convert_to_tensor([])

    def concat(self, name=None):
        """All elements concatenated along axis 0 (each must be at least a vector)."""
        self._leave_flow("concat")
        if not self._tensor_array:
            raise InvalidArgumentError(None, None, _CONCAT_NOTHING)
        try:
            return _concat([self._maybe_zero(ix) for ix in range(len(self._tensor_array))], 0)
        except OpError:
            ndims = [t.shape.rank for t in self._tensor_array]
            if 0 in ndims:
                raise InvalidArgumentError(
                    None,
                    None,
                    f"Concat saw a scalar shape at index {ndims.index(0)} but requires at least "
                    "vectors.",
                ) from None
            raise

    def unstack(self, value, name=None) -> TensorArray:
        """Makes the slices of `value` along axis 0 the elements (the array grows to their
        number when dynamic).

        Raises:
          ValueError: for a scalar, or more slices than a fixed size holds.
        """
        self._leave_flow("unstack")
        tensors = _slices(value)
        if len(tensors) > len(self._tensor_array) and not self._dynamic_size:
            raise ValueError(
                f"Cannot unstack {len(tensors)} tensors into a TensorArray of static size "
                f"{len(self._tensor_array)} "
            )
        self._tensor_array = tensors
        return self

    def scatter(self, indices, value, name=None) -> TensorArray:
        """Writes the slices of `value` along axis 0 at `indices` (as `write` does each)."""
        self._leave_flow("scatter")
        if isinstance(indices, Tensor):
            indices = indices.numpy()
        for index, val in zip(indices, _slices(value)):
            self._write(index, val)
        return self

    def split(self, value, lengths, name=None) -> TensorArray:
        """Makes the pieces of `value` split along axis 0 by `lengths` the elements.

        Raises:
          InvalidArgumentError: if `lengths` is not a vector, `value` is a scalar, the
            lengths do not sum to `value`'s first dimension, or (fixed size) their number is
            not the array's size.
        """
        self._leave_flow("split")
        value = _convert_preferred(value, self._dtype)
        if value.dtype != self._dtype:
            _log_split_dtype(value, self._dtype)
        lengths = convert_to_tensor(lengths)
        sum_lengths = reduce_sum(lengths)
        if lengths.shape.rank != 1:
            raise InvalidArgumentError(
                None,
                None,
                f"Expected lengths to be a vector, received shape: {lengths.shape.as_list()} ",
            )
        if value.shape.rank == 0:
            raise InvalidArgumentError(
                None,
                None,
                "Expected value to be at least a vector, but received shape: "
                f"{value.shape.as_list()} ",
            )
        if sum_lengths.numpy() != value.shape.as_list()[0]:
            raise InvalidArgumentError(
                None,
                None,
                "Expected sum of lengths to be equal to values.shape[0], but sum of lengths is "
                f"{int(sum_lengths.numpy())} and value's shape is: {value.shape.as_list()} ",
            )
        if not self._dynamic_size and lengths.shape[0] != len(self._tensor_array):
            raise InvalidArgumentError(
                None,
                None,
                "TensorArray's size is not equal to the size of lengths "
                f"({len(self._tensor_array)} vs. {lengths.shape[0]}), and the TensorArray is not "
                "marked as dynamically resizeable.",
            )
        self._tensor_array = _split(value, lengths)
        return self

    def size(self, name=None):
        """The number of elements, as a scalar int32 tensor."""
        trace = self._flow_trace()
        if trace is not None:
            result = make(_dt.int32.as_numpy_dtype(len(self._tensor_array)), _dt.int32)
            return self._step(trace, _flow_size, [], "TensorListLength", result)
        return constant(len(self._tensor_array))

    def close(self, name=None) -> None:
        """Forgets every element (the size becomes 0)."""
        self._leave_flow("close")
        del self._tensor_array[:]


def _flow_writer(dynamic: bool):
    def write(flow, index, value):
        i = int(index)
        if i < 0 or (i >= len(flow) and not dynamic):
            raise OutOfRangeError(None, None, "TensorArray write index out of range")
        if i >= len(flow):
            flow.extend(None for _ in range(i - len(flow) + 1))
        flow[i] = value
        return (flow,)

    return write


def _zeros_value(element_shape, dtype):
    if not element_shape.is_fully_defined():
        raise ValueError(
            f"Cannot convert a partially known TensorShape {element_shape} to a Tensor."
        )
    shape = element_shape.as_list()
    zeros = np.zeros(shape, dtype.as_numpy_dtype)
    return zeros if shape else zeros[()]  # a NumPy scalar for rank 0, as tensors hold


def _flow_reader(element_shape, dtype):
    def read(flow, index):
        i = int(index)
        if i < 0 or i >= len(flow):
            raise OutOfRangeError(None, None, "TensorArray read index out of range")
        if flow[i] is None:
            flow[i] = _zeros_value(element_shape, dtype)
        return flow, flow[i]

    return read


def _flow_stacker(size: int, element_shape, dtype):
    def stack(flow):
        if len(flow) != size:  # later ops were traced with the traced length
            from .._compile.trace import ReplayDivergesError

            raise ReplayDivergesError("a TensorArray stacks another number of elements")
        for i, v in enumerate(flow):
            if v is None:
                flow[i] = _zeros_value(element_shape, dtype)
        if not flow:  # as eagerly: [0, *shape], or [0] for an unknown element shape
            shape = element_shape.as_list() if element_shape.is_fully_defined() else []
            return flow, np.zeros([0, *shape], dtype.as_numpy_dtype)
        return flow, np.stack(flow, 0)

    return stack


def _flow_size(flow):
    return flow, np.int32(len(flow))


def _slices(value) -> list:
    """`tf.unstack(value)`, with TF's error for a scalar."""
    value = convert_to_tensor(value)
    if value.shape.rank == 0:
        raise ValueError("Argument `axis` = 0 not in range [0, 0)")
    return _unstack(value)


def _log_split_dtype(value, dtype) -> None:
    """TF's error log (not an exception) for `TensorArray.split` of another dtype."""
    import logging
    import traceback

    logging.getLogger("tapeflow").error(
        f"Error: Input value {value.numpy()} has dtype {value.dtype!s}, but expected dtype "
        f"{dtype!s}.  This leads to undefined behavior and will be an error in future versions "
        f"of TensorFlow.  Traceback:\n{''.join(traceback.format_stack())}"
    )
