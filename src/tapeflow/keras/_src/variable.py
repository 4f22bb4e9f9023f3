"""`keras.Variable`: Keras 3's own variable class, wrapping a `tf.Variable`.

As in tf.keras 2.21 (a wart kept on purpose): it is not a `tf.Variable` (`isinstance` is
False), its `dtype` is a string (`'float32'`), its `name` has no `:0` and it has a `path`
(the name scopes at creation, `dense/kernel`). It works wherever a tensor does (ops,
operators, NumPy), as a `GradientTape` source, and is unhashable, as Keras' is.
"""

from __future__ import annotations

import numpy as np

import tapeflow as tf

from . import naming
from .scopes import in_symbolic_scope

_ALLOWED_DTYPES = {
    "float16", "float32", "float64", "bfloat16", "uint8", "uint16", "uint32", "uint64",
    "int8", "int16", "int32", "int64", "bool", "string", "complex64", "complex128",
}  # fmt: skip
_PYTHON_DTYPES = {bool: "bool", int: "int64", float: "float32", str: "string"}


def standardize_dtype(dtype) -> str:
    """A dtype as Keras names it: None -> floatx(), tf/NumPy dtypes and Python types -> str."""
    from .backend import floatx

    if dtype is None:
        return floatx()
    dtype = _PYTHON_DTYPES.get(dtype, dtype)
    if dtype == "int":
        dtype = "int64"
    if hasattr(dtype, "name"):
        dtype = dtype.name
    elif hasattr(dtype, "__name__"):
        dtype = dtype.__name__
    if dtype not in _ALLOWED_DTYPES:
        raise ValueError(f"Invalid dtype: {dtype}")
    return dtype


def standardize_shape(shape) -> tuple:
    """A shape as a tuple of ints and Nones, with Keras' errors for anything else."""
    if not isinstance(shape, tuple):
        if shape is None:
            raise ValueError("Undefined shapes are not supported.")
        if not hasattr(shape, "__iter__"):
            raise ValueError(f"Cannot convert '{shape}' to a shape.")
        if isinstance(shape, tf.TensorShape):
            shape = shape.as_list()
    out = []
    for d in shape:
        if d is None:
            out.append(d)
            continue
        if isinstance(d, (str, float)):
            raise ValueError(
                f"Cannot convert '{shape}' to a shape. "
                f"Found invalid dimension '{d}' of type '{type(d)}'. "
            )
        try:
            d = int(d)
        except Exception as e:
            raise ValueError(
                f"Cannot convert '{shape}' to a shape. "
                f"Found invalid dimension '{d}' of type '{type(d)}'. "
            ) from e
        if d < 0:
            raise ValueError(
                f"Cannot convert '{shape}' to a shape. Negative dimensions are not allowed."
            )
        out.append(d)
    return tuple(out)


def _binary(name):
    def method(self, other):
        return getattr(self._value, name)(other)

    method.__name__ = name
    return method


def _unary(name):
    def method(self):
        return getattr(self._value, name)()

    method.__name__ = name
    return method


