"""The op registry: one `Op` per TensorFlow op type, with its forward and rules.

An op is declared once, in its family module under `ops/`:

    @op("Mul", broadcasting=True, sample=binary())
    def multiply(x, y):                # ndarrays in, ndarray out
        return np.multiply(x, y)

    @multiply.vjp
    def _multiply_vjp(g, out, x, y):   # Tensors in, Tensors out, tapeflow ops only
        return g * conj(y), g * conj(x)

The forward's parameters without defaults are the tensor inputs (a `*values`
parameter makes the op variadic); parameters with defaults are attributes,
passed to the forward and to both rules as keywords. Calling the Op converts
inputs TF's way, checks dtypes, runs the forward and, only when some recorder
or output check is active, runs the one epilogue (`_finish`: the checks, then
`tape.record`). The call paths (`Op.__call__`/`run`, `UnaryOp`, `BinaryOp`)
differ only in argument handling. An error raised inside a forward is
translated once, by `Op.error`: NumPy's errors become TF's classes, and TF
errors built without a tag (`errors.op_error(cls, message)`) get the op's
`[Op:Type]`.

Rules see Tensors and return one gradient (or None) per input; a VJP gets
`needs` (which inputs want one), a JVP None for an input without a tangent. For ops that
declare `broadcasting`, the backward walk reduces each gradient to its input's
shape; every other rule must return exactly its input's shape. Rules must be
batch-polymorphic: `g` (and a JVP's tangents) may carry extra leading
dimensions, which the results keep.

Computing with values belongs in forwards. Wrappers and rules may read shapes
and dtypes freely, but before they compute with a tensor's value in Python (an
axis or shape taken from a tensor, a mask turned into indices, a check that
raises) they call `tape.value_read(t, why)`: a traced `tf.function`
replays only the forwards it recorded, so it must know not to replay a trace
that froze such a value (trace.py).
"""

from __future__ import annotations

import re
import sys

import numpy as np

from . import backend as _backend
from . import dtypes as _dtypes
from . import tape as _tape
from .accel import compiled as _compiled
from .errors import InvalidArgumentError, OpError, invalid_argument
from .tensor import (
    EagerTensor,
    _is_variable,
    _new_tensor,
    _next_id,
    convert_like,
    convert_to_tensor,
    dtype_mismatch,
    out_of_memory,
)
from .tensor import make as _make
from .tensor import wrap as _wrap

_from_np = _dtypes._BY_NP.__getitem__


class _Registry(dict):
    """The registry's dict: a type it does not hold may be an op of a family that loads on
    first use (ops/__init__.py), so a lookup by name that misses loads every family first."""

    __slots__ = ()

    def __missing__(self, type_name: str):
        if _load_all is not None:
            load_all()
            if dict.__contains__(self, type_name):
                return dict.__getitem__(self, type_name)
        raise KeyError(type_name)


REGISTRY: dict[str, Op] = _Registry()

# Imports every op family (ops.load_all); installed by the op library, which the core never
# imports. None until `tapeflow.ops` is imported.
_load_all = None


def load_all() -> dict:
    """Registers every op (some families load on first use) and returns the registry: what
    code that goes through the whole registry, or asks whether it holds a type, calls first."""
    if _load_all is not None:
        _load_all()
    return REGISTRY


# Callables `check(op, inputs, outputs, attrs)` run after every op while non-empty (the
# arguments of `tape.record`); used by tf.debugging.enable_check_numerics. An empty list
# costs one truth test per op. Changed only through add/remove_output_check.
OUTPUT_CHECKS: list = []

# TensorFlow's kernels never warn about inf/nan; NumPy would ("divide by zero
# encountered"), even as an error under `-W error`. Forwards therefore run with
# NumPy's floating-point errors ignored. `np.errstate` costs ~1.5 us, so on
# NumPy 2 the same context variable it sets is set directly (~0.1 us).
try:
    from numpy._core._ufunc_config import _extobj_contextvar as _fp_state

    with np.errstate(all="ignore"):
        _FP_QUIET = _fp_state.get()
    _fp_quiet, _fp_restore = _fp_state.set, _fp_state.reset
except ImportError:  # NumPy 1.x: the public, slower API
    _FP_QUIET = {"all": "ignore"}

    def _fp_quiet(settings):
        return np.seterr(**settings)

    def _fp_restore(previous):
        np.seterr(**previous)


