"""The backward walk: one pass over a tape's entries, in reverse, running VJP rules.

The entries are in execution order, so walking them in reverse visits every op
after all of its consumers: no topological sort, no recursion, no depth limit.
A forward pass over ids first keeps only the entries that depend on a source.
The walk keeps one cotangent per tensor id, drops each as soon as its producer
has consumed it, and runs the ops' VJP rules, which are written in tapeflow ops:
when an outer tape is recording, it records the walk, which is all that
higher-order gradients need.

Every rule is called the same way, `rule(g, out, *inputs, needs=..., **attrs)`:
`needs[i]` says whether input i wants a gradient (Chainer's and PyTorch's
convention), so a rule may skip an expensive product nobody needs. It returns
one gradient (or None) per input; the walk checks the count and the shapes,
undoes broadcasting for ops that declare it, and sums contributions in `_add`,
which owns the sparse/dense policy and the in-place sums.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from .._core import backend as _backend
from .._core import registry as _registry
from .._core import tape as _tape
from .._core.accel import compiled as _compiled
from .._core.errors import InternalError, op_error
from .._core.indexed_slices import IndexedSlices, to_dense
from .._core.tensor import EagerTensor, make, new_id

# The Reshape op itself where shapes are computed here: the public wrapper checks user input.
from ..ops.array_ops import _reshape, concat, stack, sum_to
from ..ops.math_ops import add

# Gradients of at least this many elements are summed in place when that is safe.
INPLACE_MIN_SIZE = 4096
# A rule's result of at least this many elements is tested for ownership (_made_by_rule):
# the test costs about a microsecond, which saving an allocation repays only for arrays
# this large (W6's 4,096-element cotangents lost 3 us a step to it; W4's 4M gain 3 ms).
OWN_MIN_SIZE = 1 << 16


def ones_like_value(t: EagerTensor) -> EagerTensor:
    """Ones shaped as `t`, of its array kind (a NumPy scalar for a NumPy scalar)."""
    value = t._value
    if type(value) is np.ndarray:
        return make(np.ones_like(value), t._dtype)
    if isinstance(value, np.generic):
        return make(value.dtype.type(1), t._dtype)
    return make(_backend.ones_like(value), t._dtype)  # a Dask or CuPy array


def zeros_like_value(t: EagerTensor, batch_shape: tuple = ()) -> EagerTensor:
    """Zeros shaped `batch_shape + t.shape`, of `t`'s array kind."""
    value = t._value
    if type(value) is np.ndarray:
        return make(np.zeros(batch_shape + value.shape, value.dtype), t._dtype)
    if isinstance(value, np.generic):
        if batch_shape:
            return make(np.zeros(batch_shape, value.dtype), t._dtype)
        return make(value.dtype.type(0), t._dtype)
    return make(_backend.zeros_like(value, batch_shape + value.shape), t._dtype)


