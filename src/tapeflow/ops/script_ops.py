"""Python functions as ops: `tf.py_function` (TF's EagerPyFunc) and `tf.numpy_function`.

A py_function call runs `func` on fresh tensors holding its inputs' values (as TF's kernel
does), under a tape of its own when some tape or accumulator of this thread records, and
records one entry joining the call's inputs to fresh output tensors. Its gradient is TF's
`_EagerPyFuncGrad`: another py_function, run on the upstream gradients, that asks the
call's own tape for the gradients of func's outputs with respect to func's arguments. So,
as in TF 2.21 (observed):

* gradients flow to the tensors passed in `inp`, not to variables or tensors `func`
  captures (the entry's inputs are `inp` only);
* a second-order gradient is None: the gradient op's inputs are the upstream gradients;
* a call's gradient can be taken once: its tape is popped from the cache, and a second
  `gradient` call (of a persistent tape, or jacobian's second row) raises UnknownError
  "KeyError: b'pyfunc_N'";
* an integer input makes the gradient raise InvalidArgumentError (the gradient of an input
  func does not use is the value 0.0 converted to the input's dtype). TF returns that
  scalar 0.0 whatever the input's shape; tapeflow's walk needs the input's shape, so it is
  zeros of that shape (a known difference, tests/test_script_ops.py).

TF's cache is a process-wide dict that keeps the tape of every recorded call whose gradient
is never taken; here the entry's rule holds it, so it goes with the tape that recorded it.

Inside a traced `tf.function` both declare a side effect: a replay could not re-run
`func`, so the trace gives up and the body runs eagerly on every call (func too).

numpy_function runs `func` on NumPy copies and converts what it returns without looking at
`Tout`, as TF's eager code does: the result is never connected to any tape (gradients are
None) and keeps the dtype NumPy gave it.
"""

from __future__ import annotations

import functools
import itertools
import traceback

import numpy as np

from .._core import dtypes as _dt
from .._core import nest
from .._core import tape as _tape
from .._core.errors import (
    InvalidArgumentError,
    OutOfRangeError,
    ResourceExhaustedError,
    UnimplementedError,
    UnknownError,
    invalid_argument,
    op_error,
)
from .._core.registry import Rule
from .._core.tensor import EagerTensor, _is_variable, convert_to_tensor, make
from .._core.tensor_spec import TensorSpec
from ..autodiff.custom_gradient import jvp_by_transposing
from ..autodiff.gradient_tape import GradientTape

# TF's registry of py functions names each call "pyfunc_<n>", counting from 0 per process.
_tokens = itertools.count()

# The Python exceptions TF's kernel maps to error classes; any other is UnknownError.
_ERROR_CLASSES = (
    ((ValueError, TypeError), InvalidArgumentError),
    ((StopIteration,), OutOfRangeError),
    ((MemoryError,), ResourceExhaustedError),
    ((NotImplementedError,), UnimplementedError),
)


def _kernel_error(e: BaseException):
    """TF's wrapping of an exception raised by func (or by converting its results): the
    class by kind, the message "<Class>: <message>", the traceback, then the op's tag."""
    cls = next((c for kinds, c in _ERROR_CLASSES if isinstance(e, kinds)), UnknownError)
    formatted = "\n".join(traceback.format_exception(type(e), e, e.__traceback__))
    return op_error(cls, f"{type(e).__name__}: {e}\n{formatted}\n", "EagerPyFunc")


def _check_args(op, api_name: str, func, inp, Tout, **kwargs):  # noqa: N803 - TF's name
    """TF's `_check_args_and_maybe_make_decorator`: the errors, or a decorator for func=None."""
    if Tout is None:
        raise TypeError(
            "Missing required argument: 'Tout'\n"
            f"  If using {api_name} as a decorator, set `Tout`\n"
            "  **by name** above the function:\n"
            f"  `@{api_name}(Tout=tout)`"
        )
    if func is None:
        if inp is not None:
            raise TypeError(
                f"Don't set the `inp` argument when using {api_name} as a decorator (`func=None`)."
            )

        def decorator(fun):
            @functools.wraps(fun)
            def wrapper(*args):
                return op(fun, inp=args, Tout=Tout, **kwargs)

            return wrapper

        return decorator
    if inp is None:
        raise TypeError(
            "Missing argument `inp`:\n"
            "  You must set the `inp` argument (the list of arguments to the\n"
            f"  function), unless you use `{api_name}` as a decorator(`func=None`)."
        )
    return None


