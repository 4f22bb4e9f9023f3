"""Control flow under a `tf.function` trace: replay steps whose branches and bodies are
sub-traces (split from trace.py, whose `Trace.branch/loop/map/scan` hooks call the steps here).

`tf.cond`/`switch_case`/`case` become a branch step, `tf.while_loop` a loop step, `tf.map_fn`
a map step and `tf.scan`/`foldl`/`foldr` a scan step; under tapes inside the function a
construct is one tape entry whose gradient is itself a replayed step.
"""

from __future__ import annotations

import collections
import copy
import operator

import numpy as np

from .._core import nest, registry
from .._core import tape as _tape
from .._core.dtypes import int32 as _int32
from .._core.tensor import EagerTensor, _is_variable, convert_to_tensor, make
from ..autodiff.walk import _reachable, backward, zeros_like_value
from ..ops.array_ops import identity
from .trace import Flow, ReplayDivergesError, Trace, _Saved, _slots

# -- control flow: replay steps whose branches are sub-traces ----------------------------------


class _Chain(set):
    """The traced ids of a sub-trace: its own, or any enclosing trace's (a branch that
    reads an enclosing call-dependent value in Python must taint the whole trace)."""

    __slots__ = ("parent",)

    def __contains__(self, tid) -> bool:
        return set.__contains__(self, tid) or tid in self.parent


class SubTrace(Trace):
    """The program of one branch of a control-flow step, traced inside `parent`.

    Its arguments are the tensors of the enclosing traces it captures (found as the
    branch uses them: `captures` holds their slots in `parent`). Variable reads and
    assignments are steps of its own, so the branch reads and writes them afresh.
    """

    fingerprints = False

    def __init__(self, parent: Trace):
        super().__init__()
        self.parent = parent
        self.traced = _Chain()
        self.traced.parent = parent.traced
        # Shared with the enclosing trace: the check and the program's undo see them all.
        self.touched, self.current = parent.touched, parent.current
        self.assigned_variables = parent.assigned_variables
        self.exported_ids = parent.exported_ids
        self.captures: list = []  # slots in `parent`, one per argument
        self.captured_ids: set = set()  # ids of the tensors those hold
        self.objects: dict = {}  # slot -> the tensor an op (or step) of this program made
        self.assigned: set = set()  # ids of the variables this branch (or one inside) assigns

    def taint(self, what: str) -> None:
        self.parent.taint(what)

    def _input(self, t: EagerTensor) -> int:
        tid = t._id
        if tid not in self.slot_of and tid in self.parent.traced:
            captured = self.parent._input(t)  # the parent checks for stale variable reads
            slot = self.slot_of[tid] = self._new_slot(t._value)
            set.add(self.traced, tid)
            self.arg_slots.append(slot)
            self.captures.append(captured)
            self.captured_ids.add(tid)
            return slot
        return super()._input(t)

    def assign_variable(self, variable, how: str, t: EagerTensor, before: EagerTensor) -> None:
        super().assign_variable(variable, how, t, before)
        self.assigned.add(variable._id)

    def _output(self, t: EagerTensor) -> int:
        slot = super()._output(t)
        self.objects[slot] = t  # what a recorded branch exports (_plan), while tracing
        return slot


def _branch_leaves(result) -> list | None:
    """A branch result's tensor leaves, or None if some leaf is not a tensor."""
    leaves = nest.flatten(result)
    for leaf in leaves:
        if type(leaf) is not EagerTensor:
            return None
    return leaves


def _run_branch(parent: Trace, fn, taken: bool, tapes: list):
    """Runs `fn()` with a sub-trace of `parent` current; returns (sub-trace, result, the
    private tape that recorded it in place of `tapes`, or None without tapes).

    A branch not taken runs too (as TF traces every branch of a graph `cond`), but what it
    assigns is undone; an exception it raises is returned as its result.
    """
    sub = SubTrace(parent)
    state = _tape.state
    saved, state.trace = state.trace, sub
    journal = None
    if not taken:
        journal = _tape.Journal()
        _tape.push(journal)
    private = _ConstructTape(tapes) if tapes else None
    outer = _swap_tapes([private]) if tapes else None
    try:
        # A variable a branch returns (`v.assign_add(x)`) is its value, as in a TF graph.
        result = nest.map_structure(lambda x: convert_to_tensor(x) if _is_variable(x) else x, fn())
    except Exception as e:  # noqa: BLE001 - a branch not taken: the trace gives up below
        if taken:
            if tapes:
                _swap_tapes(outer)
                outer = None
                _rerecord(private.entries, tapes)
            raise
        result = e
    finally:
        if outer is not None:
            _swap_tapes(outer)
        state.trace = saved
        if journal is not None:
            _tape.pop(journal)
            journal.undo_assignments()
    return sub, result, private


# -- tapes inside a traced function: a construct is one tape entry -----------------------------
#
# A tape recording inside the function would record the ops of the path the tracing call took
# only. So while a construct runs, a private tape (`_ConstructTape`) records its ops in place of
# the thread's tapes, and those get one entry for the whole construct (`_Construct`), whose
# gradient is a construct again: for tf.cond, a step choosing between the gradients of the
# branches, each the backward walk over that branch's recorded ops. The values those need
# (the branch's intermediates) become outputs of the forward step. The walk gives the entry
# the cotangents its inputs have so far (`Rule.accumulates`), so every sum happens in the
# order the eager walk over the same ops would do it: the replayed gradients are eager's bit
# for bit. Where that cannot hold the trace gives up (the function then runs eagerly), and a
# replay whose path would give some gradient another None-ness than the traced path had
# raises ReplayDivergesError: that call runs eagerly.


class _Tracked(set):
    """The ids a construct's private tape tracks: its own, and those of the tapes it
    stands in for."""

    __slots__ = ("outer",)

    def __contains__(self, tid) -> bool:
        return set.__contains__(self, tid) or any(tid in tape.ids for tape in self.outer)


class _ConstructTape(_tape.Tape):
    """Records a construct's ops in place of this thread's tapes (`outer`)."""

    __slots__ = ("outer",)

    def __init__(self, outer: list):
        super().__init__(False)
        self.outer = outer
        self.ids = _Tracked()
        self.ids.outer = outer

    def read_variable(self, variable) -> None:
        for tape in self.outer:  # they watch what they would have watched
            tape.read_variable(variable)


def _swap_tapes(tapes: list) -> list:
    """Makes `tapes` this thread's tapes; returns the ones it had."""
    state = _tape.state
    old = state.tapes
    _tape._count(len(tapes) - len(old))
    state.tapes = tapes
    return old


def _rerecord(entries: list, tapes: list) -> None:
    """Puts a private tape's entries on `tapes`, as they would have recorded them."""
    for entry in entries:
        _, inputs, outputs, _ = entry
        for tape in tapes:
            ids = tape.ids
            if any(t._id in ids for t in inputs):
                tape.entries.append(entry)
                ids.update(o._id for o in _slots(outputs))


def _tracked(t, tapes: list) -> bool:
    return any(t._id in tape.ids for tape in tapes)


