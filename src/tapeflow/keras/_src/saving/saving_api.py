"""`keras.saving.save_weights/load_weights/save_model/load_model` (and the `Model` methods
that call them): Keras 3's file-name rules and error texts.

Tapeflow extensions (opt-in, off by default so the behaviour and errors stay Keras' own):
`enable_checkpoint_hint()` makes the `.weights.h5` file-name errors also say that a
checkpoint prefix such as `"my_checkpoint"` (the TF 2 guides' style, which Keras 3 rejects)
is what `tf.train.Checkpoint` writes; `enable_npz_weights()` lets `save_weights` and
`load_weights` use `.weights.npz` files, which need NumPy only (no h5py).
"""

from __future__ import annotations

# The file formats (and logging) load on first use: `tf.keras` must stay quick to import.
import os

_HINT = {"enabled": False}
_NPZ = {"enabled": False}


def enable_checkpoint_hint(enabled: bool = True) -> None:
    """Tapeflow extension: name `tf.train.Checkpoint` in the `.weights.h5` errors."""
    _HINT["enabled"] = bool(enabled)


def enable_npz_weights(enabled: bool = True) -> None:
    """Tapeflow extension: let `save_weights`/`load_weights` also take `.weights.npz` files
    (NumPy only, no h5py; same variable order as `.weights.h5`). Keras rejects such names,
    and so does tapeflow until this is called."""
    _NPZ["enabled"] = bool(enabled)


def _log_warning(message: str) -> None:
    import logging

    logging.getLogger("tapeflow").warning(message)


def _npz(filepath: str) -> bool:
    return _NPZ["enabled"] and filepath.endswith(".weights.npz")


def _with_hint(message: str, filepath: str) -> str:
    if not _HINT["enabled"] or os.path.splitext(filepath)[1]:
        return message
    return (
        f"{message}\n(tapeflow: `{filepath}` looks like a TF checkpoint prefix. Keras 3 "
        "models write `.weights.h5` files; for TF-style checkpoints use "
        f"`tf.train.Checkpoint(model=model).write({filepath!r})` and `.read(...)`.)"
    )


def _ask_to_proceed_with_overwrite(filepath: str) -> bool:
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n]").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel).').strip().lower()
    if answer == "n":
        return False
    print("[TIP] Next time specify overwrite=True!")
    return True


