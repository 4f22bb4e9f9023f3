"""`keras.layers.Layer`: Keras 3's layer base class on tapeflow.

As in tf.keras 2.21 (warts kept): a Layer is not a `tf.Module`, and a `tf.Variable`
assigned as an attribute is not tracked (only `keras.Variable`s, layers, metrics and seed
generators are, directly or inside lists and dicts). `training=` given to an outer call
reaches inner layers through the call context even when the outer `call` has no `training`
parameter; `None` means inference.
"""

from __future__ import annotations

import functools
import inspect
import math
import sys
import threading
import warnings

import tapeflow as tf

from .. import naming
from ..backend import floatx
from ..keras_tensor import (
    KerasTensor,
    Node,
    Operation,
    any_symbolic_tensors,
    in_symbolic_scope,
    symbolic_scope,
)
from ..variable import Variable, standardize_dtype, standardize_shape
from .input_spec import assert_input_compatibility

_context = threading.local()
_SERIALIZABLE = (str, int, float, bool, type(None))


class CallContext:
    """The values (`training`) an outer layer call passes to the layers it calls."""

    def __init__(self, entry_layer):
        self.entry_layer = entry_layer
        self.training = None


def _call_context():
    return getattr(_context, "call", None)


class DTypePolicy:
    """`keras.DTypePolicy(name)`: the dtype of a layer's variables and computations."""

    def __init__(self, name=None):
        name = name or floatx()
        if not isinstance(name, str):
            raise TypeError(
                "'name' must be a string, such as 'mixed_float16'. Received: "
                f"name={name} (of type {type(name)})"
            )
        if name.startswith("mixed_"):
            self._compute_dtype, self._variable_dtype = name[len("mixed_") :], "float32"
        else:
            self._compute_dtype = self._variable_dtype = standardize_dtype(name)
        self._name = name

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        return self._compute_dtype

    @property
    def variable_dtype(self):
        return self._variable_dtype

    @property
    def quantization_mode(self):
        return None

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'

    def get_config(self):
        return {"name": self._name}


def _policy(dtype) -> DTypePolicy:
    if dtype is None:
        return DTypePolicy(floatx())
    if isinstance(dtype, DTypePolicy):
        return dtype
    if isinstance(dtype, dict):
        return DTypePolicy(dtype["config"]["name"])
    if isinstance(dtype, str):
        return DTypePolicy(dtype)
    return DTypePolicy(standardize_dtype(dtype))


def serialize_policy(policy: DTypePolicy) -> dict:
    return {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": policy.name},
        "registered_name": None,
    }


# -- tracked containers ------------------------------------------------------------------------
class _TrackedList(list):
    """A list attribute of a layer: layers and variables put in it later are tracked too."""

    def __init__(self, values, owner):
        super().__init__(owner._track_value(v) for v in values)
        self._owner = owner

    def append(self, value):
        super().append(self._owner._track_value(value))

    def extend(self, values):
        super().extend(self._owner._track_value(v) for v in values)

    def insert(self, index, value):
        super().insert(index, self._owner._track_value(value))

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            value = [self._owner._track_value(v) for v in value]
        else:
            value = self._owner._track_value(value)
        super().__setitem__(index, value)

    def __iadd__(self, values):
        self.extend(values)
        return self

    def remove(self, value):
        super().remove(value)
        self._owner._untrack_value(value)

    def pop(self, index=-1):
        value = super().pop(index)
        self._owner._untrack_value(value)
        return value


class _TrackedDict(dict):
    """A dict attribute of a layer: values put in it later are tracked too."""

    def __init__(self, values, owner):
        super().__init__({k: owner._track_value(v) for k, v in dict(values).items()})
        self._owner = owner

    def __setitem__(self, key, value):
        super().__setitem__(key, self._owner._track_value(value))

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]


def _is_seed_generator(value) -> bool:
    return getattr(value, "_keras_seed_generator", False)


def _is_metric(value) -> bool:
    return getattr(value, "_keras_metric", False)


