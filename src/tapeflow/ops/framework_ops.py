"""TF's graph-building names as they behave eagerly: `ensure_shape`, `identity_n`,
`get_static_value`, `no_op`, `group`, `tuple`, `control_dependencies`, `device`,
`init_scope`, `gradients` and `hessians`; and `RegisterGradient` / `no_gradient`, TF's
registry of gradient functions by op type.

Eagerly most of these do little: TF runs every op at once on the CPU, so grouping and
control dependencies have nothing to order. What they do do (validate their arguments,
pause tapes, raise) follows TF 2.21's eager code paths, observed and pinned in
tests/test_function_ops.py.
"""

from __future__ import annotations

import contextlib

import numpy as np

from .._core import backend as _backend
from .._core import dtypes as _dt
from .._core import tape as _tape
from .._core.errors import InternalError, invalid_argument, op_error
from .._core.registry import REGISTRY, install_gradient, load_all, op
from .._core.tensor import Tensor, _is_variable, convert_to_tensor, make
from .._core.tensor_shape import TensorShape
from ..autodiff.gradient_tape import GradientTape
from ._util import tangent_batch
from .math_ops import multiply
from .reduction_ops import reduce_sum
from .samples import cases

# -- ensure_shape ------------------------------------------------------------------------------


def _shape_text(dims) -> str:
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"


@op(
    "EnsureShape",
    dtypes=_dt.ANY,
    keeps=("",),
    sample=cases(([(2, 3)], {"shape": (2, None)}), ([(3,)], {"shape": None})),
)
def _ensure_shape(input, *, shape):
    """`input` itself, once its shape is compatible with `shape` (a tuple, or None)."""
    if shape is not None:
        actual = np.shape(input)
        if len(actual) != len(shape) or any(
            d is not None and d != a for d, a in zip(shape, actual)
        ):
            raise invalid_argument(
                f"Shape of tensor input {_shape_text(actual)} is not compatible with expected "
                f"shape {_shape_text(shape)}."
            )
    return input


@_ensure_shape.vjp
def _ensure_shape_vjp(g, out, input, *, shape, needs):
    return g  # TF's gradient of EnsureShape passes the upstream gradient through


@_ensure_shape.jvp
def _ensure_shape_jvp(t, out, input, *, shape):
    return t[0]


def ensure_shape(x, shape, name=None):
    """Returns `x` (as a tensor) after checking that its shape is compatible with `shape`.

    `shape` is a `TensorShape` or anything it accepts: `None` dimensions match any size and
    `shape=None` (unknown rank) matches every tensor. The gradient passes through.

    Raises:
      InvalidArgumentError: if the shapes are not compatible ("Shape of tensor input [3] is
        not compatible with expected shape [2]." [Op:EnsureShape]).
      TypeError, ValueError: for a `shape` that is no shape (TensorShape's errors).

    >>> tf.ensure_shape(tf.constant([1.0, 2.0]), [None])
    <tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>
    """
    if isinstance(shape, (str, bytes)):
        # TF's TensorShape iterates a string and fails on its first character.
        raise TypeError(
            f"Failed to convert '{shape!r}' to a shape: '{shape[:1]!r}'could not be converted "
            "to a dimension. A shape should either be single dimension (e.g. 10), or an "
            "iterable of dimensions (e.g. [1, 10, None])."
        )
    if not isinstance(shape, TensorShape):
        shape = TensorShape(shape)
    x = convert_to_tensor(x)
    dims = shape._dims
    return _ensure_shape(x, shape=None if dims is None else tuple(dims))


# -- identity_n --------------------------------------------------------------------------------


@op(
    "IdentityN",
    n_outputs=None,
    same_dtype=False,
    keeps=None,
    sample=cases(([(3,), (2, 3)], {}), ([(2,)], {})),
)
def _identity_n(*input):
    return tuple(input)


@_identity_n.vjp
def _identity_n_vjp(gs, outs, *input, needs):
    return tuple(gs)


