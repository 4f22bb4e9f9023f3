"""Python operators on tensors and variables, with TensorFlow's semantics.

`x * y` runs the Mul op's fast path; a Python scalar operand takes the tensor's
dtype; tensors of different dtypes are an error (no promotion). `==` and `!=`
compare elementwise (TF2), and give False for incompatible shapes or values
that cannot be converted, as TF does.

The core (tapeflow/_core) never imports the op library; what it needs of it
is installed here: the operators, iteration (unstack) and auto-packing (stack).
"""

from __future__ import annotations

import numpy as np

from .._core import indexed_slices as _indexed_slices
from .._core import tape as _tape
from .._core import tensor as _tensor
from .._core.accel import compiled as _compiled
from .._core.errors import InvalidArgumentError
from .._core.tensor import EagerTensor, constant, convert_to_tensor
from .._core.variables import Variable
from . import array_ops, bitwise_ops, trig_ops
from . import math_ops as m


# The gather and linear-algebra families load on first use (ops/__init__.py): `x[mask]` and
# `x @ y` import theirs on their first call.
def _boolean_mask(tensor, mask):
    from .gather_ops import boolean_mask

    return boolean_mask(tensor, mask)


def _matmul_operators():
    """`_binary(matmul)`, with linalg's products imported on the first `@`."""
    matmul = None

    def forward(self, other):
        nonlocal matmul
        if matmul is None:
            from .linalg.products import matmul
        return matmul(self, other)

    def reverse(self, other):
        nonlocal matmul
        if matmul is None:
            from .linalg.products import matmul
        return matmul(other, self)

    return forward, reverse


def _densify(values, indices, size: int):
    """IndexedSlices' densify until gather_ops, which holds it, loads and installs its own."""
    from .gather_ops import _densify

    return _densify(values, indices, size)


if _indexed_slices.densify is None:
    _indexed_slices.densify = _densify


def _binary(fn):
    def forward(self, other):
        return fn(self, other)

    def reverse(self, other):
        return fn(other, self)

    return forward, reverse


def _arithmetic(op):
    """The operators of TF's binary_op_wrapper: the other operand takes the tensor's dtype
    (`int_tensor * 1.5` and `1.5 * int_tensor` are TypeErrors)."""

    def forward(self, other):
        return op.binary(self, other)

    def reverse(self, other):
        return op.binary(other, self)

    return forward, reverse


def _add(self, other):
    # TF's _add_dispatch: the right operand's dtype is only hinted by the left's, so
    # `int_tensor + 1.5` is a dtype mismatch (InvalidArgumentError), unlike `-` and `*`.
    return m.add_checked(self, other)


def _logical(logical, bitwise, name: str):
    """`&`, `|`, `^`: logical for bool tensors, bitwise for integer tensors (TF)."""

    def pick(x):
        dtype = x.dtype
        if dtype.is_bool:
            return logical
        if dtype.is_integer:
            return bitwise
        raise TypeError(
            f"unsupported operand type(s) for {name}: only bool and integer tensors are supported"
        )

    def method(self, other):
        return pick(self)(self, other)

    def reverse(self, other):
        return pick(self)(other, self)

    return method, reverse


def _compare_elementwise(op, self, other, incompatible: bool):
    # TF2's == and != compare elementwise; None compares unequal, and tensors whose
    # shapes cannot broadcast give a scalar bool tensor (TF's
    # incompatible_shape_error=False). Dtype errors are raised as usual.
    if other is None:
        return incompatible
    try:
        return op.binary(self, other)
    except InvalidArgumentError as e:
        if "Incompatible shapes" not in str(e):
            raise
        return constant(incompatible)


def _eq(self, other):
    return _compare_elementwise(m.equal, self, other, False)


def _ne(self, other):
    return _compare_elementwise(m.not_equal, self, other, True)


def _neg(self):
    return m.negative(self)


def _invert(self):
    if self.dtype.is_bool:
        return m.logical_not(self)
    if self.dtype.is_integer:
        return bitwise_ops.invert(self)
    raise TypeError("bad operand type for unary ~: only bool and integer tensors are supported")


OPERATORS = {
    "__add__": (_add, _arithmetic(m.add)[1]),
    "__sub__": _arithmetic(m.subtract),
    "__mul__": _arithmetic(m.multiply),
    "__truediv__": _binary(m.truediv),
    "__floordiv__": _arithmetic(m.floordiv),
    "__mod__": _arithmetic(m.floormod),
    "__pow__": _binary(m.pow.binary),
    "__matmul__": _matmul_operators(),
    "__and__": _logical(m.logical_and, bitwise_ops.bitwise_and, "&"),
    "__or__": _logical(m.logical_or, bitwise_ops.bitwise_or, "|"),
    "__xor__": _logical(m.logical_xor, bitwise_ops.bitwise_xor, "^"),
}


