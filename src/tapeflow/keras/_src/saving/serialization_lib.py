"""Model configs as a `.keras` archive's config.json holds them, and models rebuilt from
them: Sequential and Functional models are reconstructed here (a Functional model by
replaying its layers' calls on new `keras.Input`s); any other layer class is found by name
in `tapeflow.keras.layers` (or `custom_objects`, or the `register_keras_serializable`
registry) by `keras.layers.deserialize`.
"""

from __future__ import annotations

import warnings

import tapeflow as tf

from ..serialization import deserialize, serialize
from .object_registration import lookup_table
from .saving_lib import is_functional

# Keras writes a Functional model's class under its implementation module.
_FUNCTIONAL_MODULE = "keras.src.models.functional"


def serialize_model(model) -> dict:
    """`{"module", "class_name", "config", "registered_name", "build_config",
    "compile_config"}` for a model, as Keras' `serialize_keras_object` writes it."""
    config = serialize(model)
    if type(model).__name__ == "Functional" and is_functional(model):
        config["module"] = _FUNCTIONAL_MODULE
        config["registered_name"] = "Functional"
        config.setdefault("build_config", {"input_shape": None})
    get_compile_config = getattr(model, "get_compile_config", None)
    compile_config = get_compile_config() if callable(get_compile_config) else {}
    if compile_config is not None:
        config["compile_config"] = compile_config
    return config


def _class_of(config: dict, table: dict):
    name = config.get("class_name")
    registered = config.get("registered_name")
    for key in (registered, name):
        if key and key in table:
            return table[key]
    if name == "Sequential":
        return tf.keras.Sequential
    if name in ("Functional", "Model"):
        return tf.keras.Model  # given inputs and outputs, Model makes a Functional model
    return None


def deserialize_layer(config: dict, table: dict):
    """A layer or model from its serialized dict (Sequential and Functional rebuilt here)."""
    if not isinstance(config, dict):
        raise ValueError(f"Could not interpret serialized object: {config}")
    cls = _class_of(config, table)
    if isinstance(cls, type) and issubclass(cls, tf.keras.Sequential):
        return _sequential_from_config(cls, config["config"], table)
    if cls is not None and "input_layers" in config.get("config", {}):
        return functional_from_config(cls, config["config"], table)
    return deserialize(config, custom_objects=table)


def _sequential_from_config(cls, config: dict, table: dict):
    model = cls(name=config.get("name"), trainable=config.get("trainable", True))
    for layer_config in config["layers"]:
        model.add(deserialize_layer(layer_config, table), rebuild=False)
    model._maybe_rebuild()
    if not model.built and config.get("build_input_shape"):
        model.build(tuple(config["build_input_shape"]))
    return model


def _history(value) -> bool:
    return isinstance(value, dict) and value.get("class_name") == "__keras_tensor__"


def functional_from_config(cls, config: dict, table: dict):
    """Rebuilds a Functional model: creates its layers, then calls each on the tensors its
    `inbound_nodes` name, in passes until every node is made (Keras' order)."""
    layers = {}
    pending = {}
    for layer_config in config["layers"]:
        layer = deserialize_layer(layer_config, table)
        layers[layer_config["name"]] = layer
        if layer_config.get("inbound_nodes"):
            pending[layer_config["name"]] = list(layer_config["inbound_nodes"])

    def tensor(history):
        name, node_index, tensor_index = history
        layer = layers[name]
        if node_index >= len(layer._inbound_nodes):
            raise LookupError(name)
        return layer._inbound_nodes[node_index].outputs[tensor_index]

    def resolve(value):
        if _history(value):
            return tensor(value["config"]["keras_history"])
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return value

    while pending:
        progressed = False
        for name in list(pending):
            nodes = pending[name]
            while nodes:
                try:
                    args = resolve(nodes[0].get("args", []))
                    kwargs = resolve(nodes[0].get("kwargs", {}))
                except LookupError:
                    break
                layers[name](*args, **kwargs)
                nodes.pop(0)
                progressed = True
            if not nodes:
                del pending[name]
        if not progressed:
            raise ValueError(
                "Cannot rebuild the functional model: the layers "
                f"{sorted(pending)} are called on tensors no layer produces."
            )

    def endpoints(spec):
        if isinstance(spec, list) and len(spec) == 3 and isinstance(spec[0], str):
            return tensor(spec)
        if isinstance(spec, dict):
            return {k: endpoints(v) for k, v in spec.items()}
        return [endpoints(s) for s in spec]

    inputs = endpoints(config["input_layers"])
    outputs = endpoints(config["output_layers"])
    return cls(
        inputs=inputs, outputs=outputs, name=config.get("name"),
        trainable=config.get("trainable", True),
    )  # fmt: skip