@_identity_n.jvp
def _identity_n_jvp(t, outs, *input):
    # TF's accumulator gives zeros (not None) for a floating output whose input has no
    # tangent while another input has one (observed on TF 2.21); None for integer outputs.
    batch = tangent_batch(t, input)
    return tuple(
        ti
        if ti is not None
        else (
            make(np.zeros(batch + np.shape(x._value), x._value.dtype), x._dtype)
            if x._dtype._differentiable
            else None
        )
        for ti, x in zip(t, input)
    )


def identity_n(input, name=None):
    """Returns a list of tensors with the values of `input`'s (one op; gradients pass).

    `input` is iterated, as TF iterates it: a tensor gives its rows.

    Raises:
      InvalidArgumentError: if `input` is empty (TF's attr-length error).
      TypeError: if `input` is not iterable.

    >>> tf.identity_n([tf.constant(1.0), tf.constant(2)])
    [<tf.Tensor: shape=(), dtype=float32, numpy=1.0>, <tf.Tensor: shape=(), dtype=int32, numpy=2>]
    """
    tensors = [convert_to_tensor(t) for t in input]
    if not tensors:
        raise invalid_argument(
            "Length for attr 'T' of 0 must be at least minimum 1\n\t; NodeDef: {{node "
            "IdentityN}}; Op<name=IdentityN; signature=input: -> output:; "
            "attr=T:list(type),min=1>",
            "IdentityN",
        )
    return list(_identity_n(*tensors))


# -- values known without running anything ----------------------------------------------------


def get_static_value(tensor, partial=False):
    """The value of `tensor` as NumPy knows it, as TF's eager `get_static_value` returns it.

    A tensor gives its `.numpy()` (a NumPy array, or a NumPy scalar for rank 0); a variable
    gives None (its value may change); anything else (a Python number, list, NumPy array,
    string or None) is returned as it is, unconverted, as TF 2.21 does. `partial` changes
    nothing eagerly.

    >>> tf.get_static_value(tf.constant([1, 2]))
    array([1, 2], dtype=int32)
    """
    if _is_variable(tensor):
        return None
    if isinstance(tensor, Tensor):
        _tape.value_read(tensor, "tf.get_static_value reads a tensor's value")
        return tensor.numpy()
    return tensor


# -- ordering: nothing to order eagerly -------------------------------------------------------


def no_op(name=None):
    """Does nothing; returns None eagerly (TF's NoOp runs and gives no value)."""
    return None


def group(*inputs, **kwargs):
    """Returns None eagerly, whatever `inputs` are (TF checks nothing when executing eagerly:
    not even its keyword arguments)."""
    return None


def tuple_v2(tensors, control_inputs=None, name=None):
    """`tf.tuple` (TF's function is named tuple_v2 too). Returns `tensors` itself eagerly,
    unchanged and unchecked, as TF's eager `tf.tuple` does: a list stays the list, a tensor
    the tensor."""
    return tensors


class NullContextmanager:
    """What `tf.control_dependencies` gives eagerly: a context that does nothing."""

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return None

    def __exit__(self, type_arg, value_arg, traceback_arg):
        return False


def control_dependencies(control_inputs):
    """A context manager that does nothing eagerly, after calling every callable in
    `control_inputs` (TF's eager rule: "any callable object in the `control_inputs` list
    will be called").

    As in TF, `control_inputs` is tested for truth first and then iterated, so TF's warts
    come along: a tensor of several elements raises NumPy's ambiguous-truth ValueError, a
    scalar tensor that is nonzero the TypeError of iterating a scalar, and a non-iterable
    (an int) Python's TypeError.

    >>> with tf.control_dependencies([tf.constant(1.0)]):
    ...     y = tf.constant(2.0)
    """
    if control_inputs:
        for control in control_inputs:
            if callable(control):
                control()
    return NullContextmanager()


# -- devices ----------------------------------------------------------------------------------

# The device types TF 2.21's DeviceSpec parses (observed: DeviceSpecV2._get_valid_device_types).
_DEVICE_TYPES = frozenset({"CPU", "GPU", "TPU", "CUSTOM", "EPU"})


