"""Keras' custom-object registry: `register_keras_serializable`, `custom_object_scope`,
`get_custom_objects`, `get_registered_name`, `get_registered_object`."""

from __future__ import annotations

import inspect
import threading

GLOBAL_CUSTOM_OBJECTS: dict = {}
GLOBAL_CUSTOM_NAMES: dict = {}
_scope = threading.local()


def _scope_objects() -> dict:
    return getattr(_scope, "objects", {})


class CustomObjectScope:
    """`with custom_object_scope({"MyLayer": MyLayer}):` makes the objects findable by name
    while deserializing (`keras.models.load_model`, `keras.layers.deserialize`)."""

    def __init__(self, custom_objects):
        self.custom_objects = custom_objects or {}
        self.backup = None

    def __enter__(self):
        self.backup = dict(_scope_objects())
        _scope.objects = dict(self.custom_objects)
        return self

    def __exit__(self, *args, **kwargs):
        _scope.objects = dict(self.backup)


custom_object_scope = CustomObjectScope


def get_custom_objects() -> dict:
    """The global dict of registered objects (`'package>Name'` -> object); editable."""
    return GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package="Custom", name=None):
    """Decorator registering a class or function under `'package>name'` (name defaults to
    the object's `__name__`)."""

    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        registered_name = f"{package}>{class_name}"
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj) -> str:
    """The name `obj` was registered under, else its `__name__`."""
    if obj in GLOBAL_CUSTOM_NAMES:
        return GLOBAL_CUSTOM_NAMES[obj]
    return obj.__name__


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object for `name`: from the active custom-object scope, the registry,
    `custom_objects`, then `module_objects`; None if none has it."""
    scoped = _scope_objects()
    if name in scoped:
        return scoped[name]
    if name in GLOBAL_CUSTOM_OBJECTS:
        return GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def lookup_table(custom_objects=None) -> dict:
    """One name -> object dict for deserializing: the registry (by `'package>Name'` and by
    bare name), the active scope, then `custom_objects` (the last wins)."""
    table = {}
    for key, value in GLOBAL_CUSTOM_OBJECTS.items():
        table[key] = value
        table.setdefault(key.split(">", 1)[-1], value)
    table.update(_scope_objects())
    table.update(custom_objects or {})
    return table