# -- the layer ---------------------------------------------------------------------------------
class Layer(Operation):
    """The base of every Keras layer: `Layer(*, activity_regularizer=None, trainable=True,
    dtype=None, autocast=True, name=None)`.

    Subclasses create state in `__init__` or `build(input_shape)` (with `add_weight`) and
    compute in `call(inputs, ...)`; `layer(x)` converts `x`, checks `input_spec`, builds
    on the first call (inside the layer's name scope, so variables get paths such as
    `dense/kernel`) and runs `call`.
    """

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        obj._auto_config = _auto_config(cls, args, kwargs)
        original_build = obj.build

        @functools.wraps(original_build)
        def build_wrapper(*b_args, **b_kwargs):
            with obj._open_name_scope():
                obj._path = naming.current_path()
                original_build(*b_args, **b_kwargs)
            try:
                bound = inspect.signature(original_build).bind(*b_args, **b_kwargs)
                obj._build_shapes_dict = dict(bound.arguments)
            except TypeError:
                obj._build_shapes_dict = None
            obj.built = True

        object.__setattr__(obj, "build", build_wrapper)
        return obj

    def __init__(
        self,
        *,
        activity_regularizer=None,
        trainable=True,
        dtype=None,
        autocast=True,
        name=None,
        **kwargs,
    ):
        self._initialize_tracker()
        Operation.__init__(self, name=name)
        self._lock = False
        self._dtype_policy = _policy(dtype)
        self.activity_regularizer = _get("regularizers", activity_regularizer)
        input_dim = kwargs.pop("input_dim", None)
        input_shape = (input_dim,) if input_dim is not None else kwargs.pop("input_shape", None)
        if input_shape is not None:
            warnings.warn(
                "Do not pass an `input_shape`/`input_dim` argument to a layer. When using "
                "Sequential models, prefer using an `Input(shape)` object as the first layer "
                "in the model instead.",
                UserWarning,
                stacklevel=2,
            )
            self._input_shape_arg = tuple(input_shape)
        if kwargs:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        self._path = None
        self.built = False
        self.autocast = autocast
        self._input_spec = None
        self._called = False
        self.supports_jit = True
        if not isinstance(trainable, bool):
            raise ValueError(
                "Expected `trainable` to be a boolean. "
                f"Received: trainable={trainable} (of type {type(trainable)})"
            )
        self._trainable = trainable
        self._losses = []
        self._build_shapes_dict = None
        self._parent_path = None
        signature = inspect.signature(self.call)
        self._call_signature = signature
        self.call_signature_parameters = list(signature.parameters)
        self._call_has_training_arg = "training" in signature.parameters
        self._call_has_mask_arg = "mask" in signature.parameters

    def _build_at_init(self):
        """Marks a stateless layer (no `build` of its own) built at construction."""
        if not _has_own_build(self):
            self.built = True

    def _initialize_tracker(self):
        if "_layers" in self.__dict__:
            return
        object.__setattr__(self, "_trainable_variables", [])
        object.__setattr__(self, "_non_trainable_variables", [])
        object.__setattr__(self, "_layers", [])
        object.__setattr__(self, "_metrics", [])
        object.__setattr__(self, "_seed_generators", [])

    def _check_super_called(self):
        if self.__dict__.get("_lock", True):
            raise RuntimeError(
                f"In layer '{type(self).__name__}', you forgot to call `super().__init__()` as "
                "the first statement in the `__init__()` method. Go add it!"
            )

    # -- tracking ------------------------------------------------------------------------------
    def _track_value(self, value):
        """Registers a variable, layer, metric or seed generator (and wraps containers)."""
        if isinstance(value, Variable):
            store = self._trainable_variables if value.trainable else self._non_trainable_variables
            if not any(v is value for v in store):
                store.append(value)
        elif isinstance(value, Layer) and not _is_metric(value):
            if not any(v is value for v in self._layers):
                self._layers.append(value)
        elif _is_metric(value):
            if not any(v is value for v in self._metrics):
                self._metrics.append(value)
        elif _is_seed_generator(value):
            if not any(v is value for v in self._seed_generators):
                self._seed_generators.append(value)
        elif type(value) is list:
            return _TrackedList(value, self)
        elif type(value) is dict:
            return _TrackedDict(value, self)
        elif type(value) is tuple:
            for v in value:
                self._track_value(v)
        return value

    def _untrack_value(self, value):
        for store in (self._trainable_variables, self._non_trainable_variables, self._layers,
                      self._metrics, self._seed_generators):  # fmt: skip
            for i, v in enumerate(store):
                if v is value:
                    del store[i]
                    return

    def __setattr__(self, name, value):
        if "_layers" not in self.__dict__:
            self._initialize_tracker()
        if not name.startswith("__") and name not in _UNTRACKED:
            value = self._track_value(value)
        object.__setattr__(self, name, value)
        if "_layers" in self.__dict__:
            _note_new_child(self, name, value)

    def __delattr__(self, name):
        value = self.__dict__.get(name)
        if value is not None:
            self._untrack_value(value)
        object.__delattr__(self, name)

    # -- weights -------------------------------------------------------------------------------
    def add_weight(
        self,
        *args,
        shape=None,
        initializer=None,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        aggregation="none",
        overwrite_with_gradient=False,
        name=None,
    ):
        """Adds a weight: `add_weight(shape=None, initializer=None, dtype=None,
        trainable=True, ..., name=None)` (shape, initializer, dtype may be positional).

        `initializer=None` is glorot_uniform for float dtypes and zeros otherwise.
        """
        self._check_super_called()
        if args:
            if len(args) > 3:
                raise TypeError(
                    f"add_weight() takes at most 3 positional arguments but {len(args)} were given."
                )
            if isinstance(args[0], str):
                raise ValueError(
                    "`name` must be passed as a keyword argument. "
                    f"Received: add_weight('{args[0]}', ...). "
                    f"Use: add_weight(shape=..., name='{args[0]}')."
                )
            if shape is not None:
                raise ValueError("`shape` was passed both positionally and as a keyword argument.")
            shape = args[0]
            if len(args) > 1:
                if initializer is not None:
                    raise ValueError(
                        "`initializer` was passed both positionally and as a keyword argument."
                    )
                initializer = args[1]
            if len(args) > 2:
                if dtype is not None:
                    raise ValueError(
                        "`dtype` was passed both positionally and as a keyword argument."
                    )
                dtype = args[2]
        if shape is None:
            shape = ()
        dtype = standardize_dtype(dtype) if dtype is not None else self.variable_dtype
        if initializer is None:
            initializer = "glorot_uniform" if "float" in dtype else "zeros"
        initializer = _get("initializers", initializer)
        with naming.name_scope(self.name, caller=self):
            variable = Variable(
                initializer=initializer,
                shape=shape,
                dtype=dtype,
                trainable=trainable,
                autocast=autocast,
                aggregation=aggregation,
                name=name,
            )
        variable.regularizer = _get("regularizers", regularizer)
        variable.constraint = _get("constraints", constraint)
        variable.overwrite_with_gradient = overwrite_with_gradient
        self._track_value(variable)
        if not self.trainable:
            variable.trainable = False
        return variable

    def add_variable(
        self,
        shape,
        initializer,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        name=None,
    ):
        """An alias of `add_weight`."""
        return self.add_weight(
            shape=shape,
            initializer=initializer,
            dtype=dtype,
            trainable=trainable,
            autocast=autocast,
            regularizer=regularizer,
            constraint=constraint,
            name=name,
        )

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        self._trainable = value
        for v in self._trainable_variables:
            v.trainable = value
        for layer in self._layers:
            layer.trainable = value

    def _own_and_children(self, attribute: str, seeds: bool) -> list:
        out, seen = [], set()
        for v in self._trainable_variables + self._non_trainable_variables:
            if id(v) not in seen:
                out.append(v)
                seen.add(id(v))
        if seeds:
            for sg in self._seed_generators:
                out.append(sg.state)
        for layer in self._layers:
            for v in getattr(layer, attribute):
                if id(v) not in seen:
                    out.append(v)
                    seen.add(id(v))
        return out

    @property
    def variables(self) -> list:
        """Every variable of the layer and its sublayers (seed generators' state included)."""
        return self._own_and_children("variables", seeds=True)

    @property
    def trainable_variables(self) -> list:
        return [v for v in self.variables if v.trainable] if self.trainable else []

    @property
    def non_trainable_variables(self) -> list:
        if not self.trainable:
            return self.variables
        return [v for v in self.variables if not v.trainable]

    @property
    def weights(self) -> list:
        """The layer's own and its sublayers' weights (no seed or metric state)."""
        return self._own_and_children("weights", seeds=False)

    @property
    def trainable_weights(self) -> list:
        return [v for v in self.weights if v.trainable] if self.trainable else []

    @property
    def non_trainable_weights(self) -> list:
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    @property
    def metrics(self) -> list:
        metrics = list(self._metrics)
        for layer in self._layers:
            metrics.extend(layer.metrics)
        return metrics

    @property
    def metrics_variables(self) -> list:
        out = []
        for metric in self.metrics:
            out.extend(metric.variables)
        return out

    def get_weights(self) -> list:
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        layer_weights = self.weights
        if len(layer_weights) != len(weights):
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' with a weight list "
                f"of length {len(weights)}, but the layer was expecting {len(layer_weights)} "
                "weights."
            )
        for variable, value in zip(layer_weights, weights):
            shape = standardize_shape(getattr(value, "shape", ()))
            if tuple(variable.shape.as_list()) != shape:
                raise ValueError(
                    f"Layer {self.name} weight shape {variable.shape} is not compatible with "
                    f"provided weight shape {tf.TensorShape(shape)}."
                )
            variable.assign(value)

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't "
                "built. You can build it manually via: `layer.build(input_shape)`."
            )
        return sum(math.prod(tuple(v.shape)) for v in self.weights)

    # -- losses --------------------------------------------------------------------------------
    def add_loss(self, loss):
        """Adds a loss tensor (regularization terms in `call`); `layer.losses` lists them."""
        for x in tf.nest.flatten(loss):
            if not (tf.is_tensor(x) or isinstance(x, KerasTensor)):
                raise ValueError(
                    "`add_loss()` can only be called from inside `build()` or `call()`, on a "
                    f"tensor input. Received invalid value: {x}"
                )
        if in_symbolic_scope():
            return
        self._losses.extend(tf.nest.flatten(loss))

    def _flatten_layers(self, include_self=True, recursive=True) -> list:
        layers = [self] if include_self else []
        seen = set()
        queue = list(self._layers)
        while queue:
            layer = queue.pop(0)
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            layers.append(layer)
            if recursive:
                queue[:0] = layer._layers
        return layers

    @property
    def losses(self) -> list:
        """The losses added in the last call (this layer's and its sublayers'), then the
        weight regularization terms."""
        losses = list(self._losses)
        for layer in self._flatten_layers(include_self=False):
            losses.extend(layer._losses)
        for v in self.trainable_weights:
            if v.regularizer is not None:
                losses.append(v.regularizer(v))
        return losses

    def _clear_losses(self):
        self._losses.clear()
        for layer in self._layers:
            layer._clear_losses()

    # -- dtypes --------------------------------------------------------------------------------
    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        self._dtype_policy = _policy(value)

    @property
    def dtype(self) -> str:
        """The variables' dtype (a string, as Keras)."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    @property
    def input_dtype(self) -> str:
        return self.compute_dtype

    @property
    def path(self):
        """The layer's name scope path once built (None before)."""
        return self._path

    @property
    def input_spec(self):
        return self._input_spec

    @input_spec.setter
    def input_spec(self, value):
        self._input_spec = value

    @property
    def supports_masking(self) -> bool:
        return False

    # -- building and calling ------------------------------------------------------------------
    def build(self, input_shape=None):
        self._check_super_called()
        self.built = True

    def _open_name_scope(self):
        if self._parent_path is None:
            self._parent_path = naming.current_path()
        return naming.name_scope(self.name, caller=self)

    def get_build_config(self):
        if self._build_shapes_dict is not None:
            if len(self._build_shapes_dict) == 1:
                return {"input_shape": tuple(self._build_shapes_dict.values())[0]}
            return {"shapes_dict": self._build_shapes_dict}
        return None

    def build_from_config(self, config):
        if config:
            if "input_shape" in config:
                self.build(config["input_shape"])
            elif "shapes_dict" in config:
                self.build(**config["shapes_dict"])

    def call(self, *args, **kwargs):
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not have a `call()` method implemented."
        )

    def _convert_input(self, x):
        dtype = self.input_dtype
        if isinstance(x, KerasTensor):
            if self.autocast and "float" in x.dtype and x.dtype != dtype:
                from .. import ops

                return ops.cast(x, dtype)
            return x
        if isinstance(x, Variable) or tf.is_tensor(x) or hasattr(x, "__array__"):
            if not tf.is_tensor(x):
                x = tf.convert_to_tensor(x)
            if self.autocast and x.dtype.is_floating and x.dtype.name != dtype:
                x = tf.cast(x, dtype)
        return x

    def __call__(self, *args, **kwargs):
        state = self.__dict__
        if state.get("_lock", True):
            self._check_super_called()
        state["_called"] = True
        first = args[0] if args else None
        if (
            not kwargs
            and len(args) == 1
            and tf.is_tensor(first)
            and first.dtype.name == self.input_dtype
        ):
            symbolic = False  # the common case: one tensor of the right dtype
        else:
            args = tf.nest.map_structure(self._convert_input, args)
            kwargs = tf.nest.map_structure(self._convert_input, kwargs)
            for arg in tf.nest.flatten(args):
                if not (arg is None or tf.is_tensor(arg) or isinstance(arg, KerasTensor)):
                    raise ValueError(
                        "Only input tensors may be passed as positional arguments. The "
                        "following argument value should be passed as a keyword argument: "
                        f"{arg} (of type {type(arg)})"
                    )
            first = args[0] if args else next(iter(kwargs.values()), None)
            symbolic = any_symbolic_tensors(args, kwargs)
        spec = state.get("_input_spec")
        if spec:
            assert_input_compatibility(spec, first, layer_name=self.name)
        if not state.get("built"):
            with self._open_name_scope():
                self._maybe_build(args, kwargs)
            if state.get("_input_spec"):
                assert_input_compatibility(state["_input_spec"], first, layer_name=self.name)

        context = getattr(_context, "call", None)
        entered = context is None
        if entered:
            context = _context.call = CallContext(self)
            self._clear_losses()
        try:
            if "training" in kwargs:
                training = kwargs["training"]
                if not self._call_has_training_arg:
                    kwargs = {k: v for k, v in kwargs.items() if k != "training"}
            elif context.training is not None:
                training = context.training
            else:
                training = self._training_default()
            previous = context.training
            context.training = training
            if training is not None and self._call_has_training_arg:
                kwargs["training"] = training
            try:
                with self._open_name_scope():
                    if symbolic:
                        outputs = self.compute_output_spec(*args, **kwargs)
                        Node(self, args, kwargs, outputs)
                    else:
                        outputs = self._run_call(args, kwargs)
                if not state.get("built"):
                    self.built = True
                if self.activity_regularizer is not None and not in_symbolic_scope():
                    for output in tf.nest.flatten(outputs):
                        if tf.is_tensor(output):
                            loss = self.activity_regularizer(output)
                            if output.shape.rank:
                                batch = tf.cast(tf.shape(output)[0], loss.dtype)
                                loss = tf.math.divide_no_nan(loss, batch)
                            self.add_loss(loss)
            finally:
                context.training = previous
        finally:
            if entered:
                _context.call = None
        return outputs

    def _training_default(self):
        if self._call_has_training_arg:
            default = self._call_signature.parameters["training"].default
            if default is not inspect.Parameter.empty:
                return default
        return None

    def _run_call(self, args, kwargs):
        try:
            return self.call(*args, **kwargs)
        except Exception as e:
            raise _with_call_info(e, self, args, kwargs) from None

    def _maybe_build(self, args, kwargs):
        shapes = _shapes_dict(self._call_signature, args, kwargs)
        if _has_own_build(self):
            self.build(**_shapes_for(self.build, shapes))
            return
        if any(not layer.built for layer in self._layers) and not any_symbolic_tensors(
            args, kwargs
        ):
            # As Keras: `call` runs once on placeholders (zeros here) to build sublayers,
            # with `training` unset; state changes are discarded. If it fails, the real
            # call builds them.
            zeros = tf.nest.map_structure(
                lambda x: tf.zeros_like(x) if tf.is_tensor(x) else x, (args, kwargs)
            )
            saved = getattr(_context, "call", None)
            _context.call = CallContext(self)
            try:
                with symbolic_scope():
                    self.call(*zeros[0], **{k: v for k, v in zeros[1].items() if k != "training"})
            except Exception:
                pass
            finally:
                _context.call = saved
        self.build(next(iter(shapes.values()), None))

    def compute_output_shape(self, *args, **kwargs):
        raise NotImplementedError(
            f"Layer {type(self).__name__} should implement `def compute_output_shape(input_shape)`."
        )

    def compute_output_spec(self, *args, **kwargs):
        if type(self).compute_output_shape is Layer.compute_output_shape:
            return super().compute_output_spec(*args, **kwargs)
        shapes = _shapes_dict(self._call_signature, args, kwargs)
        output_shape = self.compute_output_shape(**_shapes_for(self.compute_output_shape, shapes))
        if (
            isinstance(output_shape, list)
            and output_shape
            and isinstance(output_shape[0], (int, type(None)))
        ):
            output_shape = tuple(output_shape)
        if isinstance(output_shape, tuple) and (
            not output_shape or isinstance(output_shape[0], (int, type(None)))
        ):
            return KerasTensor(output_shape, dtype=self.compute_dtype)
        return _map_shapes(lambda s: KerasTensor(s, dtype=self.compute_dtype), output_shape)

    # -- config and repr -----------------------------------------------------------------------
    def get_config(self) -> dict:
        self._check_super_called()
        config = {"name": self.name}
        auto = self._auto_config
        if type(self).get_config is Layer.get_config and auto is not None:
            config.update(auto)
            params = inspect.signature(self.__init__).parameters
            if "name" not in params and not any(
                p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()
            ):
                config.pop("name", None)
        config["trainable"] = self.trainable
        config["dtype"] = serialize_policy(self._dtype_policy)
        if self.activity_regularizer is not None:
            from .. import regularizers

            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"]["config"]["name"]
        try:
            return cls(**config)
        except Exception as e:
            raise TypeError(
                f"Error when deserializing class '{cls.__name__}' using config={config}.\n\n"
                f"Exception encountered: {e}"
            ) from None

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    __str__ = __repr__

    # -- checkpoints ---------------------------------------------------------------------------
    def _checkpoint_children(self) -> dict:
        """tf.train.Checkpoint's children: the attributes holding a variable or a layer, in
        assignment order (Dense: `_kernel`, `bias`). As in TF 2.21, lists and dicts of
        layers are not saved, and metrics are not trackable."""
        children = {}
        for name, value in self.__dict__.items():
            if name in _UNTRACKED or name.startswith("__"):
                continue
            if isinstance(value, (Variable, Layer)) or (
                hasattr(value, "_checkpoint_children")
                and not _is_metric(value)
                and not isinstance(value, (list, tuple, dict))
            ):
                children[name] = value
        return children