# What a forward may raise for bad input; `Op.error` translates each into TF's error.
_FORWARD_ERRORS = (OpError, ValueError, IndexError, TypeError, ArithmeticError, MemoryError)
# NumPy's MemoryError text, read for TF's OOM message (compiled by `re` on first use).
_NUMPY_OOM = r"with shape \(([^)]*)\) and data type (\w+)"


def forward_on_device(op, error: Exception, inputs: tuple, attrs: dict):
    """What a forward that raised `error` gives when its inputs are on two devices (a host
    value with a CuPy one, which CuPy refuses): the forward run again with them copied to
    the op's device, as TF's silent device policy copies (backend.on_op_device). Anything
    else raises `error`, translated (`Op.error`). Called from the forwards' `except`, with
    NumPy's error state still quiet; a forward that succeeds never gets here."""
    moved = _backend.on_op_device(tuple([t._value for t in inputs]))
    if moved is None:
        raise op.error(error, inputs) from None
    try:
        return op.forward(*moved, **attrs)
    except _FORWARD_ERRORS as e:
        raise op.error(e, inputs) from None


def _checked_finish(op, inputs: tuple, outputs, attrs: dict) -> None:
    """The epilogue while output checks are installed: the checks see the op first,
    so a NaN raises before anything records it; then the recorders."""
    for check in OUTPUT_CHECKS:
        check(op, inputs, outputs, attrs)
    if _tape.active:
        _tape.record(op, inputs, outputs, attrs)


# The epilogue of every op call, `_finish(op, inputs, outputs, attrs)`, called when some
# check or recorder is active: `tape.record` itself while no output check is installed
# (one call per op on the hot path), `_checked_finish` while one is.
_finish = _tape.record


def add_output_check(check) -> None:
    """Runs `check(op, inputs, outputs, attrs)` after every op (once per check)."""
    global _finish
    if check not in OUTPUT_CHECKS:
        OUTPUT_CHECKS.append(check)
    _finish = _checked_finish


def remove_output_check(check) -> None:
    """Undoes `add_output_check` (nothing happens if `check` is not installed)."""
    global _finish
    while check in OUTPUT_CHECKS:
        OUTPUT_CHECKS.remove(check)
    if not OUTPUT_CHECKS:
        _finish = _tape.record


def install_gradient(op_type: str, vjp_rule, jvp_rule) -> None:
    """Gives the registered op `op_type`, declared not differentiable, rules from outside its
    block: `tf.RegisterGradient` for an op TF registers no gradient for (framework_ops).

    The op is recorded from then on (`differentiable` is read per call, so the hot path is
    unchanged). The rules are user code: they take no batched cotangents, and the walk
    never sums into what they return.
    """
    op = REGISTRY[op_type]
    op.vjp_rule, op.jvp_rule = vjp_rule, jvp_rule
    op.batch_polymorphic = op.fresh_gradients = False
    op.differentiable = True


def _parameters(fn) -> tuple:
    """(inputs, variadic, attr defaults, required attrs) of a forward function.

    Read from the code object: `inspect.signature` would cost ~8 ms of import
    time for the `inspect` module alone.
    """
    code = fn.__code__
    n_positional = code.co_argcount
    names = code.co_varnames
    positional = names[:n_positional]
    keyword_only = names[n_positional : n_positional + code.co_kwonlyargcount]
    defaults = fn.__defaults__ or ()
    n_inputs = n_positional - len(defaults)
    attr_defaults = dict(zip(positional[n_inputs:], defaults))
    kw_defaults = fn.__kwdefaults__ or {}
    attr_defaults.update({k: kw_defaults[k] for k in keyword_only if k in kw_defaults})
    required = tuple(k for k in keyword_only if k not in kw_defaults)
    variadic = bool(code.co_flags & 0x04)  # CO_VARARGS
    return tuple(positional[:n_inputs]), variadic, attr_defaults, required


