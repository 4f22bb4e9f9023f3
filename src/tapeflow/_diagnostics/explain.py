"""`explain(tape)`: why a gradient came back None, with the user's line where the path broke.

Most reasons are decided after the fact, by reachability over the tape's entries: a
source the tape does not track was never watched; one the target does not reach through
recorded entries is not connected, unless the path exists but crosses an integer or bool
tensor. Everything recording costs nothing while explanations are off.

While `enable_gradient_explanations()` is on, every tape entered gets an observer
(`gradient_tape.observe`) and an output check (`registry.add_output_check`) hears of
every op: it keeps the user's line of each recorded entry, and follows tensors computed
from a tape's tensors that the tape does not record (a non-differentiable op, under
`stop_recording()`, after the tape stopped, in another thread), with the line and the
reason where each left the tape. Hooks on NumPy conversions (`tape.value_hooks`) and
assignments (`tape.assign_hooks`) note where a tape's value left through NumPy or went
into a variable. The observer keeps ids and lines only, never arrays. A gradient call
with a None result then keeps a copy of the record without its arrays, and warns
(`GradientExplanationWarning`) at the gradient call's line.

Without the observer, a persistent tape is explained from its live record (reasons
without lines for what the entries cannot show); a non-persistent tape drops its record
when it answers, so there is nothing to explain.
"""

from __future__ import annotations

import ast
import collections
import collections.abc
import linecache
import os
import threading
import warnings
import weakref

from .._core import registry as _registry
from .._core import tape as _tape
from .._core.tensor import new_id
from ..autodiff import gradient_tape as _gradient_tape
from ..autodiff.gradient_tape import slim_entries, source_key
from . import sites as _sites

# The reasons an explanation names (`Explanation.reason`).
NOT_WATCHED = "not_watched"
NOT_CONNECTED = "not_connected"
LEFT_THROUGH_NUMPY = "left_through_numpy"
INTEGER_DTYPE = "integer_dtype"
NON_DIFFERENTIABLE = "non_differentiable_op"
STOPPED_RECORDING = "stopped_recording"
BEFORE_TAPE = "before_tape"
AFTER_TAPE = "after_tape"
OTHER_THREAD = "other_thread"
VARIABLE_REBOUND = "variable_rebound"
VARIABLE_ASSIGNED = "variable_assigned"
FRESH_TARGET = "fresh_target"
REASONS = (
    NOT_WATCHED,
    NOT_CONNECTED,
    LEFT_THROUGH_NUMPY,
    INTEGER_DTYPE,
    NON_DIFFERENTIABLE,
    STOPPED_RECORDING,
    BEFORE_TAPE,
    AFTER_TAPE,
    OTHER_THREAD,
    VARIABLE_REBOUND,
    VARIABLE_ASSIGNED,
    FRESH_TARGET,
)


class GradientExplanationWarning(UserWarning):
    """A gradient came back None; the message explains why (while explanations are on)."""


Where = collections.namedtuple("Where", ["filename", "lineno", "code"])
Where.__doc__ = """A line of the user's code: file, line number and the line's text."""