def backward(entries: list, targets: list, seeds: list, sources: list, batch_ndim: int = 0) -> list:
    """Runs the reverse walk; returns one gradient (or None) per source.

    Args:
      entries: tape entries (`tape.Entry`) in execution order.
      targets: the tensors to differentiate.
      seeds: one cotangent per target (a tensor shaped `batch + target.shape`).
      sources: the tensors (variables' read tensors) to differentiate with respect to.
      batch_ndim: the number of leading batch dimensions of the seeds.

    Mirrored in C by `_compiled.backward` (the compiled core, _core/accel.py), which
    calls the helpers below for the rare paths.
    """
    source_ids = {s._id for s in sources}
    reach, relevant = _reachable(entries, source_ids)
    grads: dict = {}  # tensor id -> its cotangent so far
    owned: set = set()  # ids whose cotangent is an array only this walk refers to (_add)
    first_new_id = new_id()  # tensors made from here on were made by this walk's rules
    for t, seed in zip(targets, seeds):
        if t._id in reach and t._dtype._differentiable:
            _add(grads, owned, t._id, seed)
    # Diagnostics (check_numerics) name the rule running when a NaN appears, and its
    # forward op's line: the walk tells them the entry through the thread state, while
    # they are enabled (a local test per entry).
    state = _tape.state
    diagnosing = bool(_registry.OUTPUT_CHECKS)
    if diagnosing:  # (state.rule and state.entry are set only then)
        outer_rule, outer_entry = state.rule, state.entry
    try:
        for op, inputs, outs, attrs in reversed(relevant):
            if type(outs) is tuple or outs._id in source_ids:
                if type(outs) is tuple and op.accumulates:
                    _accumulate(
                        op, grads, owned, source_ids, reach, inputs, outs, attrs, batch_ndim
                    )
                    continue
                g = _take(grads, owned, source_ids, outs, batch_ndim)
            else:  # the common case; its id never gets a cotangent again
                g = grads.pop(outs._id, None)
                if type(g) is IndexedSlices:
                    g = to_dense(g)
            if g is None:
                continue
            n = len(inputs)
            if n == 1:  # a relevant entry's one input depends on a source
                needs = _ONE if inputs[0]._dtype._differentiable else _NONE
            elif n == 2:
                x, y = inputs
                nx = x._id in reach and x._dtype._differentiable
                ny = y._id in reach and y._dtype._differentiable
                needs = _BOTH if nx and ny else (nx, ny)  # no allocation in the common case
            else:
                needs = tuple([t._id in reach and t._dtype._differentiable for t in inputs])
            if diagnosing:
                state.rule = op
                state.entry = (op, inputs, outs, attrs)
            if batch_ndim and not op.batch_polymorphic:
                in_grads = _per_example_vjp(op, g, outs, inputs, attrs, needs, batch_ndim)
            elif attrs:
                in_grads = op.vjp_rule(g, outs, *inputs, needs=needs, **attrs)
            else:
                in_grads = op.vjp_rule(g, outs, *inputs, needs=needs)
            if type(in_grads) is not tuple:
                if type(in_grads) is EagerTensor and n == 1:
                    in_grads = (in_grads,)
                else:
                    in_grads = _as_tuple(op, in_grads, n)
            if len(in_grads) != n:
                _count_mismatch(op, in_grads, inputs)
            for t, gi, need in zip(inputs, in_grads, needs):
                if gi is None or not need:
                    continue
                if type(gi) is not EagerTensor:
                    gi = _checked(op, gi, t, batch_ndim)
                else:  # the one shape test: batch dims first, then exactly t's shape
                    gs, ts = gi._value.shape, t._value.shape
                    if (
                        gs != ts
                        if not batch_ndim
                        else gs[batch_ndim:] != ts or len(gs) != len(ts) + batch_ndim
                    ):
                        gi = _checked(op, gi, t, batch_ndim)
                tid = t._id
                if tid in grads:
                    _add(grads, owned, tid, gi)
                else:
                    grads[tid] = gi
                    if type(gi) is EagerTensor and gi._id >= first_new_id:  # cheap tests first
                        gv = gi._value
                        if type(gv) is np.ndarray and gv.size >= OWN_MIN_SIZE:
                            if gv.base is None and _made_by_rule(gv, op, g, inputs, outs, in_grads):
                                owned.add(tid)
    finally:
        if diagnosing:
            state.rule, state.entry = outer_rule, outer_entry
    return [grads.get(s._id) for s in sources]


# `needs` of a one-input entry (per input: it depends on a source and its dtype carries
# gradients).
_ONE = (True,)
_NONE = (False,)
_BOTH = (True, True)


def _reachable(entries: list, source_ids: set) -> tuple:
    """(ids that depend on a source, the entries with such an input), in one pass."""
    reach = set(source_ids)
    relevant = []
    for entry in entries:
        _, inputs, outs, _ = entry  # an Entry's layout
        for t in inputs:
            if t._id in reach:
                relevant.append(entry)
                if type(outs) is tuple:
                    reach.update(o._id for o in outs)
                else:
                    reach.add(outs._id)
                break
    return reach, relevant