# Attributes the layer machinery sets itself: never tracked, never checkpoint children.
_UNTRACKED = frozenset(
    {
        "_trainable_variables", "_non_trainable_variables", "_layers", "_metrics",
        "_seed_generators", "_inbound_nodes", "_outbound_nodes", "_losses", "_auto_config",
        "_build_shapes_dict", "_input_spec", "_call_signature", "call_signature_parameters",
        "build", "_dtype_policy", "activity_regularizer", "_parent_path", "_path",
    }
)  # fmt: skip


def _note_new_child(parent, name, value):
    """Tells tf.train about a new attribute (a checkpoint restored before it existed). Only
    when tf.train is loaded: nothing can be waiting otherwise."""
    tracking = sys.modules.get("tapeflow.train._tracking")
    if tracking is not None and isinstance(value, (Variable, Layer)):
        from ..scopes import real_state

        with real_state():  # weights built during a symbolic pass still get their values
            tracking.note_new_child(parent, name, value)


def _get(module: str, identifier):
    """`keras.<module>.get(identifier)`; None stays None without loading the module."""
    if identifier is None:
        return None
    import importlib

    return importlib.import_module(f"tapeflow.keras._src.{module}").get(identifier)


def _map_shapes(fn, shapes):
    """Applies `fn` to each shape (a tuple of ints/None) in a nested structure of shapes."""
    if isinstance(shapes, dict):
        return {k: _map_shapes(fn, v) for k, v in shapes.items()}
    if (
        isinstance(shapes, (list, tuple))
        and shapes
        and not isinstance(shapes[0], (int, type(None)))
    ):
        return type(shapes)(_map_shapes(fn, s) for s in shapes)
    return fn(tuple(shapes))