class _Construct(registry.Rule):
    """The tape entry of a control-flow step recorded under tapes: its VJP is
    `gradient(g, needs, prev, batch_ndim)`, returning the inputs' new cotangents."""

    accumulates = True
    fresh_gradients = False

    def __init__(self, type_name: str, gradient):
        self.type = type_name
        self._gradient = gradient

    def vjp_rule(self, g, outs, *inputs, needs, prev, batch_ndim=0):
        return self._gradient(g, inputs, needs, prev, batch_ndim)


def _renaming(recorded: list, received) -> dict:
    """id -> tensor for the inputs an entry was recorded with that now are other tensors:
    an enclosing loop's walk puts the tensors eager would have had in place of its copies
    (`_substituted`), and the construct must use them in its own entries too."""
    return {x._id: r for x, r in zip(recorded, received) if r._id != x._id}


def _first_positions(tensors: list, needs) -> list:
    """The positions of the needed tensors, each id once (the first)."""
    seen, positions = set(), []
    for i, (t, need) in enumerate(zip(tensors, needs)):
        if need and t._id not in seen:
            seen.add(t._id)
            positions.append(i)
    return positions


def _internal(sub: SubTrace, parent: Trace, tid: int) -> bool:
    """Whether tensor id `tid` is a call-dependent value made inside `sub` (not captured
    from the enclosing traces, not a variable's)."""
    return (
        tid in sub.slot_of
        and set.__contains__(sub.traced, tid)
        and tid not in sub.captured_ids
        and tid not in parent.touched
    )


def _recorded_tensors(entries: list) -> list:
    """The tensors `entries` refer to, each once, in order."""
    seen, found = set(), []
    for _, inputs, outputs, _ in entries:
        for t in (*inputs, *_slots(outputs)):
            if t._id not in seen:
                seen.add(t._id)
                found.append(t)
    return found


_RETURNS_OUTER = "a control-flow branch returns a tensor from outside it while a tape records it"


def _plan(parent: Trace, sub: SubTrace, private, leaves: list, tapes: list, every=True):
    """(intermediates to export, external tracked inputs) of one recorded branch, or a
    reason it cannot be differentiated as one entry (_RETURNS_OUTER: eagerly the step's
    output would be that tensor itself, whose cotangent sums interleave with its own)."""
    if sub.assigned:
        return "a control-flow branch assigns a variable while a tape records it"
    ids = [t._id for t in leaves]
    if len(set(ids)) < len(ids):
        return "a control-flow branch returns one tensor twice while a tape records it"
    for t in leaves:
        if not _internal(sub, parent, t._id) and _tracked(t, tapes):
            return _RETURNS_OUTER
    # Every value the branch's program makes is exported, whichever its recorded ops read:
    # what a step outputs then depends on its programs alone (the same step traced in two
    # iterations of an enclosing loop, whose replay runs one of them, outputs alike).
    # (A loop's copies of its variables are the program's arguments, not made by it: those
    # its ops read are exported too. A loop saves all its values anyway: for its
    # iterations, `every=False` exports only what the ops read.)
    found = {}
    if every:
        for t in sub.objects.values():
            if _internal(sub, parent, t._id):
                found[sub.slot_of[t._id]] = t
    external = []
    for t in _recorded_tensors(private.entries):
        if _internal(sub, parent, t._id):
            found.setdefault(sub.slot_of[t._id], t)
        elif _tracked(t, tapes):
            external.append(t)
    return [t for _, t in sorted(found.items())], external


def _gradient_branches(index, select, chosen: int, plans: list, external: list, barred=()):
    """The gradient of a recorded branch step: a branch step over the gradients of the
    branches (the backward walk over each one's entries) at the index's value. A replay
    never takes a `barred` branch (the forward step runs the call eagerly first): its
    gradient is zeros, to keep the step's structure."""

    def gradient(g, inputs, needs, prev, batch_ndim):
        n = len(external)
        received = list(inputs[1 : 1 + n])
        rename = _renaming(external, received)
        ext_needs = needs[1 : 1 + n]
        totals: list = [None] * len(needs)
        positions = [1 + i for i in _first_positions(received, ext_needs)]
        sources = [inputs[i] for i in positions]
        if not sources:
            return totals
        seeded = [(inputs[i], prev[i]) for i in positions if prev[i] is not None]
        batch = np.shape(next(c for c in g if c is not None)._value)[:batch_ndim]
        patterns: list = [None] * len(plans)

        def walker(k):
            if k in barred:

                def never():
                    patterns[k] = None
                    return [zeros_like_value(x, batch) for x in sources]

                return never
            entries, leaves, where = plans[k]
            if rename:
                entries = _substituted(entries, rename)
                leaves = [rename.get(t._id, t) for t in leaves]

            def walk():
                # The branch's results and tangents, and its intermediates (an outer tape
                # differentiating this gradient gives them cotangents): those with one.
                targets = [t for t, j in zip(leaves, where) if g[j] is not None]
                seeds = [g[j] for j in where if g[j] is not None]
                targets += [x for x, _ in seeded]
                seeds += [p for _, p in seeded]
                result = backward(entries, targets, seeds, sources, batch_ndim)
                patterns[k] = tuple(r is None for r in result)
                # A sum this branch adds nothing to is the one it got: a tensor from outside
                # the branch, which its step must not return as its own (its identity, exact).
                given = {id(p) for _, p in seeded}
                return [
                    zeros_like_value(x, batch)
                    if r is None
                    else (identity(r) if id(r) in given else r)
                    for r, x in zip(result, sources)
                ]

            return walk

        walks = [walker(k) for k in range(len(plans))]
        state = _tape.state
        trace = state.trace
        if trace is not None and state.accumulators:
            trace.taint("a forward accumulator sees the gradient of a traced control-flow step")
        if trace is None or state.accumulators or index._id not in trace.traced:
            if state.tapes:  # they must see the branch's ops this walk reads, as eagerly
                entries = plans[chosen][0]
                _rerecord(_substituted(entries, rename) if rename else entries, state.tapes)
            result = walks[chosen]()
            for pos, r, none in zip(positions, result, patterns[chosen]):
                totals[pos] = None if none else r
            return totals
        # An intermediate of a recorded branch step is only ever differentiated by the
        # branch that made it: its cotangent may be zeros from the others (none reads it).
        exempt = [x._id in trace.exported_ids for x in sources]

        def kept(pattern) -> tuple:
            return tuple(none for none, e in zip(pattern, exempt) if not e)

        def pick(i) -> int:
            k = select(i)
            if patterns[k] is None or kept(patterns[k]) != kept(patterns[chosen]):
                raise ReplayDivergesError("this branch's gradients differ in None-ness")
            return k

        result = trace.branch(index, walks, chosen, pick)
        for j, (pos, r) in enumerate(zip(positions, result)):
            taken = [p for p in patterns if p is not None]
            none = all(p[j] for p in taken) if exempt[j] else patterns[chosen][j]
            totals[pos] = None if none else r
        return totals

    return gradient


