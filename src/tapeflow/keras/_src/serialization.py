"""Keras objects to and from their config dicts (`{"module", "class_name", "config",
"registered_name"}`), as `keras.layers.serialize` / `deserialize` and model configs use."""

from __future__ import annotations

import importlib

_PUBLIC_MODULES = {
    "keras.layers": "tapeflow.keras.layers",
    "keras": "tapeflow.keras",
    "keras.models": "tapeflow.keras.models",
}


def _public_module(obj) -> str:
    module = type(obj).__module__
    if module.startswith("tapeflow.keras._src.layers"):
        return "keras.layers"
    if module.startswith("tapeflow.keras._src.models"):
        return "keras"
    return module


def serialize(obj) -> dict | None:
    """A layer (or model) as Keras' serialized dict."""
    if obj is None:
        return None
    module = _public_module(obj)
    config = {
        "module": module,
        "class_name": type(obj).__name__,
        "config": obj.get_config(),
        "registered_name": None if module.startswith("keras") else type(obj).__name__,
    }
    build = getattr(obj, "get_build_config", lambda: None)()
    if build is not None:
        config["build_config"] = build
    return config


def deserialize(config, custom_objects=None):
    """The object a serialized dict describes (classes found in the keras namespaces or in
    `custom_objects`), built from its `build_config` when it has one."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret serialized object: {config}")
    name = config["class_name"]
    custom_objects = custom_objects or {}
    cls = custom_objects.get(name) or custom_objects.get(config.get("registered_name") or "")
    if cls is None:
        target = _PUBLIC_MODULES.get(config.get("module") or "keras.layers", "tapeflow.keras")
        for module_name in (target, "tapeflow.keras.layers", "tapeflow.keras"):
            cls = getattr(importlib.import_module(module_name), name, None)
            if cls is not None:
                break
    if cls is None:
        raise TypeError(
            f"Could not locate class '{name}'. Make sure custom classes are decorated with "
            f"`@keras.saving.register_keras_serializable()`. Full object config: {config}"
        )
    obj = cls.from_config(config["config"])
    build = config.get("build_config")
    if build and hasattr(obj, "build_from_config") and not obj.built:
        obj.build_from_config(build)
    return obj
