"""Recording: which tapes are active in this thread, and what they record.

A tape is a list of entries in execution order plus the set of tensor ids it
tracks (watched tensors and outputs of recorded ops). An op is recorded on a
tape when any of its inputs is tracked there; its outputs then become tracked.
Entries are shared between tapes: tuples laid out as `Entry` (op, inputs,
outputs, attrs), which every reader unpacks by those names. No math happens
here: autodiff/walk.py walks the entries.

Every recorder follows one protocol (`Recorder`): it is pushed on and popped
off this thread's state with `push`/`pop`, and hears of executed ops
(`record`), variable reads (`read_variable`) and assignments
(`assign_variable`). Four kinds exist: tapes (GradientTape), forward-mode
accumulators, variable watchers (custom_gradient) and the tf.function trace.

`active` holds one item per recording tape over all threads, so the op hot path
skips the thread-local lookup entirely when nothing is recording anywhere.

A `tf.function` trace (trace.py) counts as a recorder too,
and this module is where library code declares to it what a replay of recorded
ops would not repeat: `value_read` (Python computing with a tensor's value) and
`side_effect`.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import sys
import threading

import numpy as np

from .accel import compiled as _compiled


class _ThreadState(threading.local):
    def __init__(self):
        # Recording tapes of this thread, outermost first.
        self.tapes: list = []
        # Forward-mode accumulators of this thread, outermost first (forward.py).
        self.accumulators: list = []
        # Variable watchers (custom_gradient.py): see variable reads, record nothing.
        self.watchers: list = []
        # The tf.function trace being recorded in this thread, or None (trace.py).
        self.trace = None
        # Journals of the tf.function calls running in this thread (function.py): they
        # hear only variable assignments, to undo them if the call raises.
        self.journals: list = []
        # The op whose gradient rule the backward walk is running, or None (walk.py):
        # diagnostics name it when a rule's ops fail or produce NaN.
        self.rule = None
        # Its entry (an `Entry`), set with `rule`: diagnostics name the forward op's line.
        self.entry = None
        # How many `paused()` contexts are open: while any is, watching does nothing, as TF's
        # `watch` does while recording is stopped (GradientTape.watch, Tape.read_variable).
        self.stopped = 0
        # How many tf.function bodies run or trace in this thread outside an init_scope or a
        # py_function's func: `tf.executing_eagerly()` is False while any does (TF's graph).
        self.functions = 0


# collections.namedtuple, not typing.NamedTuple: `typing` costs ~2.5 ms of import time.
Entry = collections.namedtuple("Entry", ["op", "inputs", "outputs", "attrs"])
Entry.__doc__ = """One recorded op: what the backward walk needs to run its VJP rule.

    The layout of a tape entry. Tapes store plain tuples in this order and every
    reader unpacks them by these names (`for op, inputs, outputs, attrs in ...`);
    `Entry(*entry)` names one where a record is wanted (printing, diagnostics).
    Not instances: building a tuple subclass costs ~65 ns more per recorded op
    (W2 +4%, measured with benchmarks/hot_path.py), and the garbage collector
    untracks only exact tuples, so a 100k-op tf.function trace of `Step`
    instances spent twice as long in collection (2.1 s against 1.3 s). `outputs` is a
    Tensor, or a tuple of them for multi-output ops.
    """


class Recorder:
    """The protocol of everything that watches this thread's ops.

    `kind` names the thread-state field it lives in: "tapes", "accumulators",
    "watchers" and "journals" are stacks (outermost first), "trace" holds at most
    one. Tapes are the one kind not called per op: `record` appends one shared
    `Entry` to every tape that tracks an input, inline, since it runs for every op
    under a tape. `sees_ops` is False for recorders that hear only assignments
    (journals): the op hot path, which tests `active`, does not count them.
    """

    __slots__ = ()
    kind = ""
    sees_ops = True

    def record(self, op, inputs: tuple, outputs, attrs: dict) -> None:
        """An op ran (its outputs are `outputs`)."""

    def read_variable(self, variable) -> None:
        """`variable` was read (converted to a tensor)."""

    def assign_variable(self, variable, how: str, value, before) -> None:
        """`variable` was assigned: `how` is "assign", "assign_add" or "assign_sub"."""


state = _ThreadState()
# One item per recording tape, accumulator or watcher over all threads. A list, not an
# int: `list.append`/`pop` are atomic under the GIL, where `active += 1` from two threads
# can lose an update and hide a live tape from the hot path (which tests `if active:`).
active: list = []
# One item per trace recording in any thread (as `active`): `record` consults this
# thread's trace only while some trace exists.
tracing: list = []
# One item per forward accumulator pushed in any thread (as `tracing`): `record` reads
# this thread's accumulators only while some exist. (`paused` hides them without popping:
# the count may then say some exist where none listens, which costs one lookup.)
accumulating: list = []


def _count(delta: int) -> None:
    for _ in range(delta):
        active.append(None)
    for _ in range(-delta):
        active.pop()


class Tape(*((_compiled.TapeBase,) if _compiled else ()), Recorder):
    """The recording half of a GradientTape: entries and tracked tensor ids."""

    # On the compiled path the fields are `_compiled.TapeBase`'s, which `record` reads in C.
    _fields = ("entries", "ids", "watch_accessed_variables", "variables", "__weakref__")
    __slots__ = () if _compiled else _fields
    kind = "tapes"

    def __init__(self, watch_accessed_variables: bool):
        self.entries: list = []
        self.ids: set = set()
        self.watch_accessed_variables = watch_accessed_variables
        self.variables: dict = {}  # id -> Variable, in first-watch order

    def watch(self, tensor_id: int) -> None:
        self.ids.add(tensor_id)

    def watch_variable(self, variable) -> None:
        vid = variable._id
        self.ids.add(vid)
        if vid not in self.variables:
            self.variables[vid] = variable

    def read_variable(self, variable) -> None:
        if self.watch_accessed_variables and variable._trainable and not state.stopped:
            self.watch_variable(variable)

    def replace_last(self, entry: Entry, op, output_ids: set) -> None:
        """Makes `entry`, if just recorded here, replace the entries of `op` before it
        that produced `output_ids` (custom_gradient: the custom rule replaces the
        identities of its outputs and becomes their producer)."""
        entries = self.entries
        if not entries or entries[-1] is not entry:
            return
        entries.pop()
        while entries:
            last_op, _, last_outputs, _ = entries[-1]
            if last_op is not op or last_outputs._id not in output_ids:
                break
            entries.pop()
        entries.append(entry)


if _compiled:
    del Tape.__init__  # TapeBase.__init__ sets the same fields in C


class Journal(Recorder):
    """What each variable assigned while it listens held before, to undo a failed call.

    Hears only assignments, and does not count in `active` (the op path pays nothing).
    tf.function pushes one per eager run of a body (a call that raises changes nothing, as
    in TF, which fails at trace time); control flow one per outermost construct.
    """

    __slots__ = ("before",)
    kind = "journals"
    sees_ops = False

    def __init__(self):
        self.before: dict = {}  # variable id -> (variable, the tensor it held first)

    def assign_variable(self, variable, how: str, value, before) -> None:
        self.before.setdefault(variable._id, (variable, before))

    def undo_assignments(self) -> None:
        """Puts every variable heard of back to the tensor it held first."""
        for variable, tensor in self.before.values():
            with variable._lock:
                variable._tensor = tensor


def push(recorder: Recorder) -> None:
    """Makes `recorder` see this thread's ops (on the stack its `kind` names)."""
    kind = recorder.kind
    if kind == "trace":
        if state.trace is not None:
            raise RuntimeError("A tf.function trace is already recording in this thread.")
        state.trace = recorder
        tracing.append(None)
    elif kind == "tapes":  # the common case: by name, no getattr
        state.tapes.append(recorder)
    else:  # an accumulator, watcher, journal
        getattr(state, kind).append(recorder)
        if kind == "accumulators":
            accumulating.append(None)
    if recorder.sees_ops:
        active.append(None)


