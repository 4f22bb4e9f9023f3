"""Symbolic tensors for the Functional API: `KerasTensor`, operations, nodes and the
symbolic scope in which a layer's output shape and dtype are computed.

A layer called on KerasTensors records a `Node` (operation, arguments, outputs) and sets
`_keras_history = (operation, node_index, tensor_index)` on each output. Output specs come
from `compute_output_shape` when a layer defines it; otherwise `call` runs on zeros under the
symbolic scope (variables keep their values, losses are not kept) twice, with each unknown
dimension set to 83 and then 89, and the dimensions that differ are unknown (as Keras' own
NumPy backend does it).
"""

from __future__ import annotations

import numpy as np

import tapeflow as tf

from . import naming
from .scopes import in_symbolic_scope, symbolic_scope  # noqa: F401 - re-exported
from .variable import standardize_dtype, standardize_shape

_TF_FUNCTION_MESSAGE = (
    "A KerasTensor cannot be used as input to a TensorFlow function. A KerasTensor is a "
    "symbolic placeholder for a shape and dtype, used when constructing Keras Functional "
    "models or Keras Functions. You can only use it as input to a Keras layer or a Keras "
    "operation (from the namespaces `keras.layers` and `keras.ops`). You are likely doing "
    "something like:\n\n```\nx = Input(...)\n...\ntf_fn(x)  # Invalid.\n```\n\n"
    "What you should do instead is wrap `tf_fn` in a layer:\n\n```\nclass MyLayer(Layer):\n"
    "    def call(self, x):\n        return tf_fn(x)\n\nx = MyLayer()(x)\n```\n"
)


class KerasTensor:
    """A symbolic placeholder for a shape (a tuple with None for unknown dimensions) and a
    dtype (a string), as `keras.Input` returns."""

    def __init__(self, shape, dtype="float32", sparse=False, ragged=False, name=None):
        self._shape = standardize_shape(shape)
        self._dtype = standardize_dtype(dtype)
        self._sparse = bool(sparse)
        self._ragged = bool(ragged)
        self.name = name or naming.auto_name(type(self).__name__)

    @property
    def shape(self) -> tuple:
        return self._shape

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def ndim(self) -> int:
        return len(self._shape)

    @property
    def sparse(self) -> bool:
        return self._sparse

    @property
    def ragged(self) -> bool:
        return self._ragged

    def reshape(self, newshape):
        return symbolic_function("reshape", lambda x: tf.reshape(x, newshape))(self)

    def __tf_tensor__(self, dtype=None, name=None):
        raise ValueError(_TF_FUNCTION_MESSAGE)

    def __array__(self, dtype=None, copy=None):
        raise ValueError(
            "A KerasTensor is symbolic: it's a placeholder for a shape an a dtype. It doesn't "
            "have any actual numerical value. You cannot convert it to a NumPy array."
        )

    def __repr__(self):
        return (
            f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse={self.sparse}, "
            f"ragged={self.ragged}, name={self.name}>"
        )

    def __iter__(self):
        raise TypeError("Iterating over a symbolic KerasTensor is not supported.")

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a boolean.")

    def __getitem__(self, key):
        return symbolic_function("get_item", lambda x: x[key])(self)


def _operator(name, symbol, reflected=False):
    def method(self, other):
        if reflected:
            return symbolic_function(name, lambda a, b: symbol(b, a))(self, other)
        return symbolic_function(name, symbol)(self, other)

    return method


def _install_operators():
    import operator

    table = {
        "add": operator.add, "subtract": operator.sub, "multiply": operator.mul,
        "divide": operator.truediv, "floor_divide": operator.floordiv, "mod": operator.mod,
        "power": operator.pow, "matmul": operator.matmul, "logical_and": operator.and_,
        "logical_or": operator.or_, "logical_xor": operator.xor,
    }  # fmt: skip
    dunders = {
        "add": "add", "subtract": "sub", "multiply": "mul", "divide": "truediv",
        "floor_divide": "floordiv", "mod": "mod", "power": "pow", "matmul": "matmul",
        "logical_and": "and", "logical_or": "or", "logical_xor": "xor",
    }  # fmt: skip
    for name, fn in table.items():
        dunder = dunders[name]
        setattr(KerasTensor, f"__{dunder}__", _operator(name, fn))
        setattr(KerasTensor, f"__r{dunder}__", _operator(name, fn, reflected=True))
    comparisons = {
        "less": operator.lt, "less_equal": operator.le, "greater": operator.gt,
        "greater_equal": operator.ge, "equal": operator.eq, "not_equal": operator.ne,
    }  # fmt: skip
    for name, fn in comparisons.items():
        setattr(KerasTensor, f"__{fn.__name__}__", _operator(name, fn))
    unary = {"negative": ("neg", operator.neg), "absolute": ("abs", operator.abs),
             "logical_not": ("invert", operator.invert)}  # fmt: skip
    for name, (dunder, fn) in unary.items():
        setattr(
            KerasTensor,
            f"__{dunder}__",
            lambda self, _n=name, _f=fn: symbolic_function(_n, _f)(self),
        )


_install_operators()
KerasTensor.__hash__ = object.__hash__


def is_keras_tensor(x) -> bool:
    return isinstance(x, KerasTensor)


