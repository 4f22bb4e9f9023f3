"""`tf.function`: TensorFlow's graph-compiling decorator, as trace and replay.

A decorated function is traced once per input signature and replayed (trace.py):
the first call runs the body while recording its ops, later calls run the
recorded NumPy forwards only, several times faster for small-tensor work. The
decorator forms (`@tf.function`, `@tf.function(...)`, `tf.function(f)`, on
methods), the `input_signature` contract (arguments converted to and checked
against `tf.TensorSpec`s, with TF's error messages), TF's retracing rules and
tracing count, and the introspection attributes are TF's; results and gradients
are those of the undecorated function.
"""

from __future__ import annotations

import functools
import itertools
import types
import weakref

import numpy as np

from .._core import nest, registry
from .._core import settings as runtime_config
from .._core import tape as _tape
from .._core.errors import OpError, invalid_argument
from .._core.logging import warn, warn_first_n
from .._core.tensor import EagerTensor, Tensor, _is_variable, convert_to_tensor, make
from .._core.tensor_spec import TensorSpec
from .._diagnostics import printing as _printing
from ..ops import random_ops as _random
from . import (
    control_flow,  # noqa: F401 - installs the control-flow hooks on Trace
    trace,
)
from .tracing import (
    _common_supertype,
    _equal,
    _is_supertype,
    _Shaped,
    _trace_type,
    _TraceTypes,
    _tracing_detector,
)


def function(
    func=None,
    input_signature=None,
    autograph=True,
    jit_compile=None,
    reduce_retracing=False,
    experimental_implements=None,
    experimental_autograph_options=None,
    experimental_attributes=None,
    experimental_relax_shapes=None,
    experimental_compile=None,
    experimental_follow_type_hints=None,
):
    """Wraps a Python function as TensorFlow's `tf.function` does: traced, replayed.

    The first call with a new input signature runs the body eagerly and records
    its ops, including the gradient ops of tapes inside it; later calls replay
    the recorded ops on the new values. Python side effects (`print`, appending
    to a list) happen when tracing only, as in TF; `tf.print` is a recorded step
    and prints every call. The signature follows TF's rules: tensors (and NumPy
    arguments) by shape and dtype, Python values by `==` (TF's wart: `f(x, 2.0)`
    replays the trace of `f(x, 2)`), other objects by identity; TF's
    frequent-retracing warning is given and `experimental_get_tracing_count`
    counts as TF does (variables by shape, dtype and trainability, one type per
    `input_signature`, shapes relaxed under `reduce_retracing`); where TF would
    not trace but a replay here needs a trace (another variable of that shape, a
    new size before two sizes showed the program size-independent), the body is
    traced again without counting. Sizes a relaxed dimension takes are not seen
    by Python once two traces agree (in TF that dimension is None while tracing):
    a Python branch on it is not taken anew for a third size.

    A signature whose body reads a call-dependent value in Python (`if tensor > 0:`,
    a Python loop on a tensor, `.numpy()`, `int(t)`, a shape or axis taken from a
    tensor's value), creates a variable after its first call, or uses a
    `tf.random.Generator` is not replayed but runs eagerly every call: silently
    (a debug record on the "tapeflow" logger), since TF's AutoGraph would have
    converted such Python control flow and the eager results are the same; with
    `jit_compile=True` with a warning that says why (XLA would reject it). A first
    call that creates variables (a Keras optimizer's slots) makes the next call
    trace again, as TF traces twice. Variables are read afresh and assigned
    (`assign`, `assign_add`, `assign_sub`) on every replay, random ops draw
    afresh. Calls made while a tape or ForwardAccumulator records, or with
    check_numerics enabled, run eagerly so those see every op. `autograph` and
    the other experimental options are accepted and ignored.

    Args:
      func: the function to wrap; omitted when used as `@tf.function(...)`.
      input_signature: a list or tuple of (possibly nested) `tf.TensorSpec`s,
        one per positional parameter. Arguments are then converted to tensors
        of the spec's dtype (Python scalars and lists, NumPy arrays) and must
        match its shape; parameters past the signature keep their defaults.
      jit_compile: True also traces and replays, and warns where it cannot.
      reduce_retracing: relax shapes after the second one traced (TF's rule).
      experimental_relax_shapes, experimental_compile: the deprecated names of
        reduce_retracing and jit_compile (with TF's deprecation warning, once).
      autograph: accepted for TF compatibility.

    Returns:
      A callable `Function` (or, without `func`, a decorator making one).

    Raises:
      TypeError: for a malformed `input_signature`; when called, for arguments
        that do not match it ("Binding inputs to tf.function failed ...").

    >>> @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    ... def double(x):
    ...     return 2 * x
    >>> double([1, 2])
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([2., 4.], dtype=float32)>
    """
    if input_signature is not None:
        input_signature = _check_input_signature(input_signature)
    if experimental_relax_shapes is not None:
        _warn_deprecated("experimental_relax_shapes", "reduce_retracing")
        reduce_retracing = reduce_retracing or bool(experimental_relax_shapes)
    if experimental_compile is not None:
        _warn_deprecated("experimental_compile", "jit_compile")
        if jit_compile is not None:
            raise ValueError("Cannot specify both 'experimental_compile' and 'jit_compile'.")
        jit_compile = experimental_compile

    def decorate(python_function):
        return Function(python_function, input_signature, jit_compile, reduce_retracing)

    return decorate if func is None else decorate(func)


def _warn_deprecated(old: str, new: str) -> None:
    """TF's warning for a deprecated argument of tf.function, once per argument and process."""
    if old in _deprecations_warned:
        return
    _deprecations_warned.add(old)
    import os
    import sys

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame = frame.f_back
    where = f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else "<unknown>"
    warn(
        f"From {where}: calling function (from "
        f"tensorflow.python.eager.polymorphic_function.polymorphic_function) with {old} is "
        "deprecated and will be removed in a future version.\nInstructions for updating:\n"
        f"{old} is deprecated, use {new} instead"
    )


_deprecations_warned: set = set()


