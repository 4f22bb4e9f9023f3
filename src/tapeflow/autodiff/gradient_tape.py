"""Reverse mode: `tf.GradientTape`, TF's bookkeeping around the backward walk.

The tape records (core/tape.py); `gradient`, `jacobian` and `batch_jacobian`
check their arguments TF's way, build the seeds and hand the entries to the
walk (walk.py), then apply TF's rules to the result: sources the tape does
not track get None, or zeros with `UnconnectedGradients.ZERO`.
"""

from __future__ import annotations

import contextlib
import enum
import math
import sys

import numpy as np

from .._core import dtypes as _dtypes
from .._core import nest
from .._core import tape as _tape
from .._core.accel import compiled as _compiled
from .._core.logging import warn_first_n
from .._core.tensor import (
    EagerTensor,
    Tensor,
    _is_variable,
    _wrapped_variable,
    convert_to_tensor,
    make,
)

# The Reshape and Transpose ops themselves: the shapes here are computed, not user input,
# so the public wrappers' argument checks would only cost time.
from ..ops.array_ops import _reshape, _transpose
from .walk import backward, ones_like_value, stack_rows, zeros_like_value

# While gradient explanations are on (tapeflow.experimental.enable_gradient_explanations),
# `observe(tape)` returns the observer a tape gets when it is first entered (explain.py):
# it hears of the tape's enters, exits and watches. None, the default, costs one test per
# enter.
observe = None


def slim_entries(entries) -> list:
    """Tape entries as ids and dtypes: (op type, input ids, input dtypes, output ids,
    output dtypes). Keeps no arrays."""
    slim = []
    for op, inputs, outputs, _ in entries:
        outs = outputs if type(outputs) is tuple else (outputs,)
        slim.append(
            (
                op.type,
                tuple(t._id for t in inputs),
                tuple(t._dtype for t in inputs),
                tuple(o._id for o in outs),
                tuple(o._dtype for o in outs),
            )
        )
    return slim


def source_key(s) -> tuple:
    """(kind, id, dtype, name, trainable) of a gradient source as the tape sees it."""
    inner = _wrapped_variable(s)
    v = s if inner is None else inner
    if _is_variable(v):
        return "variable", v._id, v._dtype, v.name, v._trainable
    if isinstance(v, EagerTensor):
        return "tensor", v._id, v._dtype, None, None
    return "other", None, None, None, None


class ReleasedCall:
    """A released (non-persistent) tape's last gradient call whose result had a None, as
    `tapeflow.experimental.explain` reads it, without arrays: the recorded entries as ids and
    dtypes, the watched ids, the targets' (id, dtype), the sources' structure (None leaves),
    keys (`source_key`) and which came back None. TF drops the record; this keeps its shape."""

    __slots__ = ("entries", "ids", "watch_accessed_variables", "targets", "structure", "keys")

    def __init__(self, tape, targets: list, sources, flat_sources: list, grads: list):
        self.entries = slim_entries(tape.entries)
        self.ids = frozenset(tape.ids)
        self.watch_accessed_variables = tape.watch_accessed_variables
        self.targets = [(t._id, t._dtype) for t in targets]
        self.structure = nest.pack_sequence_as(sources, [None] * len(flat_sources))
        self.keys = [None if g is not None else source_key(s) for s, g in zip(flat_sources, grads)]


