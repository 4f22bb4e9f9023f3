"""tf.vectorized_map: trace `fn` on one example, replay the trace on the whole batch.

TF's pfor converts the graph of `fn` op by op into batched ops. Here the graph
is a `tf.function`-style trace (_compile/trace.py): `fn` runs eagerly once, on
the first example, while a recorder notes every op it executes, including the
ops a GradientTape inside `fn` runs for its gradients (the backward pass is just
more ops). The trace is then replayed on the batch: each value is either batched
(a leading axis of length `size`, one row per example) or shared by every
example (captured tensors, variable reads, constants, and whatever is computed
from those alone). An op with a batched input runs through its batching rule
(`Op.batch_rule`, rules.py), which runs it (and a few reshapes) once on the
batch; an op without a rule runs once per example and its results are stacked
(TF's "while_loop" fallback, with TF's warning). Per-example gradients are
therefore exact: they are the traced backward ops, batched.

The replay runs through ops, so tapes, accumulators and tf.function traces
outside `vectorized_map` record it (gradients through it, of any order). While
the example is traced those outer recorders are hidden: they see only the
replay. A trace that cannot be replayed (`fn` read a value in Python, or
assigned a variable) makes `fn` run per example instead, as `tf.map_fn` would.
"""

from __future__ import annotations

import contextlib

import numpy as np

from ..._compile.trace import Trace
from ..._core import nest
from ..._core import tape as _tape
from ..._core.errors import invalid_argument
from ..._core.logging import warn as _warn
from ..._core.registry import REGISTRY
from ..._core.tensor import EagerTensor, _is_variable, convert_to_tensor, make

_CONSIDER = "Consider enabling the fallback_to_while_loop option to pfor, which may run slower."


class _Recording(Trace):
    """A trace that also keeps each step's Op (or the variable a read step reads)
    and the tensor behind each constant slot, so the replay can run ops on tensors."""

    def __init__(self):
        super().__init__()
        self.ops: list = []  # per step: the Op, or the Variable a read step reads
        self.constants: dict = {}  # slot -> the tensor a constant slot holds

    def _input(self, t):
        known = t._id in self.slot_of
        slot = super()._input(t)
        if not known:
            self.constants[slot] = t
        return slot

    def record(self, op, inputs, outputs, attrs):
        super().record(op, inputs, outputs, attrs)
        self.ops.append(op)

    def _read_step(self, variable, value):
        super()._read_step(variable, value)
        self.ops.append(variable)

    def assign_variable(self, variable, how, t, before):
        self.taint("it assigns a variable")


@contextlib.contextmanager
def _alone(recording: _Recording):
    """Makes `recording` this thread's only recorder (outer tapes, accumulators and
    tf.function traces are hidden), without stopping tapes that `fn` itself opens."""
    with _tape.outer_recorders_hidden():
        _tape.push(recording)
        try:
            yield
        finally:
            _tape.pop(recording)


@contextlib.contextmanager
def _rolled_back_on_error():
    """Drops what outer tapes recorded if the call raises (no tape changed by bad input)."""
    marks = [(t, len(t.entries)) for t in _tape.state.tapes]
    try:
        yield
    except BaseException:
        for t, n in marks:
            del t.entries[n:]
        raise


def _load_rules():
    """The rules module, imported (registering every op's batching rule) on first use."""
    from . import rules

    return rules