def _check_input_signature(input_signature) -> tuple:
    if not isinstance(input_signature, (list, tuple)):
        raise TypeError(
            f"input_signature must be either a tuple or a list, got {type(input_signature)}."
        )
    invalid = [s for s in nest.flatten(input_signature) if not isinstance(s, TensorSpec)]
    if invalid:
        raise TypeError(
            "input_signature must be a possibly nested sequence of TensorSpec objects, got "
            f"invalid args {invalid!r} with types {[type(s) for s in invalid]!r}."
        )
    return tuple(input_signature)


class Function:
    """A function wrapped by `tf.function`: traces its body per signature and replays it.

    Attributes:
      python_function: the wrapped Python function.
      input_signature: the tuple of TensorSpecs, or None.
    """

    def __init__(
        self, python_function, input_signature=None, jit_compile=None, reduce_retracing=False
    ):
        if not callable(python_function):
            raise TypeError(f"Expected a callable to wrap, got {python_function!r}.")
        self._python_function = python_function
        self._input_signature = input_signature
        self._jit_compile = jit_compile
        self._reduce_retracing = bool(reduce_retracing)
        self._binders: dict = {}  # skip_self -> _Binder, built on first call
        self._compiled = self._new_compiled()
        # id(instance) -> (weak reference, _Compiled): as TF makes one Function per instance
        # a method is called on, each instance has its own traces and tracing count.
        self._per_instance: dict = {}
        functools.update_wrapper(self, python_function)

    def _new_compiled(self) -> _Compiled:
        fixed = None if self._input_signature is None else ("input_signature",)
        return _Compiled(bool(self._jit_compile), self._reduce_retracing, fixed)

    def _compiled_for(self, instance) -> _Compiled:
        """The traces of calls on `instance` (the function's own where it cannot be
        weakly referenced)."""
        entry = self._per_instance.get(id(instance))
        if entry is not None and entry[0]() is instance:
            return entry[1]
        try:
            drop = functools.partial(_drop_instance, self._per_instance, id(instance))
            ref = weakref.ref(instance, drop)
        except TypeError:
            return self._compiled
        compiled = self._new_compiled()
        self._per_instance[id(instance)] = (ref, compiled)
        return compiled

    @property
    def python_function(self):
        return self._python_function

    @property
    def input_signature(self):
        return self._input_signature

    def __call__(self, *args, **kwargs):
        if self._input_signature is not None:
            args, kwargs = self._binder(False).bind(args, kwargs)
        return self._compiled.call(self._python_function, args, kwargs)

    def _call_bound(self, instance, args, kwargs):
        if self._input_signature is not None:
            args, kwargs = self._binder(True).bind(args, kwargs)
        compiled = self._compiled_for(instance)
        return compiled.call(self._python_function, (instance, *args), kwargs)

    def _binder(self, skip_self: bool) -> _Binder:
        binder = self._binders.get(skip_self)
        if binder is None:
            binder = _Binder(self._python_function, self._input_signature, skip_self)
            self._binders[skip_self] = binder
        return binder

    def __get__(self, instance, owner=None):
        # A method: `self` is bound per instance and excluded from input_signature.
        if instance is None:
            return self
        return BoundFunction(self, instance)

    def get_concrete_function(self, *args, **kwargs) -> ConcreteFunction:
        """The function under one signature: `input_signature`, or the TensorSpecs,
        tensors and Python values given here (bound with the defaults, as TF binds).

        As in TF this counts as a trace, and the body is traced now (on zeros of the
        specs' shapes, a None dimension as 1; assignments and random draws undone,
        since TF runs nothing when it traces); calls of the result, and of this function
        with arguments of that signature, then count no new trace.
        """
        return ConcreteFunction(self, None, args, kwargs)

    def experimental_get_tracing_count(self) -> int:
        """How many times the body was traced, as TF counts."""
        return self._compiled.tracing_count

    def __repr__(self) -> str:
        name = getattr(self, "__name__", type(self._python_function).__name__)
        return f"<{type(self).__module__}.Function {name} at 0x{id(self):x}>"


class BoundFunction:
    """A `Function` accessed on an instance: a method whose `self` is that instance."""

    __slots__ = ("_function", "_instance")

    def __init__(self, function, instance):
        self._function = function
        self._instance = instance

    def __call__(self, *args, **kwargs):
        return self._function._call_bound(self._instance, args, kwargs)

    @property
    def python_function(self):
        return self._function._python_function.__get__(self._instance)

    @property
    def input_signature(self):
        return self._function._input_signature

    def get_concrete_function(self, *args, **kwargs) -> ConcreteFunction:
        return ConcreteFunction(self._function, self._instance, args, kwargs)

    def experimental_get_tracing_count(self) -> int:
        """How many times the body was traced for this instance, as TF counts."""
        return self._function._compiled_for(self._instance).tracing_count

    def __getattr__(self, name):
        return getattr(self._function, name)