def branch_step(parent: Trace, index: EagerTensor, fns: list, chosen: int, select):
    """Runs branch `chosen` of `fns` and records a step that runs the branch `select`
    picks from `index`'s value on replay; returns the chosen branch's result.

    Every branch is traced now, as TF traces every branch of a graph `cond`: their results
    must have one structure of tensors with one dtype per leaf, or the trace gives up
    (TF raises; the function then runs eagerly, with TF's eager cond semantics). Under
    tapes the step is one tape entry whose gradient is a step over the branches' gradients.
    """
    tapes = list(_tape.state.tapes)
    subs, results, leaves, out_slots, privates = [], [], [], [], []
    for k, fn in enumerate(fns):
        sub, result, private = _run_branch(parent, fn, k == chosen, tapes)
        ls = None if isinstance(result, Exception) else _branch_leaves(result)
        subs.append(sub)
        results.append(result)
        leaves.append(ls)
        privates.append(private)
        # Now, before another branch assigns the variables this one returned.
        out_slots.append(None if ls is None else [sub._input(t) for t in ls])
    taken = results[chosen]

    def give_up(reason: str):
        parent.taint(reason)
        if tapes:  # the tapes get the chosen branch's ops, as eagerly
            _rerecord(privates[chosen].entries, tapes)
        return taken

    for result in results:
        if isinstance(result, Exception):
            return give_up(f"a branch its predicate did not pick raises {type(result).__name__}")
    if any(ls is None for ls in leaves):
        return give_up("a control-flow branch returns something other than tensors")
    for result, ls in zip(results, leaves):
        try:
            nest.assert_same_structure(taken, result)
        except (TypeError, ValueError):
            ls = None
        if ls is None or [t._dtype for t in ls] != [t._dtype for t in leaves[chosen]]:
            return give_up("the branches of a control-flow step return different structures")
    # Forward accumulators computed the branches' tangents as they ran (in the sub-traces):
    # the branches return them too, and the step's outputs get them.
    accumulators = list(_tape.state.accumulators)
    tangents = [[a._tangents.get(t._id) for a in accumulators for t in ls] for ls in leaves]
    kinds = [[None if t is None else t._dtype for t in ts] for ts in tangents]
    if any(k != kinds[chosen] for k in kinds):
        return give_up("the branches of a control-flow step differ in which results have tangents")
    tangents = [[t for t in ts if t is not None] for ts in tangents]
    # Under tapes the step is one entry when a branch recorded ops or returns a tensor the
    # tapes track (its fresh outputs must stay connected to what the branches computed).
    recorded = (
        bool(tapes)
        and bool(leaves[chosen])
        and (
            any(p.entries for p in privates)
            or any(_tracked(t, tapes) for ls in leaves + tangents for t in ls)
        )
    )
    exports: list = [[] for _ in fns]
    external: list = []
    barred: set = set()  # branches a replay may not take: it then runs the call eagerly
    if recorded:
        for k, sub in enumerate(subs):
            plan = _plan(parent, sub, privates[k], leaves[k] + tangents[k], tapes)
            if plan == _RETURNS_OUTER and k != chosen:
                barred.add(k)
                continue
            if type(plan) is str:
                return give_up(plan)
            exports[k] = plan[0]
            for t in plan[1]:
                if all(t._id != x._id for x in external):
                    external.append(t)
    captures: list = []  # parent slots: the union of every branch's captures
    programs = []
    for sub, outs, ts, export in zip(subs, out_slots, tangents, exports):
        outs = outs + [sub._input(t) for t in ts] + [sub.slot_of[t._id] for t in export]
        picks = []
        for slot in sub.captures:
            if slot not in captures:
                captures.append(slot)
            picks.append(captures.index(slot))
        programs.append((sub.compile(outs), tuple(picks)))
        parent.draws_random = parent.draws_random or sub.draws_random
    empty = not leaves[chosen]
    m = len(leaves[chosen]) + len(tangents[chosen])
    offsets = [m]
    for export in exports:
        offsets.append(offsets[-1] + len(export))

    def run(i, *values):
        k = select(i)
        if k in barred:
            raise ReplayDivergesError("this branch returns a tensor from outside it")
        replay, picks = programs[k]
        result = replay(*[values[p] for p in picks])
        if empty:
            return np.True_
        if not recorded:
            return result
        full = [None] * offsets[-1]
        full[:m] = result[:m]
        full[offsets[k] : offsets[k + 1]] = result[m:]
        return tuple(full)

    fresh = [_copy(t) for t in leaves[chosen]]  # new ids: never an enclosing tensor's
    fresh_tangents = [_copy(t) for t in tangents[chosen]]
    if empty:
        outputs = parent._new_slot(np.True_)
    else:
        outputs = tuple(parent._output(t) for t in (*fresh, *fresh_tangents))
        tangent_of = iter(fresh_tangents)
        flags = iter(kinds[chosen])
        for a in accumulators:
            for t in fresh:
                if next(flags) is not None:
                    a._tangents[t._id] = next(tangent_of)
    for k, (sub, export) in enumerate(zip(subs, exports)):
        for t in export:  # the values the gradient reads: the chosen branch's only
            slot = parent._new_slot(sub.values[sub.slot_of[t._id]] if k == chosen else None)
            parent.slot_of[t._id] = slot
            parent.traced.add(t._id)
            outputs += (slot,)
    ins = (parent._input(index), *captures)
    parent.steps.append((run, ins, None, outputs, "Case"))
    _reread(parent, set().union(*(sub.assigned for sub in subs)))
    if recorded:
        for t in external:  # variables read first inside a branch: read here, for the gradient
            if t._id in parent.touched and t._id not in parent.slot_of:
                parent.read_variable(parent.touched[t._id][0])
        # The entry's outputs: the results, their tangents (a tape outside an accumulator
        # differentiates them) and every branch's intermediates (a tape outside this one
        # differentiates the gradient step, which reads them).
        plans = []
        for k, (p, ls, ts) in enumerate(zip(privates, leaves, tangents)):
            own = list(range(len(fresh) + len(fresh_tangents)))
            own += list(range(offsets[k], offsets[k + 1]))
            plans.append((p.entries, ls + ts + exports[k], own))
        gradient = _gradient_branches(index, select, chosen, plans, external, barred)
        rule = _Construct("Case", gradient)
        intermediates = [t for export in exports for t in export]
        parent.exported_ids.update(t._id for t in intermediates)
        inputs = (index, *external)
        outs = (*fresh, *fresh_tangents, *intermediates)
        _rerecord([(rule, inputs, outs, {})], tapes)  # tapes only: it has no JVP rule
    return nest.pack_sequence_as(taken, fresh)


def _copy(t: EagerTensor) -> EagerTensor:
    return make(t._value, t._dtype)


def _reread(parent: Trace, assigned: set) -> None:
    """After a step whose branches may assign these variables, the enclosing program
    reads them again; a value read before the step must not pass for the new one."""
    for vid in sorted(assigned):
        variable = parent.assigned_variables[vid]
        variable._put(variable._tensor._value)  # a new object: older reads are told apart
        parent._read_step(variable, variable._tensor._value)
        parent.current[vid] = variable._tensor
    if isinstance(parent, SubTrace):
        parent.assigned |= assigned


def _shape_key(value):
    return Flow if type(value) is Flow else np.shape(value)


def _signature_of(leaves: list) -> list:
    return [(_shape_key(t._value), t._dtype) for t in leaves]