def _parse_device(spec: str) -> tuple:
    """Validates a device string as TF's DeviceSpec.from_string does (same errors), and
    returns its (device_type, index), each None where the string leaves it out."""
    device_type = index = None
    for part in (x.split(":") for x in spec.split("/")):
        n = len(part)
        if n == 2 and part[0] in ("job", "replica", "task"):
            if part[0] != "job":
                int(part[1])  # TF's setter: "invalid literal for int() with base 10: ..."
        elif n in (1, 2) and part[0].upper() in _DEVICE_TYPES:
            if device_type is not None:
                raise ValueError(
                    f"Multiple device types are not allowed while parsing the device spec: {spec}."
                )
            device_type = part[0].upper()
            if n == 2 and part[1] != "*":
                index = int(part[1])
        elif n == 3 and part[0] == "device":
            if device_type is not None:
                raise ValueError(
                    f"Multiple device types are not allowed while parsing the device spec: {spec}."
                )
            device_type = part[1].upper()
            if part[2] != "*":
                index = int(part[2])
        elif n and part[0] != "":
            raise ValueError(
                f"Unknown attribute '{part[0]}' is encountered while parsing the device "
                f"spec: '{spec}'."
            )
    return device_type, index


class _DeviceContext:
    """The context `tf.device` returns: validates the name on entry and makes its device
    the one creation ops and `tf.identity` place their results on (`_core/backend.py`)."""

    __slots__ = ("_device_name",)

    def __init__(self, device_name):
        self._device_name = device_name

    def __enter__(self):
        name = self._device_name
        if name is None:
            _backend.enter_device(None, None, reset=True)
            return None
        if not isinstance(name, str):
            raise ValueError(f"Expecting a string device name. Got {type(name)}({name})")
        _backend.enter_device(*_parse_device(name))
        return None

    def __exit__(self, *exc_info):
        _backend.exit_device()
        return False


def device(device_name):
    """A context manager naming the device for the ops run in it.

    Under a GPU scope (`"/GPU:0"`, `"/device:GPU:1"`), creation ops (`tf.constant`,
    `tf.convert_to_tensor` of Python and NumPy values, `tf.zeros`/`ones`/`fill`, random
    samples, `tf.Variable`'s initial value) return CuPy-backed tensors on that GPU when
    CuPy sees one, and `tf.identity` copies its input there; under `"/CPU:0"` they stay
    on the host, and `tf.identity` copies a GPU tensor back. Ops on GPU tensors run on
    their GPU. A GPU that does not exist is soft-placed as TF places it: another GPU, or
    the CPU when there is none, so on a machine without a GPU everything runs on the CPU.
    Nested scopes merge as TF's device specs do (the inner name's fields win;
    `tf.device(None)` clears the scope).

    Unlike TF, other ops run where their inputs are, in a scope or outside any (TF runs
    them on the scope's device, or outside any scope on its first GPU, copying inputs
    there), and an op given a host tensor of rank 1 or more and a GPU tensor raises
    InvalidArgumentError (CuPy refuses host arrays) where TF copies the host one: move it
    with `tf.identity` under the GPU's scope first.

    The name is checked on entering the context, as TF parses it (its ValueErrors for an
    unknown attribute, two device types or a non-integer index; a non-string name is a
    ValueError). Unlike TF, a well-formed name of a device that does not exist (a remote
    `/job:worker`) raises nothing: TF fails on the first op run there.

    Raises:
      RuntimeError: if `device_name` is a function ("tf.device does not support
        functions.").
    """
    if callable(device_name):
        raise RuntimeError("tf.device does not support functions.")
    return _DeviceContext(device_name)


@contextlib.contextmanager
def init_scope():
    """A context that lifts code out of function-building into the eager context.

    tapeflow is eager, so the one effect is TF's eager one: recording stops. Inside it no
    tape or forward accumulator of this thread records, `GradientTape.watch` does nothing
    and variables read are not watched, so gradients through code in it are None, even for
    a tape entered inside it (observed on TF 2.21). `tf.executing_eagerly()` is True in it.
    """
    with _tape.paused(), _tape.eager_scope():
        yield


# -- symbolic gradients ------------------------------------------------------------------------

