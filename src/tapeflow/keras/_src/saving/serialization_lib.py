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