def _count_mismatch(op, in_grads: tuple, inputs: tuple) -> None:
    raise op_error(
        InternalError,
        f"Num gradients {len(in_grads)} generated for op {op.type} do not match "
        f"num inputs {len(inputs)}",
    )


def _as_tuple(op, in_grads, n_inputs: int) -> tuple:
    """A rule's result as a tuple: a one-input rule may return a bare gradient."""
    if n_inputs == 1 and not isinstance(in_grads, (tuple, list)):
        return (in_grads,)
    if isinstance(in_grads, (tuple, list)):
        return tuple(in_grads)
    raise op_error(
        InternalError,
        f"The gradient rule of {op.type} returned {type(in_grads).__name__} for "
        f"{n_inputs} inputs: a rule returns one gradient (or None) per input.",
    )


def _checked(op, gi, t: EagerTensor, batch_ndim: int):
    """A rule's gradient for input `t` that the walk found is not a tensor of `t`'s
    (batched) shape: an IndexedSlices as it is, a broadcast gradient summed down to `t`'s
    shape; anything else is a broken rule, named."""
    if type(gi) is IndexedSlices:
        return gi
    if type(gi) is not EagerTensor:
        raise op_error(
            InternalError,
            f"The gradient rule of {op.type} returned {type(gi).__name__} where a tensor "
            "(or None) was expected.",
        )
    tshape = t._value.shape
    if not op.broadcasting:
        raise op_error(
            InternalError,
            f"The gradient rule of {op.type} returned shape {list(gi._value.shape)} for an "
            f"input of shape {list(tshape)} (batch dims: {batch_ndim}).",
        )
    return sum_to(gi, tshape, batch_ndim)


# How contributions are summed. Two sparse contributions (IndexedSlices, gather's) stay
# sparse, with a dense one the sum is dense (TF's rule). A sum the walk computed itself is a
# fresh array nothing else refers to (autograd's "mutable" flag, here the `owned` set), and
# so is a large gradient a registry rule just made (`_made_by_rule`): later contributions
# are added into it in place, when no recorder could be differentiating the walk. Anything
# else is never written into: a rule may return its cotangent itself, a view of it, or
# (a custom gradient) a tensor the user keeps. An id leaves `owned` when its cotangent is
# handed to a rule.


def _take(grads: dict, owned: set, source_ids: set, outs, batch_ndim: int):
    """The cotangent of an entry's outputs (dense), or None if none reached them.

    A source's own gradient stays (it is a result); the others are dropped.
    """
    if type(outs) is not tuple:
        g = _take_one(grads, owned, source_ids, outs._id)
        return to_dense(g) if type(g) is IndexedSlices else g
    gs = [_take_one(grads, owned, source_ids, o._id) for o in outs]
    gs = [to_dense(g) if type(g) is IndexedSlices else g for g in gs]
    present = next((g for g in gs if g is not None), None)
    if present is None:
        return None
    batch = np.shape(present._value)[:batch_ndim]
    return [zeros_like_value(o, batch) if g is None else g for g, o in zip(gs, outs)]


def _accumulate(op, grads, owned, source_ids, reach, inputs, outs, attrs, batch_ndim) -> None:
    """Runs a rule that sums into its inputs' cotangents itself (`Rule.accumulates`).

    It gets its outputs' cotangents with None where none arrived (not zeros), and `prev`,
    the cotangents its inputs have so far; it returns their new values (None: unchanged).
    A traced control-flow construct walks its own ops that way, summing in the order this
    walk would have had they been recorded here, as they are eagerly.
    """
    g = [_take_one(grads, owned, source_ids, o._id) for o in outs]
    g = [to_dense(c) if type(c) is IndexedSlices else c for c in g]
    if all(c is None for c in g):
        return
    needs = tuple([t._id in reach and t._dtype._differentiable for t in inputs])
    prev = tuple([grads.get(t._id) if need else None for t, need in zip(inputs, needs)])
    totals = op.vjp_rule(g, outs, *inputs, needs=needs, prev=prev, batch_ndim=batch_ndim, **attrs)
    for t, total, need in zip(inputs, totals, needs):
        if need and total is not None:
            owned.discard(t._id)
            grads[t._id] = total