def deserialize_model(config: dict, custom_objects=None, safe_mode=True):
    """The model a config.json describes, compiled from its `compile_config` when the model
    can (`compile_from_config`); otherwise a warning says the compile state was skipped."""
    table = lookup_table(custom_objects)
    model = deserialize_layer(config, table)
    compile_config = config.get("compile_config")
    if compile_config:
        compile_from_config = getattr(model, "compile_from_config", None)
        if callable(compile_from_config):
            compile_from_config(compile_config)
        else:
            warnings.warn(
                "The model was saved compiled, but this tapeflow model cannot compile from "
                "a config (no `compile_from_config`): it is returned uncompiled. Call "
                "`model.compile(...)` after loading.",
                stacklevel=3,
            )
    return model


def to_json(model, **kwargs) -> str:
    """`model.to_json()`: the serialized model (as config.json holds it) as JSON."""
    import json

    return json.dumps(serialize_model(model), **kwargs)


def model_from_json(json_string, custom_objects=None):
    """`keras.models.model_from_json`: the (unbuilt-weights) model a `to_json` string
    describes."""
    import json

    return deserialize_layer(json.loads(json_string), lookup_table(custom_objects))


# -- keras.saving.serialize_keras_object / deserialize_keras_object ---------------------------
_PLAIN = (str, int, float, bool)


def _public_module(cls) -> str:
    module = cls.__module__
    if module.startswith("tapeflow.keras._src.layers"):
        return "keras.layers"
    if module.startswith("tapeflow.keras._src.models"):
        return "keras"
    if module.startswith("tapeflow.keras._src."):
        return "keras." + module[len("tapeflow.keras._src.") :].split(".")[0]
    return module


def serialize_keras_object(obj):
    """Any Keras object (layer, model, initializer, function, ...) or plain value as the
    JSON-ready structure Keras' `serialize_keras_object` makes (tuples become lists; a
    function is `{"module": "builtins", "class_name": "function", "config": name,
    "registered_name": "function"}`, Keras' own spelling)."""
    import types

    import numpy as np

    from ..keras_tensor import KerasTensor
    from ..layers.layer import Layer
    from .object_registration import get_registered_name

    if obj is None or isinstance(obj, _PLAIN):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {
            "class_name": "__slice__",
            "config": {
                "start": serialize_keras_object(obj.start),
                "stop": serialize_keras_object(obj.stop),
                "step": serialize_keras_object(obj.step),
            },
        }
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, KerasTensor):
        history = getattr(obj, "_keras_history", None)
        if history:
            history = [history[0].name, *history[1:]]
        return {
            "class_name": "__keras_tensor__",
            "config": {"shape": obj.shape, "dtype": obj.dtype, "keras_history": history},
        }
    if isinstance(obj, tf.TensorShape):
        return obj.as_list() if obj.rank is not None else None
    if isinstance(obj, tf.DType):
        return obj.name
    if tf.is_tensor(obj) and not isinstance(obj, np.ndarray):
        return {
            "class_name": "__tensor__",
            "config": {"value": obj.numpy().tolist(), "dtype": obj.dtype.name},
        }
    if type(obj).__module__ == np.__name__:
        if isinstance(obj, np.ndarray) and obj.ndim > 0:
            return {
                "class_name": "__numpy__",
                "config": {"value": obj.tolist(), "dtype": obj.dtype.name},
            }
        return obj.item()
    if isinstance(obj, types.FunctionType):
        if obj.__name__ == "<lambda>":
            import inspect
            import warnings

            try:
                source = inspect.getsource(obj)
            except OSError:  # no source file (Keras raises here)
                source = repr(obj)
            warnings.warn(
                "The object being serialized includes a `lambda`. This is unsafe. In order "
                "to reload the object, you will have to pass `safe_mode=False` to the loading "
                "function. Please avoid using `lambda` in the future, and use named Python "
                f"functions instead. This is the `lambda` being serialized: {source}",
                stacklevel=2,
            )
            return {"class_name": "__lambda__", "config": {"value": _func_dump(obj)}}
        return {
            "module": "builtins",
            "class_name": "function",
            "config": get_registered_name(obj),
            "registered_name": "function",
        }
    if isinstance(obj, Layer):
        from .saving_lib import is_functional

        if is_functional(obj) or isinstance(obj, tf.keras.Model):
            return serialize_model(obj)
        return serialize(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize object {obj} of type {type(obj)}. To be serializable, a class "
            "must implement the `get_config()` method."
        )
    config = obj.get_config()
    if not isinstance(config, dict):
        raise TypeError(
            f"The `get_config()` method of {obj} should return a dict. It returned: {config}"
        )
    module = _public_module(type(obj))
    registered = get_registered_name(type(obj))
    return {
        "module": module,
        "class_name": type(obj).__name__,
        "config": serialize_keras_object(config),
        "registered_name": None if module.startswith("keras") else registered,
    }


