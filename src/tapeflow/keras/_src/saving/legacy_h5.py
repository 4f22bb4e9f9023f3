"""Keras' legacy HDF5 model format (`model.save("x.h5")`, `load_model("x.h5")`,
`load_weights("x.h5")`), as Keras 3 still writes and reads it: the model's config and
training config as file attributes, `model_weights/<layer name>/<variable path>` datasets
listed by `layer_names` / `weight_names` attributes, `optimizer_weights/...`.

Weights load by layer order (or, with `by_name=True`, by layer name). Every value is checked
before any is assigned, so a failed load leaves the model unchanged (Keras assigns layer by
layer until the failure).
"""

from __future__ import annotations

import json
import logging
import os
import warnings

import numpy as np

from .h5_store import import_h5py
from .object_registration import lookup_table

HDF5_OBJECT_HEADER_LIMIT = 64512
KERAS_VERSION = "3.15.1"
_logger = logging.getLogger("tapeflow")


def _legacy_weights(layer) -> list:
    return layer.trainable_weights + layer.non_trainable_weights


def _legacy_config(config: dict) -> dict:
    """A serialized model as Keras' legacy config: models and layers keep only
    `class_name` and `config` (and a Functional layer's `name` and `inbound_nodes`)."""
    out = {"class_name": config["class_name"], "config": dict(config["config"])}
    for key in ("name", "inbound_nodes"):
        if key in config:
            out[key] = config[key]
    layers = out["config"].get("layers")
    if isinstance(layers, list):
        out["config"]["layers"] = [_legacy_config(layer) for layer in layers]
    return out


def _training_config(model):
    get_compile_config = getattr(model, "get_compile_config", None)
    compile_config = get_compile_config() if callable(get_compile_config) else None
    if not compile_config:
        return None
    config = {k: v for k, v in compile_config.items() if k != "optimizer"}
    optimizer = compile_config.get("optimizer")
    if isinstance(optimizer, dict):
        optimizer = {"class_name": optimizer["class_name"], "config": optimizer["config"]}
    config["optimizer_config"] = optimizer
    return config


def _save_attributes(group, name, data):
    bad = [x for x in data if len(x) > HDF5_OBJECT_HEADER_LIMIT]
    if bad:
        raise RuntimeError(
            "The following attributes cannot be saved to HDF5 file because they are larger "
            f"than {HDF5_OBJECT_HEADER_LIMIT} bytes: {bad}"
        )
    array = np.asarray(data)
    chunks, parts = 1, np.array_split(array, 1)
    while any(x.nbytes > HDF5_OBJECT_HEADER_LIMIT for x in parts):
        chunks += 1
        parts = np.array_split(array, chunks)
    if chunks > 1:
        for i, part in enumerate(parts):
            group.attrs[f"{name}{i}"] = part
    else:
        group.attrs[name] = data


def _load_attributes(group, name) -> list:
    def decode(values):
        return [n.decode("utf8") if hasattr(n, "decode") else n for n in values]

    if name in group.attrs:
        return decode(group.attrs[name])
    data, chunk = [], 0
    while f"{name}{chunk}" in group.attrs:
        data.extend(decode(group.attrs[f"{name}{chunk}"]))
        chunk += 1
    return data


def _save_subset(group, variables):
    names = [str(v.path).encode("utf8") for v in variables]
    _save_attributes(group, "weight_names", names)
    for name, variable in zip(names, variables):
        value = np.asarray(variable.numpy())
        dataset = group.create_dataset(name, value.shape, dtype=value.dtype)
        if value.shape:
            dataset[:] = value
        else:
            dataset[()] = value


def _load_subset(group) -> list:
    return [np.asarray(group[name]) for name in _load_attributes(group, "weight_names")]