def pop(recorder: Recorder) -> bool:
    """Stops `recorder` seeing ops; out of order is allowed, as in TF. True if it was active."""
    kind = recorder.kind
    if kind == "trace":
        if state.trace is not recorder:
            return False
        state.trace = None
        tracing.pop()
        active.pop()
        if _saved_gc_threshold:
            _restore_gc_threshold()
        return True
    stack = state.tapes if kind == "tapes" else getattr(state, kind)
    for i in range(len(stack) - 1, -1, -1):
        if stack[i] is recorder:
            del stack[i]
            if recorder.sees_ops:
                active.pop()
            if kind == "accumulators":
                accumulating.pop()
            if _saved_gc_threshold:
                _restore_gc_threshold()
            return True
    return False


def recording_here() -> bool:
    """Whether any recorder of this thread is active (a tape, accumulator, watcher, trace)."""
    s = state
    return bool(s.tapes or s.accumulators or s.watchers or s.trace is not None)


def record(op, inputs: tuple, outputs, attrs: dict, executed: bool = True) -> Entry | None:
    """Tells this thread's recorders that `op` ran: the trace hears of every op, tapes
    and accumulators of differentiable ones.

    `outputs` is a single Tensor, or a tuple of them for multi-output ops. A rule
    recorded without running as an op (a custom gradient) passes `executed=False`:
    the trace, which replays ops, does not hear of it. Returns the entry the tapes
    share, or None if no tape tracks an input. Mirrored in C by `_compiled.record`.
    """
    s = state
    if tracing and executed and s.trace is not None:  # first: a JVP's ops come after it
        s.trace.record(op, inputs, outputs, attrs)
    if not op.differentiable:
        return None
    entry = None
    for tape in s.tapes:
        ids = tape.ids
        for t in inputs:
            if t._id in ids:
                break
        else:
            continue
        if entry is None:  # laid out as Entry
            # Whether an input or the (first) output holds an array worth pruning: inline,
            # since this runs for every recorded op (a helper call cost W2 2-5%, one run).
            large = False
            if op.keeps is not None:
                for t in inputs:
                    v = t._value
                    if type(v) is _ndarray and v.size >= PRUNE_MIN_SIZE:
                        large = True
                        break
                else:
                    v = (outputs[0] if type(outputs) is tuple else outputs)._value
                    large = type(v) is _ndarray and v.size >= PRUNE_MIN_SIZE
            if large:
                entry = (op, *saved_for_backward(op.keeps, inputs, outputs), attrs)
            else:
                entry = (op, inputs, outputs, attrs)
        entries = tape.entries
        entries.append(entry)
        if len(entries) == LONG_TAPE:
            _long_tape()
        if type(outputs) is tuple:
            for o in outputs:
                ids.add(o._id)
        else:
            ids.add(outputs._id)
    if accumulating:
        for accumulator in s.accumulators:
            accumulator.record(op, inputs, outputs, attrs)
    return entry