_FUNCTION_MODULES = ("activations", "losses", "metrics", "ops")


def _find_function(name: str, table: dict):
    import importlib

    if name in table:
        return table[name]
    for module in _FUNCTION_MODULES:
        for prefix in ("tapeflow.keras.", "tapeflow.keras._src."):
            try:
                found = getattr(importlib.import_module(prefix + module), name, None)
            except ImportError:
                continue
            if callable(found) and not isinstance(found, type):
                return found
    raise TypeError(
        f"Could not locate function '{name}'. Make sure custom classes and functions are "
        "decorated with `@keras.saving.register_keras_serializable()`. If they are already "
        "decorated, make sure they are all imported so that the decorator is run before "
        "trying to load them."
    )


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The object `serialize_keras_object` described (plain values returned as they are)."""
    import numpy as np

    table = lookup_table(custom_objects)
    if config is None or isinstance(config, _PLAIN):
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(x, custom_objects, safe_mode) for x in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config}")
    if "class_name" not in config or "config" not in config:
        return {
            k: deserialize_keras_object(v, custom_objects, safe_mode) for k, v in config.items()
        }
    class_name, inner = config["class_name"], config["config"]
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__slice__":
        return slice(*(deserialize_keras_object(inner[k]) for k in ("start", "stop", "step")))
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=inner["dtype"])
    if class_name == "__tensor__":
        return tf.constant(inner["value"], dtype=inner["dtype"])
    if class_name == "__lambda__":
        if safe_mode:
            raise ValueError(
                "Requested the deserialization of a Python lambda. This carries a potential "
                "risk of arbitrary code execution and thus it is disallowed by default. If you "
                "trust the source of the artifact, you can override this error by passing "
                "`safe_mode=False` to the loading function, or calling "
                "`keras.config.enable_unsafe_deserialization()."
            )
        return _func_load(*inner["value"])
    if class_name == "function":
        return _find_function(inner, table)
    module = config.get("module") or ""
    if class_name not in table and module.startswith("keras.") and module != "keras.layers":
        import importlib

        try:
            namespace = importlib.import_module("tapeflow." + module)
        except ImportError:
            namespace = None
        cls = getattr(namespace, class_name, None)
        if cls is not None:
            return cls.from_config(inner) if hasattr(cls, "from_config") else cls(**inner)
    return deserialize_layer(config, table)


def _func_dump(func) -> tuple:
    """(base64 marshal of the code, defaults, closure values): Keras' lambda payload."""
    import codecs
    import marshal

    code = codecs.encode(marshal.dumps(func.__code__), "base64").decode("ascii")
    closure = tuple(c.cell_contents for c in func.__closure__) if func.__closure__ else None
    return code, func.__defaults__, closure


def _func_load(code, defaults=None, closure=None):
    import codecs
    import marshal
    import types

    if isinstance(defaults, list):
        defaults = tuple(defaults)
    if closure is not None:
        closure = tuple(types.CellType(value) for value in closure)
    compiled = marshal.loads(codecs.decode(code.encode("ascii"), "base64"))
    return types.FunctionType(
        compiled, globals(), name=compiled.co_name, argdefs=defaults, closure=closure
    )