def save_model_to_hdf5(model, filepath, include_optimizer=True):
    """Writes the legacy `.h5` model file (config, training config, weights, optimizer)."""
    h5py = import_h5py()
    from .serialization_lib import serialize_model

    dirpath = os.path.dirname(filepath)
    if dirpath and not os.path.exists(dirpath):
        os.makedirs(dirpath, exist_ok=True)
    with h5py.File(filepath, mode="w") as f:
        f.attrs["keras_version"] = KERAS_VERSION
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(_legacy_config(serialize_model(model)))
        training = _training_config(model) if include_optimizer else None
        if training is not None:
            f.attrs["training_config"] = json.dumps(training)
        group = f.create_group("model_weights")
        _save_attributes(
            group, "layer_names", [layer.name.encode("utf8") for layer in model.layers]
        )
        group.attrs["backend"] = b"tensorflow"
        group.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
        for layer in sorted(model.layers, key=lambda x: x.name):
            _save_subset(group.create_group(layer.name), _legacy_weights(layer))
        _save_subset(group.create_group("top_level_model_weights"), _top_level(model))
        optimizer = getattr(model, "optimizer", None) if include_optimizer else None
        variables = list(getattr(optimizer, "variables", None) or [])
        if variables:
            _save_subset(f.create_group("optimizer_weights"), variables)


def _top_level(model) -> list:
    weights = {id(v) for v in model.weights}
    own = list(model._trainable_variables) + list(model._non_trainable_variables)
    return [v for v in own if id(v) in weights]


def _check_shapes(pairs, name, skip_mismatch) -> list:
    kept = []
    for variable, value in pairs:
        expected = tuple(variable.shape.as_list())
        if expected != tuple(value.shape):
            # Keras' text, the missing space after the name included
            if skip_mismatch:
                warnings.warn(
                    f"Skipping loading weights for {name}due to mismatch in shape for weight "
                    f"{variable.path}. Weight expects shape {expected}. Received saved weight "
                    f"with shape {tuple(value.shape)}",
                    stacklevel=4,
                )
                continue
            raise ValueError(
                f"Shape mismatch in {name}for weight {variable.path}. Weight expects shape "
                f"{expected}. Received saved weight with shape {tuple(value.shape)}"
            )
        kept.append((variable, value))
    return kept


def load_weights_from_hdf5_group(group, model, skip_mismatch=False):
    """Topological loading: the file's layers with weights, in order, into the model's."""
    layers = [layer for layer in model.layers if _legacy_weights(layer)]
    names = [n for n in _load_attributes(group, "layer_names")
             if _load_attributes(group[n], "weight_names")]  # fmt: skip
    if len(names) != len(layers):
        raise ValueError(
            "Layer count mismatch when loading weights from file. Model expected "
            f"{len(layers)} layers, found {len(names)} saved layers."
        )
    assignments = []
    for k, name in enumerate(names):
        layer = layers[k]
        variables = _legacy_weights(layer)
        values = _load_subset(group[name])
        if len(values) != len(variables):
            raise ValueError(
                f"Weight count mismatch for layer #{k} (named {layer.name} in the current "
                f"model, {name} in the save file). Layer expects {len(variables)} weight(s). "
                f"Received {len(values)} saved weight(s)"
            )
        assignments += _check_shapes(
            zip(variables, values), f"layer #{k} (named {layer.name})", skip_mismatch
        )
    if "top_level_model_weights" in group:
        variables = _top_level(model)
        values = _load_subset(group["top_level_model_weights"])
        if len(values) != len(variables):
            raise ValueError(
                "Weight count mismatch for top-level weights when loading weights from file. "
                f"Model expects {len(variables)} top-level weight(s). Received {len(values)} "
                "saved top-level weight(s)"
            )
        assignments += _check_shapes(zip(variables, values), "top-level model", skip_mismatch)
    for variable, value in assignments:
        variable.assign(value)


