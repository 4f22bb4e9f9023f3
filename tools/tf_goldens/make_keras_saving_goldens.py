"""Writes the Keras saving goldens: files written by real Keras 3 and what Keras says of them.

Usage (TensorFlow and Keras live in their own venv)::

    /work/tfvenv/bin/python tools/tf_goldens/make_keras_saving_goldens.py

Outputs, in tests/data/ (small: models of a few Dense layers):

- `keras_seq.weights.h5`, `keras_func.weights.h5`, `keras_compiled.weights.h5` (the last with
  Adam's state after one step), `keras_seq.keras`, `keras_func.keras`, and the legacy HDF5
  model files `keras_seq.h5`, `keras_func.h5`, `keras_compiled.h5`: files Keras wrote;
- `keras_saving_goldens.json`: for each model its HDF5 layout (every group and dataset with
  shape, dtype and attributes, in `visititems` order), its weights, its prediction on a fixed
  input, the `.keras` archive's member list and config.json, and Keras' error texts.

tests/test_keras_saving.py loads the files into the equivalent tapeflow models and checks the
values, and checks that the files tapeflow writes have the same layout key by key.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile

import numpy as np
from family import DATA, import_tensorflow, write
from keras_saving_models import KEYS, build, layout  # tests/ is on sys.path (family)

OUTPUT = DATA / "keras_saving_goldens.json"
X = np.linspace(-1.0, 1.0, 6, dtype="float32").reshape(2, 3)


def build_models(keras):
    """The models in KEYS order (the first after set_random_seed(7)); "compiled" also
    compiled with Adam and trained one batch."""
    models = {key: build(keras, key, X, seed=7 if key == "seq" else None) for key in KEYS}
    models["compiled"].compile(optimizer="adam", loss="mse")
    models["compiled"].train_on_batch(X, np.ones((2, 2), "float32"))
    return models


def main() -> None:
    import_tensorflow("3")
    import h5py
    import keras

    tmp = tempfile.mkdtemp()
    document = {"header": {"keras_version": keras.__version__, "h5py_version": h5py.__version__}}
    document["x"] = X.tolist()
    cases = {}
    committed_weights = {"seq", "func", "compiled"}
    committed_keras = {"seq", "func"}
    committed_legacy = {"seq", "func", "compiled"}
    for key, model in build_models(keras).items():
        path = os.path.join(tmp, f"{key}.weights.h5")
        model.save_weights(path)
        case = {
            "layout": layout(h5py, path),
            "weights": [w.tolist() for w in model.get_weights()],
            "prediction": np.asarray(model(X)).tolist() if key != "func2out" else None,
        }
        if key in committed_legacy:
            legacy_path = os.path.join(tmp, f"{key}.h5")
            model.save(legacy_path)
            case["legacy_layout"] = layout(h5py, legacy_path)
            with h5py.File(legacy_path, "r") as f:
                case["legacy_attrs"] = {
                    k: (v.decode() if isinstance(v, bytes) else str(v)) for k, v in f.attrs.items()
                }
            shutil.copy(legacy_path, DATA / f"keras_{key}.h5")
        if key in committed_weights:
            shutil.copy(path, DATA / f"keras_{key}.weights.h5")
        if key in committed_keras:
            keras_path = os.path.join(tmp, f"{key}.keras")
            model.save(keras_path)
            with zipfile.ZipFile(keras_path) as archive:
                case["archive_members"] = archive.namelist()
                case["config"] = json.loads(archive.read("config.json"))
                case["metadata_keys"] = sorted(json.loads(archive.read("metadata.json")))
                with open(os.path.join(tmp, "inner.h5"), "wb") as f:
                    f.write(archive.read("model.weights.h5"))
            case["archive_layout"] = layout(h5py, os.path.join(tmp, "inner.h5"))
            shutil.copy(keras_path, DATA / f"keras_{key}.keras")
        cases[key] = case
    if "compiled" in cases:
        cases["compiled"]["optimizer_variables"] = [
            v.path for v in build_models(keras)["compiled"].optimizer.variables
        ]
    document["models"] = cases

    errors = {}
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
    for name in ["my_checkpoint", "w.h5", "w.weights.npz"]:
        try:
            model.save_weights(os.path.join(tmp, name))
        except ValueError as e:
            errors[f"save_weights:{name}"] = str(e).replace(tmp + "/", "")
    try:
        model.load_weights(os.path.join(tmp, "my_checkpoint"))
    except ValueError as e:
        errors["load_weights:my_checkpoint"] = str(e).replace(tmp + "/", "")
    for name in ["model_dir", "model.weights.h5"]:
        try:
            model.save(os.path.join(tmp, name))
        except ValueError as e:
            errors[f"save:{name}"] = str(e).replace(tmp + "/", "")
    try:
        keras.models.load_model(os.path.join(tmp, "missing.keras"))
    except ValueError as e:
        errors["load_model:missing.keras"] = str(e).replace(tmp + "/", "")
    try:
        keras.models.load_model(os.path.join(tmp, "my_checkpoint"))
    except ValueError as e:
        errors["load_model:my_checkpoint"] = str(e).replace(tmp + "/", "")
    keras.backend.clear_session()
    wide = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    try:
        wide.load_weights(DATA / "keras_seq.weights.h5")
    except ValueError as e:
        message = str(e)
        head, _, tail = message.partition("Target variable: ")
        errors["load_weights:mismatch"] = {"head": head, "tail": tail[tail.index("\n\nList") :]}
    keras.backend.clear_session()
    short = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, use_bias=False)])
    try:
        short.load_weights(DATA / "keras_seq.weights.h5")
    except ValueError as e:
        errors["load_weights:count"] = str(e)
    document["errors"] = errors
    shutil.rmtree(tmp)
    write(OUTPUT, document, len(cases) + len(errors))


if __name__ == "__main__":
    main()