def _as_dtype(t):
    return t.dtype if isinstance(t, TensorSpec) else _dt.as_dtype(t)


class _EagerPyFunc(Rule):
    """The tape entry of one py_function call; its VJP is TF's `_EagerPyFuncGrad`."""

    type = "EagerPyFunc"
    # The gradient is Python code run once per call: it takes no batched cotangents.
    batch_polymorphic = False
    fresh_gradients = False

    def __init__(self, token: str, cached: tuple):
        self.token = token
        # (tape, arguments func got, outputs func gave): TF's `tape_cache` entry for this
        # call, which its gradient pops. Held by the entry rather than a global dict, so a
        # call whose gradient is never taken frees its tape with the entry (TF's dict keeps
        # it for the life of the process).
        self.cached = cached

    def pop(self) -> tuple:
        """The cached call, once: a second gradient fails as TF's `tape_cache.pop` does."""
        cached, self.cached = self.cached, None
        if cached is None:
            raise KeyError(self.token.encode())
        return cached

    def vjp_rule(self, g, outs, *inputs, needs):
        upstream = list(g) if type(outs) is tuple else [g]

        def eagerly_executed_grad(*dy):
            tape, eager_inputs, eager_outputs = self.pop()
            return tape.gradient(eager_outputs, eager_inputs, output_gradients=list(dy))

        grads = _py_func(
            eagerly_executed_grad,
            upstream,
            [x.dtype for x in inputs],
            is_grad_func=True,
            like=inputs,
        )
        return tuple(grads)

    def jvp_rule(self, tangents, outs, *inputs):
        tape, eager_inputs, eager_outputs = self.pop()
        return jvp_by_transposing(
            outs,
            tangents,
            lambda upstream: tape.gradient(eager_outputs, eager_inputs, output_gradients=upstream),
            lambda o: make(np.zeros_like(o._value), o._dtype),
        )


def _convert(value, dtype, is_grad_func: bool, like=None):
    """TF's EagerFunc._convert: a variable is refused, a gradient's None becomes zeros."""
    if _is_variable(value):
        raise RuntimeError(
            "Attempting to return a variable from an eagerly executed py_func. Only numeric "
            "data structures like Tensors or NumPy arrays should be returned; to return the "
            "value of a variable, make sure to obtain the Tensor backing it by calling "
            f"`.read_value()` on the variable in question: {value}"
        )
    if value is None and is_grad_func:
        zero = convert_to_tensor(0.0, dtype=dtype)  # TF's error for an integer input
        # TF returns the scalar 0.0 itself; tapeflow's walk needs the input's shape.
        return make(np.zeros(np.shape(like._value), zero._value.dtype), dtype)
    return convert_to_tensor(value, dtype=dtype)


def _py_func(func, inp, Tout, is_grad_func: bool = False, like=None):  # noqa: N803
    """TF's `_internal_py_func` with `use_eager_py_func=True`, run eagerly."""
    if not callable(func):
        raise ValueError(
            f"Expected func to be callable. Received func={func} of type {type(func)}."
        )
    inputs = tuple(convert_to_tensor(x) for x in list(inp))
    is_list = isinstance(Tout, (list, tuple))
    dtypes = [_as_dtype(t) for t in (Tout if is_list else [Tout])]
    token = f"pyfunc_{next(_tokens)}"
    _tape.side_effect("tf.py_function runs Python code")
    # func gets tensors of its own, as TF's kernel makes them: the caller's tapes do not
    # track them, so only the call's entry connects its outputs to its inputs.
    args = [make(x._value, x._dtype) for x in inputs]
    # TF's `record.could_possibly_record()`: some tape or accumulator of this thread.
    recording = bool(_tape.state.tapes or _tape.state.accumulators)
    tape = None
    try:
        if recording:
            tape = GradientTape()
            with tape:
                for a in args:
                    if a._dtype._differentiable:
                        tape.watch(a)
                outputs = _call(func, args, dtypes, is_grad_func, like)
        else:
            outputs = _call(func, args, dtypes, is_grad_func, like)
    except Exception as e:  # noqa: BLE001 - TF's kernel turns every exception into its error
        raise _kernel_error(e) from None
    n = 0 if outputs is None else len(outputs) if isinstance(outputs, list) else 1
    if n != len(dtypes):
        raise invalid_argument(
            f"{token} returns {n} values, but expects to see {len(dtypes)} values.",
            "EagerPyFunc",
        )
    produced = [] if outputs is None else outputs if isinstance(outputs, list) else [outputs]
    results = [make(o._value, o._dtype) for o in produced]
    if recording and results:
        recorded = results[0] if len(results) == 1 else tuple(results)
        rule = _EagerPyFunc(token, (tape, args, produced))
        _tape.record(rule, inputs, recorded, {}, executed=False)
    return results if is_list else results[0]