def vectorized_map(fn, elems, fallback_to_while_loop=True, warn=True):
    """Parallel map on the list of tensors unpacked from `elems` on dimension 0.

    Runs `fn` once on the whole batch: `fn` is traced on the first example and
    the trace replayed with each op's batching rule. Ops without a rule run
    once per example (TF's while_loop fallback), with TF's warning "Using a
    while_loop for converting <OpType> cause there is no registered converter
    for this op."; ops TF's pfor cannot convert have no rule either, so the same
    functions warn (but Conv2DBackpropFilter and Where, which TF converts,
    loop here: rules.NO_RULE).

    As in TF, `fn` should not depend on the examples' order, and the shapes and
    dtypes inside it should not depend on their values. A function that computes
    with a value in Python (`if x > 0`, `x.numpy()`) or assigns a variable
    cannot be vectorized: TF's graph-mode conversion fails on it, where
    tapeflow runs it once per example instead (as `tf.map_fn`).

    Per-example gradients, a GradientTape inside `fn`, vectorize too:

    >>> layer = tf.keras.layers.Dense(1)
    >>> def model_fn(arg):
    ...   with tf.GradientTape() as g:
    ...     inp, label = arg
    ...     loss = tf.nn.l2_loss(tf.expand_dims(label, 0) - layer(tf.expand_dims(inp, 0)))
    ...   return g.gradient(loss, (layer.kernel, layer.bias))
    >>> grads = tf.vectorized_map(model_fn, (tf.ones([10, 32]), tf.ones([10, 1])))
    >>> grads[0].shape, grads[1].shape
    (TensorShape([10, 32, 1]), TensorShape([10, 1]))

    Args:
      fn: the callable, taking one argument in the structure of `elems`.
      elems: a tensor or nested structure of tensors, unpacked along their first
        dimension, which is B or 1 (broadcast to B) for each.
      fallback_to_while_loop: False raises instead of looping over an op without
        a batching rule.
      warn: False silences the fallback warnings.

    Returns:
      `fn`'s results for every example, stacked along a new first dimension (a
      result that does not depend on the example is tiled).

    Raises:
      ValueError: if an op has no batching rule and `fallback_to_while_loop` is
        False. The message is TF's pfor message; where TF prints the op's graph
        node (and autograph's "in user code:" frame), tapeflow names the op type
        and describes its inputs.
      InvalidArgumentError: if a first dimension is neither B nor 1.
    """
    elems = nest.map_structure(
        lambda e: e._convert() if _is_variable(e) else convert_to_tensor(e), elems
    )
    flat = nest.flatten(elems)
    if not flat:
        raise ValueError("elems must be a tensor or a non-empty structure of tensors.")
    firsts = []
    for e in flat:
        shape = np.shape(e._value)
        if not shape:
            raise ValueError(
                "Input tensor must have at least one dimension; got a scalar "
                f"of shape {tuple(shape)}."
            )
        firsts.append(shape[0])
    size = max(firsts)
    for first in firsts:
        if first not in (size, 1):
            # TF gathers row i of each element, out of range for the shorter one.
            raise invalid_argument(f"indices[{first}] = {first} is not in [0, {first})", "GatherV2")
    unsupported = _load_rules().ConversionNotImplementedError
    with _rolled_back_on_error():
        return _vectorized(fn, elems, flat, size, (fallback_to_while_loop, warn, unsupported))


def _vectorized(fn, elems, flat: list, size: int, policy: tuple):
    recording = _Recording()
    examples = [make(e._value[0], e._dtype) for e in flat]
    for t in examples:
        recording.arg_slots.append(recording.argument(t))
    with _alone(recording):
        result = fn(nest.pack_sequence_as(elems, examples))
    if recording.reason is not None:
        return _per_example(fn, elems, flat, size)
    # An element of first dimension 1 is the same for every example: its row 0.
    args = [(e, True) if e._value.shape[0] == size else (_slice(e, 0), False) for e in flat]
    leaves = nest.flatten(result)
    slots = []
    for leaf in leaves:
        if leaf is None:
            slots.append(None)
            continue
        if _is_variable(leaf):
            leaf = leaf._tensor
        elif not isinstance(leaf, EagerTensor):
            leaf = convert_to_tensor(leaf)
        slot = recording.slot_of.get(leaf._id)
        slots.append(leaf if slot is None else slot)  # a tensor from outside `fn`
    values = _replay(recording, args, size, policy)
    out = []
    for slot in slots:
        if slot is None:
            out.append(None)
            continue
        t, batched = (slot, False) if isinstance(slot, EagerTensor) else values[slot]
        out.append(t if batched else _tile(t, size))
    return nest.pack_sequence_as(result, out)


