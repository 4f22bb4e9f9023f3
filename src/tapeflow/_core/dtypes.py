"""TensorFlow's dtypes as singleton `DType` objects over NumPy dtypes.

Each DType wraps one NumPy dtype; `as_dtype` maps names, NumPy dtypes and
DTypes to the singleton, so `is` comparisons work on the hot path.
"""

from __future__ import annotations

import builtins

import numpy as np

__all__ = [
    "DType",
    "as_dtype",
    "float16",
    "half",
    "float32",
    "float64",
    "double",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "bool",
    "complex64",
    "complex128",
]


class DType:
    """A TensorFlow element type, e.g. `tf.float32`.

    Compares equal to anything `as_dtype` accepts for it: `tf.float32 == np.float32`
    and `tf.float32 == "float32"` are both True, as in TensorFlow.
    """

    # `_differentiable`: gradients flow through it (TF's backprop_util.IsTrainable: the
    # floating and complex dtypes); the one spelling of that test, see is_differentiable.
    __slots__ = ("_name", "_np", "_kind", "_enum", "_differentiable")

    def __init__(self, name: str, np_dtype, enum: int):
        self._name = name
        self._np = np.dtype(np_dtype)
        self._kind = self._np.kind
        self._differentiable = self._kind in "fc"
        self._enum = enum

    @property
    def name(self) -> str:
        return self._name

    @property
    def as_numpy_dtype(self) -> type:
        return self._np.type

    @property
    def as_datatype_enum(self) -> int:
        return self._enum

    @property
    def is_floating(self) -> bool:
        return self._kind == "f"

    @property
    def is_integer(self) -> bool:
        return self._kind in "iu"

    @property
    def is_unsigned(self) -> bool:
        return self._kind == "u"

    @property
    def is_complex(self) -> bool:
        return self._kind == "c"

    @property
    def is_bool(self) -> bool:
        return self._kind == "b"

    @property
    def is_numpy_compatible(self) -> bool:
        return True

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def base_dtype(self) -> DType:
        return self

    @property
    def real_dtype(self) -> DType:
        """The real part's dtype: float32 for complex64, float64 for complex128."""
        if self._kind == "c":
            return float32 if self is complex64 else float64
        return self

    @property
    def size(self) -> int:
        return self._np.itemsize

    @property
    def min(self):
        """The smallest representable value: a NumPy scalar for floats, an int for integers.

        Raises:
          TypeError: for bool and complex dtypes, as in TF.
        """
        if self._kind == "f":
            return np.finfo(self._np).min
        if self._kind in "iu":
            return int(np.iinfo(self._np).min)
        raise TypeError(f"Cannot find minimum value of {self} with type {self}.")

    @property
    def max(self):
        """The largest representable value: a NumPy scalar for floats, an int for integers.

        Raises:
          TypeError: for bool and complex dtypes, as in TF.
        """
        if self._kind == "f":
            return np.finfo(self._np).max
        if self._kind in "iu":
            return int(np.iinfo(self._np).max)
        raise TypeError(f"Cannot find maximum value of {self} with type {self}.")

    @property
    def c_name(self) -> str:
        """The kernel-level type name TF's error messages use ("float" for float32)."""
        return _C_NAMES.get(self._name, self._name)

    @property
    def limits(self):
        return (self.min, self.max)

    def is_compatible_with(self, other) -> bool:
        return self == other

    def __eq__(self, other) -> bool:
        if other is self:
            return True
        if other is None:
            return False
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    # Identity hashing in C: DTypes are singletons, and dtype checks on the op hot
    # path hash them (a Python-level __hash__ would cost a call per check).
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"tf.{self._name}"

    def __str__(self) -> str:
        return f"<dtype: '{self._name}'>"

    def __reduce__(self):
        return as_dtype, (self._name,)


# Enum values are TensorFlow's DataType proto numbers.
float16 = DType("float16", np.float16, 19)
float32 = DType("float32", np.float32, 1)
float64 = DType("float64", np.float64, 2)
int8 = DType("int8", np.int8, 6)
int16 = DType("int16", np.int16, 5)
int32 = DType("int32", np.int32, 3)
int64 = DType("int64", np.int64, 9)
uint8 = DType("uint8", np.uint8, 4)
uint16 = DType("uint16", np.uint16, 17)
uint32 = DType("uint32", np.uint32, 22)
uint64 = DType("uint64", np.uint64, 23)
bool = DType("bool", np.bool_, 10)
complex64 = DType("complex64", np.complex64, 8)
complex128 = DType("complex128", np.complex128, 18)
half = float16
double = float64

ALL = (
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    uint8,
    uint16,
    uint32,
    uint64,
    bool,
    complex64,
    complex128,
)
FLOATING = frozenset((float16, float32, float64))
COMPLEX = frozenset((complex64, complex128))
INEXACT = FLOATING | COMPLEX
INTEGER = frozenset((int8, int16, int32, int64, uint8, uint16, uint32, uint64))
SIGNED_INTEGER = frozenset((int8, int16, int32, int64))
REAL = FLOATING | INTEGER
NUMERIC = REAL | COMPLEX
ANY = frozenset(ALL)
# Dtypes a gradient can flow through (TF's backprop_util.IsTrainable).
TRAINABLE = INEXACT


def is_differentiable(dtype: DType) -> bool:
    """Whether gradients flow through tensors of `dtype` (floating and complex ones).

    Hot paths read the same answer as `dtype._differentiable`.
    """
    return dtype._differentiable


_C_NAMES = {"float16": "half", "float32": "float", "float64": "double"}
_BY_NP = {d._np: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL}
_BY_NAME.update({"half": float16, "float": float32, "double": float64})
_BY_ENUM = {d.as_datatype_enum: d for d in ALL}


def from_numpy(np_dtype) -> DType:
    """The DType of a NumPy dtype object (fast path, no validation beyond lookup)."""
    try:
        return _BY_NP[np_dtype]
    except KeyError:
        raise TypeError(f"Cannot convert {np_dtype!r} to a tapeflow DType.") from None


def as_dtype(type_value) -> DType:
    """Converts the given `type_value` to a `DType`.

    Args:
      type_value: a `DType`, a NumPy dtype or scalar type, a dtype name such as
        `"float32"`, a DataType enum number, or Python's `float` (float32, as in
        TF) or `bool`. Python's `int` is refused, as in TF.

    Returns:
      The matching `DType` singleton.

    Raises:
      TypeError: if `type_value` cannot be converted.

    >>> tf.as_dtype("float32")
    tf.float32
    """
    if isinstance(type_value, DType):
        return type_value
    found = None
    if type_value is float:
        found = float32
    elif type_value is builtins.bool:
        found = bool
    elif isinstance(type_value, str):
        found = _BY_NAME.get(type_value)
    elif isinstance(type_value, int) and not isinstance(type_value, builtins.bool):
        found = _BY_ENUM.get(type_value)
    elif type_value is not int and type_value is not None:
        try:
            found = _BY_NP.get(np.dtype(type_value))
        except TypeError:
            found = None
    if found is None:
        raise TypeError(
            f"Cannot convert the argument `type_value`: {type_value!r} to a TensorFlow DType."
        )
    return found