class ConcreteFunction:
    """What `get_concrete_function` returns: the function under one signature.

    `structured_input_signature` is TF's: `((TensorSpec(..., name='x'), 2), {})`,
    one entry per positional parameter (TensorSpecs named after their parameters,
    Python values as bound). `structured_outputs` is the result's structure with
    TensorSpecs where TF shows symbolic tensors (tapeflow has no graph tensors);
    their dimensions are None wherever an input dimension is None, since sizes are
    only known per call here.
    """

    def __init__(self, function: Function, instance, args: tuple, kwargs: dict):
        import inspect  # get_concrete_function only (import cost)

        self._function = function
        self._instance = instance
        fn = function._python_function
        params = list(inspect.signature(fn).parameters.values())
        if instance is not None:
            params = params[1:]
        self._signature = inspect.Signature(params)
        if function._input_signature is not None:
            if args or kwargs:
                raise ValueError(
                    "Cannot define a concrete function with input_signature and arguments."
                )
            positional = [
                p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
            bound = self._signature.bind_partial(**dict(zip(positional, function._input_signature)))
        else:
            bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        self._specs = {
            name: nest.map_structure(_as_spec, value) if _has_tensor(value) else value
            for name, value in bound.arguments.items()
        }
        self._shown = dict(self._specs)  # as the error texts show them (no names added)
        self._uid = next(_concrete_uids)  # TF's graph-function uid, in its error texts
        self._required = self._signature.replace(
            parameters=[p.replace(default=p.empty) for p in self._signature.parameters.values()]
        )
        for name, spec in self._specs.items():
            if isinstance(spec, TensorSpec) and spec.name is None:
                self._specs[name] = TensorSpec.from_spec(spec, name)
        self._outputs = None
        self._undefined = any(
            s.shape.rank is None or None in s.shape.as_list()
            for s in nest.flatten(list(self._specs.values()))
            if isinstance(s, TensorSpec)
        )
        compiled = self._compiled = (
            function._compiled if instance is None else function._compiled_for(instance)
        )
        if compiled.types.add_type(compiled.types.of(fn, *self._full(self._specs))):
            self._trace_now()  # TF traces now; a signature already traced it does not

    def _full(self, arguments: dict) -> tuple:
        bound = inspect_bound(self._signature, arguments)
        args = bound.args if self._instance is None else (self._instance, *bound.args)
        return args, bound.kwargs

    def _trace_now(self) -> None:
        """Traces the body on zeros of the signature, undoing what the run changed (its
        outputs give `structured_outputs`). An op error there is a value's fault, which
        TF's symbolic trace would not meet: the trace then waits for the first call."""
        zeros = {
            name: nest.map_structure(_zeros, spec) if _has_spec(spec) else spec
            for name, spec in self._specs.items()
        }
        journal = _tape.Journal()
        draws = _random._state.snapshot()
        with _tape.outer_recorders_hidden():
            _tape.push(journal)
            try:
                fn = self._function._python_function
                self._note(self._compiled.call(fn, *self._full(zeros)))
            except OpError:  # an op rejects zeros (a Cholesky, say): traced when called
                pass
            finally:
                _tape.pop(journal)
                journal.undo_assignments()
                _random._state.restore(draws)

    def _note(self, result):
        if self._outputs is None:
            undefined = self._undefined

            def spec(x):
                if not isinstance(x, Tensor):
                    return x
                shape = [None] * x.shape.rank if undefined else x.shape
                return TensorSpec(shape, x.dtype)

            self._outputs = nest.map_structure(spec, result)
        return result

    @property
    def structured_input_signature(self) -> tuple:
        positional = [
            self._specs[p.name]
            for p in self._signature.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        return (tuple(positional), {})

    @property
    def structured_outputs(self):
        if self._outputs is None:
            self._trace_now()
        if self._outputs is None:
            raise ValueError(
                "The outputs of this concrete function are known once it is called: tracing "
                "it on zeros raised."
            )
        return self._outputs

    @property
    def python_function(self):
        fn = self._function._python_function
        return fn if self._instance is None else fn.__get__(self._instance)

    def __call__(self, *args, **kwargs):
        """Calls under this signature as TF's ConcreteFunction does (warts included).

        First the structured binding: every parameter must be passed (defaults do not
        apply), tensors and convertible values conforming to their TensorSpecs, Python
        values equal to the bound ones. Failing that, TF's flat signature: one
        positional EagerTensor per TensorSpec leaf, of any shape (TF checks only the
        dtypes, when the graph runs: InvalidArgumentError). If both fail, the TypeError
        names both causes.
        """
        try:
            arguments = self._bind_structured(args, kwargs)
        except (TypeError, ValueError, _BindError) as e:
            structured = e
            try:
                arguments = self._bind_flat(args, kwargs)
            except _BindError as flat:
                raise TypeError(
                    f"Binding inputs to tf.function failed due to `{structured}`. Received "
                    f"args: {args!r} and kwargs: {kwargs!r} for signature: {self._text()}"
                    f"{self._outputs_text()}.\nFallback to flat signature also failed due "
                    f"to: {flat}"
                ) from None
        return self._note(
            self._compiled.call(self._function._python_function, *self._full(arguments))
        )

    def _bind_structured(self, args: tuple, kwargs: dict) -> dict:
        arguments = self._required.bind(*args, **kwargs).arguments
        for name, spec in self._shown.items():
            value = arguments[name]
            if _has_spec(spec):
                arguments[name] = _conform(value, spec)
            elif value is not spec and not _equal(value, spec):
                raise _BindError(f"Can not cast {value!r} to Literal[{spec!r}]")
        return arguments

    def _bind_flat(self, args: tuple, kwargs: dict) -> dict:
        """TF's fallback: positional tensors for the TensorSpec leaves, in order."""
        leaves = [
            (name, spec)
            for name, structure in self._specs.items()
            if _has_spec(structure)
            for spec in nest.flatten(structure)
        ]
        names = ", ".join(name for name, _ in leaves)
        head = f"{getattr(self._function, '__name__', 'f')}({names})"
        if kwargs or len(args) != len(leaves):
            raise _BindError(f"{head} takes {len(leaves)} positional arguments, got {len(args)}.")
        for i, value in enumerate(args):
            if type(value) is not EagerTensor:
                if _is_variable(value):
                    raise _BindError(
                        "provided list of inputs contains objects other than 'EagerTensor'. "
                        f"Item {i} is type: {type(value).__name__}"
                    )
                raise _BindError(
                    f"{head}: expected argument #{i}(zero-based) to be a Tensor; got "
                    f"{type(value).__name__} ({value!r})."
                )
        for i, (value, (_, spec)) in enumerate(zip(args, leaves)):
            if value.dtype != spec.dtype:
                op = f"__inference_{getattr(self._function, '__name__', 'f')}_{self._uid}"
                raise invalid_argument(
                    f"cannot compute {op} as input #{i}(zero-based) was expected to be a "
                    f"{_kernel_type(spec.dtype)} tensor but is a {_kernel_type(value.dtype)} "
                    "tensor",
                    op,
                )
        given = iter(args)
        return {
            name: nest.map_structure(lambda _: next(given), spec) if _has_spec(spec) else spec
            for name, spec in self._specs.items()
        }

    def _text(self) -> str:
        parts = []
        for name, spec in self._shown.items():
            if _has_spec(spec):
                parts.append(f"{name}: {_spec_text(spec)}")
            else:
                parts.append(f"{name}: Literal[{spec!r}]")
        return "(" + ", ".join(parts) + ")"

    def _outputs_text(self) -> str:
        if self._outputs is None:
            return ""
        return " -> " + (_spec_text(self._outputs) if _has_spec(self._outputs) else "None")


_concrete_uids = itertools.count(1)


def _kernel_type(dtype) -> str:
    """A dtype as TF's kernels name it in messages (float32 is "float")."""
    return _KERNEL_TYPES.get(dtype.name, dtype.name)


_KERNEL_TYPES = {"float32": "float", "float64": "double", "float16": "half"}


def inspect_bound(signature, arguments: dict):
    """`arguments` (name -> value, every parameter) bound as a call would bind them."""
    bound = signature.bind_partial()
    bound.arguments.update(arguments)
    return bound


def _as_spec(x):
    if isinstance(x, TensorSpec):
        return x
    if isinstance(x, Tensor) or _is_variable(x):
        return TensorSpec.from_tensor(x)
    return x


def _has_tensor(x) -> bool:
    return any(isinstance(v, (Tensor, TensorSpec)) or _is_variable(v) for v in nest.flatten(x))


def _has_spec(x) -> bool:
    return any(isinstance(v, TensorSpec) for v in nest.flatten(x))


def _zeros(spec):
    if not isinstance(spec, TensorSpec):
        return spec
    if spec.shape.rank is None:
        shape: list = []
    else:
        shape = [1 if d is None else d for d in spec.shape.as_list()]
    return make(np.zeros(shape, spec.dtype.as_numpy_dtype), spec.dtype)


class _Compiled:
    """The traces of one `tf.function`, one per input signature.

    A signature (the cache key) is the tensors' shapes and dtypes, the variables
    and other objects by identity, and hashable Python values by value: by
    Python's `==`, as TF's literal trace types compare, so a call with `2.0`
    replays the trace made for `2` (and `1` the one for `True`), a TF wart kept.
    A signature whose trace gave up runs eagerly.

    TF counts traces by its own, coarser types (`_TraceTypes`): variables by
    shape, dtype and trainability, one type for all calls under an
    `input_signature`, shapes relaxed under `reduce_retracing`. A cache miss
    whose TF type an earlier trace covers traces here without counting (TF
    would not trace; the Python body still runs once more here).
    """

    def __init__(self, jit_compile: bool, reduce_retracing: bool = False, fixed_type=None):
        self.jit_compile = jit_compile
        self.traces: dict = {}  # signature -> _Program, or the reason it is eager
        self._created_variables: set = set()  # signatures whose first trace made variables
        self.types = _TraceTypes(reduce_retracing, fixed_type)
        self._counted: set = set()  # signatures whose (eager or traced) call was counted
        # Shape generalization (where TF would not trace): (argument type, program) per
        # program, and (relaxed type, program) for two programs with one recipe.
        self._shaped: list = []
        self._general: list = []
        self.detector = None  # the function's _FrequentTracingDetector, once it traced
        # id -> (weak or strong reference, signatures): objects keyed by identity. When
        # one dies its signatures go (as TF's weak references do); the cache keeps
        # alive only objects that cannot be weakly referenced.
        self.owners: dict = {}

    @property
    def tracing_count(self) -> int:
        return self.types.count

    def _own(self, objects: list, key) -> None:
        for obj in objects:
            oid = id(obj)
            entry = self.owners.get(oid)
            if entry is None:
                try:
                    ref = weakref.ref(obj, functools.partial(_forget, weakref.ref(self), oid))
                except TypeError:
                    ref = obj  # not weakly referenceable: held, so the id stays its own
                entry = self.owners[oid] = (ref, set())
            entry[1].add(key)

    def _note_trace(self, fn, key, args: tuple, kwargs: dict) -> None:
        """Counts a cache miss as TF would: a trace unless an earlier TF type covers it."""
        self.detector = _tracing_detector(fn)
        if key in self._counted:
            self.detector.called_without_tracing()
            return
        self._counted.add(key)
        if self.types.add(fn, args, kwargs):
            self.detector.called_with_tracing(fn)
        else:
            self.detector.called_without_tracing()

    def call(self, fn, args: tuple, kwargs: dict):
        args = _numpy_as_tensors(args)
        if kwargs:
            kwargs = _numpy_kwargs(kwargs)
        # Recorders outside the call must see its ops (gradients through the function), an
        # outer trace records them, check_numerics inspects them: all run the body eagerly.
        if (
            registry.OUTPUT_CHECKS
            or _SETTINGS["run_functions_eagerly"]
            or (_tape.active and _tape.recording_here())
        ):
            if _SETTINGS["run_functions_eagerly"]:
                return _run_eagerly(fn, args, kwargs)
            key, _, keep = _key(args, kwargs)
            result = _run_eagerly(fn, args, kwargs)
            if key not in self._counted:  # TF traces these calls once (and counts no failure)
                self._note_trace(fn, key, args, kwargs)
                self._own(keep, key)
            return result
        key, tensors, keep = _key(args, kwargs)
        program = self.traces.get(key)
        if type(program) is _Program:
            if self.detector is not None:
                self.detector.called_without_tracing()
            try:
                return program.call(tensors)
            except _REPLAY_ERRORS:
                # Bad input that the recorded forwards reject (a singular matrix, an index
                # out of range): the eager run raises the op's TF error. Anything else
                # escaping a replay is a bug, and surfaces.
                return _run_eagerly(fn, args, kwargs)
        if type(program) is _Rebound:
            self.detector.called_without_tracing()
            return program.call(fn, args, kwargs, tensors)
        if program is None:
            return self._miss(fn, key, args, kwargs, tensors, keep)
        if self.detector is not None:
            self.detector.called_without_tracing()
        return _run_eagerly(fn, args, kwargs)  # the trace gave up: `program` says why

    def _miss(self, fn, key, args: tuple, kwargs: dict, tensors: list, keep: list):
        """A call whose signature has no entry yet: served by a program TF would use for
        it (one made for distinct tensors, for the same call bound canonically, for other
        sizes), or traced."""
        found = None
        if type(key) is _Aliased:  # a tensor passed twice: a trace for distinct ones serves
            found = self.traces.get(key[0])
        if found is None:
            canonical = self._canonical(fn, args, kwargs)
            ckey, ctensors, ckeep = key, tensors, keep
            if canonical is None:
                canonical = (args, kwargs)
            else:
                ckey, ctensors, ckeep = _key(*canonical)
                if ckey == key:
                    ctensors, ckeep = tensors, keep  # the same objects, in the same order
            target = self.traces.get(ckey)
            if target is None and type(ckey) is _Aliased:
                target = self.traces.get(ckey[0])
            if type(target) is _Rebound:  # not a canonical call's own entry
                target = None
            if target is None and self._general:
                target = self._generalize(fn, *canonical, ctensors)
                if target is not None:
                    self.traces[ckey] = target
                    self._own(ckeep, ckey)
            if target is None:  # traced in the canonical form, then shared
                result = self._trace(fn, ckey, *canonical, ctensors, ckeep)
                target = self.traces.get(ckey)
                if ckey != key and target is not None:
                    self.traces[key] = _rebound(target, tensors, ctensors)
                    self._own(keep, key)
                return result
            found = target if ckey == key else _rebound(target, tensors, ctensors)
        self.traces[key] = found
        self._own(keep, key)
        return self.call(fn, args, kwargs)

    def _canonical(self, fn, args: tuple, kwargs: dict):
        """The call with its arguments bound to `fn`'s parameters, defaults filled in, as
        TF binds it (`f(x)`, `f(x, 1)` and `f(n=1, x=x)` are one call), or None."""
        arguments = self.types._bind(fn, args, kwargs)
        if arguments is None:
            return None
        bound = inspect_bound(self.types.signature, arguments)
        return bound.args, bound.kwargs

    def _trace(self, fn, key, args: tuple, kwargs: dict, tensors: list, keep: list):
        """Runs the body while recording; stores the program (or why there is none).
        A trace that raises is not counted, as in TF."""
        # The body sees new tensors (same values), one per argument (TF's placeholders): a
        # tensor passed in that the body also captures stays a capture, one passed twice
        # is two arguments.
        fresh: list = []
        fresh_args, fresh_kwargs = _fresh(args, fresh), _fresh(kwargs, fresh)
        result, recorded = _run_eagerly(
            trace.trace, (_with_outputs(fn), fresh_args, fresh_kwargs, fresh), {}, False
        )
        self._note_trace(fn, key, args, kwargs)
        if recorded == _CREATES_VARIABLE and key not in self._created_variables:
            # As TF: variables may be created on the first call (an optimizer's slots, a
            # layer's weights); the next call traces again, with the variables existing.
            # TF makes that second trace within the first call: it counts now.
            self._created_variables.add(key)
            self.types.count += 1
            return result
        # A program's recipe (its steps again) is kept only where it can serve calls of
        # other sizes (input_signature, reduce_retracing).
        relaxed = self.types.fixed is not None or self.types.reduce_retracing
        program = _Program.build(recorded, result, fn, self.jit_compile, relaxed)
        self.traces[key] = program
        self._own(keep, key)
        if type(key) is _Aliased and len({id(t) for t in fresh}) == len(fresh):
            if key[0] not in self.traces:  # distinct placeholders: serves both
                self.traces[key[0]] = program
                self._own(keep, key[0])
        if relaxed and type(program) is _Program:
            self._learn(args, kwargs, tensors, program)
        return result

    def _learn(self, args: tuple, kwargs: dict, tensors: list, program) -> None:
        """Notes a new program; with another of one recipe at other sizes of the same
        ranks, the sizes where they differ are free: later calls differing there replay."""
        concrete = _concrete_type(args, kwargs, tensors)
        if concrete is None:
            return
        for other, known in self._shaped:
            if other != concrete and _same_recipe(known.recipe, program.recipe):
                relaxed = _common_supertype(other, concrete)
                if relaxed is not None and not _unknown_rank(relaxed):
                    self._general.append((relaxed, program))
        self._shaped.append((concrete, program))

    def _generalize(self, fn, args: tuple, kwargs: dict, tensors: list):
        """A program replayable for this call in place of a trace TF would not make."""
        concrete = _concrete_type(args, kwargs, tensors)
        if concrete is None or not self.types.covers(fn, args, kwargs):
            return None
        for relaxed, program in self._general:
            if _is_supertype(relaxed, concrete):
                return program
        return None


def _concrete_type(args: tuple, kwargs: dict, tensors: list):
    """A call's argument type with exact shapes, or None if it holds objects by identity
    (an id could be reused once its object dies)."""
    key = (_trace_type(args, None), _trace_type(kwargs, None))
    if _holds_ids(key):
        return None
    ids = [id(t) for t in tensors]
    return (key, tuple(ids.index(i) for i in ids))


def _holds_ids(t) -> bool:
    if type(t) is tuple:
        if len(t) == 2 and t[0] == "id":
            return True
        return any(_holds_ids(x) for x in t)
    return False


def _unknown_rank(t) -> bool:
    if type(t) is _Shaped:
        return t[0] is None
    return type(t) is tuple and any(_unknown_rank(x) for x in t)


def _numpy_kwargs(kwargs: dict) -> dict:
    """`_numpy_as_tensors` for keyword arguments."""
    for v in kwargs.values():
        if isinstance(v, (np.ndarray, np.generic)):
            return {
                k: convert_to_tensor(v) if isinstance(v, (np.ndarray, np.generic)) else v
                for k, v in kwargs.items()
            }
    return kwargs


def _numpy_as_tensors(args: tuple) -> tuple:
    """TF passes NumPy arrays and scalars as tensors (not as Python values)."""
    for a in args:
        if isinstance(a, (np.ndarray, np.generic)):
            return tuple(
                convert_to_tensor(a) if isinstance(a, (np.ndarray, np.generic)) else a for a in args
            )
    return args


def _body_outputs(fn, args: tuple, kwargs: dict):
    return _outputs(fn(*args, **kwargs))


def _with_outputs(fn):
    """`fn` returning its outputs as TF gives them (`_outputs`)."""

    def body(*args, **kwargs):
        return _outputs(fn(*args, **kwargs))

    return body


def _outputs(result):
    """A function's result as TF returns it: Python numbers and NumPy values become
    tensors (`3` an int32 tensor), a variable its value; tensors and None stay. Strings,
    which tapeflow has no tensors for, and other objects are returned as they are (TF
    makes string tensors of the former and raises a TypeError for the latter)."""
    if type(result) is EagerTensor or result is None:
        return result
    return nest.map_structure(_output, result)


def _output(leaf):
    if type(leaf) is EagerTensor or leaf is None:
        return leaf
    if type(leaf) in _CONVERTED or isinstance(leaf, (np.ndarray, np.generic)):
        if isinstance(leaf, np.ndarray) and leaf.dtype.kind in "OSU":
            return leaf
        return convert_to_tensor(leaf)
    if _is_variable(leaf):
        return convert_to_tensor(leaf)  # a read: a step of a trace
    return leaf


_CONVERTED = (bool, int, float, complex)


# What a replay may raise for bad input: the errors the op path translates (registry).
_REPLAY_ERRORS = registry._FORWARD_ERRORS


def _run_eagerly(fn, args: tuple, kwargs: dict, outputs: bool = True):
    """Calls the body; if it raises, its variable assignments are undone first (TF fails
    a call with bad input while tracing, before any op runs: nothing changes). With
    `outputs` the result is the function's outputs as TF gives them (`_outputs`)."""
    if outputs:
        return _run_eagerly(_body_outputs, (fn, args, kwargs), {}, False)
    journal = _tape.Journal()
    _tape.push(journal)
    # The body runs as a function's (tf.executing_eagerly() is False in it), unless
    # run_functions_eagerly(True) asks for eager execution, as TF's flag does.
    state = _tape.state
    step = 0 if _SETTINGS["run_functions_eagerly"] else 1
    state.functions += step
    try:
        return fn(*args, **kwargs)
    except BaseException:
        journal.undo_assignments()
        raise
    finally:
        state.functions -= step
        _tape.pop(journal)


def _key(args: tuple, kwargs: dict) -> tuple:
    """(the signature of a call, its tensor arguments in order, objects keyed by identity)."""
    if not kwargs:
        for a in args:
            if type(a) is not EagerTensor:
                break
        else:  # the common call: distinct tensors (the key _signature would give, sooner)
            if len(args) < 2 or len({id(a) for a in args}) == len(args):
                return (tuple, tuple([(a._value.shape, a._dtype) for a in args])), args, ()
    tensors: list = []
    keep: list = []
    key = _signature(args, tensors, keep)
    if kwargs:
        key = (key, _signature(kwargs, tensors, keep))
    ids = [id(t) for t in tensors]
    if len(set(ids)) < len(ids):  # one tensor passed twice
        key = _Aliased((key, tuple(ids.index(i) for i in ids)))
    return key, tensors, keep


class _Aliased(tuple):
    """The signature of a call passing one tensor twice: (the signature, which repeat)."""

    __slots__ = ()


class _Rebound:
    """A program serving calls bound another way: feeds it the call's tensors in the
    order of the canonical call it was traced for (and a default tensor as itself)."""

    __slots__ = ("program", "feed")

    def __init__(self, program, feed: list):
        self.program, self.feed = program, feed

    def call(self, fn, args: tuple, kwargs: dict, tensors: list):
        program = self.program
        if type(program) is not _Program:  # the canonical call runs eagerly: so does this
            return _run_eagerly(fn, args, kwargs)
        fed = [tensors[s] if type(s) is int else s for s in self.feed]
        try:
            return program.call(fed)
        except _REPLAY_ERRORS:
            return _run_eagerly(fn, args, kwargs)


def _rebound(target, tensors: list, canonical_tensors: list) -> _Rebound:
    """`target` (a program or why there is none) fed from a call's `tensors`."""
    index = {id(t): j for j, t in enumerate(tensors)}
    return _Rebound(target, [index.get(id(t), t) for t in canonical_tensors])


def _signature(obj, tensors: list, keep: list):
    """A hashable key for an argument structure; collects its tensors in order."""
    kind = type(obj)
    if kind is EagerTensor:
        tensors.append(obj)
        return (obj._value.shape, obj._dtype)
    if kind is tuple or kind is list or isinstance(obj, tuple):
        return (kind, tuple([_signature(o, tensors, keep) for o in obj]))
    if isinstance(obj, dict):
        return (kind, tuple([(k, _signature(obj[k], tensors, keep)) for k in sorted(obj)]))
    if kind.__hash__ is not None and kind.__hash__ is not object.__hash__:
        try:
            hash(obj)
            return ("value", obj)  # a value, by `==` (TF's literals): the key holds it
        except TypeError:
            pass
    keep.append(obj)  # an object by identity: watched so its id is never reused stale
    return ("id", id(obj))


def _drop_instance(per_instance: dict, oid: int, dead_ref) -> None:
    """Weakref callback: an instance a method was called on has died; its traces go."""
    entry = per_instance.get(oid)
    if entry is not None and entry[0] is dead_ref:
        del per_instance[oid]


def _forget(compiled_ref, oid: int, _dead_ref) -> None:
    """Weakref callback: an object a signature was keyed by has died; drop its traces."""
    compiled = compiled_ref()
    if compiled is not None:
        _, keys = compiled.owners.pop(oid, (None, ()))
        for key in keys:
            compiled.traces.pop(key, None)
            compiled._counted.discard(key)  # a new object with this id is a new trace


def _fresh(obj, out: list):
    """`obj` with each tensor replaced by a new tensor of the same value, one per
    occurrence, appended to `out` in the order `_signature` collects them."""
    kind = type(obj)
    if kind is EagerTensor:
        new = make(obj._value, obj._dtype)
        out.append(new)
        return new
    if kind is tuple or kind is list:
        return kind([_fresh(o, out) for o in obj])
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # a namedtuple
        return kind(*[_fresh(o, out) for o in obj])
    if kind is dict:
        new = {k: _fresh(obj[k], out) for k in sorted(obj)}
        return {k: new[k] for k in obj}
    if isinstance(obj, (tuple, dict)):  # another subclass: its tensors are traced as passed
        _signature(obj, out, [])
    return obj


class _Program:
    """A replayable trace and how to rebuild the function's result from its slots."""

    # The trace itself is not kept: its intermediate values would stay alive with it.
    __slots__ = (
        "replay",
        "structure",
        "leaves",
        "single",
        "variables",
        "draws_random",
        "recipe",
        "prints",
    )

    @staticmethod
    def build(recorded, result, fn, jit_compile: bool, keep_recipe: bool = False):
        """A `_Program`, or the reason (a str) the signature must run eagerly; with
        `keep_recipe` it keeps what it computes, for size generalization."""
        if type(recorded) is str:
            return _eager(fn, recorded, jit_compile)
        leaves, slots = [], []
        for leaf in nest.flatten(result):
            if type(leaf) is EagerTensor and leaf._id in recorded.slot_of:
                slots.append(recorded.slot_of[leaf._id])
                leaves.append((len(slots) - 1, leaf._dtype))
            elif type(leaf) is EagerTensor or leaf is None or type(leaf) in _PYTHON_VALUES:
                leaves.append((None, leaf))  # the same object on every call
            else:
                return _eager(fn, f"it returns a {type(leaf).__name__}, not tensors", jit_compile)
        program = _Program()
        # Buffers fit one signature's shapes: not for a program that serves other sizes.
        program.replay = recorded.compile(slots, buffers=not keep_recipe, fuse=jit_compile)
        program.variables = tuple(recorded.assigned_variables.values())
        program.draws_random = recorded.draws_random
        program.prints = any(step[4] == "PrintV2" for step in recorded.steps)
        # The result's shape without its tensors (which would keep the first call's values).
        program.structure = nest.pack_sequence_as(result, [None] * len(leaves))
        program.leaves = leaves
        program.single = type(result) is EagerTensor and leaves[0][0] is not None
        program.recipe = (
            _recipe(recorded, slots, leaves, program.structure) if keep_recipe else None
        )
        return program

    def call(self, tensors: list):
        saved = [v._tensor for v in self.variables] if self.variables else ()
        draws = _random._state.snapshot() if self.draws_random else None
        held = _printing.hold() if self.prints else False  # tf.print steps: their output
        token = _fp_quiet(_FP_QUIET)  # forwards run with NumPy's errors ignored, as ops do
        try:
            values = self.replay(*[t._value for t in tensors]) if tensors else self.replay()
        except BaseException:
            # A failed call changes nothing: undo the assignments, random draws and prints
            # made so far (the caller may rerun the body eagerly).
            for variable, tensor in zip(self.variables, saved):
                variable._tensor = tensor
            if draws is not None:
                _random._state.restore(draws)
            if held is not False:
                _printing.release(held, False)
                held = False
            raise
        finally:
            _fp_restore(token)
        if held is not False:
            _printing.release(held, True)
        if self.single:
            return make(values[0], self.leaves[0][1])
        out = [leaf if i is None else make(values[i], leaf) for i, leaf in self.leaves]
        return nest.pack_sequence_as(self.structure, out)


def _recipe(recorded, slots: list, leaves: list, structure) -> tuple:
    """What a program computes, shapes aside: its steps, constants and result layout.

    Two programs traced at different shapes with equal recipes took nothing from the
    sizes that differ (no attribute, constant or step depends on them)."""
    assigned = recorded._assigned()
    constants = [(i, v) for i, v in enumerate(recorded.values) if i not in assigned]
    return (recorded.steps, constants, tuple(recorded.arg_slots), tuple(slots), leaves, structure)


def _same_recipe(a: tuple, b: tuple) -> bool:
    steps_a, constants_a, *rest_a = a
    steps_b, constants_b, *rest_b = b
    if len(steps_a) != len(steps_b) or len(constants_a) != len(constants_b):
        return False
    for (fa, ia, ka, oa, ta), (fb, ib, kb, ob, tb) in zip(steps_a, steps_b):
        if ta != tb or ia != ib or oa != ob or not _same_forward(fa, fb):
            return False
        if not _same_value(ka, kb):
            return False
    for (i, va), (j, vb) in zip(constants_a, constants_b):
        if i != j or not _same_value(va, vb):
            return False
    return _same_value(rest_a, rest_b)


def _same_forward(a, b) -> bool:
    """The same op forward, or closures of one code over the same cells (a variable's
    read or assignment); other closures (control flow, prints) never compare same."""
    if a is b:
        return True
    code = getattr(a, "__code__", None)
    if code is None or code is not getattr(b, "__code__", None) or a.__name__ not in _CLOSURES:
        return False
    cells_a, cells_b = a.__closure__ or (), b.__closure__ or ()
    return len(cells_a) == len(cells_b) and all(
        x.cell_contents is y.cell_contents or _same_value(x.cell_contents, y.cell_contents)
        for x, y in zip(cells_a, cells_b)
    )


_CLOSURES = ("read", "assign", "update")  # trace.py's variable steps


def _same_value(a, b) -> bool:
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, (np.ndarray, np.generic)):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)
    if type(a) is EagerTensor:
        return _same_value(a._value, b._value) and a._dtype == b._dtype
    return isinstance(a, _COMPARED) and _equal(a, b)  # other objects: by identity only


