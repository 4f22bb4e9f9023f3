"""`keras.layers.Lambda`."""

from __future__ import annotations

import base64
import importlib
import inspect
import marshal
import types

import tapeflow as tf

from ...keras_tensor import KerasTensor, compute_output_spec
from ..layer import Layer


def _dump_function(fn) -> dict:
    """Keras' config of a function: a lambda's marshalled code (base64), else its name."""
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
        closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
        return {
            "class_name": "__lambda__",
            "config": {"code": code, "defaults": fn.__defaults__, "closure": closure},
        }
    # Keras 3.15 records every plain function under the module 'builtins' (a wart kept):
    # loading looks the name up in __main__.
    return {
        "module": "builtins",
        "class_name": "function",
        "config": fn.__name__,
        "registered_name": "function",
    }


def _load_function(config):
    if not isinstance(config, dict):
        return config
    if config.get("class_name") == "__lambda__":
        inner = config["config"]
        code = marshal.loads(base64.decodebytes(inner["code"].encode("ascii")))
        closure = inner.get("closure")
        cells = tuple(types.CellType(v) for v in closure) if closure else None
        return types.FunctionType(code, globals(), code.co_name, inner.get("defaults"), cells)
    module = config.get("module")
    if module in (None, "builtins"):
        import __main__

        if not hasattr(__main__, config["config"]):
            raise ValueError(f"Could not find function '{config['config']}' to load a Lambda.")
        return getattr(__main__, config["config"])
    return getattr(importlib.import_module(module), config["config"])


class Lambda(Layer):
    """`Lambda(function, output_shape=None, mask=None, arguments=None)`: wraps a function of
    the inputs (given `mask=`/`training=` when its signature asks for them) as a layer.

    The output shape is inferred by running `function` on placeholders unless
    `output_shape` (without the batch axis, or a callable of the input shape) is given.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.arguments = arguments or {}
        self.function = function
        self.mask = mask
        self._output_shape = output_shape
        args = inspect.getfullargspec(function).args
        self._fn_expects_training_arg = "training" in args
        self._fn_expects_mask_arg = "mask" in args

    @property
    def supports_masking(self) -> bool:
        return self.mask is not None

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            try:
                inputs = _map_shape_structure(
                    lambda s: KerasTensor(s, dtype=self.compute_dtype), input_shape
                )
                spec = compute_output_spec(self.call, inputs)
                return tf.nest.map_structure(lambda x: x.shape, spec)
            except Exception:
                raise NotImplementedError(
                    "We could not automatically infer the shape of the Lambda's output. "
                    "Please specify the `output_shape` argument for this Lambda layer."
                ) from None
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = _first_dim(input_shape)
        return _map_shape_structure(lambda s: (batch, *s), self._output_shape)

    def compute_output_spec(self, *args, **kwargs):
        if self._output_shape is None:
            return compute_output_spec(self.call, *args, **kwargs)
        return super().compute_output_spec(*args, **kwargs)

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        config = {"function": _dump_function(self.function)}
        if self._output_shape is not None:
            shape = self._output_shape
            config["output_shape"] = _dump_function(shape) if callable(shape) else shape
        if self.mask is not None:
            config["mask"] = _dump_function(self.mask) if callable(self.mask) else self.mask
        config["arguments"] = dict(self.arguments)
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["function"] = _load_function(config["function"])
        if isinstance(config.get("output_shape"), dict):
            config["output_shape"] = _load_function(config["output_shape"])
        elif isinstance(config.get("output_shape"), list):
            config["output_shape"] = tuple(config["output_shape"])
        if isinstance(config.get("mask"), dict):
            config["mask"] = _load_function(config["mask"])
        return super().from_config(config)


def _is_shape(x) -> bool:
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, int) for d in x)


def _map_shape_structure(fn, structure):
    if _is_shape(structure):
        return fn(tuple(structure))
    if isinstance(structure, dict):
        return {k: _map_shape_structure(fn, v) for k, v in structure.items()}
    return type(structure)(_map_shape_structure(fn, s) for s in structure)


def _first_dim(structure):
    if _is_shape(structure):
        return structure[0] if structure else None
    if isinstance(structure, dict):
        return _first_dim(next(iter(structure.values())))
    return _first_dim(structure[0])
