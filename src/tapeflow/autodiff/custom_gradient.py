"""User-defined gradients: `tf.custom_gradient`, `tf.grad_pass_through`, `tf.recompute_grad`.

A custom-gradient call runs the function normally (so tapes also record its
internals, which second-order gradients through closures need), then gives
the results fresh identities and records one entry joining them to the call's
tensor inputs, with the user's `grad_fn` as its VJP. Its JVP, for forward
mode, transposes that VJP with a tape: grad_fn is linear in its upstream
gradient, so J t = d<grad_fn(u), t>/du.
"""

from __future__ import annotations

import functools

from .._core import nest
from .._core import tape as _tape
from .._core.registry import Rule
from .._core.tensor import EagerTensor, Tensor, _is_variable, convert_to_tensor, make
from ..ops.array_ops import identity


class _CustomOp(Rule):
    """The tape entry's rule for one call of a custom-gradient function."""

    # A user's grad_fn need not accept batched cotangents: the walk loops for jacobians.
    batch_polymorphic = False
    # ... and may return a tensor it keeps (a captured constant): never summed into.
    fresh_gradients = False

    def __init__(self, name: str, grad_fn, n_grads: int, tensor_positions: list, variables: list):
        self.type = f"CustomGradient:{name}"
        self._grad_fn = grad_fn
        self._n_grads = n_grads
        self._positions = tensor_positions  # where each tensor input sits among the grads
        self._variables = variables

    def vjp_rule(self, g, outs, *inputs, needs):
        upstream = list(g) if type(outs) is tuple else [g]
        if self._variables:
            result = self._grad_fn(*upstream, variables=self._variables)
            if not isinstance(result, (tuple, list)) or len(result) != 2:
                raise ValueError(
                    "A @custom_gradient grad_fn that receives `variables` must return a pair "
                    "(input_gradients, variable_gradients)."
                )
            input_grads, variable_grads = result
            variable_grads = list(nest.flatten(variable_grads))
            if len(variable_grads) != len(self._variables):
                raise ValueError(
                    "Must return gradient for each variable from @custom_gradient grad_fn: got "
                    f"{len(variable_grads)} for the {len(self._variables)} variables "
                    f"{self._variables}."
                )
        else:
            input_grads, variable_grads = self._grad_fn(*upstream), []
        input_grads = list(input_grads) if isinstance(input_grads, (tuple, list)) else [input_grads]
        if len(input_grads) != self._n_grads:
            raise ValueError(
                f"custom_gradient function expected to return {self._n_grads} gradients, but "
                f"returned {len(input_grads)} instead."
            )
        grads = [input_grads[i] for i in self._positions] + variable_grads
        return tuple(None if gr is None else _as_gradient(gr, x) for gr, x in zip(grads, inputs))

    def jvp_rule(self, tangents, outs, *inputs):
        needs = tuple(t is not None for t in tangents)

        def zeros(o):
            _tape.value_read(o, "a custom gradient's zeros are made from a value")
            return make(o._value * 0, o._dtype)

        def vjp(upstream):
            u = tuple(upstream) if type(outs) is tuple else upstream[0]
            return self.vjp_rule(u, outs, *inputs, needs=needs)

        return jvp_by_transposing(outs, tangents, vjp, zeros)


def jvp_by_transposing(outs, tangents, vjp, zeros):
    """J t from a VJP: d<J^T u, t>/du, taken with a tape (J^T u is linear in u).

    `vjp(upstream)` returns the cotangents of the inputs for a list of upstream gradients
    (one per output); `zeros(o)` makes the zero upstream for output `o`. Returns the
    tangents of `outs` (a tuple when `outs` is one), None where no tangent reaches them.
    """
    from ..ops.math_ops import multiply
    from ..ops.reduction_ops import reduce_sum
    from .gradient_tape import GradientTape

    outs_list = list(outs) if type(outs) is tuple else [outs]
    with GradientTape() as tape:
        upstream = [zeros(o) for o in outs_list]
        tape.watch(upstream)
        cotangents = vjp(upstream)
        total = None
        for c, t in zip(cotangents, tangents):
            if c is not None and t is not None:
                term = reduce_sum(multiply(c, t))
                total = term if total is None else total + term
    if total is None:
        return tuple(None for _ in outs_list) if type(outs) is tuple else None
    result = tape.gradient(total, upstream)
    return tuple(result) if type(outs) is tuple else result[0]


def _as_gradient(value, like) -> EagerTensor:
    if isinstance(value, Tensor) or _is_variable(value):
        return convert_to_tensor(value)
    return convert_to_tensor(value, dtype=like._dtype)


class _VariableWatcher(_tape.Recorder):
    """Collects the trainable variables read while it is active."""

    kind = "watchers"

    def __init__(self):
        self.variables: dict = {}

    def read_variable(self, variable) -> None:
        if variable._trainable:
            self.variables.setdefault(variable._id, variable)

    def __enter__(self):
        _tape.push(self)
        return self

    def __exit__(self, *exc):
        _tape.pop(self)


def _accepts_variables(grad_fn) -> bool:
    import inspect  # lazily: it costs ~8 ms of `import tapeflow`

    try:
        params = inspect.signature(grad_fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.name == "variables" or p.kind is p.VAR_KEYWORD for p in params)