def _shown(filename: str) -> str:
    """A file as messages show it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(filename)
    except ValueError:  # another drive (Windows)
        return filename
    return filename if relative.startswith("..") else relative


Where.__str__ = lambda self: f"{_shown(self.filename)}:{self.lineno}: {self.code}"

Source = collections.namedtuple("Source", ["path", "name"])
Source.__doc__ = """A source by its position in the `sources` structure (`sources[1]`,
    `sources['w']`, or `sources` for a single one) and its name (a variable's name, or the
    caller's local variable bound to it), or None."""
Source.__str__ = lambda self: self.path if self.name is None else f"{self.path} ({self.name})"


class Explanation:
    """Why one source's gradient is None.

    Attributes:
      reason: one of `REASONS` (module constants such as `NOT_WATCHED`).
      source: a `Source` (its path in the `sources` structure, and its name).
      where: a `Where` (the user's line where the path broke), or None.
      op: the op type that cut the path, where one did, else None.

    `str()` is a one-paragraph sentence saying what to do.
    """

    __slots__ = ("reason", "source", "where", "op", "_text")

    def __init__(self, reason: str, source: Source, where, op, text: str):
        self.reason = reason
        self.source = source
        self.where = where
        self.op = op
        self._text = text

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        at = "" if self.where is None else f" at {_shown(self.where.filename)}:{self.where.lineno}"
        return f"<Explanation {self.source}: {self.reason}{at}>"


# -- recording (only while explanations are on) ----------------------------------------

_lock = threading.Lock()
_observers: tuple = ()  # weak references to the live observers
_enabled = False
# Tensors made by recent ops, for what the tapes do not record (a source rebound from a
# variable, a target computed before the tape): tensor id -> (line, op type, input ids).
RECENT = 8192
_recent: collections.OrderedDict = collections.OrderedDict()
# Ids of variables seen by observed tapes, with their names (a variable's tensor has its id).
_variable_names: dict = {}


def _user_line():
    """(filename, lineno) of the innermost frame outside the tapeflow package, or None."""
    frame = _sites.user_frame(1)
    return None if frame is None else (frame.f_code.co_filename, frame.f_lineno)


class _Observer:
    """What explanations need of one GradientTape beyond its record: lines and events."""

    __slots__ = (
        "gradient_tape",
        "thread",
        "lines",
        "shadow",
        "events",
        "marks",
        "ignored",
        "__weakref__",
    )

    def __init__(self, gradient_tape):
        self.gradient_tape = weakref.ref(gradient_tape)
        self.thread = threading.get_ident()
        self.lines: dict = {}  # output id of a recorded entry -> line
        # Tensors computed from this tape's but not recorded on it:
        # id -> (reason, line, op type, roots: the tracked ids they were computed from).
        self.shadow: dict = {}
        self.events: list = []  # (time, kind, roots, line, detail): NumPy reads, assignments
        self.marks: list = []  # (time, "enter" | "exit" | "pause" | "resume")
        self.ignored: dict = {}  # id -> (line, stopped): watched while watching did nothing

    def record(self):
        gradient_tape = self.gradient_tape()
        return None if gradient_tape is None else gradient_tape._tape

    def mark(self, kind: str) -> None:
        self.marks.append((new_id(), kind))
        if kind == "exit":
            record = self.record()
            if record is not None and record.variables:
                for vid, variable in record.variables.items():
                    _variable_names[vid] = variable.name

    def ignored_watch(self, t) -> None:
        paused = bool(self.marks) and self.marks[-1][1] == "pause"
        self.ignored[t._id] = (_user_line(), bool(_tape.state.stopped) or paused)

    def roots(self, t) -> frozenset | None:
        """The tracked ids `t` was computed from, if it is this tape's or shadows it."""
        record = self.record()
        if record is not None and t._id in record.ids:
            return frozenset((t._id,))
        shadowed = self.shadow.get(t._id)
        return None if shadowed is None else shadowed[3]

    def remember(self, record, targets, sources, flat_sources, grads):
        """A gradient call had a None: keeps a copy without arrays, and warns if on."""
        site = _user_line()
        names = _source_names(site, len(flat_sources), sources)
        for vid, variable in record.variables.items():
            _variable_names[vid] = variable.name
        call = _Call.of_record(
            record, len(record.entries), targets, sources, flat_sources, grads, names
        )
        call.observer = self
        if _enabled:
            for e in call.explanations():
                filename, lineno = site if site is not None else ("<unknown>", 0)
                warnings.warn_explicit(str(e), GradientExplanationWarning, filename, lineno)
        return call


def _observe(gradient_tape) -> _Observer:
    global _observers
    observer = _Observer(gradient_tape)
    with _lock:  # a new tuple: the checks of other threads iterate the old one
        _observers = (*(r for r in _observers if r() is not None), weakref.ref(observer))
    return observer


def _live() -> list:
    return [o for o in (r() for r in _observers) if o is not None]


def _classify(observer, op) -> str:
    """Why `observer`'s tape does not record `op`, which reads one of its tensors: where
    it runs, else that it is not differentiable."""
    if threading.get_ident() != observer.thread:
        return OTHER_THREAD
    last = observer.marks[-1][1] if observer.marks else "exit"
    if _tape.state.stopped or last == "pause":
        return STOPPED_RECORDING
    if last == "exit":
        return AFTER_TAPE
    return NON_DIFFERENTIABLE


def _check(op, inputs: tuple, outputs, attrs: dict) -> None:
    """The output check while explanations are on: lines and tensors leaving the tapes.

    The ops of a backward walk's gradient rules are skipped: they read a tape's tensors
    after it stopped by design (the walk names the rule it runs in `tape.state.rule`)."""
    if _tape.state.rule is not None:
        return
    outs = outputs if type(outputs) is tuple else (outputs,)
    line = None
    recorded = False
    for ref in _observers:
        observer = ref()
        if observer is None:
            continue
        record = observer.record()
        if record is None:
            continue
        ids, shadow = record.ids, observer.shadow
        tracked = [t._id for t in inputs if t._id in ids]
        shadowed = [shadow[t._id] for t in inputs if t._id in shadow]
        if not tracked and not shadowed:
            continue
        if line is None:
            line = _user_line()
        if tracked and op.differentiable and record in _tape.state.tapes:
            observer.lines[outs[0]._id] = line  # recorded: the entry's line
            recorded = True
            continue
        roots = frozenset(tracked).union(*(s[3] for s in shadowed))
        if tracked:  # where the path leaves this tape
            cause = (_classify(observer, op), line, op.type, roots)
        else:  # computed from what already left it
            cause = shadowed[0][:3] + (roots,)
        for o in outs:
            shadow[o._id] = cause
    if recorded:
        return
    if line is None:
        line = _user_line()
    with _lock:
        _recent[outs[0]._id] = (line, op.type, tuple(t._id for t in inputs))
        if len(_recent) > RECENT:
            _recent.popitem(last=False)


def _numpy_hook(t, what: str) -> None:
    for observer in _live():
        roots = observer.roots(t)
        if roots is not None:
            observer.events.append((new_id(), "numpy", roots, _user_line(), what))


def _assign_hook(variable, how: str, value) -> None:
    _variable_names[variable._id] = variable.name
    for observer in _live():
        roots = observer.roots(value)
        if roots is not None:
            detail = (variable._id, variable.name, how)
            observer.events.append((new_id(), "assign", roots, _user_line(), detail))


def _set_enabled(enable: bool) -> None:
    global _enabled
    _enabled = enable
    if enable:
        _gradient_tape.observe = _observe
        _registry.add_output_check(_check)
        if _numpy_hook not in _tape.value_hooks:
            _tape.value_hooks.append(_numpy_hook)
        if _assign_hook not in _tape.assign_hooks:
            _tape.assign_hooks.append(_assign_hook)
    else:
        _gradient_tape.observe = None
        _registry.remove_output_check(_check)
        while _numpy_hook in _tape.value_hooks:
            _tape.value_hooks.remove(_numpy_hook)
        while _assign_hook in _tape.assign_hooks:
            _tape.assign_hooks.remove(_assign_hook)


class enable_gradient_explanations:  # noqa: N801 (a call, and a context manager)
    """Turns gradient explanations on: lines recorded, a warning per None gradient.

    Tapes entered from then on keep the user's line of what they record and of where a
    value left them, so `explain(tape)` names lines, and every gradient, jacobian or
    batch_jacobian call whose result has a None warns `GradientExplanationWarning` with
    the explanation, at the call's line. Process-wide, off by default; as a context
    manager, the previous setting comes back on exit. TF's results are unchanged (None
    stays None). Costs time on every op while on (about 1.5-2x on the small-op
    benchmarks, docs/diagnostics.md), nothing while off.
    """

    _enable = True

    def __init__(self):
        self._previous = _enabled
        _set_enabled(self._enable)

    def __enter__(self):
        return self

    def __exit__(self, typ, value, traceback) -> None:
        _set_enabled(self._previous)


class disable_gradient_explanations(enable_gradient_explanations):  # noqa: N801
    """Turns gradient explanations off (as a context manager, only for its block)."""

    _enable = False


# -- explaining -------------------------------------------------------------------------


def _paths(structure, prefix: str = "sources") -> list:
    """The path of every leaf of `structure`, in tf.nest's flattening order."""
    if not isinstance(structure, (list, tuple, collections.abc.Mapping)):
        return [prefix]
    if isinstance(structure, collections.abc.Mapping):
        items = [(f"[{k!r}]", structure[k]) for k in sorted(structure)]
    else:
        items = [(f"[{i}]", v) for i, v in enumerate(structure)]
    out = []
    for key, child in items:
        out.extend(_paths(child, prefix + key))
    return out


_CALLS = frozenset(("gradient", "jacobian", "batch_jacobian"))


def _source_names(site, n: int, sources) -> list:
    """For each source, how the gradient call at `site` spells it (`w`, `model.b`), read
    from the line's text (not from the frame's locals, which would keep them alive);
    None where the line does not show it."""
    names = [None] * n
    if site is None:
        return names
    try:
        tree = ast.parse(linecache.getline(*site).strip())
    except SyntaxError:
        return names
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _CALLS
        ):
            args = list(node.args[1:2])
            args += [k.value for k in node.keywords if k.arg in ("sources", "source")]
            if args:
                spelled = []
                _spelled(args[0], sources, spelled)
                if len(spelled) == n:
                    return spelled
            return names
    return names