# Arrays smaller than this are kept as they are: a stand-in would save nothing.
PRUNE_MIN_SIZE = 1024

# A tape this long raises gen-0's garbage-collector threshold until nothing records any more
# (the old thresholds come back when the last recorder pops). Entries and tensors are
# GC-tracked but never cyclic garbage; at the default threshold (700) every collection rescans
# the growing tape and every young object in the process, which cost W7 (a 100k-op chain)
# 1.1x in a bare process and 1.4x with torch imported (../shared/PERF-STUDY.md section 4).
# The only effect is that cyclic garbage made while a long tape records is collected later,
# after at most RECORDING_GC_THRESHOLD allocations. Process-wide, so saved under a lock.
LONG_TAPE = 4096
RECORDING_GC_THRESHOLD = 100_000
_saved_gc_threshold: list = []
gc_raised = _saved_gc_threshold  # non-empty while the threshold is raised: pop restores it
_gc_lock = threading.Lock()


def _long_tape() -> None:
    with _gc_lock:
        if not _saved_gc_threshold:
            t = gc.get_threshold()
            _saved_gc_threshold.append(t)
            gc.set_threshold(max(t[0], RECORDING_GC_THRESHOLD), t[1], t[2])


def _restore_gc_threshold() -> None:
    with _gc_lock:
        if not active and _saved_gc_threshold:
            gc.set_threshold(*_saved_gc_threshold.pop())


_ndarray = np.ndarray


def _stand_in(t):
    """A tensor with `t`'s id, dtype and shape whose value holds no data (zero strides)."""
    value = t._value
    if type(value) is not np.ndarray or value.size < PRUNE_MIN_SIZE:
        return t
    stand_in = type(t).__new__(type(t))
    stand_in._value = np.broadcast_to(np.zeros((), value.dtype), value.shape)
    stand_in._dtype = t._dtype
    stand_in._id = t._id
    return stand_in


def saved_for_backward(keeps: tuple, inputs: tuple, outputs) -> tuple:
    """The (inputs, outputs) an entry keeps: only values a needed gradient reads.

    An input needs a gradient when some recording tape tracks it; `keeps[i]` says
    which values (input positions, -1 for the output) input i's rule reads. The
    rest are replaced by data-free stand-ins, so the tape holds what the backward
    pass needs and nothing more (ids, dtypes and shapes stay for the walk).
    `record` calls it only for an entry holding a large array: small ones are kept.
    """
    read = set()
    for i, t in enumerate(inputs):
        tid = t._id
        for tape in state.tapes:
            if tid in tape.ids:
                read |= keeps[i]
                break
    kept_inputs = tuple(t if i in read else _stand_in(t) for i, t in enumerate(inputs))
    if -1 in read:
        return kept_inputs, outputs
    if type(outputs) is tuple:
        return kept_inputs, tuple(_stand_in(o) for o in outputs)
    return kept_inputs, _stand_in(outputs)