def _has_own_build(layer) -> bool:
    return any("build" in vars(k) for k in type(layer).__mro__ if k not in (Layer, object))


def _shape_of(x):
    if isinstance(x, KerasTensor):
        return x.shape
    if tf.is_tensor(x):
        return tuple(x.shape.as_list())
    return None


def _shapes_dict(signature, args, kwargs) -> dict:
    """`{f"{name}_shape": shape}` for the call's tensor arguments, as Keras names them."""
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        return {"input_shape": tf.nest.map_structure(_shape_of, args[0]) if args else None}
    shapes = {}
    for name, value in bound.arguments.items():
        if name in ("training", "mask"):
            continue
        leaves = tf.nest.flatten(value)
        if leaves and all(tf.is_tensor(v) or isinstance(v, KerasTensor) for v in leaves):
            shapes[f"{name}_shape"] = tf.nest.map_structure(_shape_of, value)
    return shapes


def _shapes_for(fn, shapes: dict) -> dict:
    """The arguments `build`/`compute_output_shape` take from the call's shapes (Keras'
    rule): a method of one parameter gets the first shape whatever its name; otherwise each
    `<arg>_shape` parameter gets the shape of the call's `<arg>` when there is one."""
    names = [
        n for n, p in inspect.signature(fn).parameters.items()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]  # fmt: skip
    if len(names) == 1:
        return {names[0]: next(iter(shapes.values()), None)}
    return {n: shapes[n] for n in names if n in shapes}