def _spelled(node, structure, out: list) -> None:
    """Appends the text of each leaf of `structure` as `node` writes it (in tf.nest's order)."""
    if not isinstance(structure, (list, tuple, collections.abc.Mapping)):
        out.append(ast.unparse(node) if isinstance(node, (ast.Name, ast.Attribute)) else None)
        return
    if isinstance(structure, collections.abc.Mapping):
        keys = sorted(structure)
        children = [None] * len(keys)
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and k.value in structure:
                    children[keys.index(k.value)] = v
        for key, child in zip(keys, children):
            _spelled(child, structure[key], out)
        return
    elts = node.elts if isinstance(node, (ast.List, ast.Tuple)) else None
    for i, item in enumerate(structure):
        _spelled(elts[i] if elts is not None and i < len(elts) else None, item, out)


def _where(line):
    if line is None:
        return None
    filename, lineno = line
    return Where(filename, lineno, linecache.getline(filename, lineno).strip())


class _Call:
    """One gradient call with a None result, as `explain` needs it (no arrays)."""

    __slots__ = (
        "entries",
        "ids",
        "watch_accessed",
        "targets",
        "missing",
        "observer",
        "_explanations",
        "_ancestor_sets",
    )

    def __init__(self, entries, ids, watch_accessed, targets, structure, keys, names):
        """`entries` slim (`slim_entries`), `targets` as (id, dtype), `structure` the
        sources' nesting, `keys` per flat source its `source_key`, or None where the
        gradient was not None, `names` how the gradient call spells each (or None)."""
        self.entries = entries
        self.ids = frozenset(ids)
        self.watch_accessed = watch_accessed
        self.targets = targets
        paths = _paths(structure)
        self.missing = []
        for i, key in enumerate(keys):
            if key is not None:
                kind, sid, dtype, name, trainable = key
                label = name if names[i] is None else names[i]
                self.missing.append((Source(paths[i], label), kind, sid, dtype, trainable))
        self.observer = None
        self._explanations = None
        self._ancestor_sets: dict = {}

    @classmethod
    def of_record(cls, record, n, targets, sources, flat_sources, grads, names):
        """The call as a live tape record (its first `n` entries) shows it."""
        keys = [None if g is not None else source_key(s) for s, g in zip(flat_sources, grads)]
        return cls(
            slim_entries(record.entries[:n]),
            record.ids,
            record.watch_accessed_variables,
            [(t._id, t._dtype) for t in targets],
            sources,
            keys,
            names,
        )

    @classmethod
    def of_released(cls, released):
        """The call as a released tape kept it (`gradient_tape.ReleasedCall`)."""
        return cls(
            released.entries,
            released.ids,
            released.watch_accessed_variables,
            released.targets,
            released.structure,
            released.keys,
            [None] * len(released.keys),
        )

    def explanations(self) -> list:
        if self._explanations is None:
            self._explanations = [self._explain(*m) for m in self.missing]
            self._ancestor_sets = {}
        return self._explanations

    # The reachability passes over the slim entries.

    def _forward(self, sid: int, differentiable: bool):
        """(ids reachable from `sid`, those reachable through floating tensors, and for
        each tensor where that stopped (an integer output), its entry's index)."""
        reach = {sid}
        reach_diff = {sid} if differentiable else set()
        cut_at: dict = {}
        for k, (_, ins, in_dtypes, outs, out_dtypes) in enumerate(self.entries):
            if any(i in reach for i in ins):
                reach.update(outs)
                if any(i in reach_diff and d._differentiable for i, d in zip(ins, in_dtypes)):
                    for o, d in zip(outs, out_dtypes):
                        if d._differentiable:
                            reach_diff.add(o)
                        else:
                            cut_at.setdefault(o, k)
        return reach, reach_diff, cut_at

    def _ancestors(self, tid: int) -> set:
        """The ids the target `tid` depends on through recorded entries (one pass per
        target, shared by the sources)."""
        cached = self._ancestor_sets.get(tid)
        if cached is not None:
            return cached
        ancestors = {tid}
        for _, ins, _, outs, _ in reversed(self.entries):
            if any(o in ancestors for o in outs):
                ancestors.update(ins)
        self._ancestor_sets[tid] = ancestors
        return ancestors

    def _line_of(self, tid: int):
        observer = self.observer
        if observer is not None and tid in observer.lines:
            return observer.lines[tid]
        recent = _recent.get(tid)
        return None if recent is None else recent[0]

    def _explain(self, source: Source, kind: str, sid, dtype, trainable) -> Explanation:
        observer = self.observer
        target_ids = {tid for tid, _ in self.targets}
        if sid is None:
            return _make(NOT_WATCHED, source, None, None, "other")
        if not dtype._differentiable:
            return _make(INTEGER_DTYPE, source, None, None, "source", dtype.name)
        if sid not in self.ids and sid not in target_ids:
            ignored = None if observer is None else observer.ignored.get(sid)
            if ignored is not None:
                line, stopped = ignored
                reason = STOPPED_RECORDING if stopped else NOT_WATCHED
                return _make(reason, source, _where(line), None, "watch")
            if kind == "variable":
                if trainable and self.watch_accessed:  # watched when read: never read
                    return _make(NOT_CONNECTED, source, None, None, "unread")
                how = "non-trainable" if not trainable else "watch_accessed"
                return _make(NOT_WATCHED, source, None, None, how)
            recent = _recent.get(sid) if observer is not None else None
            if recent is not None:
                for i in recent[2]:
                    if i in _variable_names:
                        where = _where(recent[0])
                        name = _variable_names[i]
                        return _make(VARIABLE_REBOUND, source, where, recent[1], "", name)
            return _make(NOT_WATCHED, source, None, None, "tensor")
        reach, reach_diff, cut_at = self._forward(sid, True)
        found = [
            self._cause(source, tid, tdtype, reach, reach_diff, cut_at)
            for tid, tdtype in self.targets
        ]
        for e in found:
            if e.reason != NOT_CONNECTED:
                return e
        return found[0]

    def _cause(self, source, tid, tdtype, reach, reach_diff, cut_at) -> Explanation:
        observer = self.observer
        ancestors = self._ancestors(tid)
        if tid in reach:
            cuts = sorted(cut_at[a] for a in ancestors if a in cut_at)
            if cuts or not tdtype._differentiable:
                k = cuts[0] if cuts else next(k for k, e in enumerate(self.entries) if tid in e[3])
                op_type, _, _, outs, out_dtypes = self.entries[k]
                line = self._line_of(outs[0])
                names = sorted({d.name for d in out_dtypes if not d._differentiable})
                return _make(INTEGER_DTYPE, source, _where(line), op_type, "cut", ", ".join(names))
            on_path = sorted(
                {e[0] for e in self.entries if set(e[3]) & ancestors and set(e[1]) & reach}
            )
            return _make(NON_DIFFERENTIABLE, source, None, None, "rule", ", ".join(on_path))
        if observer is not None:
            shadowed = sorted(
                a for a in ancestors if a in observer.shadow and observer.shadow[a][3] & reach
            )
            if shadowed:
                reason, line, op_type, _ = observer.shadow[shadowed[0]]
                return _make(reason, source, _where(line), op_type, "shadow")
            for _time, kind, roots, line, detail in observer.events:
                if kind == "assign" and roots & reach and detail[0] in ancestors:
                    return _make(
                        VARIABLE_ASSIGNED, source, _where(line), None, detail[2], detail[1]
                    )
            reads = [
                (time, line, detail)
                for time, kind, roots, line, detail in observer.events
                if kind == "numpy" and roots & reach and time < tid
            ]
            if not reads:  # a tracked target: any read of the source's values
                reads = [
                    (time, line, detail)
                    for time, kind, roots, line, detail in observer.events
                    if kind == "numpy" and roots & reach
                ]
            if reads:
                _, line, detail = reads[-1]
                return _make(LEFT_THROUGH_NUMPY, source, _where(line), None, "", detail)
        if tid in self.ids:
            return _make(NOT_CONNECTED, source, None, None, "")
        if observer is None:
            return _make(FRESH_TARGET, source, None, None, "unobserved")
        where = _where(self._line_of(tid))
        before = [kind for time, kind in observer.marks if time < tid]
        if not before:
            return _make(BEFORE_TAPE, source, where, None, "")
        last = before[-1]
        if last == "pause":
            return _make(STOPPED_RECORDING, source, where, None, "target")
        if last == "exit":
            return _make(AFTER_TAPE, source, where, None, "target")
        return _make(FRESH_TARGET, source, where, None, "observed")