class UnconnectedGradients(enum.Enum):
    """What `gradient` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


class GradientTape:
    """Records operations for automatic differentiation.

    Operations run inside the context are recorded when they involve a
    watched tensor (`watch`) or a trainable variable; `gradient` then computes
    gradients of a target with respect to sources by walking the record
    backwards. A tape answers one `gradient` call unless `persistent=True`.

    Args:
      persistent: allow several `gradient`/`jacobian` calls; the tape's
        resources are freed when the tape object is deleted.
      watch_accessed_variables: watch every trainable variable read while the
        tape is active.

    >>> x = tf.constant(3.0)
    >>> with tf.GradientTape() as g:
    ...     g.watch(x)
    ...     y = x * x
    >>> g.gradient(y, x)
    <tf.Tensor: shape=(), dtype=float32, numpy=6.0>

    The common cases of `__enter__`, `__exit__`, `watch` and `gradient` are mirrored in C by
    the compiled core (`_compiled.tape_*`), which falls back to these methods otherwise.
    """

    # The explanation observer (see `observe`), or None; and what `tapeflow.experimental.
    # explain` reads of the last gradient/jacobian call: None before any, () when it had no
    # None, False when it had one but a released non-persistent record dropped the
    # information, else the call's record (`_remember`). Class defaults: no cost when off.
    _observer = None
    _last_call = None

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._tape = None
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._recording = False
        self._watched_variables: tuple = ()

    def __enter__(self) -> GradientTape:
        if self._tape is None and not self._recording and observe is None:
            # `_push_tape` for a new tape while explanations are off, inline (W1 pays it)
            self._tape = tape = _tape.Tape(self._watch_accessed_variables)
            _tape.state.tapes.append(tape)
            _tape.active.append(None)
            self._recording = True
            if self._observer is not None:
                self._observer.mark("enter")
            return self
        self._push_tape()
        return self

    def __exit__(self, typ, value, traceback) -> None:
        if self._recording:
            tapes = _tape.state.tapes
            if tapes and tapes[-1] is self._tape and self._observer is None and not _tape.gc_raised:
                # `_pop_tape` for the innermost tape, inline (as `__enter__`'s push)
                tapes.pop()
                _tape.active.pop()
                self._recording = False
                return
            self._pop_tape()

    def _push_tape(self) -> None:
        if self._recording:
            raise ValueError(
                "Tape is still recording, This can happen if you try to re-enter an "
                "already-active tape."
            )
        if self._tape is None:
            self._tape = _tape.Tape(self._watch_accessed_variables)
        _tape.push(self._tape)
        self._recording = True
        if observe is not None or self._observer is not None:
            if self._observer is None:
                self._observer = observe(self)
            self._observer.mark("enter")

    def _pop_tape(self) -> None:
        if not self._recording:
            raise ValueError("Tape is not recording.")
        _tape.pop(self._tape)
        self._recording = False
        if self._observer is not None:
            self._observer.mark("exit")

    def watch(self, tensor) -> None:
        """Ensures that `tensor` (a tensor, variable, or nested structure of them) is traced.

        Raises:
          ValueError: if an element is not a tensor or variable.
        """
        if self._tape is None:
            self._tape = _tape.Tape(self._watch_accessed_variables)
        # Inside tf.init_scope (recording stopped), TF checks the argument and watches nothing;
        # so it does when no tape of this thread records (TF's `CouldBackprop`), as inside
        # this tape's own `stop_recording()` with no outer tape (observed on TF 2.21).
        stopped = _tape.state.stopped or not _tape.state.tapes
        if type(tensor) is EagerTensor and tensor._dtype._differentiable:
            if not stopped:
                self._tape.ids.add(tensor._id)  # the common case, without nest machinery
            elif observe is not None or self._observer is not None:
                self._ignored_watch(tensor)
            return
        for t in nest.flatten(tensor):
            inner = _wrapped_variable(t)
            t = t if inner is None else inner
            if not (isinstance(t, Tensor) or _is_variable(t)):
                raise ValueError(
                    f"Passed in object {t!r} of type {type(t).__name__!r}, not tf.Tensor or "
                    "tf.Variable or ExtensionType."
                )
            if not t.dtype._differentiable:
                warn_first_n(
                    5,
                    "The dtype of the watched tensor must be floating (e.g. tf.float32), got %r",
                    t.dtype,
                )
            if stopped:
                if observe is not None or self._observer is not None:
                    self._ignored_watch(t)
                continue
            if _is_variable(t):
                self._tape.watch_variable(t)
            else:
                self._tape.watch(t._id)

    def _ignored_watch(self, t) -> None:
        """Tells the explanation observer of a watch that did nothing (recording stopped)."""
        if self._observer is None:
            self._observer = observe(self)
        self._observer.ignored_watch(t)

    @contextlib.contextmanager
    def stop_recording(self):
        """Temporarily stops recording operations on this tape.

        Raises:
          RuntimeError: if the tape is not recording.
        """
        if not self._recording:
            raise RuntimeError("Trying to stop recording a tape which is not recording.")
        self._pop_tape()
        if self._observer is not None:
            self._observer.mark("pause")
        try:
            yield
        finally:
            if self._observer is not None:
                self._observer.mark("resume")
            self._push_tape()

    def reset(self) -> None:
        """Clears everything recorded so far; the tape keeps recording.

        Raises:
          ValueError: if the tape is not recording.
        """
        self._pop_tape()
        self._tape = None
        if type(self._last_call) is tuple and self._last_call:  # refers to the dropped record
            self._last_call = False
        self._push_tape()

    def watched_variables(self) -> tuple:
        """The variables watched by this tape, in creation order (as TF orders them)."""
        if self._tape is None:
            return self._watched_variables
        variables = self._tape.variables
        return tuple(sorted(variables.values(), key=_by_id)) if variables else ()

    def gradient(
        self,
        target,
        sources,
        output_gradients=None,
        unconnected_gradients=UnconnectedGradients.NONE,
    ):
        """Computes the gradient of `target` with respect to `sources`.

        Args:
          target: a tensor or variable, or a nested structure of them; several
            targets (and the elements of a non-scalar target) are summed.
          sources: a tensor or variable, or a nested structure of them.
          output_gradients: one upstream gradient per target (None entries mean
            ones); weights the targets before summation.
          unconnected_gradients: `UnconnectedGradients.NONE` (default) returns
            None for a source the target does not depend on, `ZERO` zeros.

        Returns:
          Gradients in the structure of `sources`.

        Raises:
          RuntimeError: if called twice on a non-persistent tape.
          TypeError: if `target` is None (TF's message).
          AttributeError: if a target or source is not a tensor or variable (the
            exception TF's implementation raises there).
        """
        if (
            type(target) is EagerTensor
            and type(sources) is EagerTensor
            and output_gradients is None
            and self._tape is not None
            and not self._recording
        ):
            return self._single_gradient(target, sources, unconnected_gradients)
        unconnected_gradients = _unconnected(unconnected_gradients)
        tape = self._take_tape()
        if target is None:
            raise TypeError(
                "Argument `target` should be a list or nested structure of Tensors, Variables or "
                "CompositeTensors to be differentiated, but received None."
            )
        flat_targets = [_differentiable(t) for t in nest.flatten(target)]
        flat_sources = nest.flatten(sources)
        source_tensors = [_differentiable(s) for s in flat_sources]
        seeds = self._seeds(flat_targets, output_gradients)
        grads = backward(tape.entries, flat_targets, seeds, source_tensors)
        self._release()
        grads = _tracked_only(tape, flat_targets, source_tensors, grads)
        result = []
        missing = False
        for t, g in zip(source_tensors, grads):
            if g is None:
                if unconnected_gradients is UnconnectedGradients.ZERO:
                    g = zeros_like_value(t)
                else:
                    missing = True
            result.append(g)
        if missing:
            self._remember(tape, flat_targets, sources, flat_sources, result)
        else:
            self._last_call = ()
        return nest.pack_sequence_as(sources, result)

    def _single_gradient(self, target, source, unconnected_gradients):
        """`gradient` for one tensor target and one tensor source (the common case),
        without the nested-structure bookkeeping; same results as the general path."""
        if unconnected_gradients is not UnconnectedGradients.NONE:  # (the default: no lookup)
            unconnected_gradients = _unconnected(unconnected_gradients)  # TF's ValueError
        tape = self._tape
        (g,) = backward(tape.entries, [target], [ones_like_value(target)], [source])
        self._release()
        if g is not None and not (
            (source._id in tape.ids or source._id == target._id) and source._dtype._differentiable
        ):
            g = None
        if g is None:
            if unconnected_gradients is UnconnectedGradients.ZERO:
                g = zeros_like_value(source)
            else:
                self._remember(tape, [target], source, [source], [None])
                return None
        self._last_call = ()
        return g

    def _remember(self, tape, targets: list, sources, flat_sources: list, grads: list) -> None:
        """Keeps what `tapeflow.experimental.explain` needs of a call whose result has a
        None: the observer's copy (no arrays) while explanations observe this tape, else
        the live record of a persistent tape, else (a released tape) a `ReleasedCall`: one
        pass over the entries, paid only by calls that return a None."""
        if self._observer is not None:
            self._last_call = self._observer.remember(tape, targets, sources, flat_sources, grads)
        elif self._persistent:
            self._last_call = (tape, len(tape.entries), targets, sources, flat_sources, grads)
        else:
            self._last_call = ReleasedCall(tape, targets, sources, flat_sources, grads)

    def _take_tape(self) -> _tape.Tape:
        """TF's bookkeeping before a gradient/jacobian: returns the tape to walk.

        A non-persistent tape stops recording and is released (it remembers its
        watched variables); a persistent one keeps recording, with TF's warning.
        """
        if self._tape is None:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of "
                "gradients (or jacobians)"
            )
        if self._recording:
            if not self._persistent:
                self._pop_tape()
            else:
                warn_first_n(
                    1,
                    "Calling GradientTape.gradient on a persistent tape inside its context is "
                    "significantly less efficient than calling it outside the context (it causes "
                    "the gradient ops to be recorded on the tape, leading to increased CPU and "
                    "memory usage). Only call GradientTape.gradient inside the context if you "
                    "actually want to trace the gradient in order to compute higher order "
                    "derivatives.",
                )
        return self._tape

    def _release(self) -> None:
        """After a successful gradient/jacobian, a non-persistent tape lets go of its
        record (as TF does; a call that failed leaves the tape usable)."""
        if not self._persistent:
            self._watched_variables = self.watched_variables()
            self._tape = None

    def jacobian(
        self,
        target,
        sources,
        unconnected_gradients=UnconnectedGradients.NONE,
        parallel_iterations=None,
        experimental_use_pfor=True,
    ):
        """Computes the Jacobian of `target` with respect to each source.

        The whole Jacobian comes from one backward pass whose cotangent is a
        batch of one-hot seeds (one per element of `target`): every gradient
        rule is batch-polymorphic, so this is TF's pfor without a loop.
        `experimental_use_pfor=False` runs one backward pass per element
        instead (needs a persistent tape, as in TF).

        Args:
          target: a tensor (or variable) of shape T.
          sources: a tensor or variable, or a nested structure of them, each of shape S.
          unconnected_gradients: NONE gives None for an unconnected source, ZERO zeros.
          parallel_iterations: accepted for TF compatibility.
          experimental_use_pfor: False selects the per-element loop. For a target
            with no elements it returns what the default path returns, the empty
            Jacobian (TF's loop raises a ValueError there: it cannot stack zero rows).

        Returns:
          Jacobians shaped T + S, in the structure of `sources`.

        Raises:
          RuntimeError: on a non-persistent tape that already answered, or with
            `experimental_use_pfor=False` on a non-persistent tape.
        """
        unconnected_gradients = _unconnected(unconnected_gradients)
        if not experimental_use_pfor and not self._persistent:
            raise RuntimeError(
                "GradientTape must be created with persistent=True to compute the jacobian with "
                "eager execution enabled and with  experimental_use_pfor set to False."
            )
        tape = self._take_tape()
        y = _differentiable(target)
        flat_sources = nest.flatten(sources)
        source_tensors = [_differentiable(s) for s in flat_sources]
        tshape = np.shape(y._value)
        n = math.prod(tshape)
        eye = np.eye(n, dtype=y._dtype._np).reshape((n,) + tshape)
        if experimental_use_pfor:
            grads = backward(tape.entries, [y], [make(eye, y._dtype)], source_tensors, 1)
        else:
            rows = [backward(tape.entries, [y], [make(e, y._dtype)], source_tensors) for e in eye]
            grads = [stack_rows([row[k] for row in rows]) for k in range(len(source_tensors))]
            if n == 0:  # no rows to stack: the Jacobian the vectorised pass gives
                grads = backward(tape.entries, [y], [make(eye, y._dtype)], source_tensors, 1)
        self._release()
        grads = _tracked_only(tape, [y], source_tensors, grads)
        result = []
        missing = False
        for t, g in zip(source_tensors, grads):
            jshape = tshape + np.shape(t._value)
            if g is None:
                if unconnected_gradients is UnconnectedGradients.ZERO:
                    g = make(np.zeros(jshape, t._dtype._np), t._dtype)
                else:
                    missing = True
            else:
                g = _reshape(g, shape=jshape)
            result.append(g)
        if missing:
            self._remember(tape, [y], sources, flat_sources, result)
        else:
            self._last_call = ()
        return nest.pack_sequence_as(sources, result)

    def batch_jacobian(
        self,
        target,
        source,
        unconnected_gradients=UnconnectedGradients.NONE,
        parallel_iterations=None,
        experimental_use_pfor=True,
    ):
        """Computes per-example Jacobians: `target[i]` with respect to `source[i]`.

        Assumes example i of `target` depends only on example i of `source`, so
        one backward pass with a batch of seeds that are one-hot in every
        example at once gives all examples' Jacobians.

        Args:
          target: a tensor of shape [b, y1, ...].
          source: a tensor of shape [b, x1, ...].
          unconnected_gradients: NONE gives None if unconnected, ZERO zeros.
          parallel_iterations: accepted for TF compatibility.
          experimental_use_pfor: False selects a per-element loop (persistent tapes only).

        Returns:
          A tensor of shape [b, y1, ..., x1, ...].

        Raises:
          ValueError: if a rank is below 2 or the first dimensions differ.
        """
        unconnected_gradients = _unconnected(unconnected_gradients)
        if not experimental_use_pfor and not self._persistent:
            raise RuntimeError(
                "GradientTape must be created with persistent=True to compute the "
                "batch_jacobian with eager execution enabled and with  experimental_use_pfor set "
                "to False."
            )
        y, x = _differentiable(target), _differentiable(source)
        tshape, sshape = np.shape(y._value), np.shape(x._value)
        for shape in (tshape, sshape):
            if len(shape) < 2:
                raise ValueError(f"Shape {tuple(shape)} must have rank at least 2")
        if tshape[0] != sshape[0]:
            raise ValueError(
                f"Need first dimension of target shape ({tuple(tshape)}) and source shape "
                f"({tuple(sshape)}) to match."
            )
        tape = self._take_tape()
        batch, ny = tshape[0], math.prod(tshape[1:])
        # seeds[j, i] is one-hot at element j of example i, for every example i at once.
        seeds = np.zeros((ny, batch, ny), y._dtype._np)
        seeds[np.arange(ny), :, np.arange(ny)] = 1
        seeds = seeds.reshape((ny,) + tshape)
        if experimental_use_pfor:
            (g,) = backward(tape.entries, [y], [make(seeds, y._dtype)], [x], 1)
        else:
            rows = [backward(tape.entries, [y], [make(e, y._dtype)], [x])[0] for e in seeds]
            g = stack_rows(rows)
        self._release()
        (g,) = _tracked_only(tape, [y], [x], [g])
        jshape = tshape + sshape[1:]
        if g is None:
            if unconnected_gradients is UnconnectedGradients.ZERO:
                self._last_call = ()
                return make(np.zeros(jshape, x._dtype._np), x._dtype)
            self._remember(tape, [y], source, [source], [None])
            return None
        self._last_call = ()
        # g is [ny, b, x...]: move the example axis first.
        perm = (1, 0) + tuple(range(2, len(sshape) + 1))
        return _reshape(_transpose(g, perm=perm), shape=jshape)

    @staticmethod
    def _seeds(flat_targets: list, output_gradients) -> list:
        if output_gradients is None:
            return [ones_like_value(t) for t in flat_targets]
        flat_out = nest.flatten(output_gradients)
        if len(flat_out) < len(flat_targets):
            raise ValueError(
                f"Got {len(flat_out)} output_gradients for {len(flat_targets)} targets: "
                "pass one upstream gradient (or None) per target."
            )
        # TF pairs targets with output gradients by position and ignores extra ones: a
        # plain list [1.0, 10.0] for one vector target is read as the scalar 1.0 (a wart).
        flat_out = flat_out[: len(flat_targets)]
        seeds = []
        for t, g in zip(flat_targets, flat_out):
            if g is None:
                seeds.append(ones_like_value(t))
                continue
            g = convert_to_tensor(g, dtype_hint=t._dtype) if not isinstance(g, EagerTensor) else g
            if g._dtype is t._dtype and np.shape(g._value) != np.shape(t._value):
                _tape.value_read(g, "an output gradient is broadcast in Python")
                try:  # a broadcastable upstream gradient is expanded, as TF's rules would
                    g = make(np.broadcast_to(g._value, np.shape(t._value)), t._dtype)
                except ValueError:
                    pass
            # Another dtype is TF's: the first gradient rule that combines it with a forward
            # value raises the op's dtype-mismatch InvalidArgumentError (`g * y` in Mul's).
            if np.shape(g._value) != np.shape(t._value):
                raise ValueError(
                    f"output_gradients for a target of shape {t.shape} and dtype {t.dtype.name} "
                    f"must have the same shape and dtype, got shape {g.shape} dtype "
                    f"{g.dtype.name}."
                )
            seeds.append(g)
        return seeds


def _differentiable(x) -> EagerTensor:
    """A target or source as the tensor the tape knows (a variable's read tensor).

    Other objects fail with the same exception types TF's implementation raises.
    """
    if type(x) is EagerTensor:
        return x
    if _is_variable(x):
        return x._tensor
    inner = _wrapped_variable(x)
    if inner is not None:
        return inner._tensor
    if x is None:
        _dtypes.as_dtype(None)  # raises TF's TypeError
    if not hasattr(x, "dtype"):
        raise AttributeError(f"'{type(x).__name__}' object has no attribute 'dtype'")
    raise AttributeError(f"'{type(x).__module__}.{type(x).__name__}' object has no attribute '_id'")


if _compiled:  # the common calls in C (_compiled.pyx mirrors them; the rest stays here)
    _compiled.bind_gradient_tape(sys.modules[__name__], GradientTape.gradient, GradientTape.watch)
    for _name in ("__enter__", "__exit__", "watch", "gradient"):
        _method = getattr(_compiled, "tape_" + _name.strip("_"))
        _method.__doc__ = getattr(GradientTape, _name).__doc__
        _method.__wrapped__ = getattr(GradientTape, _name)  # inspect.signature: the Python one
        setattr(GradientTape, _name, _method)


def _by_id(variable) -> int:
    return variable._id


def _tracked_only(tape, targets: list, sources: list, grads: list) -> list:
    """Drops gradients TF would not give: sources the tape does not track
    (watched tensors and variables, outputs of recorded ops) unless they are
    targets themselves, and non-floating sources."""
    target_ids = {t._id for t in targets}
    return [
        g
        if g is not None and (t._id in tape.ids or t._id in target_ids) and t._dtype._differentiable
        else None
        for t, g in zip(sources, grads)
    ]


def _unconnected(value) -> UnconnectedGradients:
    try:
        return UnconnectedGradients(value)
    except ValueError:
        raise ValueError(f"Unknown value for unconnected_gradients: {value!r}") from None