# Values compared by == in recipes (a bound method: the same method of the same object).
_COMPARED = (bool, int, float, complex, str, bytes, type(None), slice, range, np.dtype)
_COMPARED += (types.MethodType,)


_PYTHON_VALUES = (bool, int, float, complex, str)
_CREATES_VARIABLE = "it creates a variable"  # the reason variables.py gives the trace
_SETTINGS = runtime_config._settings
_fp_quiet, _fp_restore, _FP_QUIET = registry._fp_quiet, registry._fp_restore, registry._FP_QUIET


def _name(fn) -> str:
    return getattr(fn, "__qualname__", repr(fn))


def _eager(fn, reason: str, jit_compile: bool) -> str:
    """Says why `fn` runs eagerly for a signature: a warning under jit_compile=True (XLA
    would reject such code in TF); at debug level otherwise, where TF's AutoGraph would
    have made graph control flow of it and the eager results are the same."""
    if jit_compile:
        warn_first_n(
            1,
            f"tf.function(jit_compile=True) runs {_name(fn)} eagerly for this input signature, "
            f"because {reason}: replaying a recorded trace would not repeat that.",
        )
    else:
        import logging

        logging.getLogger("tapeflow").debug(
            "tf.function runs %s eagerly for this input signature, because %s.", _name(fn), reason
        )
    return reason