_ENABLE = "tapeflow.experimental.enable_gradient_explanations()"


def _make(reason, source, where, op, how, detail: str = "") -> Explanation:
    """The explanation, with its one-paragraph text."""
    at = "" if where is None else f" at {_shown(where.filename)}:{where.lineno} (`{where.code}`)"
    s = str(source)
    if reason == NOT_WATCHED:
        text = {
            "non-trainable": f"{s} is a non-trainable variable, which tapes do not watch "
            "automatically. Call tape.watch() on it inside the tape's context, or create it "
            "with trainable=True.",
            "watch_accessed": f"{s} is a variable, but the tape was created with "
            "watch_accessed_variables=False, so it watches only what tape.watch() is given. "
            "Call tape.watch() on it inside the tape's context.",
            "tensor": f"{s} is a tf.Tensor the tape never watched: tapes watch trainable "
            "variables automatically, tensors only through tape.watch(). Call "
            "tape.watch() on it inside the tape's context, or make it a tf.Variable.",
            "watch": f"tape.watch() of {s}{at} ran while no tape was recording (outside the "
            "tape's `with` block), where it does nothing. Call it inside the block.",
            "other": f"{s} is not a tensor or variable the tape can watch.",
        }[how]
    elif reason == NOT_CONNECTED:
        how = (
            "the tape watched it, but no recorded op leads from it to the target"
            if how != "unread"
            else "it is a trainable variable the tape never saw read while it recorded"
        )
        text = (
            f"The target does not depend on {s}: {how}. If it should, compute the target "
            "from it inside the tape's `with` block (not from a copy or another variable); "
            "if not, pass unconnected_gradients=tf.UnconnectedGradients.ZERO to get zeros."
        )
    elif reason == LEFT_THROUGH_NUMPY:
        text = (
            f"The path from {s} to the target left the tape through NumPy{at}: {detail}. "
            "A NumPy array or Python number is a constant to the tape, so nothing computed "
            "from it has a gradient. Compute with tapeflow ops (tf.math, tf.reduce_sum, ...) "
            "instead of .numpy(), np.* functions or float()."
        )
    elif reason == INTEGER_DTYPE:
        if how == "source":
            text = (
                f"{s} has the dtype {detail}: gradients flow only through floating and "
                "complex tensors, so it has none. Make it a floating tensor "
                "(tf.cast(x, tf.float32)) before watching it."
            )
        else:
            text = (
                f"The path from {s} to the target goes through the {detail} tensor made by "
                f"{op}{at}: integer and bool tensors carry no gradient. Keep the path in a "
                "floating dtype (no cast to an integer or bool type on the way)."
            )
    elif reason == NON_DIFFERENTIABLE:
        if how == "rule":
            text = (
                f"The path from {s} to the target is recorded, but a gradient rule on it "
                f"returned None for it (ops on the path: {detail}). Check the custom or "
                "registered gradients of those ops."
            )
        else:
            why = "cuts the gradient by design" if op == "StopGradient" else "has no gradient"
            text = (
                f"The path from {s} to the target goes through the op {op}{at}, which {why} "
                "(TF registers it as not differentiable), so the tape does not record it. "
                "Use a differentiable formulation there (e.g. softmax weights instead of "
                "argmax, or a straight-through estimator) if the gradient should pass."
            )
    elif reason == STOPPED_RECORDING:
        if how == "watch":
            text = (
                f"tape.watch() of {s}{at} ran while recording was stopped "
                "(stop_recording()), where watching does nothing. Watch it outside the "
                "stop_recording() block."
            )
        else:
            text = (
                f"The target was computed from {s}{at} while the tape's recording was "
                "stopped (stop_recording()), so the tape did not record it. Compute it "
                "outside the stop_recording() block."
            )
    elif reason == BEFORE_TAPE:
        text = (
            f"The target was computed{at} before the tape was entered, so the tape never "
            f"recorded it and it does not depend on {s} on the tape. Compute the target "
            "inside the `with tf.GradientTape() as tape:` block."
        )
    elif reason == AFTER_TAPE:
        text = (
            f"The target was computed from {s}{at} after the tape stopped recording (after "
            "its `with` block), so the tape did not record it. Move that computation "
            "inside the block."
        )
    elif reason == OTHER_THREAD:
        text = (
            f"The target was computed from {s}{at} in another thread: a tape records only "
            "the ops of the thread that entered it. Compute the target in the tape's "
            "thread, or open a tape in the other thread."
        )
    elif reason == VARIABLE_REBOUND:
        text = (
            f"{s} is a tf.Tensor, not the variable {detail} it was computed from{at}: "
            "assigning an op's result to a name rebinds the name, and tapes watch "
            "variables, not tensors computed from them. Update the variable in place "
            "(v.assign(...), v.assign_sub(...)) instead."
        )
    elif reason == VARIABLE_ASSIGNED:
        text = (
            f"The path from {s} to the target goes through an assignment ({how}) into the "
            f"variable {detail}{at}: assignments are not differentiable, so what reads the "
            f"variable afterwards does not depend on {s}. Use the assigned tensor itself "
            "in the computation instead of reading the variable back."
        )
    elif how == "unobserved":  # FRESH_TARGET, as far as the record shows
        text = (
            f"The tape's record does not show the target computed from {s}: it was computed "
            "outside the tape's recording (before the tape was entered, after its block "
            "ended, under stop_recording(), or in another thread), from fresh constants, or "
            "the path left the tape through NumPy or a non-differentiable op (round, argmax, "
            f"a comparison, stop_gradient). Call {_ENABLE} before recording to name the "
            "reason and the line."
        )
    else:  # FRESH_TARGET
        text = (
            f"The target was not computed from {s} or from anything the tape watched"
            f"{at}: it was built from fresh constants. Compute it from the watched tensors "
            "and variables with tapeflow ops."
        )
    return Explanation(reason, source, where, op, text)


