"""Keras 3's state walk (`_save_state` / `_load_state`) over tapeflow objects, and the
`.weights.h5` and `.keras` files built on it.

A file's groups are the attribute paths by which the walk first reaches each saveable
object (a layer, a model, an optimizer) from the model: `layers/<snake_case class>[_N]` for
the layers of a Sequential or Functional model, the attribute names for a subclassed model's
layers (`d1`, `blocks/dense_1`, ...), `optimizer` once compiled. So weights are matched by
structure and position, never by layer names, and files interchange with real Keras.

Loading reads every value, assigns, and undoes every assignment if any object fails: a
failed load leaves the model and its optimizer unchanged (Keras leaves the objects loaded
before the failure changed).
"""

from __future__ import annotations

import io
import os
import warnings
import zipfile

import numpy as np

from ..layers.layer import Layer
from ..naming import to_snake_case
from .h5_store import H5Reader, H5Writer, NpzReader, NpzWriter

VARS_FILENAME_H5 = "model.weights.h5"  # inside a .keras archive


# -- which objects have state, and where the walk finds them -----------------------------------
def _is_optimizer(obj) -> bool:
    return (
        not isinstance(obj, type)
        and callable(getattr(obj, "apply_gradients", None))
        and hasattr(obj, "variables")
    )


def is_saveable(obj) -> bool:
    """A layer or model (not a metric), an optimizer, or an object with Keras' own
    `save_own_variables`/`load_own_variables` pair."""
    if isinstance(obj, type):
        return False
    if isinstance(obj, Layer):
        return not getattr(obj, "_keras_metric", False)
    if _is_optimizer(obj):
        return True
    return callable(getattr(obj, "save_own_variables", None)) and callable(
        getattr(obj, "load_own_variables", None)
    )


def is_functional(obj) -> bool:
    """A Functional model (the models package is reached through the public namespace,
    which keeps saving out of the models' import graph)."""
    import tapeflow as tf

    return isinstance(obj, tf.keras.Model) and "_nodes_by_depth" in vars(obj)


def _obj_type(obj) -> str:
    import tapeflow as tf

    if isinstance(obj, tf.keras.Sequential):
        return "Sequential"
    if is_functional(obj):
        return "Functional"
    if isinstance(obj, Layer):
        return "Layer"
    return "Optimizer" if _is_optimizer(obj) else "Other"


_SKIPSETS: dict = {}


def _skipset(obj_type: str) -> set:
    """The attributes a bare Layer has (the machinery's, not the user's), as Keras skips."""
    skip = _SKIPSETS.get(obj_type)
    if skip is None:
        reference = Layer(name="saving_reference")  # an explicit name takes no counter
        skip = set(dir(reference)) | {"_self_unconditional_dependency_names"}
        if obj_type == "Functional":
            skip |= {"operations", "_operations"}
        elif obj_type == "Sequential":
            skip |= {"_functional"}
        _SKIPSETS[obj_type] = skip
    return skip


def _walk(saveable):
    """(attribute, value) pairs in Keras' order: a Sequential's or Functional's `layers`
    first, then every other attribute sorted by name with private ones last."""
    obj_type = _obj_type(saveable)
    if obj_type in ("Optimizer", "Other"):
        return  # an optimizer's children are variables only: its own store holds them
    if obj_type in ("Sequential", "Functional"):
        yield "layers", saveable.layers
    skip = _skipset(obj_type)
    for name in sorted(dir(saveable), key=lambda n: "~" + n if n.startswith("_") else n):
        if name.startswith("__") or name in skip:
            continue
        try:
            value = getattr(saveable, name)
        except Exception:
            continue  # a property that cannot answer (an unbuilt model's input_shape)
        yield name, value


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _unique(name: str, used: dict) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _container_items(container, path):
    """(path, item) for the saveables and nested containers of a list, tuple or dict, named
    by snake_case class (`dense`, `dense_1`) or `container`, as Keras names them."""
    used: dict = {}
    items = list(container.values()) if isinstance(container, dict) else list(container)
    for item in items:
        if is_saveable(item):
            yield _join(path, _unique(to_snake_case(type(item).__name__), used)), item
        elif isinstance(item, (list, tuple, dict)):
            yield _join(path, _unique("container", used)), item


def _visit(obj, path, visit_saveable, seen, seen_containers):
    """Calls `visit_saveable(saveable, path)` for each saveable reached first at `path`."""
    if is_saveable(obj):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        visit_saveable(obj, path)
        for name, child in _walk(obj):
            if is_saveable(child) or isinstance(child, (list, tuple, dict)):
                _visit(child, _join(path, name), visit_saveable, seen, seen_containers)
    elif isinstance(obj, (list, tuple, dict)):
        if id(obj) in seen_containers:
            return
        seen_containers.add(id(obj))
        for item_path, item in _container_items(obj, path):
            _visit(item, item_path, visit_saveable, seen, seen_containers)


def saveables_by_path(model) -> list:
    """[(path, saveable)] in the order Keras' walk visits them ('' is the model)."""
    found = []
    _visit(model, "", lambda obj, path: found.append((path, obj)), set(), set())
    return found