def _call(func, args: list, dtypes: list, is_grad_func: bool, like):
    """TF's EagerFunc._call: func's results converted to Tout, zipped (so truncated) when
    func returns a list or tuple."""
    with _tape.eager_scope():  # TF runs func eagerly, inside a tf.function too
        ret = func(*args)
    if isinstance(ret, (tuple, list)):
        likes = like if like is not None else [None] * len(dtypes)
        return [_convert(x, d, is_grad_func, w) for x, d, w in zip(ret, dtypes, likes)]
    if ret is None:
        return None
    return _convert(ret, dtypes[0], is_grad_func, like[0] if like is not None else None)


def eager_py_func(func=None, inp=None, Tout=None, name=None):  # noqa: N803 - TF's name
    """`tf.py_function`: runs the Python function `func` on tensors as one op.

    `func(*inp)` gets eager tensors (new ones, holding the values of `inp`'s elements, each
    converted to a tensor; variables are read) and returns a value, a list of values, or
    None, converted to `Tout`: a dtype (one tensor is returned), a list or tuple of dtypes
    (a list is returned; `[]` when func returns None), or `tf.TensorSpec`s for dtypes.
    With `func=None` (and no `inp`) it returns a decorator: `@tf.py_function(Tout=...)`.

    TF 2.21's eager warts, matched: a list or tuple that func returns is zipped with Tout,
    so extra values are dropped (`(a, b)` with `Tout=tf.float32` gives `a`); a tensor as
    `inp` is iterated (its rows become the arguments); nested or dict Touts are TypeErrors.

    Gradients flow from the outputs to the tensors in `inp` (TF re-runs nothing: the tape
    func ran under answers), once per call; see the module docstring for TF's rules
    (None at second order and for captured variables). Forward-mode JVPs work too.

    Raises:
      TypeError: without Tout ("Missing required argument: 'Tout'..."), without inp, with
        inp in decorator form, or for a Tout that is no dtype.
      ValueError: if func is not callable.
      InvalidArgumentError: if func raises ValueError or TypeError (a result that does not
        convert to Tout, say), or returns the wrong number of values; UnknownError (most
        other exceptions), OutOfRangeError (StopIteration), UnimplementedError
        (NotImplementedError) and ResourceExhaustedError (MemoryError), each with the
        message "<Class>: <message>", the traceback and [Op:EagerPyFunc].

    >>> tf.py_function(lambda a: a * 2.0, [tf.constant([1.0, 2.0])], tf.float32)
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([2., 4.], dtype=float32)>
    """
    decorator = _check_args(eager_py_func, "tf.py_function", func, inp, Tout, name=name)
    if decorator is not None:
        return decorator
    return _py_func(func, inp, Tout)


def numpy_function(func=None, inp=None, Tout=None, stateful=True, name=None):  # noqa: N803
    """`tf.numpy_function`: runs `func` on NumPy arrays and returns its results as tensors.

    Eagerly TF calls `func(*[np.array(x) for x in inp])` (copies: func may write into
    them), flattens what it returns and converts each value without reading `Tout`, which
    only has to be given. So, as observed on TF 2.21:

    * the dtypes are NumPy's: a float64 result stays float64 even with `Tout=tf.float32`;
    * one value gives a tensor, several (or none, or a list) a list, None gives None and
      Nones stay None in a list; a dict gives its values in key order;
    * exceptions from func propagate unwrapped;
    * the outputs are not connected to any tape: gradients through it are None.

    With `func=None` (and no `inp`) it returns a decorator. `stateful` is accepted.

    >>> tf.numpy_function(lambda a: a * 2, [tf.constant([1.0, 2.0])], tf.float32)
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([2., 4.], dtype=float32)>
    """
    decorator = _check_args(
        numpy_function, "tf.numpy_function", func, inp, Tout, stateful=stateful, name=name
    )
    if decorator is not None:
        return decorator
    _tape.side_effect("tf.numpy_function runs Python code")
    arrays = []
    for x in inp:
        if isinstance(x, EagerTensor):
            _tape.value_read(x, "tf.numpy_function reads its inputs' values")
        arrays.append(np.array(x))
    result = nest.flatten(func(*arrays))
    result = [x if x is None else convert_to_tensor(x) for x in result]
    if len(result) == 1:
        (result,) = result
    return result
