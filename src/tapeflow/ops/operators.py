"""Python operators on tensors and variables, with TensorFlow's semantics.

`x * y` runs the Mul op's fast path; a Python scalar operand takes the tensor's
dtype; tensors of different dtypes are an error (no promotion). `==` and `!=`
compare elementwise (TF2), and give False for incompatible shapes or values
that cannot be converted, as TF does.
"""

from __future__ import annotations

from ..tensor import EagerTensor
from ..variables import Variable
from . import array_ops, linalg_ops
from . import math_ops as m


def _binary(fn):
    def forward(self, other):
        return fn(self, other)

    def reverse(self, other):
        return fn(other, self)

    return forward, reverse


def _logical(logical, name: str):
    def method(self, other):
        if self.dtype.is_bool:
            return logical(self, other)
        raise TypeError(f"unsupported operand type(s) for {name}: only bool tensors are supported")

    def reverse(self, other):
        if self.dtype.is_bool:
            return logical(other, self)
        raise TypeError(f"unsupported operand type(s) for {name}: only bool tensors are supported")

    return method, reverse


def _eq(self, other):
    try:
        return m.equal(self, other)
    except Exception:  # noqa: BLE001 - TF answers False for incomparable operands
        return False


def _ne(self, other):
    try:
        return m.not_equal(self, other)
    except Exception:  # noqa: BLE001 - TF answers True for incomparable operands
        return True


def _neg(self):
    return m.negative(self)


def _invert(self):
    if self.dtype.is_bool:
        return m.logical_not(self)
    raise TypeError("bad operand type for unary ~: only bool tensors are supported")


OPERATORS = {
    "__add__": _binary(m.add.binary),
    "__sub__": _binary(m.subtract.binary),
    "__mul__": _binary(m.multiply.binary),
    "__truediv__": _binary(m.truediv),
    "__floordiv__": _binary(m.floordiv.binary),
    "__mod__": _binary(m.floormod.binary),
    "__pow__": _binary(m.pow.binary),
    "__matmul__": _binary(linalg_ops.matmul),
    "__and__": _logical(m.logical_and, "&"),
    "__or__": _logical(m.logical_or, "|"),
    "__xor__": _logical(m.logical_xor, "^"),
}


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
    cls.__getitem__ = array_ops.getitem


install(EagerTensor)
install(Variable)
