"""The user's source line of each recorded op, noted only while a diagnostic asks for it.

`start(owner)` installs `note` as a registry output check (the op-call epilogue runs it
before the tapes record the op); `stop(owner)` removes it when no owner is left, so
with no diagnostic on nothing walks frames. For each op run while a tape records,
`note` keeps, per tape (`TapeRecord`, dropped with the tape): the user's line by the
op's first output id, the ops that cut the gradient there without being recorded
(non-differentiable ops on a tracked tensor: `stop_gradient`, `argmax`, comparisons,
...), and the branches of every `tf.where`, whose zero gradient for unselected
elements is the `where` trap (numerics.py explains it). check_numerics' output test
runs inside `note` too (`start(owner, finite_check)`): one output check instead of two.
"""

from __future__ import annotations

import collections
import linecache
import math
import os
import sys
import weakref

import numpy as np

from .._core import registry as _registry
from .._core import tape as _tape
from .._core.accel import compiled as _compiled

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

Site = collections.namedtuple("Site", ["file", "line", "function", "text"])
Site.__doc__ = """A line of user code: its file, line number, function and stripped text."""

Cut = collections.namedtuple("Cut", ["op_type", "input_ids", "output_ids", "site"])
Cut.__doc__ = """A non-differentiable op that consumed a recorded tensor (not on the tape), or
a conversion of one to NumPy (`op_type` NUMPY_EXIT, `output_ids` empty)."""
NUMPY_EXIT = "NumPy"

Branch = collections.namedtuple("Branch", ["condition", "index", "output_id", "site"])
Branch.__doc__ = """A tensor used as branch `index` (1: x, 2: y) of a tf.where."""


class TapeRecord:
    """What `note` learnt about one recording tape."""

    __slots__ = ("sites", "cuts", "branches", "ref")

    def __init__(self):
        self.sites: dict = {}  # first output id of a recorded op -> (code, f_lasti)
        self.cuts: list = []  # Cut, in execution order
        self.branches: dict = {}  # tensor id -> the first Branch it is
        self.ref = None  # a weakref to the tape whose callback drops this record


_records: dict = {}  # id(Tape) -> TapeRecord, while the Tape lives
_owners: set = set()  # who asked for lines (check_numerics, record_source_lines)
_inside: dict = {}  # a code's file name -> whether it is tapeflow's own
_WHERE = frozenset({"SelectV2", "Select"})
# check_numerics' output test, run by `note` while set: one output check does both, since
# a call costs ~0.1 us on the op path. `finite_check(op, inputs, outputs)` raises at a
# non-finite output; `note` tests a float32/float64 scalar output itself first.
_finite_check = None


def start(owner: str, finite_check=None) -> None:
    """Starts noting lines on behalf of `owner` (idempotent per owner); `finite_check`,
    if given, also runs on every op's outputs until `stop(owner)`."""
    global _finite_check
    _owners.add(owner)
    if finite_check is not None:
        _finite_check = finite_check
    _registry.add_output_check(note)
    if _numpy_exit not in _tape.value_hooks:
        _tape.value_hooks.append(_numpy_exit)


def stop(owner: str, finite_check=None) -> None:
    """Stops noting lines for `owner` (and running its `finite_check`); when no owner is
    left, the op path pays nothing."""
    global _finite_check
    _owners.discard(owner)
    if finite_check is not None and _finite_check is finite_check:
        _finite_check = None
    if not _owners:
        _registry.remove_output_check(note)
        while _numpy_exit in _tape.value_hooks:
            _tape.value_hooks.remove(_numpy_exit)


def enabled() -> bool:
    """Whether lines are being noted."""
    return bool(_owners)


def user_frame(skip: int = 0):
    """The innermost frame outside the tapeflow package (the user's code), or None,
    starting `skip` frames above the caller. Shared by the diagnostics that name a line."""
    frame = sys._getframe(skip + 1)
    while frame is not None:
        filename = frame.f_code.co_filename
        inside = _inside.get(filename)
        if inside is None:
            inside = _learn(filename)
        if not inside:
            return frame
        frame = frame.f_back
    return None


def _user_code(skip: int = 0):
    """(code, f_lasti) of `user_frame(skip + 1)`, or None.

    The instruction offset, not the line: `f_lineno` scans the code's line table
    (~0.2 us), so `as_site` finds the line when it is asked for.
    """
    frame = user_frame(skip + 1)
    return None if frame is None else (frame.f_code, frame.f_lasti)


def current_site() -> Site | None:
    """The user's line running now (the caller of tapeflow), as a Site."""
    return as_site(_user_code())


_state = _tape.state  # the same object, read per op
_getframe = sys._getframe
_FIRST_CALLER = 2 if _compiled else 4
_f32, _f64, _isfinite = np.float32, np.float64, math.isfinite