def save_weights(model, filepath, overwrite=True, max_shard_size=None, **kwargs):
    """Writes the model's weights (and its optimizer's state) to a `.weights.h5` file."""
    filepath_str = os.fspath(filepath) if isinstance(filepath, os.PathLike) else str(filepath)
    if max_shard_size is not None:
        raise ValueError(
            "tapeflow does not write sharded weights (`max_shard_size`): save to one "
            f"`.weights.h5` file. Received: max_shard_size={max_shard_size}"
        )
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    if not filepath_str.endswith(".weights.h5") and not _npz(filepath_str):
        raise ValueError(
            _with_hint(
                f"The filename must end in `.weights.h5`. Received: filepath={filepath_str}",
                filepath_str,
            )
        )
    if os.path.exists(filepath_str) and not overwrite:
        if not _ask_to_proceed_with_overwrite(filepath_str):
            return
    from . import saving_lib

    saving_lib.save_weights_only(model, filepath_str)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Loads weights written by `save_weights` (or from a `.keras` archive), matched by the
    model's structure, not by layer names."""
    filepath_str = os.fspath(filepath) if isinstance(filepath, os.PathLike) else str(filepath)
    kwargs.pop("objects_to_skip", None)
    by_name = kwargs.pop("by_name", None)
    if kwargs:
        raise ValueError(f"Invalid keyword arguments: {kwargs}")
    if filepath_str.endswith((".keras", ".weights.h5")) or _npz(filepath_str):
        if by_name is not None:
            raise ValueError(
                "`by_name` only supports loading legacy '.h5' or '.hdf5' files. "
                f"Received: {filepath}"
            )
        from . import saving_lib

        saving_lib.load_weights_only(model, filepath_str, skip_mismatch=skip_mismatch)
        return
    if filepath_str.endswith((".h5", ".hdf5")):
        from . import legacy_h5

        legacy_h5.load_weights(model, filepath_str, skip_mismatch=skip_mismatch, by_name=by_name)
        return
    raise ValueError(
        _with_hint(
            f"File format not supported: filepath={filepath_str}. Keras 3 only supports V3 "
            "`.keras` files, `.weights.h5` files, legacy H5 format files (`.h5` extension), "
            "or Orbax checkpoints.",
            filepath_str,
        )
    )


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Writes `model` to a `.keras` file (a zip of config.json, metadata.json and
    model.weights.h5), into a folder of those files (`zipped=False`), or in the legacy HDF5
    format to a `.h5` file (with Keras' warning)."""
    include_optimizer = kwargs.pop("include_optimizer", True)
    save_format = kwargs.pop("save_format", False)
    filepath_str = str(filepath)
    if save_format:
        if not filepath_str.endswith((".h5", ".hdf5", ".keras")):
            raise ValueError(
                "The `save_format` argument is deprecated in Keras 3. Please remove this "
                "argument and pass a file path with either `.keras` or `.h5` extension."
                f"Received: save_format={save_format}"
            )
        _log_warning(
            "The `save_format` argument is deprecated in Keras 3. We recommend removing this "
            "argument as it can be inferred from the file path. "
            f"Received: save_format={save_format}"
        )
    if kwargs:
        raise ValueError(f"The following argument(s) are not supported: {list(kwargs.keys())}")
    if filepath_str.endswith((".h5", ".hdf5")):
        _log_warning(
            "You are saving your model as an HDF5 file via `model.save()` or "
            "`keras.saving.save_model(model)`. This file format is considered legacy. We "
            "recommend using instead the native Keras format, e.g. "
            "`model.save('my_model.keras')` or `keras.saving.save_model(model, "
            "'my_model.keras')`. "
        )
    zipped = True if zipped is None else zipped
    if os.path.exists(filepath_str) and not overwrite:
        if not _ask_to_proceed_with_overwrite(filepath_str):
            return
    from . import keras_archive, legacy_h5

    if zipped and filepath_str.endswith(".keras"):
        keras_archive.save_model(model, filepath_str)
        return
    if not zipped:
        if filepath_str.endswith(".keras"):
            raise ValueError(
                "When using `zipped=False`, the `filepath` argument should not end in "
                f"`.keras`. Received: filepath={filepath_str}"
            )
        keras_archive.save_model(model, filepath_str, zipped=False)
        return
    if filepath_str.endswith((".h5", ".hdf5")):
        legacy_h5.save_model_to_hdf5(model, filepath_str, include_optimizer=include_optimizer)
        return
    raise ValueError(
        "Invalid filepath extension for saving. Please add either a `.keras` extension for "
        "the native Keras format (recommended) or a `.h5` extension. Use "
        "`model.export(filepath)` if you want to export a SavedModel for use with "
        f"TFLite/TFServing/etc. Received: filepath={filepath_str}."
    )


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model a `.keras` file holds, with its weights (and compile state when the model
    can compile from a config)."""
    import zipfile

    from . import keras_archive, legacy_h5

    filepath_str = str(filepath)
    is_keras_zip = filepath_str.endswith(".keras") and zipfile.is_zipfile(filepath_str)
    is_keras_dir = os.path.isdir(filepath_str) and os.path.exists(
        os.path.join(filepath_str, "config.json")
    )
    if is_keras_zip or is_keras_dir:
        return keras_archive.load_model(
            filepath_str, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
        )
    if filepath_str.endswith(".keras"):
        raise ValueError(
            f"File not found: filepath={filepath_str}. Please ensure the file is an "
            "accessible `.keras` zip file."
        )
    if filepath_str.endswith((".h5", ".hdf5")):
        return legacy_h5.load_model_from_hdf5(
            filepath_str, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
        )
    raise ValueError(
        f"File format not supported: filepath={filepath_str}. Keras 3 only supports V3 "
        "`.keras` files, legacy H5 format files (`.h5` extension). Note that the legacy "
        "SavedModel format is not supported by `load_model()` in Keras 3. In order to reload "
        "a TensorFlow SavedModel as an inference-only layer in Keras 3, use "
        f"`keras.layers.TFSMLayer({filepath_str}, call_endpoint='serving_default')` (note "
        "that your `call_endpoint` might have a different name)."
    )
