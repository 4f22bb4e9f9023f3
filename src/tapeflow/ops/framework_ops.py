"""TF's graph-building names as they behave eagerly: `ensure_shape`, `identity_n`,
`get_static_value`, `no_op`, `group`, `tuple`, `control_dependencies`, `device`,
`init_scope`, `gradients` and `hessians`.

Eagerly most of these do little: TF runs every op at once on the CPU, so grouping and
control dependencies have nothing to order. What they do do (validate their arguments,
pause tapes, raise) follows TF 2.21's eager code paths, observed and pinned in
tests/test_function_ops.py.
"""

from __future__ import annotations

import contextlib

import numpy as np

from .._core import dtypes as _dt
from .._core import tape as _tape
from .._core.errors import invalid_argument
from .._core.registry import op
from .._core.tensor import Tensor, _is_variable, convert_to_tensor, make
from .._core.tensor_shape import TensorShape
from ._util import tangent_batch
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


def _parse_device(spec: str) -> None:
    """Validates a device string as TF's DeviceSpec.from_string does (same errors)."""
    device_type = None
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
                int(part[1])
        elif n == 3 and part[0] == "device":
            if device_type is not None:
                raise ValueError(
                    f"Multiple device types are not allowed while parsing the device spec: {spec}."
                )
            device_type = part[1]
            if part[2] != "*":
                int(part[2])
        elif n and part[0] != "":
            raise ValueError(
                f"Unknown attribute '{part[0]}' is encountered while parsing the device "
                f"spec: '{spec}'."
            )


class _DeviceContext:
    """The context `tf.device` returns: validates the name on entry; ops stay on the CPU."""

    __slots__ = ("_device_name",)

    def __init__(self, device_name):
        self._device_name = device_name

    def __enter__(self):
        name = self._device_name
        if name is not None:
            if not isinstance(name, str):
                raise ValueError(f"Expecting a string device name. Got {type(name)}({name})")
            _parse_device(name)
        return None

    def __exit__(self, *exc_info):
        return False


def device(device_name):
    """A context manager naming the device for the ops run in it; tapeflow runs them all
    on the CPU, which is what TF's soft placement does on a machine without accelerators
    (`with tf.device("/GPU:0")` runs on the CPU there too).

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
    a tape entered inside it (observed on TF 2.21).
    """
    with _tape.paused():
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