def _run_sub(parent: Trace, fn, structure, undo: bool):
    """Runs `fn(*structure)` with a sub-trace of `parent` current whose arguments are the
    tensors of `structure`; returns (sub-trace, result). With `undo` its assignments are
    undone afterwards."""
    sub = SubTrace(parent)
    # New objects: a loop variable that is also captured (`x = a` and `a` in the body) must
    # stay two values in the sub-trace.
    args = [_copy(t) for t in nest.flatten(structure)]
    for t in args:
        sub.arg_slots.append(sub.argument(t))
    state = _tape.state
    saved, state.trace = state.trace, sub
    journal = _tape.Journal() if undo else None
    if journal is not None:
        _tape.push(journal)
    try:
        return sub, fn(*nest.pack_sequence_as(structure, args))
    finally:
        state.trace = saved
        if journal is not None:
            _tape.pop(journal)
            journal.undo_assignments()


def loop_step(parent: Trace, cond, body, loop_vars, check_structure):
    """Runs `while cond(*loop_vars): loop_vars = body(*loop_vars)` as `_loop_step`; under
    tapes as `_recorded_loop_step`."""
    tapes = list(_tape.state.tapes)
    if tapes:
        return _recorded_loop_step(parent, cond, body, loop_vars, check_structure, tapes)
    if _tape.state.accumulators:
        return _tangent_loop_step(parent, cond, body, loop_vars, check_structure)
    return _loop_step(parent, cond, body, loop_vars, check_structure)


def _tangent_loop_step(parent: Trace, cond, body, loop_vars, check_structure):
    """`_loop_step` under forward accumulators: the loop variables' tangents are loop
    variables too (the accumulators compute them inline as the body runs, in its sub-trace).

    A loop variable without a tangent carries an empty array in its place: another shape,
    so an iteration where one is gained or lost has a sub-trace of its own (`_loop_step`
    traces per signature), and a replay ending with another None-ness than traced runs
    eagerly (ReplayDivergesError). Loop variables that are empty themselves must keep
    what they had, else the trace gives up.
    """
    accumulators = list(_tape.state.accumulators)
    flat = nest.flatten(loop_vars)
    carried = [
        (a, j)
        for a in accumulators
        for j, t in enumerate(flat)
        if t._dtype._differentiable and np.shape(t._value) != (0,)
    ]
    fixed = [
        (a, j, t._id in a._tangents)
        for a in accumulators
        for j, t in enumerate(flat)
        if (a, j) not in carried
    ]

    def absent(t):
        return np.shape(t._value) == (0,)

    def tangents_of(values: list) -> list:
        out = []
        for a, j in carried:
            tangent = a._tangents.get(values[j]._id)
            if tangent is None:  # a new empty array: the body's constant, not an argument
                dtype = values[j]._dtype
                tangent = make(np.zeros((0,), dtype.as_numpy_dtype), dtype)
            out.append(tangent)
        return out

    def seed(lv, ts) -> None:
        values = nest.flatten(lv)
        for (a, j), t in zip(carried, ts):
            if not absent(t):
                a._tangents.setdefault(values[j]._id, t)  # a sub-trace's copy gets its own

    def tangent_cond(lv, ts):
        seed(lv, ts)
        return cond(*lv)

    def tangent_body(lv, ts):
        seed(lv, ts)
        result = body(*lv)
        check_structure(result)
        values = nest.flatten(result)
        if any((values[j]._id in a._tangents) != had for a, j, had in fixed):
            parent.taint("an empty tf.while_loop variable gains or loses a tangent")
        return result, tangents_of(values)

    result, ts = _loop_step(
        parent, tangent_cond, tangent_body, (loop_vars, tangents_of(flat)), lambda r: None
    )
    seed(result, ts)
    return result


def _loop_step(parent: Trace, cond, body, loop_vars, check_structure):
    """Runs `while cond(*loop_vars): loop_vars = body(*loop_vars)` and records one step
    that repeats it on replay: the cond and body sub-traces run until cond is false.

    `loop_vars` is a structure of tensors; `check_structure(result)` raises TF's error for
    a body result of another structure. Loop variables must keep their dtypes and stay
    tensors, else the trace gives up. Their shapes may change (TF's shape_invariants): the
    cond and body are then traced once per signature (shapes and dtypes) of the loop
    variables they get, and a replay meeting another signature, or ending with loop
    variables of other shapes than traced, runs that call eagerly (ReplayDivergesError).
    A body that never runs is traced too (its assignments undone), as TF traces it.
    """
    structure = loop_vars
    first = nest.flatten(loop_vars)
    dtypes = [t._dtype for t in first]
    programs: dict = {}  # ("cond" or "body", signature) -> (sub-trace, its output slots)

    def traced(kind, fn, args, undo=False):
        signature = tuple(_signature_of(nest.flatten(args)))
        sub, result = _run_sub(parent, fn, args, undo)
        if kind == "cond":
            if type(result) is not EagerTensor:
                parent.taint("a tf.while_loop cond returns something other than a tensor")
            outs = None if type(result) is not EagerTensor else [sub._input(result)]
        else:
            result = nest.map_structure(
                lambda x: convert_to_tensor(x) if _is_variable(x) else x, result
            )
            check_structure(result)
            new = nest.flatten(result)
            same = [type(t) is EagerTensor for t in new] == [True] * len(new)
            if not same or [t._dtype for t in new] != dtypes:
                parent.taint("tf.while_loop's loop variables change dtype or kind")
                outs = None
            else:
                outs = [sub._input(t) for t in new]
        if (kind, signature) not in programs and outs is not None:
            programs[(kind, signature)] = (sub, outs)
        return result

    def finish(current, test):
        """The rest of the loop, as eagerly (the trace has given up)."""
        while test:
            current = body(*current)
            check_structure(current)
            test = cond(*current)
        return current

    while True:
        test = traced("cond", cond, structure)
        if parent.reason is not None:
            return finish(structure, test)
        if not test._value:
            break
        structure = traced("body", body, structure)
        if parent.reason is not None:
            return finish(structure, cond(*structure))
    leaves = nest.flatten(structure)
    final = tuple(_signature_of(leaves))
    if not any(kind == "body" for kind, _ in programs):  # traced on the values it would have had
        traced("body", body, structure, undo=True)
        if parent.reason is not None:
            return structure
    if nest.map_structure(lambda _: 0, structure) != nest.map_structure(lambda _: 0, loop_vars):
        parent.taint("tf.while_loop's body returns another kind of sequence")
        return structure
    captures: list = []
    compiled: dict = {"cond": {}, "body": {}}
    assigned: set = set()
    for (kind, signature), (sub, outs) in programs.items():
        picks = []
        for slot in sub.captures:
            if slot not in captures:
                captures.append(slot)
            picks.append(captures.index(slot))
        compiled[kind][signature] = (sub.compile(outs), tuple(picks))
        parent.draws_random = parent.draws_random or sub.draws_random
        assigned |= sub.assigned
    n = len(leaves)
    if len(programs) == 2:  # one signature: no shapes to look at
        ((check, test_picks),) = compiled["cond"].values()
        ((step, step_picks),) = compiled["body"].values()

        def run(*values):
            current, captured = values[:n], values[n:]
            test_args = [captured[p] for p in test_picks]
            step_args = [captured[p] for p in step_picks]
            while check(*current, *test_args)[0]:
                current = step(*current, *step_args)
            return current

    else:
        conds, bodies = compiled["cond"], compiled["body"]

        def program(table, current):
            found = table.get(tuple((_shape_key(v), d) for v, d in zip(current, dtypes)))
            if found is None:
                raise ReplayDivergesError("tf.while_loop's loop variables take untraced shapes")
            return found

        def run(*values):
            current, captured = values[:n], values[n:]
            while True:
                check, picks = program(conds, current)
                if not check(*current, *[captured[p] for p in picks])[0]:
                    break
                step, picks = program(bodies, current)
                current = step(*current, *[captured[p] for p in picks])
            if tuple((_shape_key(v), d) for v, d in zip(current, dtypes)) != final:
                raise ReplayDivergesError("tf.while_loop's results have other shapes than traced")
            return current

    fresh = [_copy(t) for t in leaves]
    ins = (*[parent._input(t) for t in first], *captures)
    outputs = tuple(parent._output(t) for t in fresh)
    parent.steps.append((run, ins, None, outputs, "While"))
    _reread(parent, assigned)
    return nest.pack_sequence_as(structure, fresh)