def _take_one(grads: dict, owned: set, source_ids: set, tid: int):
    owned.discard(tid)
    return grads.get(tid) if tid in source_ids else grads.pop(tid, None)


def _add(grads: dict, owned: set, tid: int, gi) -> None:
    """grads[tid] += gi, TF's way."""
    prev = grads.get(tid)
    if prev is None:
        grads[tid] = gi
    elif type(prev) is EagerTensor and type(gi) is EagerTensor:
        if tid in owned and not _tape.active and _summable_in_place(prev._value, gi._value):
            np.add(prev._value, gi._value, out=prev._value)
            return
        grads[tid] = add(prev, gi)
        if not _tape.active:
            owned.add(tid)  # a fresh array only the walk refers to
    elif type(prev) is IndexedSlices and type(gi) is IndexedSlices:
        # In forward order: the walk meets later uses first, so `gi` goes in front.
        grads[tid] = IndexedSlices(
            concat([gi._values, prev._values], 0),
            concat([gi._indices, prev._indices], 0),
            prev._dense_shape,
        )
    else:
        prev = to_dense(prev) if type(prev) is IndexedSlices else prev
        gi = to_dense(gi) if type(gi) is IndexedSlices else gi
        grads[tid] = add(prev, gi)


def _made_by_rule(gv, op, g, inputs: tuple, outs, in_grads: tuple) -> bool:
    """Whether a large gradient array `gv`, of a tensor made during the walk and owning its
    memory (not a view), was made by the rule just run for this input alone, so that the
    walk may own it: none of the arrays the rule was given (identity-like ops return their
    input's array), returned once. Registry rules only: a user's custom gradient may
    return anything."""
    if not op.fresh_gradients:
        return False
    for c in g if type(g) is list else (g,):
        if gv is c._value:
            return False
    for x in inputs:
        if gv is x._value:
            return False
    for o in outs if type(outs) is tuple else (outs,):
        if gv is o._value:
            return False
    if len(in_grads) == 1:
        return True
    same = [o for o in in_grads if type(o) is EagerTensor and o._value is gv]
    return len(same) == 1


def _summable_in_place(pv, gv) -> bool:
    return (
        type(pv) is np.ndarray
        and pv.size >= INPLACE_MIN_SIZE
        and type(gv) is np.ndarray
        and pv.shape == gv.shape
        and pv.dtype == gv.dtype
    )


def _per_example_vjp(op, g, outs, inputs: tuple, attrs: dict, needs: tuple, batch_ndim: int):
    """Runs a rule that only takes unbatched cotangents (a user's custom gradient)
    once per batch element, and stacks the results."""
    multi = type(outs) is tuple
    cotangents = g if multi else [g]
    batch_shape = np.shape(cotangents[0]._value)[:batch_ndim]
    flat = [_reshape(c, shape=(-1,) + np.shape(c._value)[batch_ndim:]) for c in cotangents]
    rows = []
    for i in range(math.prod(batch_shape)):
        items = [c[i] for c in flat]
        row = op.vjp_rule(items if multi else items[0], outs, *inputs, needs=needs, **attrs)
        rows.append(_as_tuple(op, row, len(inputs)))
    result = []
    for k, x in enumerate(inputs):
        stacked = stack_rows([row[k] for row in rows])
        shape = batch_shape + np.shape(x._value)
        result.append(None if stacked is None else _reshape(stacked, shape=shape))
    return tuple(result)


def stack_rows(rows: list):
    """Stacks per-element gradients (the loop fallback); None if none is connected."""
    if all(r is None for r in rows):
        return None
    template = next(r for r in rows if r is not None)
    return stack([zeros_like_value(template) if r is None else r for r in rows])


if _compiled:  # the walk's loop in C (_compiled.pyx mirrors backward; the rare paths stay here)
    _compiled.bind_walk(sys.modules[__name__])
    _ones_like_value = ones_like_value  # the other array kinds
    backward, ones_like_value = _compiled.backward, _compiled.ones_like_value