def note(op, inputs: tuple, outputs, attrs: dict) -> None:
    """The output check: notes the user's line of every op run while a tape records
    (after the finite check, if one is set).

    Noted on every recording tape of the thread without testing whether the tape
    tracks an input (the test cost W2 0.1x): the record of a tape lives as long as
    the tape and is read by output id, so a noted op that no tape recorded is only an
    unused key. Non-differentiable ops, never recorded, are noted (as cuts) only
    where they consume a tracked tensor. Written flat: on the op path every call and
    frame object counts (~0.1 us each).
    """
    check = _finite_check
    if check is not None:
        if type(outputs) is tuple:
            check(op, inputs, outputs)
        else:
            value = outputs._value
            kind = type(value)
            if kind is _f32 or kind is _f64:
                if not _isfinite(value):
                    check(op, inputs, outputs)
            else:
                check(op, inputs, outputs)
    tapes = _state.tapes
    if not tapes:
        return
    # Frames 0-3 are tapeflow's: this check, the epilogue, the op method that calls it
    # (`Op.run` or `BinaryOp.binary`) and that method's caller (an op's `__call__` or
    # `apply`, an operator, a wrapper: nothing outside tapeflow calls `run`/`binary`).
    # The walk starts above them, so a user calling the op directly costs no new frame.
    # The compiled core's call paths have no Python frames: there only 0-1 are sure.
    frame = _getframe(_FIRST_CALLER)
    where = None
    while frame is not None:
        code = frame.f_code
        inside = _inside.get(code.co_filename)
        if inside is None:
            inside = _learn(code.co_filename)
        if not inside:
            where = (code, frame.f_lasti)
            break
        frame = frame.f_back
    first = outputs[0] if type(outputs) is tuple else outputs
    for tape in tapes:
        record = _records.get(id(tape))
        if record is None:
            record = _new_record(tape)
        if op.differentiable:
            record.sites[first._id] = where
            if op.type in _WHERE:
                for index in (1, 2):
                    branch = Branch(inputs[0], index, first._id, where)
                    record.branches.setdefault(inputs[index]._id, branch)
        else:
            ids = tape.ids
            if any(t._id in ids for t in inputs):
                outs = outputs if type(outputs) is tuple else (outputs,)
                record.cuts.append(
                    Cut(op.type, tuple(t._id for t in inputs), tuple(o._id for o in outs), where)
                )


def _numpy_exit(t, what: str) -> None:
    """The value hook: a recorded tensor read in Python (`.numpy()`, `float()`, ...) while
    a tape records is noted as a cut, with the user's line: its values leave the tape."""
    for tape in _state.tapes:
        if t._id in tape.ids:
            record = _records.get(id(tape))
            if record is None:
                record = _new_record(tape)
            record.cuts.append(Cut(NUMPY_EXIT, (t._id,), (), _user_code(1)))


def _learn(filename: str) -> bool:
    """Whether a code file is tapeflow's own, remembered."""
    _inside[filename] = inside = filename.startswith(_PACKAGE)
    return inside


def _new_record(tape) -> TapeRecord:
    """A record for `tape`, dropped when the tape is (a weakref callback)."""
    key = id(tape)
    record = _records[key] = TapeRecord()
    record.ref = weakref.ref(tape, lambda _, key=key: _records.pop(key, None))
    return record


def record_of(tape) -> TapeRecord | None:
    """What was noted for a recording `tape._tape` (a `tape.Tape`), or None."""
    return _records.get(id(tape))


def site_of(tensor_id: int) -> Site | None:
    """The line of the recorded op whose first output has id `tensor_id`, if noted."""
    for record in list(_records.values()):
        where = record.sites.get(tensor_id)
        if where is not None:
            return as_site(where)
    return None


def branch_of(tensor_id: int) -> Branch | None:
    """The tf.where branch the tensor `tensor_id` was, if noted."""
    for record in list(_records.values()):
        branch = record.branches.get(tensor_id)
        if branch is not None:
            return branch._replace(site=as_site(branch.site))
    return None


def as_site(where) -> Site | None:
    """A noted (code, f_lasti) as a Site with the line's text, or None."""
    if where is None:
        return None
    if type(where) is Site:
        return where
    code, lasti = where
    lineno = next((n for a, b, n in code.co_lines() if a <= lasti < b), None)
    lineno = code.co_firstlineno if lineno is None else lineno
    text = linecache.getline(code.co_filename, lineno).strip()
    return Site(code.co_filename, lineno, code.co_name, text)


def describe(site: Site | None) -> str:
    """ "`text` at file:line" (the path relative to the working directory when inside it)."""
    if site is None:
        return "an unrecorded line"
    path = site.file
    try:
        relative = os.path.relpath(path)
        if not relative.startswith(".."):
            path = relative
    except ValueError:  # another drive (Windows)
        pass
    text = f"`{site.text}` at " if site.text else ""
    return f"{text}{path}:{site.line}"


class record_source_lines:  # noqa: N801 (used as a function and as a context manager)
    """Notes the line of your code that ran each op recorded on a tape.

    `tape_table` and `tape_graph` then show each op's line, and the non-differentiable
    ops that cut a gradient (`stop_gradient`, `argmax`, ...), which no tape records.
    Calling it turns noting on (`record_source_lines(False)` turns it off); used as a
    context manager, the previous setting comes back on exit.
    `tf.debugging.enable_check_numerics()` notes lines too. Costs a frame walk per op
    while on (W2's forward pass, 100 scalar ops under a tape: about 1.4x); nothing when off.

    >>> with tapeflow.experimental.record_source_lines(), tf.GradientTape() as tape:
    ...     y = tf.sqrt(x)
    """

    def __init__(self, enable: bool = True):
        self._previous = "record_source_lines" in _owners
        if enable:
            start("record_source_lines")
        else:
            stop("record_source_lines")

    def __enter__(self) -> record_source_lines:
        return self

    def __exit__(self, typ, value, traceback) -> None:
        record_source_lines(self._previous)