def _run_private(parent: Trace, fn, args: list, tapes: list, tracked: list, undo: bool = False):
    """`_run_sub(parent, fn, args, undo)` with a private tape standing in for `tapes`;
    the copies of `args` the sub-trace gets are tracked where `tracked` says. Returns
    (sub-trace, result, private tape, the copies)."""
    private = _ConstructTape(tapes)
    copies: list = []

    def run(*xs):
        for x, watched in zip(nest.flatten(list(xs)), tracked):
            copies.append(x)
            if watched:
                private.ids.add(x._id)
        return fn(*xs)

    outer = _swap_tapes([private])
    try:
        sub, result = _run_sub(parent, run, args, undo)
    finally:
        _swap_tapes(outer)
    return sub, result, private, copies


def _substituted(entries: list, alias: dict) -> list:
    """`entries` with each input whose id `alias` maps replaced by its tensor."""
    out = []
    for entry in entries:
        op, inputs, outputs, attrs = entry
        if any(t._id in alias for t in inputs):
            entry = (op, tuple(alias.get(t._id, t) for t in inputs), outputs, attrs)
        out.append(entry)
    return out


def _recorded_loop_step(parent: Trace, cond, body, loop_vars, check_structure, tapes: list):
    """`_loop_step` while tapes record: the loop is one step that also saves each
    iteration's intermediates, and one tape entry whose gradient is a step walking the
    saved iterations backwards (the body's backward walk as a sub-trace, replayed per
    iteration, summing as eager's walk over the iterations' ops does).

    The trace gives up (the tapes then get the ops, as eagerly) where that cannot be exact:
    no iteration while tracing, iterations that record different ops (after the first
    few, in which loop variables may start depending on a source), a body that assigns
    variables or returns a tensor twice or one from outside it, loop variables changing
    shape. A replay with no iteration, or taking a path of None-ness not traced, raises
    ReplayDivergesError (eager's gradients would differ in kind): that call runs eagerly.
    """
    first = nest.flatten(loop_vars)
    signature = _signature_of(first)
    runs: list = []  # (kind, sub, private, copies, result) in execution order
    alias: dict = {}  # copy id -> the tensor it stands for (eager has no copies)

    def resolve(t):
        while t._id in alias:
            t = alias[t._id]
        return t

    def run(kind, fn, args, undo=False):
        flat = nest.flatten(args)
        tracked = [_tracked(t, tapes) or any(t._id in r[2].ids for r in runs) for t in flat]
        sub, result, private, copies = _run_private(parent, fn, args, tapes, tracked, undo)
        for c, t in zip(copies, flat):
            alias[c._id] = resolve(t)
        if kind == "body":
            result = nest.map_structure(
                lambda x: convert_to_tensor(x) if _is_variable(x) else x, result
            )
        runs.append((kind, sub, private, copies, result))
        return result

    def give_up(reason: str, current, test):
        """The rest of the loop as eagerly; the tapes get every recorded op."""
        parent.taint(reason)
        for _, _, private, _, _ in runs:
            _rerecord(
                _substituted(private.entries, {k: resolve(v) for k, v in alias.items()}), tapes
            )
        current = nest.map_structure(lambda t: resolve(t) if type(t) is EagerTensor else t, current)
        while test:
            current = body(*current)
            check_structure(current)
            test = cond(*current)
        return current

    structure = loop_vars
    while True:
        test = run("cond", cond, structure)
        if type(test) is not EagerTensor:
            return give_up(
                "a tf.while_loop cond returns something other than a tensor", structure, test
            )
        if not test._value:
            break
        result = run("body", body, structure)
        check_structure(result)
        new = nest.flatten(result)
        if not all(type(t) is EagerTensor for t in new) or _signature_of(new) != signature:
            return give_up(
                "tf.while_loop's loop variables change shape, dtype or kind", result, cond(*result)
            )
        structure = result
    bodies = [r for r in runs if r[0] == "body"]
    if not bodies:
        return give_up("a tf.while_loop traced under a tape runs no iteration", structure, False)
    if nest.map_structure(lambda _: 0, structure) != nest.map_structure(lambda _: 0, loop_vars):
        return give_up("tf.while_loop's body returns another kind of sequence", structure, False)
    # Per iteration: the entries, and the slots (in the body sub-trace, the same in every
    # iteration's) of the internal tensors they refer to, which the forward step saves.
    body_sub = bodies[0][1]
    shape = _program_shape(body_sub)
    iterations = []
    for _, sub, private, copies, result in bodies:
        if _program_shape(sub) != shape:
            return give_up(
                "the iterations of a tf.while_loop trace different ops", structure, False
            )
        leaves = nest.flatten(result)
        plan = _plan(parent, sub, private, leaves, tapes, every=False)
        if type(plan) is str:
            return give_up(plan, structure, False)
        exports, external = plan
        slot = {t._id: sub.slot_of[t._id] for t in exports}
        outside = {t._id for t in external}

        def ref(t, slot=slot, outside=outside):
            if t._id in slot:
                return ("e", slot[t._id])
            return ("x", t._id) if t._id in outside else ("c",)

        key = tuple(
            (
                op.type if type(op) is _Construct else id(op),  # a step: its own per iteration
                tuple(ref(t) for t in inputs),
                tuple(ref(o) for o in _slots(outputs)),
            )
            for op, inputs, outputs, _ in private.entries
        )
        by_slot = {slot[t._id]: t for t in exports}
        iterations.append((private.entries, copies, leaves, by_slot, frozenset(outside), key))
    external_ids = set().union(*(it[4] for it in iterations))
    external = []
    for _, _, private, _, _ in (r for r in runs if r[0] == "body"):
        for t in _recorded_tensors(private.entries):
            if t._id in external_ids and all(t._id != e._id for e in external):
                external.append(t)
    # An initial value also used inside the body, or passed twice, is one tensor eagerly:
    # iteration 0's ops then use it itself (its copies merged into it), an outer tensor.
    counts = collections.Counter(t._id for t in first if _tracked(t, tapes))
    merged = [
        j
        for j, t in enumerate(first)
        if t._id in counts and (counts[t._id] > 1 or t._id in external_ids)
    ]
    # Initial values iteration 0 returns unchanged: eagerly they stay one tensor with what
    # uses them outside the loop, whose sums interleave (see _RecordedLoop._gradient).
    results0 = iterations[0][2]
    passed = {j for j, c in enumerate(iterations[0][1]) if any(c is r for r in results0)}
    if passed & set(merged):
        return give_up(
            "a tf.while_loop body returns unchanged an initial value it also captures",
            structure,
            False,
        )
    if merged:
        entries0, copies0 = iterations[0][0], iterations[0][1]
        renamed = {copies0[j]._id: first[j] for j in merged}
        iterations[0] = (_substituted(entries0, renamed), *iterations[0][1:])
        for j in merged:
            if first[j]._id not in external_ids:
                external_ids.add(first[j]._id)
                external.append(first[j])
    # Iteration 0 may record fewer ops (a loop variable not yet depending on a tape's
    # source); the later ones must record the same.
    if len({it[5] for it in iterations[1:]}) > 1:
        return give_up("the iterations of a tf.while_loop record different ops", structure, False)
    # Every value the body program computes or gets is saved, whichever an iteration's ops
    # read: what is saved then depends on the program alone, the same for this loop traced
    # inside any iteration of an enclosing one (whose replay runs one of them).
    saved_slots = sorted(body_sub._assigned())
    # The forward step: the loop, saving each iteration's values of `saved_slots`.
    cond_sub = next(r[1] for r in runs if r[0] == "cond")
    cond_outs = [cond_sub._input(runs[0][4])]
    body_outs = [body_sub._input(t) for t in nest.flatten(bodies[0][4])]
    captures: list = []
    compiled = {}
    for kind, sub, outs in (
        ("cond", cond_sub, cond_outs),
        ("body", body_sub, body_outs + saved_slots),
    ):
        picks = []
        for slot in sub.captures:
            if slot not in captures:
                captures.append(slot)
            picks.append(captures.index(slot))
        compiled[kind] = (sub.compile(outs), tuple(picks))
        parent.draws_random = parent.draws_random or sub.draws_random
    (check, test_picks), (step, step_picks) = compiled["cond"], compiled["body"]
    n = len(first)

    def run_loop(*values):
        current, captured = values[:n], values[n:]
        test_args = [captured[p] for p in test_picks]
        step_args = [captured[p] for p in step_picks]
        saved = _Saved()
        while check(*current, *test_args)[0]:
            out = step(*current, *step_args)
            current = out[:n]
            saved.append(out[n:])
        return (*current, saved)

    leaves = nest.flatten(structure)
    fresh = [_copy(t) for t in leaves]
    traced_saved = _Saved(
        tuple(sub.values[slot] for slot in saved_slots) for _, sub, _, _, _ in bodies
    )
    saved_t = make(traced_saved, _INT32)
    ins = (*[parent._input(t) for t in first], *captures)
    outputs = (*[parent._output(t) for t in fresh], parent._output(saved_t))
    parent.steps.append((run_loop, ins, None, outputs, "While"))
    for t in external:  # variables read first inside the body: read here, for the gradient
        if t._id in parent.touched and t._id not in parent.slot_of:
            parent.read_variable(parent.touched[t._id][0])
    loop = _RecordedLoop(iterations, first, external, saved_t, saved_slots, alias, merged)
    loop.passed = passed
    entry = (_Construct("While", loop.gradient), (*first, *external, saved_t), tuple(fresh), {})
    _rerecord([entry], tapes)
    return nest.pack_sequence_as(structure, fresh)