def load_weights_from_hdf5_group_by_name(group, model, skip_mismatch=False):
    """Name-based loading: each file layer into the model's layers of the same name."""
    index: dict = {}
    for layer in model.layers:
        index.setdefault(layer.name, []).append(layer)
    assignments = []
    for k, name in enumerate(_load_attributes(group, "layer_names")):
        values = _load_subset(group[name])
        for layer in index.get(name, []):
            variables = _legacy_weights(layer)
            if len(values) != len(variables):
                if skip_mismatch:
                    warnings.warn(
                        f"Skipping loading of weights for layer #{k} (named {layer.name}) due "
                        f"to mismatch in number of weights. Layer expects {len(variables)} "
                        f"weight(s). Received {len(values)} saved weight(s)",
                        stacklevel=3,
                    )
                    continue
                raise ValueError(
                    f"Weight count mismatch for layer #{k} (named {layer.name}). Layer expects "
                    f"{len(variables)} weight(s). Received {len(values)} saved weight(s)"
                )
            assignments += _check_shapes(
                zip(variables, values), f"layer #{k} (named {layer.name})", skip_mismatch
            )
    if "top_level_model_weights" in group:
        variables = list(model._trainable_variables) + list(model._non_trainable_variables)
        values = _load_subset(group["top_level_model_weights"])
        if len(values) != len(variables):
            message = (
                f"Model expects {len(variables)} top-level weight(s). Received {len(values)} "
                "saved top-level weight(s)"
            )
            if not skip_mismatch:
                raise ValueError(f"Weight count mismatch for top-level weights of model. {message}")
            warnings.warn(
                "Skipping loading top-level weights for model due to mismatch in number of "
                f"weights. {message}",
                stacklevel=3,
            )
        else:
            assignments += _check_shapes(zip(variables, values), "top-level model", skip_mismatch)
    for variable, value in assignments:
        variable.assign(value)


def load_weights(model, filepath, skip_mismatch=False, by_name=False):
    """`model.load_weights("x.h5")`: a legacy whole-model file or a Keras 2 weights file."""
    h5py = import_h5py()
    with h5py.File(filepath, "r") as f:
        group = f
        if "layer_names" not in f.attrs and "model_weights" in f:
            group = f["model_weights"]
        if by_name:
            load_weights_from_hdf5_group_by_name(group, model, skip_mismatch)
        else:
            load_weights_from_hdf5_group(group, model, skip_mismatch)


def _compile(model, training_config, table):
    from .serialization_lib import deserialize_keras_object

    compile_method = getattr(model, "compile", None)
    optimizer_config = training_config.get("optimizer_config")
    if not callable(compile_method):
        warnings.warn(
            "The file holds a training configuration, but this tapeflow model has no "
            "`compile`: it is returned uncompiled.",
            stacklevel=4,
        )
        return
    optimizer = optimizer_config
    if isinstance(optimizer_config, dict):
        optimizer = deserialize_keras_object(
            {"module": "keras.optimizers", "registered_name": None, **optimizer_config}, table
        )
    compile_method(
        optimizer=optimizer,
        loss=deserialize_keras_object(training_config.get("loss"), table),
        metrics=deserialize_keras_object(training_config.get("metrics"), table),
        weighted_metrics=deserialize_keras_object(training_config.get("weighted_metrics"), table),
        loss_weights=training_config.get("loss_weights"),
    )


def load_model_from_hdf5(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model of a legacy `.h5` file (compiled from its training config when there is one
    and `compile` is true), with its weights and, when the optimizer can be built, its
    optimizer's state."""
    h5py = import_h5py()
    from .serialization_lib import deserialize_layer

    table = lookup_table(custom_objects)
    with h5py.File(filepath, mode="r") as f:
        model_config = f.attrs.get("model_config")
        if model_config is None:
            raise ValueError(f"No model config found in the file at {filepath}.")
        if hasattr(model_config, "decode"):
            model_config = model_config.decode("utf-8")
        model = deserialize_layer(json.loads(model_config), table)
        load_weights_from_hdf5_group(f["model_weights"], model)
        if not compile:
            return model
        training_config = f.attrs.get("training_config")
        if hasattr(training_config, "decode"):
            training_config = training_config.decode("utf-8")
        if training_config is None:
            _logger.warning(
                "No training configuration found in the save file, so the model was *not* "
                "compiled. Compile it manually."
            )
            return model
        _compile(model, json.loads(training_config), table)
        optimizer = getattr(model, "optimizer", None)
        if "optimizer_weights" in f and optimizer is not None:
            build = getattr(optimizer, "build", None)
            if callable(build) and not getattr(optimizer, "variables", None):
                build(model.trainable_variables)
            values = _load_subset(f["optimizer_weights"])
            variables = list(getattr(optimizer, "variables", []))
            if len(variables) != len(values) or any(
                tuple(v.shape.as_list()) != w.shape for v, w in zip(variables, values)
            ):
                _logger.warning(
                    "Error in loading the saved optimizer state. As a result, your model is "
                    "starting with a freshly initialized optimizer."
                )
            else:
                for variable, value in zip(variables, values):
                    variable.assign(value)
    return model