class _BindError(Exception):
    """A mismatch between an argument and its spec (wrapped in TF's TypeError)."""


class _Binder:
    """Binds call arguments to an input_signature: converts, checks, keeps defaults."""

    def __init__(self, python_function, input_signature: tuple, skip_self: bool):
        import inspect  # only for functions with an input_signature (import cost)

        params = list(inspect.signature(python_function).parameters.values())
        if skip_self:
            params = params[1:]
        self.signature = inspect.Signature(params)
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        var_args = [p for p in params if p.kind is p.VAR_POSITIONAL]
        n = len(input_signature)
        for p in positional[n:]:
            if p.default is p.empty:
                raise TypeError(f"input_signature missing type constraint for {p.name}")
        if n > len(positional) and not var_args:
            raise TypeError(
                f"input_signature contains {n - len(positional)} extra type constraints."
            )
        self.specs = {p.name: s for p, s in zip(positional, input_signature)}
        self.fixed = {p.name: p.default for p in positional[n:]}
        self.var_args = var_args[0].name if var_args else None
        self.var_specs = input_signature[len(positional) :]
        self.text = _signature_text(positional, input_signature, self.var_args)

    def bind(self, args: tuple, kwargs: dict) -> tuple:
        try:
            bound = self.signature.bind(*args, **kwargs)
            arguments = bound.arguments
            for name, value in arguments.items():
                spec = self.specs.get(name)
                if spec is not None:
                    arguments[name] = _conform(value, spec)
                elif name in self.fixed:
                    default = self.fixed[name]
                    if value is not default and value != default:
                        raise _BindError(f"Can not cast {value!r} to Literal[{default!r}]")
                elif name == self.var_args:
                    arguments[name] = self._conform_var_args(value)
            for name in self.specs:
                if name not in arguments:
                    raise _BindError(f"missing a required argument: {name!r}")
        except (TypeError, ValueError, _BindError) as e:
            raise TypeError(
                f"Binding inputs to tf.function failed due to `{e}`. Received args: {args!r} "
                f"and kwargs: {kwargs!r} for signature: {self.text}."
            ) from None
        return bound.args, bound.kwargs

    def _conform_var_args(self, values: tuple) -> tuple:
        if len(values) != len(self.var_specs):
            raise _BindError(
                f"expected {len(self.var_specs)} variable positional arguments, got {len(values)}"
            )
        return tuple(_conform(v, s) for v, s in zip(values, self.var_specs))