def _call(f, args: tuple, kwargs: dict):
    with _VariableWatcher() as watcher:
        result, grad_fn = f(*args, **kwargs)

    # Tensor inputs: tensor positional args, then tensor keyword args (TF ignores the
    # latter silently; here they go through grad_fn too, after the positional ones).
    def is_tensor(a) -> bool:
        return isinstance(a, Tensor) or _is_variable(a)

    tensor_kwargs = [v for v in kwargs.values() if is_tensor(v)]
    call_values = list(args) + tensor_kwargs
    positions = [i for i, a in enumerate(call_values) if is_tensor(a)]
    inputs = [convert_to_tensor(call_values[i]) for i in positions]
    passed = {id(a) for a in call_values if _is_variable(a)}
    variables = [
        v for _, v in sorted(watcher.variables.items()) if id(v) not in passed and v.trainable
    ]
    if variables and not _accepts_variables(grad_fn):
        raise TypeError(
            "@tf.custom_gradient grad_fn must accept keyword argument 'variables', since "
            f"function uses variables: {variables}"
        )
    # Outputs are identities of the results, as in TF: a tape that tracks the call's
    # arguments records grad_fn's entry in place of those identities, while a tape
    # that only tracks something f captured still sees f's own ops through them.
    outputs = [identity(convert_to_tensor(r)) for r in nest.flatten(result)]
    if _tape.active:
        op = _CustomOp(getattr(f, "__name__", "f"), grad_fn, len(call_values), positions, variables)
        # Reading the variables here (as TF converts them) lets tapes auto-watch them.
        recorded_inputs = tuple(inputs + [v._convert() for v in variables])
        recorded_outputs = outputs[0] if len(outputs) == 1 else tuple(outputs)
        entry = _tape.record(op, recorded_inputs, recorded_outputs, {}, executed=False)
        if entry is not None:
            # TF: the custom gradient becomes the outputs' only producer.
            output_ids = {o._id for o in outputs}
            for tape in _tape.state.tapes:
                tape.replace_last(entry, identity, output_ids)
    return nest.pack_sequence_as(result, outputs)


def custom_gradient(f=None):
    """Decorator to define a function with a custom gradient.

    The decorated `f(*args, **kwargs)` returns `(y, grad_fn)`: `grad_fn(*upstream)`
    returns one gradient per argument of `f` (None for non-tensors). If `f`
    reads trainable variables, `grad_fn` must take a `variables=None` keyword
    and return `(input_gradients, variable_gradients)`. Written with tapeflow
    ops, `grad_fn` is itself differentiable: nested tapes see through it.

    Unlike TensorFlow, tensors passed as keyword arguments are inputs too: their
    gradients follow the positional ones in `grad_fn`'s result (TF silently
    differentiates through `f` instead, bypassing the custom rule).

    Raises:
      TypeError: if `f` reads variables and `grad_fn` has no `variables` parameter.
      ValueError: (when differentiating) if `grad_fn` returns the wrong number
        of gradients.

    >>> @tf.custom_gradient
    ... def clip_gradients(x):
    ...     return tf.identity(x), lambda dy: tf.clip_by_value(dy, -1.0, 1.0)
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def decorated(*args, **kwargs):
        return _call(f, args, kwargs)

    return decorated


def grad_pass_through(f):
    """Wraps `f` so its gradient is the identity (the upstream gradient passes through).

    `f` runs without being recorded; the result must have its input's shape.

    >>> z = tf.grad_pass_through(tf.round)(x)  # d z / d x == 1
    """

    @custom_gradient
    def passed(*args, **kwargs):
        with _tape.paused():
            result = f(*args, **kwargs)

        def grad_fn(*upstream):
            # One gradient per argument: the upstream one for each, as TF passes it.
            n = len(args) + sum(1 for v in kwargs.values() if isinstance(v, Tensor))
            return (list(upstream) * n)[:n]

        return result, grad_fn

    return functools.wraps(f)(passed) if callable(f) else passed


def recompute_grad(f):
    """Saves memory: the forward keeps no intermediates; backprop recomputes them.

    The decorated function runs `f` with recording paused, so tapes hold only
    its inputs and outputs; the gradient reruns `f` under a tape. Variables
    read by `f` get gradients as usual.
    """
    from .gradient_tape import GradientTape

    @custom_gradient
    def recomputed(*args, **kwargs):
        with _tape.paused():
            result = f(*args, **kwargs)
        values = list(args) + [v for v in kwargs.values() if isinstance(v, Tensor)]
        tensors = [a for a in values if isinstance(a, EagerTensor)]

        def grad_fn(*upstream, variables=None):
            variables = list(variables or [])
            with GradientTape() as tape:
                tape.watch(tensors)
                again = f(*args, **kwargs)
            grads = tape.gradient(
                nest.flatten(again), tensors + variables, output_gradients=list(upstream)
            )
            it = iter(grads[: len(tensors)])
            input_grads = [next(it) if isinstance(a, EagerTensor) else None for a in values]
            return (input_grads, grads[len(tensors) :]) if variables else input_grads

        return result, grad_fn

    return functools.wraps(f)(recomputed)