def _replay(recording: _Recording, args: list, size: int, policy: tuple) -> dict:
    """Runs the recorded steps on the batch: slot -> (tensor, batched)."""
    values: dict = {slot: (t, False) for slot, t in recording.constants.items()}
    for slot, arg in zip(recording.arg_slots, args):
        values[slot] = arg
    for (_, ins, attrs, outs, _), op in zip(recording.steps, recording.ops):
        if _is_variable(op):  # a variable read: shared by every example
            values[outs] = (op._convert(), False)
            continue
        xs = tuple([values[i][0] for i in ins])
        batched = tuple([values[i][1] for i in ins])
        attrs = attrs or {}
        if True in batched or op.stateful:
            result = _batched_call(op, xs, batched, attrs, size, policy)
            is_batched = True
        else:
            result = op.run(xs, attrs)
            is_batched = False
        if type(outs) is tuple:
            for slot, r in zip(outs, result):
                values[slot] = (r, is_batched)
        else:
            values[outs] = (result, is_batched)
    return values


def _batched_call(op, xs: tuple, batched: tuple, attrs: dict, size: int, policy: tuple):
    """The op on a batch: its rule, else (TF's fallback) once per example, stacked.

    `policy` is (fallback_to_while_loop, warn, the rules' "cannot batch this" error).
    """
    fallback, warn, unsupported = policy
    rule = op.batch_rule
    if rule is not None:
        try:
            return rule(op, xs, batched, attrs, size)
        except unsupported as e:
            cause = str(e)
    else:
        cause = "there is no registered converter for this op."
    if not fallback:
        raise ValueError(_no_pfor_message(op, xs, batched))
    if warn:
        _warn("Using a while_loop for converting %s cause %s", op.type, cause)
    return _loop(op, xs, batched, attrs, size)


def _no_pfor_message(op, xs: tuple, batched: tuple) -> str:
    inputs = ", ".join(
        f"WrappedTensor(t=<tf.Tensor shape={tuple(np.shape(x._value))} dtype={x._dtype.name}>, "
        f"is_stacked={b}, is_sparse_stacked=False)"
        for x, b in zip(xs, batched)
    )
    node = f'name: "loop_body/{op.type}"\nop: "{op.type}"'
    return f"No pfor vectorization defined for {op.type}\n{node}\n inputs: [{inputs}].{_CONSIDER}"


def _slice(t, i: int):
    return REGISTRY["StridedSlice"].run((t,), {"key": (i,)})


def _stack(rows) -> EagerTensor:
    return REGISTRY["Pack"].run(tuple(rows), {"axis": 0})


def _loop(op, xs: tuple, batched: tuple, attrs: dict, size: int):
    rows = []
    for i in range(size):
        rows.append(op.run(tuple([_slice(x, i) if b else x for x, b in zip(xs, batched)]), attrs))
    if rows and type(rows[0]) is tuple:
        return tuple(_stack([r[k] for r in rows]) for k in range(len(rows[0])))
    return _stack(rows)


def _tile(t, size: int):
    """A value shared by every example, repeated along a new first axis."""
    shape = np.shape(t._value)
    expanded = REGISTRY["Reshape"].run((t,), {"shape": (1,) + shape})
    return REGISTRY["Tile"].run((expanded,), {"multiples": (size,) + (1,) * len(shape)})


def _per_example(fn, elems, flat: list, size: int):
    """`fn` run on each example and the results stacked: for functions a trace cannot
    vectorize (they read values in Python or assign variables)."""
    rows = []
    for i in range(size):
        example = [_slice(e, i if np.shape(e._value)[0] == size else 0) for e in flat]
        rows.append(fn(nest.pack_sequence_as(elems, example)))
    leaves = [nest.flatten(r) for r in rows]
    stacked = []
    for k in range(len(leaves[0])):
        column = [row[k] for row in leaves]
        if column[0] is None:
            stacked.append(None)
        else:
            stacked.append(_stack([convert_to_tensor(c) for c in column]))
    return nest.pack_sequence_as(rows[0], stacked)