class Rule:
    """What the backward walk, forward mode and the recorders read of an entry's op.

    `Op` is one; a custom gradient (custom_gradient.py) is another, recorded
    without running as an op. The defaults are an op's.
    """

    type = ""
    broadcasting = False
    differentiable = True
    stateful = False
    keeps = None  # None: the tape keeps every value (see Op)
    # The rule accepts batched cotangents (jacobian's one pass); registry rules must (the
    # generated tests check it).
    batch_polymorphic = True
    # The VJP's gradients are tensors it made with ops (or its arguments): a new large array
    # among them is the walk's to sum into (autodiff/walk.py). False for user code.
    fresh_gradients = True
    # The rule sums into its inputs' cotangents itself (a traced control-flow construct,
    # _compile/control_flow.py): the walk passes `prev` and `batch_ndim` and stores what it returns.
    # Only rules with a tuple of outputs are asked (the walk's single-output path pays nothing).
    accumulates = False
    vjp_rule = None
    jvp_rule = None
    # The batching rule tf.vectorized_map runs the op with (ops/vectorize/), or None.
    batch_rule = None


class Op(Rule):
    """A registered op: callable like its TensorFlow function.

    Attributes:
      type: the TF op-type name, e.g. "MatMul" (the registry key).
      forward: the NumPy implementation.
      vjp_rule / jvp_rule: the reverse- and forward-mode rules, or None.
      batch_rule: how tf.vectorized_map batches the op (`batching`), or None.
      broadcasting: the walk undoes broadcasting of the inputs.
      dtypes: allowed dtypes of the first input (TF's attr "T"), or None.
      same_dtype: input positions that must share the first one's dtype.
      n_outputs: 1, or the length of the tuple the forward returns.
      differentiable: False for ops TF registers as not differentiable.
      stateful: the forward draws from state outside its inputs (random ops), so a
        tf.function replay gives new values (trace.py does not check-replay it).
      sample: the test recipe (ops/samples.py), or None with a `no_sample` reason.
      keeps: per input, the values its gradient rule reads (memory; see tape.py).
    """

    def __init__(
        self,
        type_name: str,
        forward,
        *,
        broadcasting: bool = False,
        dtypes=None,
        same_dtype=True,
        n_outputs: int = 1,
        differentiable: bool = True,
        stateful: bool = False,
        sample=None,
        no_sample: str | None = None,
        keeps: tuple | None = None,
    ):
        self.type = type_name
        self.forward = forward
        self.broadcasting = broadcasting
        self.dtypes = dtypes
        self.n_outputs = n_outputs
        self.differentiable = differentiable
        self.stateful = stateful
        self.sample = sample
        self.no_sample = no_sample
        self.__name__ = forward.__name__
        self.__qualname__ = forward.__qualname__
        self.__doc__ = forward.__doc__
        self.__module__ = forward.__module__
        self.__wrapped__ = forward
        inputs, variadic, defaults, required = _parameters(forward)
        self.variadic = variadic
        # Positional parameters without defaults are tensor inputs; keyword-only
        # parameters and parameters with defaults are attributes.
        self.input_names = inputs
        self.n_inputs = None if variadic else len(inputs)
        self.attr_defaults = defaults
        self.required_attrs = frozenset(required)
        self.attr_names = tuple(defaults) + tuple(required)
        self._attr_set = frozenset(self.attr_names)
        self.keeps = None if keeps is None else self._parse_keeps(keeps)
        if same_dtype is True:
            same_dtype = None if self.variadic else tuple(range(len(inputs)))
        self.same_dtype = same_dtype or ()
        if type_name in REGISTRY:
            raise ValueError(f"Op type {type_name!r} is registered twice.")
        REGISTRY[type_name] = self

    def _parse_keeps(self, keeps: tuple) -> tuple:
        """`keeps[i]` names the values input i's gradient reads ("x y", "out", "").

        Parsed to sets of positions (-1 for the output). The tape then drops the
        arrays no needed gradient reads (tape.saved_for_backward).
        """
        if self.variadic or len(keeps) != self.n_inputs:
            raise ValueError(f"{self.type}: keeps= needs one entry per input")
        index = {name: i for i, name in enumerate(self.input_names)}
        index["out"] = -1
        return tuple(frozenset(index[name] for name in k.split()) for k in keeps)

    # -- declaring rules ------------------------------------------------------------

    def vjp(self, rule):
        """Decorator: sets the reverse-mode rule `rule(g, out, *inputs, needs, **attrs)`.

        `needs[i]` tells whether input i wants a gradient; a rule may return None
        for the others instead of computing them (every rule gets it; most ignore it).
        """
        code = rule.__code__
        if "needs" not in code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]:
            raise TypeError(f"{self.type}: a VJP rule takes a `needs` keyword argument")
        self.vjp_rule = rule
        return rule

    def jvp(self, rule):
        """Decorator: sets the forward-mode rule `rule(tangents, out, *inputs, **attrs)`.

        `tangents` has one entry per input: None where the input has no tangent (its
        dtype carries none, or nothing gave it one). The rule returns the output's
        tangent (a tuple for several outputs), None if no term is present.
        """
        self.jvp_rule = rule
        return rule

    def batching(self, rule):
        """Decorator: sets the batching rule `rule(op, inputs, batched, attrs, size)`.

        `batched[i]` tells whether input i carries a leading batch axis of length
        `size` (the others are shared by every example); the rule returns the op's
        outputs, each with the batch axis first (ops/vectorize/ holds the rules).
        """
        self.batch_rule = rule
        return rule

    # -- calling ----------------------------------------------------------------------

    def __call__(self, *args, name=None, **kwargs):
        if len(args) == self.n_inputs:
            # Fast path (rules and wrappers): tensors in, attributes by keyword.
            for a in args:
                if type(a) is not EagerTensor:
                    break
            else:
                if kwargs:
                    if not kwargs.keys() <= self._attr_set:
                        self._attrs(kwargs)  # raises TF-style errors
                    attrs = {**self.attr_defaults, **kwargs}
                    if self.required_attrs and not self.required_attrs <= attrs.keys():
                        self._attrs(kwargs)
                else:
                    attrs = self._attrs(kwargs)
                return self.run(self._checked(args), attrs)
        if self.variadic:
            return self.apply(args, self._attrs(kwargs))
        n = self.n_inputs
        if len(args) > n:
            extra = args[n:]
            if len(extra) > len(self.attr_names):
                raise TypeError(
                    f"{self.__name__}() takes at most {n + len(self.attr_names)} positional "
                    "arguments"
                )
            for key, value in zip(self.attr_names, extra):
                if key in kwargs:
                    raise TypeError(f"{self.__name__}() got multiple values for argument '{key}'")
                kwargs[key] = value
            args = args[:n]
        if len(args) < n:
            args = list(args)
            for key in self.input_names[len(args) :]:
                if key not in kwargs:
                    raise TypeError(f"{self.__name__}() missing required argument: '{key}'")
                args.append(kwargs.pop(key))
        return self.apply(args, self._attrs(kwargs))

    def _attrs(self, kwargs: dict) -> dict:
        if not kwargs and not self.required_attrs:
            return self.attr_defaults
        unknown = set(kwargs).difference(self.attr_names)
        if unknown:
            raise TypeError(
                f"{self.__name__}() got an unexpected keyword argument '{sorted(unknown)[0]}'"
            )
        missing = self.required_attrs.difference(kwargs)
        if missing:
            raise TypeError(f"{self.__name__}() missing required argument: '{sorted(missing)[0]}'")
        return {**self.attr_defaults, **kwargs}

    def apply(self, args, attrs: dict):
        """Runs the op on raw inputs (converted here) with a complete attrs dict."""
        inputs = self.convert_inputs(args)
        return self.run(inputs, attrs)

    def _checked(self, inputs: tuple) -> tuple:
        """Dtype checks for inputs that are already tensors (the fast path)."""
        # TF checks the attr (the first input's dtype) before the inputs' agreement:
        # tf.subtract(bool_tensor, int_tensor) is the attr error (observed on TF 2.21).
        if self.dtypes is not None and inputs and inputs[0]._dtype not in self.dtypes:
            raise self.dtype_error(inputs[0]._dtype)
        same = self.same_dtype
        if same:
            first = inputs[same[0]]._dtype
            for i in same[1:]:
                if inputs[i]._dtype is not first:
                    raise dtype_mismatch(first, inputs[i]._dtype, self.type, i)
        return inputs

    def convert_inputs(self, args) -> tuple:
        """Converts raw inputs to tensors, giving Python values the shared dtype."""
        hint = None
        same = self.same_dtype
        for i in same:
            a = args[i]
            if type(a) is EagerTensor:
                hint = a._dtype
                break
            if _is_variable(a) or hasattr(a, "dtype"):
                hint = convert_to_tensor(a)._dtype
                break
        inputs = []
        for i, a in enumerate(args):
            if type(a) is EagerTensor:
                inputs.append(a)
            elif hint is not None and i in same:
                inputs.append(convert_like(a, hint, self.type))
            else:
                t = convert_to_tensor(a)
                inputs.append(t)
                if i in same:
                    # TF's args_to_matching_eager: with no tensor among them, the first
                    # value's dtype binds the rest (tf.subtract(1, 2.5) is a TypeError).
                    hint = t._dtype
        return self._checked(tuple(inputs))

    def run(self, inputs: tuple, attrs: dict):
        """Runs the forward on converted inputs, wraps and records the result.

        Mirrored in C by `_compiled.run` (the compiled core, accel.py).
        """
        token = _fp_quiet(_FP_QUIET)
        try:
            n = len(inputs)
            if not attrs and n == 1:  # no argument list or keywords to build
                result = self.forward(inputs[0]._value)
            elif n == 1:
                result = self.forward(inputs[0]._value, **attrs)
            elif n == 2:
                result = self.forward(inputs[0]._value, inputs[1]._value, **attrs)
            else:
                result = self.forward(*[t._value for t in inputs], **attrs)
        except _FORWARD_ERRORS as e:
            result = forward_on_device(self, e, inputs, attrs)
        finally:
            _fp_restore(token)
        if self.n_outputs == 1:
            out = _wrap(result)
        else:
            out = tuple([_wrap(r) for r in result])
        if _tape.active or OUTPUT_CHECKS:
            _finish(self, inputs, out, attrs)
        return out

    def error(self, e: Exception, inputs: tuple) -> OpError:
        """The one translation of an error raised inside a forward into TF's.

        TF errors raised by the forward get the op's `[Op:Type]` tag if they lack
        one; NumPy's MemoryError becomes TF's OOM (ResourceExhaustedError); NumPy's
        broadcasting failure of a two-input broadcasting op becomes TF's
        "Incompatible shapes"; any other ValueError, IndexError, TypeError or
        ArithmeticError becomes an `InvalidArgumentError` with NumPy's message.
        Every call path (`Op.run`, `BinaryOp.binary`, `UnaryOp`) raises through here.
        """
        if isinstance(e, OpError):
            if "[Op:" in e.message:
                return e
            return type(e)(e.node_def, e.op, f"{e.message} [Op:{self.type}]")
        message = str(e)
        if isinstance(e, MemoryError):  # NumPy could not allocate: TF's OOM error
            found = re.search(_NUMPY_OOM, message)
            dims = found.group(1).replace(" ", "").rstrip(",") if found else "?"
            dtype = _dtypes._BY_NP.get(np.dtype(found.group(2))) if found else None
            return out_of_memory(dims, dtype.c_name if dtype else "unknown", self.type)
        if self.broadcasting and len(inputs) == 2 and "broadcast" in message:
            return self.shape_error(*inputs)
        return invalid_argument(f"{message} [Op:{self.type}]")

    def shape_error(self, x, y) -> InvalidArgumentError:
        xs = ",".join(str(d) for d in np.shape(x._value))
        ys = ",".join(str(d) for d in np.shape(y._value))
        return invalid_argument(f"Incompatible shapes: [{xs}] vs. [{ys}] [Op:{self.type}]")

    def dtype_error(self, dtype) -> InvalidArgumentError:
        allowed = ", ".join(d.name for d in _dtypes.ALL if d in self.dtypes)
        return invalid_argument(
            f"Value for attr 'T' of {dtype.name} is not in the list of allowed values: "
            f"{allowed} [Op:{self.type}]"
        )

    def __repr__(self) -> str:
        return f"<tapeflow op {self.type} ({self.__name__})>"