def _conform(value, spec):
    """`value` as a tensor matching `spec` (a TensorSpec or a nested list/tuple/dict of them)."""
    if isinstance(spec, TensorSpec):
        if isinstance(value, Tensor) or _is_variable(value):
            if not spec.is_compatible_with(value):
                raise _BindError(f"Can not cast {TensorSpec.from_tensor(value)} to {spec}")
            return convert_to_tensor(value)
        tensor = convert_to_tensor(value, spec.dtype)
        if not spec.shape.is_compatible_with(tensor.shape):
            raise _BindError(f"Can not cast {TensorSpec.from_tensor(tensor)} to {spec}")
        return tensor
    if isinstance(spec, dict):
        if not isinstance(value, dict) or set(value) != set(spec):
            raise _BindError(f"Can not cast {value!r} to dict type with keys {sorted(spec)}.")
        return {k: _conform(value[k], spec[k]) for k in value}
    kind = "list" if isinstance(spec, list) else "tuple"
    if not isinstance(value, (list, tuple)):
        raise _BindError(f"Can not cast {value!r} to {kind} type.")
    if len(value) != len(spec):
        raise _BindError(f"Can not cast {value!r} to {kind} type of length {len(spec)}.")
    return type(value)(_conform(v, s) for v, s in zip(value, spec))


def _spec_text(spec) -> str:
    if isinstance(spec, TensorSpec):
        return repr(spec)
    if isinstance(spec, dict):
        return "Dict[" + ", ".join(f"{k!r}: {_spec_text(v)}" for k, v in spec.items()) + "]"
    kind = "List" if isinstance(spec, list) else "Tuple"
    return f"{kind}[" + ", ".join(_spec_text(s) for s in spec) + "]"


def _signature_text(positional: list, input_signature: tuple, var_args) -> str:
    """TF's rendering of a signature: `(x: TensorSpec(...), training: Literal[False] = ...)`."""
    parts = [f"{p.name}: {_spec_text(s)}" for p, s in zip(positional, input_signature)]
    parts += [
        f"{p.name}: Literal[{p.default!r}] = <captured_default_value>"
        for p in positional[len(input_signature) :]
    ]
    extra = input_signature[len(positional) :]
    if var_args is not None:
        parts += [f"{var_args}_{i}: {_spec_text(s)}" for i, s in enumerate(extra)]
    return "(" + ", ".join(parts) + ")"