# -- one object's variables ----------------------------------------------------------------
def _own_variables(saveable) -> list:
    if isinstance(saveable, Layer):
        return list(saveable._trainable_variables) + list(saveable._non_trainable_variables)
    return list(getattr(saveable, "variables", []))


def _save_own(saveable, entry):
    custom = getattr(saveable, "save_own_variables", None)
    if callable(custom):
        custom(entry)
        return
    for i, variable in enumerate(_own_variables(saveable)):
        entry[str(i)] = np.asarray(variable.numpy())


def _check_layer_count(layer, store, variables):
    if len(store) == len(variables):
        return
    if not variables and not layer.built:
        raise ValueError(
            f"Layer '{layer.name}' was never built and thus it doesn't have any variables. "
            f"However the weights file lists {len(store)} variables for this layer.\n"
            "In most cases, this error indicates that either:\n\n"
            "1. The layer is owned by a parent layer that implements a `build()` method, but "
            "calling the parent's `build()` method did NOT create the state of the child "
            f"layer '{layer.name}'. A `build()` method must create ALL state for the layer, "
            "including the state of any children layers.\n\n"
            "2. You need to implement the `def build_from_config(self, config)` method on "
            f"layer '{layer.name}', to specify how to rebuild it during loading. In this "
            "case, you might also want to implement the method that generates the build "
            "config at saving time, `def get_build_config(self)`. The method "
            "`build_from_config()` is meant to create the state of the layer (i.e. its "
            "variables) upon deserialization."
        )
    raise ValueError(
        f"Layer '{layer.name}' expected {len(variables)} variables, but received "
        f"{len(store)} variables during loading. Expected: {[v.name for v in variables]}"
    )


def _load_own(saveable, store, undo):
    """Assigns the stored values, noting each variable's old value in `undo` first."""
    custom = getattr(saveable, "load_own_variables", None)
    if callable(custom):
        for variable in getattr(saveable, "variables", []):
            undo.append((variable, variable.numpy()))
        custom(store)
        return
    variables = _own_variables(saveable)
    if isinstance(saveable, Layer):
        _check_layer_count(saveable, store, variables)
    elif len(store) != len(variables):
        name = getattr(saveable, "name", type(saveable).__name__)
        message = (
            f"Skipping variable loading for optimizer '{name}', because it has "
            f"{len(variables)} variables whereas the saved optimizer has {len(store)} "
            "variables. "
        )
        if not variables:
            message += "This is likely because the optimizer has not been called/built yet."
        warnings.warn(message, stacklevel=4)
        return
    for i, variable in enumerate(variables):
        undo.append((variable, variable.numpy()))
        variable.assign(store[str(i)])


def _undo(assignments):
    for variable, value in reversed(assignments):
        variable.assign(value)


def save_state(model, writer):
    def visit(saveable, path):
        name = getattr(saveable, "name", None)
        _save_own(saveable, writer.make(path, {"name": name} if isinstance(name, str) else None))

    _visit(model, "", visit, set(), set())


def load_state(model, reader, skip_mismatch=False):
    """Loads every saveable's values; raises (or warns, with `skip_mismatch`) Keras' error
    naming the objects that failed, leaving the model unchanged on a raise."""
    assignments: list = []
    errors: list = []

    def visit(saveable, path):
        undo: list = []
        try:
            _load_own(saveable, reader.get(path), undo)
        except Exception as e:
            _undo(undo)
            errors.append((saveable, e))
            return
        assignments.extend(undo)

    _visit(model, "", visit, set(), set())
    if errors:
        saveable, error = errors[0]
        message = (
            f"A total of {len(errors)} objects could not be loaded. Example error message "
            f"for object {saveable}:\n\n{error}\n\n"
            "List of objects that could not be loaded:\n"
            f"{[s for s, _ in errors]}"
        )
        if skip_mismatch:
            warnings.warn(message, stacklevel=3)
        else:
            _undo(assignments)
            raise ValueError(message)


# -- weights files ---------------------------------------------------------------------------
def save_weights_only(model, filepath):
    if not model.built:
        raise ValueError(
            "You are saving a model that has not yet been built. Try building the model "
            "first by calling it on some data or by using `build()`."
        )
    npz = os.fspath(filepath).endswith(".weights.npz")
    writer = NpzWriter(filepath) if npz else H5Writer(filepath)
    try:
        save_state(model, writer)
    finally:
        writer.close()


def load_weights_only(model, filepath, skip_mismatch=False):
    if not model.built:
        raise ValueError(
            "You are loading weights into a model that has not yet been built. Try building "
            "the model first by calling it on some data or by using `build()`."
        )
    path = os.fspath(filepath)
    if path.endswith(".keras"):
        with zipfile.ZipFile(path, "r") as archive:
            source = io.BytesIO(archive.read(VARS_FILENAME_H5))
        reader = H5Reader(source)
    elif path.endswith(".weights.npz"):
        reader = NpzReader(path)
    else:
        reader = H5Reader(path)
    try:
        load_state(model, reader, skip_mismatch=skip_mismatch)
    finally:
        reader.close()
