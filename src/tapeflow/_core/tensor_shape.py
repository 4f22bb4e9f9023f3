"""`tf.TensorShape`: a tuple of dimensions (ints or None) or an unknown rank.

Also TF's `Dimension` (`tf.compat.v1.Dimension`), what `TensorShape.dims` holds, and the
`tf.compat.dimension_value`/`dimension_at_index` bridges.
"""

from __future__ import annotations

from collections.abc import Iterable


def _dim(value):
    """A dimension's value: an int >= 0 or None (TF's Dimension checks and messages)."""
    if value is None:
        return None
    if type(value) is int:  # the common case
        if value < 0:
            raise ValueError(f"Dimension {value} must be >= 0")
        return value
    if isinstance(value, Dimension):
        return value._value
    try:
        dim = int(value.__index__())
    except AttributeError:
        raise TypeError(
            f"Dimension value must be integer or None or have an __index__ method, "
            f"got value '{value!r}' with type '{type(value)!r}'"
        ) from None
    if dim < 0:
        raise ValueError(f"Dimension {dim} must be >= 0")
    return dim


class Dimension:
    """One dimension of a TensorShape: an int or None (unknown), as TF's v1 `Dimension`.

    Comparisons and `==` with an unknown dimension give None; arithmetic with one gives
    `Dimension(None)`; `/` raises TypeError (use `//`), as in TF.

    >>> tf.compat.v1.Dimension(3) + 1
    Dimension(4)
    """

    __slots__ = ("_value",)
    __hash__ = None  # TF's defines __eq__ and no __hash__

    def __init__(self, value):
        self._value = _dim(value)

    @property
    def value(self) -> int | None:
        return self._value

    def __repr__(self) -> str:
        return f"Dimension({self._value!r})"

    def __str__(self) -> str:
        return "?" if self._value is None else str(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __int__(self) -> int:
        return self._value

    def __index__(self) -> int:
        return self._value

    def is_compatible_with(self, other) -> bool:
        other = as_dimension(other)
        return self._value is None or other._value is None or self._value == other._value

    def assert_is_compatible_with(self, other) -> None:
        if not self.is_compatible_with(other):
            raise ValueError(f"Dimensions {self} and {other} are not compatible")

    def merge_with(self, other) -> Dimension:
        other = as_dimension(other)
        self.assert_is_compatible_with(other)
        return Dimension(self._value if other._value is None else other._value)

    def _pair(self, other, fn, compare: bool = False):
        try:
            other = as_dimension(other)
        except (TypeError, ValueError):
            return NotImplemented
        if self._value is None or other._value is None:
            return None if compare else Dimension(None)
        result = fn(self._value, other._value)
        return result if compare else Dimension(result)

    def __eq__(self, other):
        return self._pair(other, lambda a, b: a == b, True)

    def __ne__(self, other):
        return self._pair(other, lambda a, b: a != b, True)

    def __lt__(self, other):
        return self._pair(other, lambda a, b: a < b, True)

    def __le__(self, other):
        return self._pair(other, lambda a, b: a <= b, True)

    def __gt__(self, other):
        return self._pair(other, lambda a, b: a > b, True)

    def __ge__(self, other):
        return self._pair(other, lambda a, b: a >= b, True)

    def __add__(self, other):
        return self._pair(other, lambda a, b: a + b)

    __radd__ = __add__

    def __sub__(self, other):
        return self._pair(other, lambda a, b: a - b)

    def __rsub__(self, other):
        return self._pair(other, lambda a, b: b - a)

    def __mul__(self, other):
        return self._pair(other, lambda a, b: a * b)

    __rmul__ = __mul__

    def __floordiv__(self, other):
        return self._pair(other, lambda a, b: a // b)

    def __rfloordiv__(self, other):
        return self._pair(other, lambda a, b: b // a)

    def __mod__(self, other):
        return self._pair(other, lambda a, b: a % b)

    def __rmod__(self, other):
        return self._pair(other, lambda a, b: b % a)

    def __truediv__(self, other):
        raise TypeError(
            f"unsupported operand type(s) for /: 'Dimension' and '{type(other).__name__}', "
            "please use // instead"
        )

    def __rtruediv__(self, other):
        raise TypeError(
            f"unsupported operand type(s) for /: '{type(other).__name__}' and 'Dimension', "
            "please use // instead"
        )

    def __reduce__(self):
        return Dimension, (self._value,)


def as_dimension(value) -> Dimension:
    """`value` as a Dimension (a Dimension is returned unchanged)."""
    return value if isinstance(value, Dimension) else Dimension(value)


def dimension_value(dimension):
    """The plain value (int or None) of a Dimension, int or None (`tf.compat`)."""
    return dimension.value if isinstance(dimension, Dimension) else dimension


def dimension_at_index(shape, index) -> Dimension:
    """`shape`'s dimension `index` as a Dimension; `Dimension(None)` for an unknown rank."""
    if shape.rank is None:
        return Dimension(None)
    return shape.dims[index]


class TensorShape:
    """The shape of a tensor: `TensorShape([2, 3])`, printed as `(2, 3)`.

    Compares equal to lists and tuples of the same dimensions, indexes to ints
    (slices give TensorShapes) and supports TF's compatibility helpers.

    >>> tf.TensorShape([2, 3]).as_list()
    [2, 3]
    """

    __slots__ = ("_dims",)

    def __init__(self, dims: Iterable | int | None):
        if isinstance(dims, (tuple, list)):  # the common case
            self._dims = tuple([_dim(d) for d in dims])
        elif dims is None:
            self._dims = None
        elif isinstance(dims, TensorShape):
            self._dims = dims._dims
        else:
            try:
                items = iter(dims)
            except TypeError:  # a single dimension
                self._dims = (_dim(dims),)
                return
            dims_list = []
            for d in items:
                try:
                    dims_list.append(_dim(d))
                except TypeError as e:
                    raise TypeError(
                        f"Failed to convert '{dims!r}' to a shape: '{d!r}'could not be "
                        "converted to a dimension. A shape should either be single dimension "
                        "(e.g. 10), or an iterable of dimensions (e.g. [1, 10, None])."
                    ) from e
            self._dims = tuple(dims_list)

    @classmethod
    def _from_tuple(cls, dims: tuple) -> TensorShape:
        """Builds a known shape from a tuple of ints without validation (hot path)."""
        shape = object.__new__(cls)
        shape._dims = dims
        return shape

    @property
    def rank(self) -> int | None:
        return None if self._dims is None else len(self._dims)

    ndims = rank

    @property
    def dims(self) -> list | None:
        """The dimensions as `Dimension`s (TF's: `[Dimension(1), Dimension(None)]`), or None."""
        return None if self._dims is None else [Dimension(d) for d in self._dims]

    def as_list(self) -> list:
        """The dimensions as a list of ints (None for unknown dimensions).

        Raises:
          ValueError: if the rank is unknown.
        """
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)

    def num_elements(self) -> int | None:
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self._dims:
            n *= d
        return n

    def is_fully_defined(self) -> bool:
        return self._dims is not None and all(d is not None for d in self._dims)

    def is_compatible_with(self, other) -> bool:
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return True
        if len(self._dims) != len(other._dims):
            return False
        return all(a is None or b is None or a == b for a, b in zip(self._dims, other._dims))

    def assert_is_compatible_with(self, other) -> None:
        # TF shows `other` as given: 'Shapes (1, 2) and [1, 3] are incompatible'.
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are incompatible")

    def merge_with(self, other) -> TensorShape:
        other = as_shape(other)
        if self._dims is None:
            return other
        if other._dims is None:
            return self
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are not compatible")
        return TensorShape([a if a is not None else b for a, b in zip(self._dims, other._dims)])

    def most_specific_compatible_shape(self, other) -> TensorShape:
        """The most specific shape compatible with both: unknown where they differ."""
        other = as_shape(other)
        if self._dims is None or other._dims is None or len(self._dims) != len(other._dims):
            return TensorShape(None)
        return TensorShape([a if a == b else None for a, b in zip(self._dims, other._dims)])

    def most_specific_common_supertype(self, others) -> TensorShape:
        """The most specific shape every one of `self` and `others` is a subtype of."""
        result = self
        for other in others:
            result = result.most_specific_compatible_shape(other)
        return result

    def is_subtype_of(self, other) -> bool:
        """Whether every shape `self` describes is one `other` describes (False for a
        non-TensorShape `other`, as TF's trace-type rule)."""
        if not isinstance(other, TensorShape):
            return False
        if other._dims is None:
            return True
        if self._dims is None or len(self._dims) != len(other._dims):
            return False
        return all(b is None or a == b for a, b in zip(self._dims, other._dims))

    def assert_is_fully_defined(self) -> None:
        if not self.is_fully_defined():
            raise ValueError(f"Shape {self} is not fully defined")

    def assert_same_rank(self, other) -> None:
        """Raises ValueError unless both ranks are unknown or equal (TF's text)."""
        other = as_shape(other)
        if self._dims is not None and other._dims is not None:
            if len(self._dims) != len(other._dims):
                raise ValueError(f"Shapes {self} and {other} must have the same rank")

    def with_rank_at_least(self, rank: int) -> TensorShape:
        if self._dims is not None and len(self._dims) < rank:
            raise ValueError(f"Shape {self} must have rank at least {rank}")
        return self

    def with_rank_at_most(self, rank: int) -> TensorShape:
        if self._dims is not None and len(self._dims) > rank:
            raise ValueError(f"Shape {self} must have rank at most {rank}")
        return self

    def concatenate(self, other) -> TensorShape:
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return TensorShape(None)
        return TensorShape(self._dims + other._dims)

    def with_rank(self, rank: int) -> TensorShape:
        if self._dims is None:
            return TensorShape([None] * rank)
        if len(self._dims) != rank:
            raise ValueError(f"Shape {self} must have rank {rank}")
        return self

    def assert_has_rank(self, rank: int) -> None:
        if self._dims is not None and len(self._dims) != rank:
            raise ValueError(f"Shape {self} must have rank {rank}")

    def __len__(self) -> int:
        if self._dims is None:
            raise ValueError("Cannot take the length of shape with unknown rank.")
        return len(self._dims)

    def __bool__(self) -> bool:
        return self._dims is not None

    def __iter__(self):
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(self._dims)

    def __getitem__(self, key):
        if self._dims is None:
            if isinstance(key, slice):
                return TensorShape(None)
            return None
        if isinstance(key, slice):
            return TensorShape._from_tuple(self._dims[key])
        return self._dims[key]

    def __eq__(self, other) -> bool:
        try:
            other = as_shape(other)
        except TypeError:
            return NotImplemented
        return self._dims == other._dims

    def __ne__(self, other) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash(self._dims)

    def __add__(self, other) -> TensorShape:
        return self.concatenate(other)

    def __radd__(self, other) -> TensorShape:
        return as_shape(other).concatenate(self)

    def __repr__(self) -> str:
        if self._dims is None:
            return "TensorShape(None)"
        return f"TensorShape({list(self._dims)})"

    def __str__(self) -> str:
        if self._dims is None:
            return "<unknown>"
        if len(self._dims) == 1:
            return f"({self._dims[0]},)"
        return "(" + ", ".join(str(d) for d in self._dims) + ")"

    def __reduce__(self):
        return TensorShape, (None if self._dims is None else list(self._dims),)


def as_shape(shape) -> TensorShape:
    """Converts a list, tuple, int, None or TensorShape to a TensorShape."""
    if isinstance(shape, TensorShape):
        return shape
    if isinstance(shape, (str, bytes)):
        raise TypeError(f"Cannot convert {shape!r} to a TensorShape.")
    return TensorShape(shape)
