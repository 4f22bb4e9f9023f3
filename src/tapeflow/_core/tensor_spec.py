"""`tf.TensorSpec`: the shape and dtype a `tf.function` argument must have."""

from __future__ import annotations

from . import dtypes as _dtypes
from .tensor import Tensor, _is_variable
from .tensor_shape import TensorShape, as_shape


class TensorSpec:
    """Describes a tensor: a (possibly partial) shape, a dtype and an optional name.

    Args:
      shape: anything `tf.TensorShape` accepts; `None` dimensions match any size
        and `shape=None` any rank.
      dtype: the tensor's dtype (default `tf.float32`).
      name: an optional name, part of equality.

    >>> tf.TensorSpec(shape=(None, 3), dtype=tf.float32)
    TensorSpec(shape=(None, 3), dtype=tf.float32, name=None)
    """

    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape, dtype=_dtypes.float32, name=None):
        self._shape = as_shape(shape)
        self._dtype = _dtypes.as_dtype(dtype)
        self._name = name

    @classmethod
    def from_tensor(cls, tensor, name=None) -> TensorSpec:
        """The spec of an existing tensor or variable."""
        return cls(tensor.shape, tensor.dtype, name)

    @classmethod
    def from_spec(cls, spec, name=None) -> TensorSpec:
        """A copy of `spec`, renamed if `name` is given."""
        return cls(spec.shape, spec.dtype, spec.name if name is None else name)

    @property
    def shape(self) -> TensorShape:
        return self._shape

    @property
    def dtype(self) -> _dtypes.DType:
        return self._dtype

    @property
    def name(self):
        return self._name

    def is_compatible_with(self, spec_or_tensor) -> bool:
        """True for a tensor, variable or TensorSpec of this dtype and a compatible shape.

        Other values (NumPy arrays, lists) are never compatible, as in TF.
        """
        other = spec_or_tensor
        if not (isinstance(other, (TensorSpec, Tensor)) or _is_variable(other)):
            return False
        return other.dtype == self._dtype and self._shape.is_compatible_with(other.shape)

    def __eq__(self, other) -> bool:
        if type(other) is not TensorSpec:
            return NotImplemented
        return (
            self._shape == other._shape
            and self._dtype == other._dtype
            and self._name == other._name
        )

    def __ne__(self, other) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash((self._shape, self._dtype))

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self._shape}, dtype={self._dtype!r}, name={self._name!r})"

    def __reduce__(self):
        return TensorSpec, (self._shape, self._dtype, self._name)