if _compiled:  # the same operators and hottest rules in C (_core/_compiled.pyx mirrors them)
    _add_reverse = _compiled.arithmetic(m.add)[1]
    OPERATORS["__add__"] = (_compiled.hinted_add(m.add, m.add_checked), _add_reverse)
    for _name, _op in (
        ("__sub__", m.subtract),
        ("__mul__", m.multiply),
        ("__floordiv__", m.floordiv),
        ("__mod__", m.floormod),
    ):
        OPERATORS[_name] = _compiled.arithmetic(_op)
    _neg = _compiled.unary_operator(m.negative)
    _rules = _compiled.elementwise_rules(
        m.add,
        m.subtract,
        m.multiply,
        m.negative,
        trig_ops.cos,
        trig_ops._tanh_grad,
        m.conj,
        {o.type: o.vjp_rule for o in (m.multiply, m.subtract, trig_ops.sin, trig_ops.tanh)},
    )
    for _op in (m.multiply, m.add, m.subtract, trig_ops.sin, trig_ops.tanh):
        _op.vjp_rule = _rules[_op.type]


def install(cls) -> None:
    """Attaches the operators to `cls` (EagerTensor or Variable)."""
    for name, (forward, reverse) in OPERATORS.items():
        setattr(cls, name, forward)
        setattr(cls, "__r" + name[2:], reverse)
    cls.__neg__ = _neg
    cls.__abs__ = m.abs
    cls.__invert__ = _invert
    cls.__lt__ = _binary(m.less.binary)[0]
    cls.__le__ = _binary(m.less_equal.binary)[0]
    cls.__gt__ = _binary(m.greater.binary)[0]
    cls.__ge__ = _binary(m.greater_equal.binary)[0]
    cls.__eq__ = _eq
    cls.__ne__ = _ne
    cls.__getitem__ = getitem


def getitem(tensor, key):
    """`tensor[key]` with ints, slices (any step), Ellipsis, `tf.newaxis` and scalar int tensors.

    As in TF, a list is read as a tuple (`x[[0, 1]]` is `x[0, 1]`) and a boolean
    tensor or NumPy mask selects like `tf.boolean_mask`. Inside a traced tf.function, a
    plain index that is a call-dependent scalar int tensor is an op input
    (`array_ops.traced_index`), so the trace replays; tensor slice bounds still make
    the call run eagerly.

    Raises:
      TypeError: for other index types (floats, integer arrays), as TF does.
      InvalidArgumentError: for an out-of-range integer index.
    """
    source, tensor = tensor, convert_to_tensor(tensor)
    if type(key) is list:
        key = tuple(key)
    elif array_ops._is_bool_mask(key):
        return _boolean_mask(tensor, key)
    if _tape.state.trace is not None:
        # A call-dependent tensor index: an op input, so a tf.function replay re-indexes.
        out = array_ops.traced_index(tensor, key)
        if out is not None:
            if isinstance(source, Variable):
                out._slice_of = (_TracedSliceOf(source, key), None, "strided_slice")
            return out
    key = array_ops.normalize_index(key, np.shape(tensor._value))
    out = array_ops._strided_slice(tensor, key=key)
    if isinstance(source, Variable):  # TF: a variable's slice has `.assign` (tensor.py)
        out._slice_of = (source, key, "strided_slice")
    return out


class _TracedSliceOf:
    """`v[i].assign` for a slice indexed by call-dependent tensors: the assignment reads
    the indices' values (the trace then runs the call eagerly), as before `traced_index`."""

    __slots__ = ("variable", "key")

    def __init__(self, variable, key):
        self.variable, self.key = variable, key

    def _strided_slice_assign(self, _key, value, name=None):
        key = array_ops.normalize_index(self.key, np.shape(self.variable._tensor._value))
        return self.variable._strided_slice_assign(key, value, name)


def _iter(self):
    if np.ndim(self._value) == 0:
        raise TypeError("Cannot iterate over a scalar tensor.")
    return iter(array_ops.unstack(self))


install(EagerTensor)
install(Variable)
EagerTensor.__iter__ = _iter
_tensor.stack = array_ops.stack  # auto-packing of nested lists that hold tensors