_INT32 = _int32  # the saved values' pseudo tensor's dtype: one without gradients
# At most this many traced programs for a loop's gradient (paths of None-ness), else eager.
_MAX_LOOP_PROGRAMS = 32


def _getter(positions: tuple):
    """`values -> tuple(values[p] for p in positions)`, as fast as itemgetter makes it."""
    if not positions:
        return lambda values: ()
    get = operator.itemgetter(*positions)
    return (lambda values: (get(values),)) if len(positions) == 1 else get


def _program_shape(sub: Trace) -> tuple:
    """What two sub-traces share when they record the same program (slots included)."""
    return (len(sub.values), tuple((st[1], st[3], st[4]) for st in sub.steps), tuple(sub.arg_slots))


class _RecordedLoop:
    """The gradient of a loop recorded under tapes (`_recorded_loop_step`).

    Walking the iterations backwards, each is the backward walk over its entries, traced
    as a sub-trace once per (kind, None-ness of the cotangents it gets): kind "first" for
    iteration 0, "rest" for the others. Its arguments are the iteration's saved values,
    the loop variables' cotangents and the running sums of the outer tensors' ones.
    """

    def __init__(self, iterations, first, external, saved_t, saved_slots, alias, merged):
        self.iterations = iterations
        self.merged = set(merged)  # initial values iteration 0 uses as outer tensors
        self.passed: set = set()  # initial values iteration 0 returns unchanged
        self.first, self.external = first, external
        self.saved_t, self.saved_slots = saved_t, saved_slots
        self.alias = alias

    def _resolve(self, t):
        while t._id in self.alias:
            t = self.alias[t._id]
        return t

    def gradient(self, g, inputs, needs, prev, batch_ndim):
        n, x = len(self.first), len(self.external)
        rename = _renaming(self.first + self.external, inputs[: n + x])
        if rename:  # inside an enclosing loop's walk: its copies replaced (see _renaming)
            renamed = copy.copy(self)
            renamed.first, renamed.external = list(inputs[:n]), list(inputs[n : n + x])
            renamed.alias = {k: rename.get(v._id, v) for k, v in self.alias.items()}
            renamed.iterations = [
                (_substituted(e, rename), c, [rename.get(t._id, t) for t in r], *rest)
                for e, c, r, *rest in self.iterations
            ]
            ids = [t._id for t, need in zip(inputs[: n + x], needs) if need]
            if len(set(ids)) < len(ids):
                return renamed._eagerly(
                    "a tf.while_loop's inputs are one tensor twice", g, needs, prev, batch_ndim
                )
            return renamed._gradient(g, needs, prev, batch_ndim)
        return self._gradient(g, needs, prev, batch_ndim)

    def _gradient(self, g, needs, prev, batch_ndim):
        n, x = len(self.first), len(self.external)
        first_needs, ext_needs = needs[:n], needs[n : n + x]
        unmerged = [need and j not in self.merged for j, need in enumerate(first_needs)]
        # What an initial value's cotangent already has (it is used after the loop too):
        # eager sums iteration 0's contributions onto it, so iteration 0's walk starts there.
        first_prev = [p if need else None for p, need in zip(prev[:n], unmerged)]
        if any(first_prev[j] is not None for j in self.passed):
            return self._eagerly(
                "a tf.while_loop returns unchanged an initial value also used after it",
                g,
                needs,
                prev,
                batch_ndim,
            )
        needed_ext = [t for t, need in zip(self.external, ext_needs) if need]
        ext_ids = {t._id for t in needed_ext}
        # Which loop variables depend on a source, per iteration: from iteration K on (the
        # kind of iteration i is min(i, K)) the same, with the same ops recorded.
        reach_in = [unmerged]
        for entries, copies, results, _, _, _ in self.iterations:
            ids = {c._id for c, r in zip(copies, reach_in[-1]) if r} | ext_ids
            reached, _ = _reachable(entries, ids)
            reach_in.append([t._id in reached and t._dtype._differentiable for t in results])
        count = len(self.iterations)
        stable = count  # no kind covers iterations past the traced ones
        own_first = bool(self.merged) or any(p is not None for p in first_prev)
        for i in range(1 if own_first else 0, count):  # iteration 0 is then its own kind
            if all(r == reach_in[i] for r in reach_in[i:]):
                stable = i
                break
        keys = {self.iterations[i][5] for i in range(stable, count)}
        if len(keys) > 1:
            return self._eagerly(
                "the iterations of a tf.while_loop record different ops", g, needs, prev, batch_ndim
            )
        state = _tape.state
        trace = state.trace
        if (
            state.tapes
            or state.accumulators
            or trace is None
            or self.saved_t._id not in trace.traced
        ):
            return self._eagerly(
                "a second-order gradient runs through a traced tf.while_loop",
                g,
                needs,
                prev,
                batch_ndim,
            )
        acc0 = [p for p, need in zip(prev[n : n + x], ext_needs) if need]
        batch = np.shape(next(c for c in g if c is not None)._value)[:batch_ndim]
        like = list(self.iterations[0][2]) + needed_ext  # a tensor of each carried shape

        def kind(i: int) -> int:
            return min(i, stable)

        def walk(i, carried):
            entries, copies, results, _, _, _ = self.iterations[i]
            g_cur, acc = carried[:n], carried[n:]
            reaching = reach_in[kind(i)]
            sources = [c for c, r in zip(copies, reaching) if r] + needed_ext
            targets = [t for t, c in zip(results, g_cur) if c is not None]
            targets += [t for t, a in zip(needed_ext, acc) if a is not None]
            seeds = [c for c in carried if c is not None]
            if i == 0:
                targets += [c for c, p in zip(copies, first_prev) if p is not None]
                seeds += [p for p in first_prev if p is not None]
            out = backward(entries, targets, seeds, sources, batch_ndim)
            k = sum(reaching)
            it = iter(out[:k])
            return [next(it) if r else None for r in reaching] + list(out[k:])

        table: dict = {}  # (kind, pattern) -> (sub-trace, out pattern, outputs, iteration)

        def traced(i, carried):
            pattern = tuple(c is None for c in carried)
            saved = self.iterations[i][3]
            args = [saved[slot] for slot in self.saved_slots if slot in saved]
            # One tensor in two carried places (a sum passed on as it was given) must be two
            # arguments: on replay they differ.
            seen = {t._id for t in args}
            carried = list(carried)
            for j, c in enumerate(carried):
                if c is not None:
                    if c._id in seen:
                        carried[j] = c = _copy(c)
                    seen.add(c._id)
            args += [c for c in carried if c is not None]
            sub, out = _run_grad(trace, lambda: walk(i, carried), args)
            if not all(type(c) is EagerTensor for c in out if c is not None):
                return None
            out_pattern = tuple(c is None for c in out)
            entry = table.setdefault((kind(i), pattern), (sub, out_pattern, out, i))
            return out if entry[1] == out_pattern else None

        def dense_failure():
            trace.taint("a tf.while_loop's gradient is not one dense tensor per variable")
            return self._eagerly(None, g, needs, prev, batch_ndim)

        # The tracing call's values: every iteration, last first.
        start = list(g[:n]) + list(acc0)
        carried = start
        for i in range(count - 1, -1, -1):
            carried = traced(i, carried)
            if carried is None:
                return dense_failure()
        final_pattern = tuple(c is None for c in carried)
        # Programs for the paths other iteration counts take (dry runs on zeros): kind K
        # repeated from the loop's cotangents until the None-ness repeats, then each kind
        # below it after any of those.
        start_pattern = tuple(c is None for c in start)
        reps = {k: min(k, count - 1) for k in range(stable + 1)}

        def ensure(k, pattern) -> bool:
            if (k, pattern) not in table:
                if k > count - 1 or len(table) >= _MAX_LOOP_PROGRAMS:
                    return False
                dummy = [
                    None if none else zeros_like_value(t, batch) for none, t in zip(pattern, like)
                ]
                return traced(reps[k], dummy) is not None
            return True

        inputs_of = {stable: set()}
        if stable < count:
            pattern = start_pattern
            while pattern not in inputs_of[stable]:
                inputs_of[stable].add(pattern)
                if not ensure(stable, pattern):
                    return dense_failure()
                pattern = table[(stable, pattern)][1]
        for k in range(min(stable, count) - 1, -1, -1):
            above = inputs_of.get(k + 1, set())
            inputs_of[k] = {start_pattern} | {
                table[(k + 1, p)][1] for p in above if (k + 1, p) in table
            }
            for pattern in inputs_of[k]:
                if not ensure(k, pattern):
                    return dense_failure()
        programs = {}
        captures: list = []
        for key, (sub, out_pattern, out, i) in table.items():
            outs = [sub._input(c) for c in out if c is not None]  # first: it may capture
            picks = []
            for slot in sub.captures:
                if slot not in captures:
                    captures.append(slot)
                picks.append(captures.index(slot))
            saved = self.iterations[i][3]
            take = tuple(j for j, slot in enumerate(self.saved_slots) if slot in saved)
            programs[key] = (sub.compile(outs), tuple(picks), _getter(take), out_pattern)
            trace.draws_random = trace.draws_random or sub.draws_random
        n_in = sum(not none for none in start_pattern)

        def run(saved, *values):
            if not saved:  # eager's cotangents then skip the loop: sums of another kind
                raise ReplayDivergesError("a tf.while_loop ran no iteration")
            carried, captured = values[:n_in], values[n_in:]
            pattern = start_pattern
            bound: dict = {}  # per program: the captured values it takes, this call
            for j in range(len(saved) - 1, -1, -1):
                key = (min(j, stable), pattern)
                program = programs.get(key)
                if program is None:
                    raise ReplayDivergesError("a tf.while_loop's gradient takes an untraced path")
                replay, picks, take, pattern = program
                extra = bound.get(key)
                if extra is None:
                    extra = bound[key] = [captured[p] for p in picks]
                carried = replay(*take(saved[j]), *carried, *extra)
            if pattern != final_pattern:
                # Another None-ness than traced (no iteration at all, say): eager's results.
                raise ReplayDivergesError("a tf.while_loop's gradients differ in None-ness")
            return carried

        final = [_copy(c) for c in carried if c is not None]
        g_in = [c for c in start if c is not None]
        ins = (trace._input(self.saved_t), *[trace._input(t) for t in g_in], *captures)
        trace.steps.append((run, ins, None, tuple(trace._output(t) for t in final), "WhileGrad"))
        it = iter(final)
        carried = [None if c is None else next(it) for c in carried]
        return self._finish(carried, needs, n, x, reach_in[0])

    def _finish(self, carried, needs, n, x, reach):
        totals: list = [None] * len(needs)
        for i in range(n):
            if reach[i]:
                totals[i] = carried[i]
        positions = [n + i for i, need in enumerate(needs[n : n + x]) if need]
        for pos, a in zip(positions, carried[n:]):
            totals[pos] = a
        return totals

    def _eagerly(self, reason, g, needs, prev, batch_ndim):
        """The gradient as eager's walk over the iterations' ops (the tapes recording those
        ops too, for higher orders); the trace gives up."""
        state = _tape.state
        if reason is not None and state.trace is not None:
            state.trace.taint(reason)
        alias = {k: self._resolve(v) for k, v in self.alias.items()}
        entries = [e for it in self.iterations for e in _substituted(it[0], alias)]
        if state.tapes:
            _rerecord(entries, state.tapes)
        n, x = len(self.first), len(self.external)
        inputs = self.first + self.external
        final = [self._resolve(t) for t in self.iterations[-1][2]]
        pos = [i for i, need in enumerate(needs[: n + x]) if need]
        targets = [t for t, c in zip(final, g) if c is not None]
        seeds = [c for c in g if c is not None]
        seen = set()
        for i in pos:  # a merged initial value is an input twice: seeded once
            if prev[i] is not None and inputs[i]._id not in seen:
                seen.add(inputs[i]._id)
                targets.append(inputs[i])
                seeds.append(prev[i])
        out = backward(entries, targets, seeds, [inputs[i] for i in pos], batch_ndim)
        totals: list = [None] * len(needs)
        for i, r in zip(pos, out):
            totals[i] = r
        return totals


