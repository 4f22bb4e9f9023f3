"""`.keras` archives: a zip of metadata.json, config.json and model.weights.h5, as Keras 3
writes them (members stored uncompressed, in that order)."""

from __future__ import annotations

import datetime
import io
import json
import os
import warnings
import zipfile

from .h5_store import H5Reader, H5Writer, import_h5py
from .saving_lib import VARS_FILENAME_H5, load_state, save_state
from .serialization_lib import deserialize_model, serialize_model

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
# The Keras release whose files tapeflow reads and writes (metadata.json's keras_version).
KERAS_VERSION = "3.15.1"


def save_model(model, filepath, zipped=True):
    """Writes metadata.json, config.json and model.weights.h5 (Keras' order) into a zip
    archive, or with `zipped=False` into the folder `filepath`."""
    import_h5py()
    if not model.built:
        warnings.warn(
            "You are saving a model that has not yet been built. It might not contain any "
            "weights yet. Consider building the model first by calling it on some data.",
            stacklevel=3,
        )
    config_json = json.dumps(serialize_model(model))
    metadata_json = json.dumps(
        {
            "keras_version": KERAS_VERSION,
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        }
    )
    weights = io.BytesIO()
    writer = H5Writer(weights)
    try:
        save_state(model, writer)
    finally:
        writer.close()
    members = [
        (METADATA_FILENAME, metadata_json.encode()),
        (CONFIG_FILENAME, config_json.encode()),
        (VARS_FILENAME_H5, weights.getvalue()),
    ]
    if not zipped:
        os.makedirs(os.path.join(filepath, "assets"), exist_ok=True)  # empty, as Keras' is
        for name, data in members:
            with open(os.path.join(filepath, name), "wb") as f:
                f.write(data)
        return
    with zipfile.ZipFile(filepath, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)


def _read_members(filepath) -> tuple:
    if os.path.isdir(filepath):
        with open(os.path.join(filepath, CONFIG_FILENAME), "rb") as f:
            config = f.read()
        names = os.listdir(filepath)
        weights = None
        if VARS_FILENAME_H5 in names:
            with open(os.path.join(filepath, VARS_FILENAME_H5), "rb") as f:
                weights = f.read()
        return config, weights
    with zipfile.ZipFile(filepath, "r") as archive:
        names = archive.namelist()
        weights = archive.read(VARS_FILENAME_H5) if VARS_FILENAME_H5 in names else None
        return archive.read(CONFIG_FILENAME), weights


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model of a `.keras` archive or of a folder written with `zipped=False`."""
    config_json, weights = _read_members(filepath)
    config = json.loads(config_json)
    if not compile:
        config["compile_config"] = None
    model = deserialize_model(config, custom_objects=custom_objects, safe_mode=safe_mode)
    if weights is None:
        raise ValueError(f"Expected a {VARS_FILENAME_H5} or model.weights.npz file.")
    reader = H5Reader(io.BytesIO(weights))
    try:
        load_state(model, reader)
    finally:
        reader.close()
    return model