class Variable:
    """A Keras variable: `keras.Variable(initializer, shape=None, dtype=None, trainable=True,
    autocast=True, aggregation='none', synchronization='auto', name=None)`.

    `initializer` is a value (array, tensor, number) or an initializer (a name such as
    `'zeros'` or a callable `f(shape, dtype)`, which then needs `shape`).
    """

    __hash__ = None  # Keras' variables define `==` elementwise, so are unhashable

    def __init__(
        self,
        initializer,
        shape=None,
        dtype=None,
        trainable=True,
        autocast=True,
        aggregation="none",
        synchronization="auto",
        name=None,
        **kwargs,
    ):
        if kwargs:
            unknown = next(iter(kwargs))
            raise TypeError(f"Variable.__init__() got an unexpected keyword argument '{unknown}'")
        name = name or naming.auto_name(type(self).__name__)
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name}"
            )
        if aggregation not in (None, "none", "mean", "sum", "only_first_replica"):
            raise ValueError(
                "Invalid value for argument `aggregation`. Expected one of `None`, `'none'`, "
                "`'mean'`, `'sum'`, `'only_first_replica'`. "
                f"Received: aggregation={aggregation}"
            )
        if synchronization not in (None, "none", "on_read", "on_write", "auto"):
            raise ValueError(
                "Invalid value for argument `synchronization`. Expected one of `None`, "
                "`'none'`, `'on_read'`, `'on_write'`, `'auto'`. "
                f"Received: synchronization={synchronization}"
            )
        self._name = name
        parent = naming.current_path()
        self._path = f"{parent}/{name}" if parent else name
        self._trainable = bool(trainable)
        self._autocast = bool(autocast)
        self._aggregation = aggregation or "none"
        self._synchronization = synchronization or "none"
        self._regularizer = None
        self._constraint = None
        self._overwrite_with_gradient = False
        if isinstance(initializer, str):
            from . import initializers

            initializer = initializers.get(initializer)
        if callable(initializer):
            if shape is None:
                raise ValueError(
                    "When creating a Variable from an initializer, the `shape` argument "
                    f"should be specified. Received: initializer={initializer} "
                    f"and shape={shape}"
                )
            self._dtype = standardize_dtype(dtype)
            self._shape = standardize_shape(shape)
            if None in self._shape:
                raise ValueError(
                    "Shapes used to initialize variables must be fully-defined (no `None` "
                    f"dimensions). Received: shape={self._shape} for variable "
                    f"path='{self._path}'"
                )
            value = tf.convert_to_tensor(initializer(self._shape, dtype=self._dtype))
            value = tf.cast(value, self._dtype)
        else:
            value = tf.convert_to_tensor(initializer, dtype=dtype and standardize_dtype(dtype))
            self._dtype = value.dtype.name
            self._shape = tuple(value.shape.as_list())
        # TF names the wrapped variable inside the layers' name scopes: `dense/kernel:0`.
        self._value = tf.Variable(value, trainable=self._trainable, name=self._path)

    # -- the wrapped tf.Variable ---------------------------------------------------------------
    @property
    def _tapeflow_variable(self):
        """The tf.Variable tapes watch and differentiate (see `_core.tensor._wrapped_variable`)."""
        return self._value

    def __tf_tensor__(self, dtype=None, name=None):
        return tf.convert_to_tensor(self._value, dtype=dtype, name=name)

    @property
    def value(self):
        """The wrapped `tf.Variable` (tf.keras' value)."""
        return self._value

    def numpy(self):
        return self._value.numpy()

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._value.numpy(), dtype=dtype)

    # -- assignment ----------------------------------------------------------------------------
    def assign(self, value):
        """Sets the value; returns the assigned tensor (not the variable, as Keras)."""
        value = tf.convert_to_tensor(value, dtype=self._dtype)
        if tuple(value.shape.as_list()) != self._shape:
            raise ValueError(
                "The shape of the target variable and the shape of the target value in "
                "`variable.assign(value)` must match. "
                f"variable.shape={self.shape}, Received: value.shape={value.shape}. "
                f"Target variable: {self}"
            )
        if not in_symbolic_scope():  # placeholders' updates are discarded
            self._value.assign(value)
        return value

    def assign_add(self, value):
        return self.assign(self + value)

    def assign_sub(self, value):
        return self.assign(self - value)

    # -- attributes ----------------------------------------------------------------------------
    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def shape(self):
        return tf.TensorShape(self._shape)

    @property
    def ndim(self) -> int:
        return len(self._shape)

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        self._value._trainable = self._trainable

    @property
    def name(self) -> str:
        return self._name

    @property
    def path(self) -> str:
        return self._path

    @property
    def aggregation(self):
        return self._aggregation

    @property
    def synchronization(self):
        return self._synchronization

    @property
    def overwrite_with_gradient(self):
        return self._overwrite_with_gradient

    @overwrite_with_gradient.setter
    def overwrite_with_gradient(self, value):
        if not isinstance(value, bool):
            raise TypeError(f"`overwrite_with_gradient` must be a boolean. Received: {value}")
        self._overwrite_with_gradient = value

    @property
    def regularizer(self):
        return self._regularizer

    @regularizer.setter
    def regularizer(self, value):
        if value is not None and not callable(value):
            raise ValueError(
                "Invalid value for attribute `regularizer`. Expected a callable (such as a "
                "`keras.regularizers.Regularizer` instance) or `None`. "
                f"Received: regularizer={value}"
            )
        self._regularizer = value

    @property
    def constraint(self):
        return self._constraint

    @constraint.setter
    def constraint(self, value):
        if value is not None and not callable(value):
            raise ValueError(
                "Invalid value for attribute `constraint`. Expected a callable (such as a "
                "`keras.constraints.Constraint` instance) or `None`. "
                f"Received: constraint={value}"
            )
        self._constraint = value

    def __repr__(self):
        return (
            f"<Variable path={self._path}, shape={self.shape}, dtype={self._dtype}, "
            f"value={self._value.numpy()}>"
        )

    # -- a tensor's behaviour ------------------------------------------------------------------
    def __getitem__(self, idx):
        return self._value[idx]

    def __int__(self):
        if self._shape:
            raise TypeError(
                f"Only scalar arrays can be converted to Python scalars. Got: shape={self.shape}"
            )
        return int(self._value.numpy())

    def __float__(self):
        if self._shape:
            raise TypeError(
                f"Only scalar arrays can be converted to Python scalars. Got: shape={self.shape}"
            )
        return float(self._value.numpy())

    def __bool__(self):
        raise TypeError("A Keras Variable cannot be used as a boolean.")

    def __pos__(self):
        return tf.convert_to_tensor(self._value)

    __neg__ = _unary("__neg__")
    __abs__ = _unary("__abs__")
    __invert__ = _unary("__invert__")
    __eq__ = _binary("__eq__")
    __ne__ = _binary("__ne__")
    __lt__ = _binary("__lt__")
    __le__ = _binary("__le__")
    __gt__ = _binary("__gt__")
    __ge__ = _binary("__ge__")
    __add__ = _binary("__add__")
    __radd__ = _binary("__radd__")
    __sub__ = _binary("__sub__")
    __rsub__ = _binary("__rsub__")
    __mul__ = _binary("__mul__")
    __rmul__ = _binary("__rmul__")
    __truediv__ = _binary("__truediv__")
    __rtruediv__ = _binary("__rtruediv__")
    __floordiv__ = _binary("__floordiv__")
    __rfloordiv__ = _binary("__rfloordiv__")
    __mod__ = _binary("__mod__")
    __rmod__ = _binary("__rmod__")
    __pow__ = _binary("__pow__")
    __rpow__ = _binary("__rpow__")
    __matmul__ = _binary("__matmul__")
    __rmatmul__ = _binary("__rmatmul__")
    __and__ = _binary("__and__")
    __rand__ = _binary("__rand__")
    __or__ = _binary("__or__")
    __ror__ = _binary("__ror__")
    __xor__ = _binary("__xor__")
    __rxor__ = _binary("__rxor__")

    def __format__(self, spec):
        # `f"{v}"` is the repr, as for Keras' variables; a format spec formats the value.
        return format(self._value.numpy(), spec) if spec else repr(self)