def _run_grad(parent: Trace, fn, args: list):
    """Runs `fn()` with a sub-trace of `parent` current whose arguments are the tensors
    `args` themselves (by id); returns (sub-trace, result)."""
    sub = SubTrace(parent)
    for t in args:
        sub.arg_slots.append(sub.argument(t))
    state = _tape.state
    saved, state.trace = state.trace, sub
    try:
        return sub, fn()
    finally:
        state.trace = saved


def map_step(parent: Trace, fn, elems: list, finish):
    """Runs `fn(*slices)` on the slices of `elems` along axis 0 and records one step that
    runs fn's sub-trace per slice on replay and stacks the results (tf.map_fn).

    `fn` returns a flat list of tensors; `finish(results)` turns the per-slice lists into
    the stacked tensors as the eager construct does (TensorArray writes, its errors, and
    Pack), with no trace listening. Results whose structure, dtypes or shapes vary give up.
    """
    n = len(elems[0]._value)
    slices_of = [[make(v, e._dtype) for v in tuple(e._value)] for e in elems]
    results, program, signature = [], None, None
    for i in range(n):
        slices = [s[i] for s in slices_of]
        if parent.reason is not None:  # given up: the rest runs as eagerly
            results.append(fn(*slices))
            continue
        sub, result = _run_sub(parent, fn, slices, False)
        results.append(result)
        if not all(type(t) is EagerTensor for t in result):
            parent.taint("a tf.map_fn function returns something other than tensors")
        elif program is None:
            program = (sub, [sub._input(t) for t in result])
            signature = _signature_of(result)
        elif _signature_of(result) != signature:
            parent.taint("a tf.map_fn function returns results of varying shapes")
    state = _tape.state
    saved, state.trace = state.trace, None
    try:
        stacked = finish(results)
    finally:
        state.trace = saved
    if parent.reason is not None or program is None:
        if program is None:
            parent.taint("tf.map_fn runs its function on no elements")
        return stacked
    sub, outs = program
    replay = sub.compile(outs)
    captures = sub.captures
    k, m = len(elems), len(outs)
    parent.draws_random = parent.draws_random or sub.draws_random

    def run(*values):
        columns = [tuple(v) for v in values[:k]]  # Unpack's slices
        captured = values[k:]
        per = [replay(*[c[i] for c in columns], *captured) for i in range(n)]
        return tuple(np.stack([p[j] for p in per], 0) for j in range(m))  # Pack's

    ins = (*[parent._input(e) for e in elems], *captures)
    outputs = tuple(parent._output(t) for t in stacked)
    parent.steps.append((run, ins, None, outputs, "MapFn"))
    _reread(parent, sub.assigned)
    return stacked


