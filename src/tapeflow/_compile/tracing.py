"""How TensorFlow counts a `tf.function`'s traces, and when it warns about retracing.

`_TraceTypes` holds the types TF would have traced a function for (tensors by shape and
dtype, variables by shape, dtype and trainability, Python values by value, `input_signature`
and `reduce_retracing`), so `experimental_get_tracing_count()` counts as TF's does;
`_FrequentTracingDetector` is TF's frequent-retracing warning. function.py's cache decides
what actually runs; this module only counts.
"""

from __future__ import annotations

import weakref

from .._core.logging import warn
from .._core.tensor import Tensor, _is_variable
from .._core.tensor_spec import TensorSpec


class _TraceTypes:
    """The types TF would have traced a function for, to count traces as TF does.

    A call's type is its argument structure with tensors as (shape, dtype),
    variables as (shape, dtype, trainable) plus which positions share one
    variable, hashable Python values by value and other objects by identity.
    A call traces when no traced type is a supertype of its type (a shape with
    None dimensions, or of unknown rank, covers the shapes it allows). Under
    `reduce_retracing` the type traced is the new type relaxed against each
    traced one it has a common supertype with, as TF generalizes; under an
    `input_signature` there is one type.
    """

    __slots__ = ("reduce_retracing", "fixed", "traced", "count", "signature")

    def __init__(self, reduce_retracing: bool, fixed_type):
        self.reduce_retracing = reduce_retracing
        self.fixed = fixed_type  # the one type of an input_signature, or None
        self.traced: list = []
        self.count = 0
        self.signature = None  # the Python function's, once needed (False: none)

    def of(self, fn, args: tuple, kwargs: dict):
        """The call's type, its arguments bound to `fn`'s parameters with the defaults
        filled in (as TF binds them: `f(x)` and `f(x, n=1)` are one type)."""
        if self.fixed is not None:
            return self.fixed
        arguments = self._bind(fn, args, kwargs)
        variables: list = []
        if arguments is None:
            key = (_trace_type(args, variables), _trace_type(kwargs, variables))
        else:
            key = tuple([(name, _trace_type(v, variables)) for name, v in arguments.items()])
        ids = [id(v) for v in variables]
        return (key, tuple(ids.index(i) for i in ids))

    def _bind(self, fn, args: tuple, kwargs: dict):
        if self.signature is None:
            import inspect  # on the first trace only (import cost)

            try:
                self.signature = inspect.signature(fn)
            except (TypeError, ValueError):
                self.signature = False
        if self.signature is False:
            return None
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError:
            return None  # the body raises TF's error for the call
        bound.apply_defaults()
        return bound.arguments

    def covers(self, fn, args: tuple, kwargs: dict) -> bool:
        """Whether a traced type covers this call's (TF would not trace it)."""
        new = self.of(fn, args, kwargs)
        return any(_is_supertype(old, new) for old in self.traced)

    def add(self, fn, args: tuple, kwargs: dict) -> bool:
        """Notes a call of this type; True if TF would trace it (a new trace is counted)."""
        return self.add_type(self.of(fn, args, kwargs))

    def add_type(self, new) -> bool:
        for old in self.traced:
            if _is_supertype(old, new):
                return False
        if self.reduce_retracing:
            for old in self.traced:
                relaxed = _common_supertype(new, old)
                if relaxed is not None:
                    new = relaxed
        self.traced.append(new)
        self.count += 1
        return True


class _Shaped(tuple):
    """A tensor's or variable's trace type: (shape or None for unknown rank, dtype, ...)."""

    __slots__ = ()


def _trace_type(obj, variables: list):
    kind = type(obj)
    if kind is TensorSpec:
        rank = obj.shape.rank
        return _Shaped((tuple(obj.shape.as_list()) if rank is not None else None, obj.dtype))
    if isinstance(obj, Tensor):
        return _Shaped(
            (tuple(obj.shape.as_list()) if obj.shape.rank is not None else None, obj.dtype)
        )
    if _is_variable(obj):
        if variables is None:  # by identity
            return ("id", id(obj))
        variables.append(obj)
        return _Shaped((tuple(obj.shape.as_list()), obj.dtype, "var", bool(obj.trainable)))
    if kind is tuple or kind is list or isinstance(obj, tuple):
        return (kind, tuple([_trace_type(o, variables) for o in obj]))
    if isinstance(obj, dict):
        return (kind, tuple([(k, _trace_type(obj[k], variables)) for k in sorted(obj)]))
    if kind.__hash__ is not None and kind.__hash__ is not object.__hash__:
        try:
            hash(obj)
            return ("value", obj)
        except TypeError:
            pass
    return ("id", id(obj))