def _auto_config(cls, args, kwargs):
    """The constructor's arguments, when they are all plain values (Keras' default config)."""
    try:
        signature = inspect.signature(cls.__init__)
        bound = signature.bind(None, *args, **kwargs)
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    params = list(signature.parameters.values())
    arguments.pop(params[0].name, None)
    for p in params:
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            arguments.update(arguments.pop(p.name, {}))
        elif p.kind is inspect.Parameter.VAR_POSITIONAL:
            if arguments.pop(p.name, ()):
                return None
        elif p.kind is inspect.Parameter.POSITIONAL_ONLY:
            return None
    arguments.pop("name", None)
    for value in tf.nest.flatten(arguments):
        if not isinstance(value, _SERIALIZABLE):
            return None
    return arguments


def _format_argument(value) -> str:
    if tf.is_tensor(value):
        return f"tf.Tensor(shape={value.shape}, dtype={value.dtype.name})"
    if isinstance(value, KerasTensor):
        return repr(value)
    return repr(value) if not isinstance(value, type) else str(value)


def _with_call_info(error, layer, args, kwargs):
    """Keras' traceback filtering: the innermost `call()` an error passes through adds
    "Exception encountered when calling X.call()" and the arguments it received."""
    if getattr(error, "_keras_call_info_injected", False):
        return error
    name = f"{type(layer).__name__}.call()"
    try:
        bound = layer._call_signature.bind(*args, **kwargs)
        arguments = dict(bound.arguments)
        for p in layer._call_signature.parameters.values():
            if p.name not in arguments:
                if p.kind is inspect.Parameter.VAR_KEYWORD:
                    arguments[p.name] = inspect.Parameter.empty
                else:
                    arguments[p.name] = p.default
    except TypeError:
        return error
    lines = "\n".join(f"  • {k}={_format_argument(v)}" for k, v in arguments.items())
    message = (
        f"Exception encountered when calling {name}.\n\n\x1b[1m{error}\x1b[0m\n\n"
        f"Arguments received by {name}:\n{lines}"
    )
    if isinstance(error, tf.errors.OpError):
        return error  # TF's op errors keep their own message and attributes
    try:
        new = type(error)(message)
    except Exception:
        return error
    new._keras_call_info_injected = True
    return new.with_traceback(error.__traceback__)