def scan_step(parent: Trace, fn, elems: list, init: list, order: list, finish, final=False):
    """Runs `acc = fn(*acc, *slices[i])` for i in `order` from `init` and records one step
    that does the same with fn's sub-trace on replay (tf.scan).

    `fn` returns the new accumulator as a flat list of tensors; `finish(results)` (index ->
    accumulator) gives the stacked tensors as the eager construct does, with no trace
    listening; on replay, indices not in `order` hold `init` (scan without initializer).
    With `final` the step gives the last accumulator instead (tf.foldl, tf.foldr).
    Accumulators must keep their shapes and dtypes, else the trace gives up.
    """
    n = len(elems[0]._value)
    slices_of = [[make(v, e._dtype) for v in tuple(e._value)] for e in elems]
    signature = _signature_of(init)
    results: dict = {}
    program = None
    acc = list(init)
    for i in order:
        slices = [s[i] for s in slices_of]
        if parent.reason is not None:  # given up: the rest runs as eagerly
            acc = results[i] = fn(*acc, *slices)
            continue
        sub, result = _run_sub(parent, fn, [*acc, *slices], False)
        acc = results[i] = result
        if not all(type(t) is EagerTensor for t in result) or _signature_of(result) != signature:
            parent.taint("a tf.scan function changes its accumulator's shape, dtype or kind")
        elif program is None:
            program = (sub, [sub._input(t) for t in result])
    state = _tape.state
    saved, state.trace = state.trace, None
    try:
        stacked = finish(results)
    finally:
        state.trace = saved
    if parent.reason is not None or program is None:
        if program is None and parent.reason is None:
            parent.taint("tf.scan runs its function on no elements")
        return stacked
    sub, outs = program
    replay = sub.compile(outs)
    k, m = len(elems), len(init)
    parent.draws_random = parent.draws_random or sub.draws_random
    order = tuple(order)

    def run(*values):
        columns = [tuple(v) for v in values[:k]]  # Unpack's slices
        acc = values[k : k + m]
        captured = values[k + m :]
        per = [acc] * n
        for i in order:
            acc = per[i] = replay(*acc, *[c[i] for c in columns], *captured)
        if final:
            return acc
        return tuple(np.stack([p[j] for p in per], 0) for j in range(m))  # Pack's

    ins = (*[parent._input(e) for e in elems], *[parent._input(a) for a in init], *sub.captures)
    outputs = tuple(parent._output(t) for t in stacked)
    parent.steps.append((run, ins, None, outputs, "Scan"))
    _reread(parent, sub.assigned)
    return stacked


# -- the hooks the control-flow ops call on the trace recording now (`_tape.state.trace`) ---
# Installed on Trace here (trace.py cannot import this module, which builds on it); function.py
# imports this module, so every tf.function trace has them.


def _branch(self, index: EagerTensor, fns: list, chosen: int, select):
    """A control-flow step (`branch_step`): the library's hook for tf.cond and friends."""
    return branch_step(self, index, fns, chosen, select)


def _loop(self, cond, body, loop_vars, check_structure):
    """A while-loop step (`loop_step`): the library's hook for tf.while_loop."""
    return loop_step(self, cond, body, loop_vars, check_structure)


def _map(self, fn, elems: list, finish):
    """A map step (`map_step`): the library's hook for tf.map_fn."""
    return map_step(self, fn, elems, finish)


def _scan(self, fn, elems: list, init: list, order: list, finish, final=False):
    """A scan step (`scan_step`): the library's hook for tf.scan, foldl and foldr."""
    return scan_step(self, fn, elems, init, order, finish, final)


Trace.branch, Trace.loop, Trace.map, Trace.scan = _branch, _loop, _map, _scan