def untracked(t) -> bool:
    """True when no tape or accumulator of this thread would record an op on `t`.

    A gradient rule may then compute with `t`'s value directly (a constant
    exponent, say) instead of through ops, which no higher order could need.
    """
    if not active:
        return True
    tid = t._id
    if state.trace is not None and tid in state.trace.traced:
        return False  # its value changes from call to call of a traced function
    for tape in state.tapes:
        if tid in tape.ids:
            return False
    for accumulator in state.accumulators:
        if tid in accumulator._tangents:
            return False
    return True


def read_variable(variable) -> None:
    """Tells this thread's recorders that `variable` was read (tapes may auto-watch it)."""
    s = state
    if s.trace is not None:
        s.trace.read_variable(variable)
    for tape in s.tapes:
        tape.read_variable(variable)
    for watcher in s.watchers:
        watcher.read_variable(variable)


def assign_variable(variable, how: str, value, before) -> None:
    """Tells this thread's trace and journals that `variable` was assigned (`before`
    is the tensor it held)."""
    s = state
    if s.trace is not None:
        s.trace.assign_variable(variable, how, value, before)
    for journal in s.journals:
        journal.assign_variable(variable, how, value, before)
    if assign_hooks:  # diagnostics (tapeflow.experimental.explain); empty by default
        for hook in assign_hooks:
            hook(variable, how, value)


# Callables `hook(variable, how, value)` told of every assignment while non-empty.
assign_hooks: list = []


def value_read(t, what: str) -> None:
    """Declares that library code outside an op computes with `t`'s value in Python.

    Eagerly this costs one attribute test. While a `tf.function` is traced, a
    value that changes from call to call (an argument, or computed from one)
    makes the trace unreplayable, and the function runs eagerly instead (trace.py).
    """
    trace = state.trace
    if trace is not None and t._id in trace.traced:
        trace.taint(what)
    if value_hooks:  # diagnostics (tapeflow.experimental.warn_on_numpy); empty by default
        for hook in value_hooks:
            hook(t, what)


# Callables `hook(t, what)` told of every `value_read` while non-empty (diagnostics).
value_hooks: list = []


def side_effect(what: str) -> None:
    """Declares Python-level state or output a replayed trace would not repeat."""
    if state.trace is not None:
        state.trace.taint(what)


@contextlib.contextmanager
def eager_scope():
    """A context in which `tf.executing_eagerly()` is True again (init_scope, py_function)."""
    s = state
    saved, s.functions = s.functions, 0
    try:
        yield
    finally:
        s.functions = saved


@contextlib.contextmanager
def outer_recorders_hidden():
    """A context in which this thread's tapes, accumulators and tf.function trace are
    hidden (they record nothing), without stopping the tapes the body itself opens.

    What runs a function on the side needs it: tf.function's get_concrete_function (TF's
    concrete trace records on no outer tape) and tf.vectorized_map's trace of `fn`.
    """
    tapes, accumulators, outer = state.tapes, state.accumulators, state.trace
    hidden = len(tapes) + len(accumulators)
    _count(-hidden)
    state.tapes, state.accumulators = [], []
    if outer is not None:
        pop(outer)
    try:
        yield
    finally:
        _count(-(len(state.tapes) + len(state.accumulators)))  # tapes the body left open
        state.tapes, state.accumulators = tapes, accumulators
        _count(hidden)
        if outer is not None:
            push(outer)


@contextlib.contextmanager
def paused():
    """A context in which this thread's tapes and accumulators see nothing.

    TF's `record.stop_recording()`: watching does nothing inside it either (`state.stopped`),
    so a tape entered inside records nothing. Variable watchers stay active, so a custom
    gradient still learns which variables its function read.
    """
    saved = (state.tapes, state.accumulators)
    _count(-(len(state.tapes) + len(state.accumulators)))
    state.tapes, state.accumulators = [], []
    state.stopped += 1
    try:
        yield
    finally:
        state.stopped -= 1
        state.tapes, state.accumulators = saved
        _count(len(state.tapes) + len(state.accumulators))


if _compiled:  # tape.record in C (_compiled.pyx mirrors it)
    _compiled.bind_tape(sys.modules[__name__])
    record = _compiled.record