_GRADIENTS_EAGERLY = (
    "tf.gradients is not supported when eager execution is enabled. Use tf.GradientTape instead."
)


def gradients(
    ys,
    xs,
    grad_ys=None,
    name="gradients",
    gate_gradients=False,
    aggregation_method=None,
    stop_gradients=None,
    unconnected_gradients="none",
):
    """TF's symbolic gradients, which TF refuses eagerly: always raises RuntimeError
    ("tf.gradients is not supported when eager execution is enabled. Use tf.GradientTape
    instead."), whatever the arguments."""
    raise RuntimeError(_GRADIENTS_EAGERLY)


def hessians(ys, xs, gate_gradients=False, aggregation_method=None, name="hessians"):
    """TF's symbolic Hessians, built on tf.gradients: eagerly the same RuntimeError."""
    raise RuntimeError(_GRADIENTS_EAGERLY)


# -- gradients registered by op type -------------------------------------------------------------

# Op types TF 2.21 registers no gradient function for (not even "not differentiable") among
# those tapeflow runs as ops: the only ones whose gradient a user can register and see used
# eagerly (tests/test_register_gradient.py checks the set against TF's registry).
_TF_UNREGISTERED = frozenset(
    (
        "All",
        "Any",
        "IsFinite",
        "IsInf",
        "IsNan",
        "RandomUniformInt",
        "StatelessRandomGetKeyCounter",
        "TruncateMod",
        "Where",
    )
)
# tapeflow's own op types, unknown to TF: to TF a registration under one of these names is a
# new name (so is any name tapeflow has no op of), which no eager op ever looks up.
_TAPEFLOW_ONLY = frozenset(
    (
        "GatherGrad",
        "GatherLastAxis",
        "ReduceLogSumExp",
        "ScatterLastAxis",
        "TensorIndex",
        "TensorIndexGrad",
    )
)
# Names registered through RegisterGradient / no_gradient: op type -> function, or None.
_USER_GRADIENTS: dict = {}


def _taken(op_type: str) -> bool:
    """Whether TF's gradient registry already holds `op_type` (built in or by the user)."""
    if op_type in _USER_GRADIENTS:
        return True
    return op_type in REGISTRY and op_type not in _TF_UNREGISTERED | _TAPEFLOW_ONLY


def _register(op_type, function) -> None:
    """TF's `Registry.register` for its gradient registry: TypeError, KeyError, or stored."""
    if not isinstance(op_type, str):
        raise TypeError("op_type must be a string")
    load_all()  # the type may be an op of a family not loaded yet
    if _taken(op_type):
        # TF names the place of its own registry code, the same for every name (a TF wart:
        # it means to name the earlier registration's caller): here, this function.
        code = _register.__code__
        raise KeyError(
            f"Registering two gradient with name '{op_type}'! (Previous registration was in "
            f"register {code.co_filename}:{code.co_firstlineno})"
        )
    _USER_GRADIENTS[op_type] = function
    if function is not None and op_type in REGISTRY and op_type not in _TAPEFLOW_ONLY:
        install_gradient(op_type, _user_vjp(op_type, function), _user_jvp(op_type, function))


class RegisterGradient:
    """Decorator registering `fn(op, *grads)` as the gradient of ops of type `op_type`.

    As in TF 2.21 eager mode, a type TF already has a gradient for (nearly every op, and
    any name registered before) raises KeyError: eagerly TF offers no way to override a
    gradient (`Graph.gradient_override_map` does not reach GradientTape). The function is
    used for the few op types TF registers none for (`tf.math.truncatemod`, say); other new
    names are stored and never looked up. `op` is TF's eager stand-in: `op.inputs`,
    `op.outputs`, `op.type`, `op.attrs`, `op.get_attr(name)` and `op.skip_input_indices`
    (the inputs no gradient is needed for, or None); TF's has no `name` or `node_def`
    either. `fn` returns one gradient (or None) per input.

    Raises:
      TypeError: if `op_type` is not a string ("op_type must be a string").
      KeyError: "Registering two gradient with name '<op_type>'! ..." if it is taken.

    >>> @tf.RegisterGradient("TruncateMod")
    ... def _truncate_mod_grad(op, grad):
    ...     return grad, None
    """

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, f):
        """Registers `f` and returns it unchanged."""
        _register(self._op_type, f)
        return f