def any_symbolic_tensors(args=None, kwargs=None) -> bool:
    for x in tf.nest.flatten((args, kwargs)):
        if isinstance(x, KerasTensor):
            return True
    return False


# -- operations and nodes ----------------------------------------------------------------------
class Node:
    """One call of an operation on symbolic tensors: its arguments and outputs."""

    def __init__(self, operation, call_args=(), call_kwargs=None, outputs=None):
        self.operation = operation
        self.arguments_structure = (tuple(call_args), dict(call_kwargs or {}))
        self.input_tensors = [x for x in tf.nest.flatten(self.arguments_structure)
                              if isinstance(x, KerasTensor)]  # fmt: skip
        self.outputs = [] if outputs is None else tf.nest.flatten(outputs)
        self.outputs_structure = outputs
        self.parent_nodes = []
        for x in self.input_tensors:
            history = getattr(x, "_keras_history", None)
            if history is not None:
                op, node_index, _ = history
                parent = op._inbound_nodes[node_index]
                if parent not in self.parent_nodes:
                    self.parent_nodes.append(parent)
                op._outbound_nodes.append(self)
        index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for i, x in enumerate(self.outputs):
            if isinstance(x, KerasTensor):
                x._keras_history = (operation, index, i)

    @property
    def is_input(self) -> bool:
        return not self.input_tensors


def _concrete(x, fill: int):
    if isinstance(x, KerasTensor):
        shape = tuple(fill if d is None else d for d in x.shape)
        return tf.zeros(shape, dtype=x.dtype)
    return x


def compute_output_spec(fn, *args, **kwargs):
    """KerasTensors for `fn(*args, **kwargs)`: `fn` runs on zeros, with every unknown
    dimension 83, then 89 (only if there is one); dimensions that differ are unknown."""
    flat = tf.nest.flatten((args, kwargs))
    unknown = any(isinstance(x, KerasTensor) and None in x.shape for x in flat)
    with symbolic_scope():
        first = tf.nest.map_structure(lambda x: _concrete(x, 83), (args, kwargs))
        out_a = fn(*first[0], **first[1])
        if unknown:
            second = tf.nest.map_structure(lambda x: _concrete(x, 89), (args, kwargs))
            out_b = fn(*second[0], **second[1])
        else:
            out_b = out_a

    def spec(a, b):
        if a is None:
            return None
        if not hasattr(a, "shape"):
            return a
        sa, sb = tuple(np.shape(a)), tuple(np.shape(b))
        shape = tuple(d if d == e else None for d, e in zip(sa, sb))
        return KerasTensor(shape, dtype=standardize_dtype(a.dtype))

    return tf.nest.map_structure(spec, out_a, out_b)


class Operation:
    """A callable that records a `Node` when called on KerasTensors (Keras' Operation)."""

    def __init__(self, name=None):
        if name is None:
            name = naming.auto_name(type(self).__name__)
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name} (of type {type(name)})"
            )
        self.name = name
        self._inbound_nodes = []
        self._outbound_nodes = []

    def __call__(self, *args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def symbolic_call(self, *args, **kwargs):
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, args, kwargs, outputs)
        return outputs

    def compute_output_spec(self, *args, **kwargs):
        return compute_output_spec(self.call, *args, **kwargs)

    def call(self, *args, **kwargs):
        raise TypeError(f"Operation {type(self).__name__} has no `call` method.")

    @property
    def input(self):
        """The input KerasTensor(s) of the operation's first symbolic call."""
        return self._node_attribute(0, "input_tensors", "input")

    @property
    def output(self):
        """The output KerasTensor(s) of the operation's first symbolic call (how a Sequential
        model built on an Input gives each layer's activations for a feature extractor)."""
        return self._node_attribute(0, "outputs", "output")

    def _node_attribute(self, node_index, attr, attr_name):
        if not self._inbound_nodes:
            raise AttributeError(
                f"The layer {self.name} has never been called and thus has no defined {attr_name}."
            )
        if not len(self._inbound_nodes) > node_index:
            raise ValueError(
                f"Asked to get {attr_name} at node {node_index}, but the operation has only "
                f"{len(self._inbound_nodes)} inbound nodes."
            )
        values = getattr(self._inbound_nodes[node_index], attr)
        return values[0] if isinstance(values, list) and len(values) == 1 else values


class _FunctionOperation(Operation):
    """A keras.ops function (or an operator) applied to KerasTensors."""

    def __init__(self, name, fn):
        self._fn = fn
        self._class_name = "".join(part.capitalize() for part in name.split("_"))
        super().__init__(name=naming.uniquify(name))

    def call(self, *args, **kwargs):
        return self._fn(*args, **kwargs)


def symbolic_function(name, fn):
    """`fn` as an operation named like Keras' op (`add`, `multiply`, ...)."""
    return _FunctionOperation(name, fn)


def keras_op(name: str):
    """Decorates an eager keras.ops function so that on KerasTensors it records a node
    (`keras.ops.matmul(x, w)` inside a Functional model) instead of computing."""
    import functools

    def wrap(fn):
        @functools.wraps(fn)
        def op(*args, **kwargs):
            if any_symbolic_tensors(args, kwargs):
                return _FunctionOperation(name, fn)(*args, **kwargs)
            return fn(*args, **kwargs)

        return op

    return wrap