_NO_ATTRS: dict = {}


class UnaryOp(Op):
    """An op of one tensor input and no attributes (sin, exp, ...): a short call path
    (`__call__` is mirrored in C by `_compiled.unary_call`)."""

    def __call__(self, x, name=None):
        if type(x) is EagerTensor and (self.dtypes is None or x._dtype in self.dtypes):
            return self.run((x,), _NO_ATTRS)
        return self.apply((x,), _NO_ATTRS)


class BinaryOp(Op):
    """An elementwise op of two inputs: the operators' fast path (`x * y`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._allowed = frozenset(_dtypes.ALL if self.dtypes is None else self.dtypes)

    def __call__(self, x, y, name=None):
        return self.binary(x, y)

    def binary(self, x, y, hinted: bool = False):
        """Runs the op on two operands. `hinted`: the right operand takes the left's
        dtype only as a hint (TF's arithmetic operators), see `_binary_slow`.

        Mirrored in C by `_compiled.binary` (which also does float32/float64 scalar
        `+ - *` in C: the same IEEE arithmetic as these forwards' NumPy operators).
        """
        # Fast path: two tensors of one allowed dtype (what rules and models run), or a
        # floating tensor and a Python number (`y * 0.9`), which takes its dtype.
        tx, ty = type(x), type(y)
        if tx is EagerTensor and ty is EagerTensor:
            dtype = x._dtype
        elif tx is EagerTensor:
            dtype = x._dtype
            if (ty is float or ty is int) and dtype._kind in "fc":
                y = _make(dtype._np.type(y), dtype)
            else:
                dtype = None
        elif (tx is float or tx is int) and ty is EagerTensor and y._dtype._kind in "fc":
            dtype = y._dtype
            x = _make(dtype._np.type(x), dtype)
        else:
            dtype = None
        if dtype is not None:
            if y._dtype is dtype and x._dtype is dtype and dtype in self._allowed:
                token = _fp_quiet(_FP_QUIET)
                try:
                    value = self.forward(x._value, y._value)
                except _FORWARD_ERRORS as e:
                    value = forward_on_device(self, e, (x, y), _NO_ATTRS)
                finally:
                    _fp_restore(token)
                out = _new_tensor(EagerTensor)
                out._value = value
                # Arithmetic keeps its inputs' dtype (an identity test on NumPy's singleton
                # dtypes); comparisons and the like are looked up from the result.
                out._dtype = dtype if value.dtype is dtype._np else _from_np(value.dtype)
                out._id = _next_id()
                if _tape.active or OUTPUT_CHECKS:
                    _finish(self, (x, y), out, _NO_ATTRS)
                return out
        return self._binary_slow(x, y, hinted)

    def _binary_slow(self, x, y, hinted: bool = False):
        """Converts operands TF's way (or raises TF's errors), then takes the fast path."""
        # A variable is read first, so its dtype decides a NumPy operand's (TF's
        # r_binary_op_wrapper: `np.float64(0.5) * float32_variable` is float32).
        if _is_variable(x):
            x = x._convert()
        if _is_variable(y):
            y = y._convert()
        if type(x) is EagerTensor:
            dtype = x._dtype
            if dtype not in self._allowed and (hinted or type(y) is EagerTensor):
                raise self.dtype_error(dtype)  # TF checks the attr first (see _checked)
            if type(y) is EagerTensor:
                if y._dtype is not dtype:
                    raise dtype_mismatch(dtype, y._dtype, self.type, 1)
            else:
                try:
                    y = convert_like(y, dtype, self.type)
                except TypeError:
                    if not hinted:
                        raise
                    # TF's `+` converts the right operand with the left's dtype only as a
                    # hint, so `int_tensor + 1.5` is a dtype mismatch (as `tf.add` is, see
                    # math_ops.add_checked), while `1.5 + int_tensor` and `int_tensor * 1.5`
                    # are TypeErrors (observed on TF 2.21).
                    raise dtype_mismatch(dtype, convert_to_tensor(y)._dtype, self.type, 1) from None
        elif type(y) is EagerTensor:
            dtype = y._dtype
            x = convert_like(x, dtype, self.type)
        else:
            x, y = self.convert_inputs((x, y))
            dtype = x._dtype
        if dtype not in self._allowed:
            raise self.dtype_error(dtype)
        return self.binary(x, y)  # two tensors of one allowed dtype now: the fast path


if _compiled:  # the call paths in C (_compiled.pyx mirrors Op.__call__'s fast path, run,
    # UnaryOp.__call__ and binary)
    _compiled.bind_registry(sys.modules[__name__], Op.__call__)
    Op.__call__ = _compiled.op_call
    Op.run = _compiled.run
    UnaryOp.__call__ = _compiled.unary_call
    BinaryOp.binary = _compiled.binary


def op(type_name: str, **options):
    """Decorator that registers a forward function as the op `type_name` (see `Op`)."""

    def register(forward) -> Op:
        # What `_parameters` tells, read without it (Op reads it once): only tensor inputs
        # is no *values, no defaults and no keyword-only parameters.
        code = forward.__code__
        plain = not (code.co_flags & 0x04 or forward.__defaults__ or code.co_kwonlyargcount)
        if options.get("broadcasting") and plain and code.co_argcount == 2:
            return BinaryOp(type_name, forward, **options)
        if plain and code.co_argcount == 1:
            return UnaryOp(type_name, forward, **options)
        return Op(type_name, forward, **options)

    return register