def no_gradient(op_type: str) -> None:
    """Declares ops of type `op_type` not differentiable: their gradients are None.

    Raises TypeError for a non-string and KeyError ("Registering two gradient with name
    ...") for a type TF's registry already holds, as `RegisterGradient` does.

    >>> tf.no_gradient("MyCustomOp")
    """
    _register(op_type, None)


_NO_CONTROL_FLOW = (
    "tf.GradientTape.gradients() does not support graph control flow operations like "
    "tf.cond or tf.while at this time. Use tf.gradients() instead. If you need this "
    "feature, please file a feature request at "
    "https://github.com/tensorflow/tensorflow/issues/new"
)


class _MockOp:
    """TF's eager stand-in for a tf.Operation, given to registered gradient functions.

    Named as TF names it, so a missing attribute reads as TF's AttributeError.
    """

    def __init__(self, attrs: tuple, inputs: tuple, outputs: list, typ: str, skip):
        self.attrs = attrs
        self.inputs = inputs
        self.outputs = outputs
        self.type = typ
        self.skip_input_indices = skip

    def get_attr(self, attr):
        """The attribute's value (`"T"`: the dtype of the first input)."""
        for i in range(0, len(self.attrs), 2):
            if self.attrs[i] == attr:
                value = self.attrs[i + 1]
                return _dt.as_dtype(value) if attr == "T" else value
        raise invalid_argument(f"Attribute '{attr}' does not exist for this operation")

    def _get_control_flow_context(self):
        raise NotImplementedError(_NO_CONTROL_FLOW)


def _mock_op(op_type: str, inputs: tuple, outs, attrs: dict, needs) -> _MockOp:
    # TF's attr tuple alternates names and values, the dtype attr "T" as its enum.
    flat: list = ["T", inputs[0]._dtype.as_datatype_enum] if inputs else []
    for key, value in attrs.items():
        flat += [key, value]
    skip = tuple(i for i, need in enumerate(needs) if not need) or None
    outputs = list(outs) if type(outs) is tuple else [outs]
    return _MockOp(tuple(flat), inputs, outputs, op_type, skip)  # as TF: a tuple, a list


def _user_vjp(op_type: str, function):
    def vjp(g, outs, *inputs, needs, **attrs):
        grads = g if type(outs) is tuple else (g,)
        result = function(_mock_op(op_type, inputs, outs, attrs, needs), *grads)
        result = tuple(result) if isinstance(result, (list, tuple)) else (result,)
        if len(result) != len(inputs):  # "too few" either way, as TF 2.21 words it
            raise op_error(
                InternalError,
                f"Recorded operation '{op_type}' returned too few gradients. Expected "
                f"{len(inputs)} but received {len(result)}",
            )
        return tuple(None if r is None else convert_to_tensor(r) for r in result)

    return vjp


def _user_jvp(op_type: str, function):
    vjp = _user_vjp(op_type, function)

    def jvp(tangents, outs, *inputs, **attrs):
        # J t = d<J^T u, t>/du: the registered VJP transposed with a tape (linear in u).
        several = type(outs) is tuple
        outputs = list(outs) if several else [outs]
        needs = tuple(t is not None for t in tangents)
        with GradientTape() as tape:
            u = [make(np.zeros_like(o._value), o._dtype) for o in outputs]
            tape.watch(u)
            cotangents = vjp(tuple(u) if several else u[0], outs, *inputs, needs=needs, **attrs)
            terms = [
                reduce_sum(multiply(c, t))
                for c, t in zip(cotangents, tangents)
                if c is not None and t is not None
            ]
            total = terms[0] if terms else None
            for term in terms[1:]:
                total = total + term
        if total is None:
            return (None,) * len(outputs) if several else None
        result = tape.gradient(total, u)
        return tuple(result) if several else result[0]

    return jvp