def _is_supertype(a, b) -> bool:
    """Whether trace type `a` covers `b` (equal, or shapes with None where `b` has sizes)."""
    if type(a) is _Shaped and type(b) is _Shaped:
        return a[1:] == b[1:] and _shape_covers(a[0], b[0])
    if type(a) is tuple and type(b) is tuple and len(a) == len(b) and type(b) is not _Shaped:
        return all(_is_supertype(x, y) for x, y in zip(a, b))
    return type(a) is not tuple and type(b) is not tuple and _equal(a, b)


def _shape_covers(a, b) -> bool:
    if a is None:
        return True
    if b is None or len(a) != len(b):
        return False
    return all(x is None or x == y for x, y in zip(a, b))


def _common_supertype(a, b):
    """The most specific trace type covering `a` and `b` (TF's relaxation), or None."""
    if type(a) is _Shaped and type(b) is _Shaped:
        if a[1:] != b[1:]:
            return None
        if a[0] is None or b[0] is None or len(a[0]) != len(b[0]):
            return _Shaped((None, *a[1:]))
        return _Shaped((tuple(x if x == y else None for x, y in zip(a[0], b[0])), *a[1:]))
    if type(a) is tuple and type(b) is tuple and len(a) == len(b):
        parts = [_common_supertype(x, y) for x, y in zip(a, b)]
        return None if any(p is None for p in parts) else tuple(parts)
    return a if _equal(a, b) else None


def _equal(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - a value whose == does not give a bool
        return False


class _FrequentTracingDetector:
    """TF's count of recent calls that traced: warns (twice at most) when 5 of the last
    calls (a window of about 10) traced, with TF's text."""

    __slots__ = ("calls_per_tracing", "call_count", "warnings")

    def __init__(self):
        self.calls_per_tracing: list = []  # per trace: it and the calls that replayed after it
        self.call_count = 0
        self.warnings = 0

    def called_with_tracing(self, fn) -> None:
        self.call_count += 1
        self.calls_per_tracing.append(1)
        while self.call_count - self.calls_per_tracing[0] > _TRACING_HISTORY:
            self.call_count -= self.calls_per_tracing.pop(0)
        if self.warnings >= _TRACING_WARNINGS or len(self.calls_per_tracing) < _TRACING_WARN_AT:
            return
        self.warnings += 1
        warn(
            f"{len(self.calls_per_tracing)} out of the last {self.call_count} calls to {fn!r} "
            "triggered tf.function retracing. Tracing is expensive and the excessive number of "
            "tracings could be due to (1) creating @tf.function repeatedly in a loop, (2) "
            "passing tensors with different shapes, (3) passing Python objects instead of "
            "tensors. For (1), please define your @tf.function outside of the loop. For (2), "
            "@tf.function has reduce_retracing=True option that can avoid unnecessary "
            "retracing. For (3), please refer to "
            "https://www.tensorflow.org/guide/function#controlling_retracing and "
            "https://www.tensorflow.org/api_docs/python/tf/function for  more details."
        )

    def called_without_tracing(self) -> None:
        if not self.calls_per_tracing:  # traced by get_concrete_function, not counted here
            self.calls_per_tracing.append(0)
        self.calls_per_tracing[-1] += 1
        self.call_count += 1


# TF's FREQUENT_TRACING_WARNING_THRESHOLD, _MAX_CALL_HISTORY and _MAX_WARNING_PER_DETECTOR.
_TRACING_WARN_AT, _TRACING_HISTORY, _TRACING_WARNINGS = 5, 10, 2
# One detector per Python function, as TF keys them: tf.function made anew in a loop around
# the same function shares it (the case TF's warning names first).
_detectors: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_strong_detectors: dict = {}  # for callables that cannot be weakly referenced


def _tracing_detector(fn) -> _FrequentTracingDetector:
    key = getattr(fn, "__func__", fn)  # a bound method counts as its function
    try:
        detector = _detectors.get(key)
        if detector is None:
            detector = _detectors[key] = _FrequentTracingDetector()
    except TypeError:
        detector = _strong_detectors.setdefault(id(key), _FrequentTracingDetector())
    return detector