def explain(tape) -> list:
    """Why the gradients of `tape`'s most recent gradient call came back None.

    Explains the most recent `gradient`, `jacobian` or `batch_jacobian` call: one
    `Explanation` per None in its result, in the order of `tf.nest.flatten(sources)`
    (an empty list when none was None). Lines (`where`) are known for tapes entered while
    `enable_gradient_explanations()` is on; without it, a tape is explained from its
    record (a persistent tape's live one; a non-persistent tape keeps an array-free copy
    when a call returns a None), with fewer lines and reasons.

    >>> x = tf.constant(3.0)
    >>> with tf.GradientTape(persistent=True) as tape:
    ...     y = x * x
    >>> tape.gradient(y, x) is None
    True
    >>> tapeflow.experimental.explain(tape)[0].reason
    'not_watched'

    Raises:
      TypeError: if `tape` is not a `tf.GradientTape`.
      ValueError: if the tape has computed no gradient yet, or it is a persistent tape
        `reset()` after that call while explanations were off (the record was dropped).
    """
    if not isinstance(tape, _gradient_tape.GradientTape):
        raise TypeError(f"explain() expects a tf.GradientTape, got {type(tape).__name__}.")
    last = tape._last_call
    if last is None:
        raise ValueError(
            "This GradientTape has not computed a gradient yet: explain(tape) explains the "
            "None results of its most recent gradient, jacobian or batch_jacobian call."
        )
    if last is False:
        raise ValueError(
            "This GradientTape was reset() after its last gradient call and explanations "
            f"were off, so the information was dropped. Call {_ENABLE} before the tape "
            "records to explain it."
        )
    if type(last) is tuple:
        if not last:
            return []
        record, n, targets, sources, flat_sources, grads = last
        names = [None] * len(flat_sources)
        call = _Call.of_record(record, n, targets, sources, flat_sources, grads, names)
        return list(call.explanations())
    if type(last) is _gradient_tape.ReleasedCall:
        return list(_Call.of_released(last).explanations())
    return list(last.explanations())
