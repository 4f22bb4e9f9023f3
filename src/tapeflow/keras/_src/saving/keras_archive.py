"""`.keras` archives: a zip of metadata.json, config.json and model.weights.h5, as Keras 3
writes them (members stored uncompressed, in that order)."""

from __future__ import annotations

import datetime
import io
import json
import warnings
import zipfile

from .h5_store import H5Reader, H5Writer, import_h5py
from .saving_lib import VARS_FILENAME_H5, load_state, save_state
from .serialization_lib import deserialize_model, serialize_model

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
# The Keras release whose files tapeflow reads and writes (metadata.json's keras_version).
KERAS_VERSION = "3.15.1"


def save_model(model, filepath):
    """Writes the zip of metadata.json, config.json and model.weights.h5 (Keras' order)."""
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
    with zipfile.ZipFile(filepath, "w") as archive:
        archive.writestr(METADATA_FILENAME, metadata_json)
        archive.writestr(CONFIG_FILENAME, config_json)
        archive.writestr(VARS_FILENAME_H5, weights.getvalue())


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    with zipfile.ZipFile(filepath, "r") as archive:
        config = json.loads(archive.read(CONFIG_FILENAME))
        names = archive.namelist()
        if VARS_FILENAME_H5 not in names:
            raise ValueError(f"Expected a {VARS_FILENAME_H5} or model.weights.npz file.")
        weights = io.BytesIO(archive.read(VARS_FILENAME_H5))
    if not compile:
        config["compile_config"] = None
    model = deserialize_model(config, custom_objects=custom_objects, safe_mode=safe_mode)
    reader = H5Reader(weights)
    try:
        load_state(model, reader)
    finally:
        reader.close()
    return model
