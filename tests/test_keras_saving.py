"""Keras 3 saving: `.weights.h5` and `.keras` files that interchange with real Keras.

The committed files tests/data/keras_*.weights.h5 / keras_*.keras were written by Keras 3.15.1
(tools/tf_goldens/make_keras_saving_goldens.py), and keras_saving_goldens.json holds their HDF5
layouts, weights, predictions and Keras' error texts (observed on TF 2.21 / Keras 3.15.1).
"""

from __future__ import annotations

import json
import sys
import warnings
import zipfile
from pathlib import Path

import keras_saving_models
import numpy as np
import pytest

import tapeflow as tf

h5py = pytest.importorskip("h5py")  # the optional `h5` extra; CI installs it

keras = tf.keras
DATA = Path(__file__).parent / "data"
GOLDENS = json.loads((DATA / "keras_saving_goldens.json").read_text())
X = np.array(GOLDENS["x"], dtype="float32")


Sub = keras_saving_models.classes(keras).Sub
Block = keras_saving_models.classes(keras).Block


def build(key):
    """The tapeflow twin of the generator's model `key` (names start afresh)."""
    return keras_saving_models.build(keras, key, X)


def layout(path) -> list:
    return keras_saving_models.layout(h5py, path)


def golden_weights(key) -> list:
    return [np.array(w, dtype="float32") for w in GOLDENS["models"][key]["weights"]]


class FakeAdam:
    """An optimizer as the saving walk sees one (Keras' variable order: iterations,
    learning_rate, then momentum/velocity per model variable): lets the optimizer part of
    the layout be tested before the optimizers land."""

    name = "adam"

    def __init__(self, model):
        self.variables = [
            keras.Variable(0, dtype="int64", name="iteration"),
            keras.Variable(0.001, name="learning_rate"),
        ]
        for v in model.trainable_variables:
            for slot in ("momentum", "velocity"):
                self.variables.append(keras.Variable(np.zeros(v.shape, "float32"), name=slot))

    def apply_gradients(self, grads_and_vars):
        raise AssertionError("not used by saving")


# -- the .weights.h5 layout ------------------------------------------------------------------
@pytest.mark.parametrize("key", ["seq", "func", "func2out", "sub", "seq_lazy", "nested", "block"])
def test_written_layout_equals_keras(tmp_path, key):
    model = build(key)
    model.set_weights(golden_weights(key))
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    assert layout(path) == GOLDENS["models"][key]["layout"]
    with h5py.File(path, "r") as f:
        written = []

        def collect(name, obj):
            if isinstance(obj, h5py.Dataset):
                written.append(obj[()])

        f.visititems(collect)
    assert sorted(float(np.sum(w)) for w in written) == sorted(
        float(np.sum(w)) for w in golden_weights(key)
    )


def test_written_layout_with_optimizer_state(tmp_path):
    model = build("compiled")
    model.optimizer = FakeAdam(model)
    path = tmp_path / "c.weights.h5"
    model.save_weights(path)
    assert layout(path) == GOLDENS["models"]["compiled"]["layout"]


@pytest.mark.parametrize("key", ["seq", "func", "sub", "nested", "block"])
def test_round_trip_weights(tmp_path, key):
    model = build(key)
    path = tmp_path / "w.weights.h5"
    model.save_weights(str(path))
    other = build(key)
    other.load_weights(path)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)


# -- files real Keras wrote ------------------------------------------------------------------
@pytest.mark.parametrize("key", ["seq", "func"])
def test_load_keras_written_weights(key):
    model = build(key)
    model.load_weights(DATA / f"keras_{key}.weights.h5")
    for got, want in zip(model.get_weights(), golden_weights(key)):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(
        model(X).numpy(), np.array(GOLDENS["models"][key]["prediction"]), rtol=1e-6, atol=1e-6
    )


def test_load_keras_written_weights_from_archive():
    model = build("func")
    model.load_weights(str(DATA / "keras_func.keras"))
    for got, want in zip(model.get_weights(), golden_weights("func")):
        np.testing.assert_array_equal(got, want)


def test_load_keras_optimizer_state():
    model = build("compiled")
    model.optimizer = FakeAdam(model)
    model.load_weights(DATA / "keras_compiled.weights.h5")
    for got, want in zip(model.get_weights(), golden_weights("compiled")):
        np.testing.assert_array_equal(got, want)
    with h5py.File(DATA / "keras_compiled.weights.h5", "r") as f:
        stored = [f[f"optimizer/vars/{i}"][()] for i in range(6)]
    assert int(model.optimizer.variables[0].numpy()) == int(stored[0]) == 1
    for variable, value in zip(model.optimizer.variables, stored):
        np.testing.assert_array_equal(variable.numpy(), value)


def test_optimizer_state_ignored_without_optimizer():
    model = build("compiled")  # Keras skips the file's optimizer group too
    model.load_weights(DATA / "keras_compiled.weights.h5")
    np.testing.assert_array_equal(model.get_weights()[0], golden_weights("compiled")[0])


def test_unbuilt_optimizer_warns_and_skips(tmp_path):
    model = build("compiled")
    optimizer = FakeAdam(model)
    optimizer.variables = []
    model.optimizer = optimizer
    with pytest.warns(UserWarning) as record:
        model.load_weights(DATA / "keras_compiled.weights.h5")
    assert str(record[0].message) == (
        "Skipping variable loading for optimizer 'adam', because it has 0 variables whereas "
        "the saved optimizer has 6 variables. This is likely because the optimizer has not "
        "been called/built yet."
    )
    np.testing.assert_array_equal(model.get_weights()[0], golden_weights("compiled")[0])


def test_matched_by_structure_not_names():
    keras.backend.clear_session()
    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(4, activation="relu", name="first"),
            keras.layers.Dense(2, name="second"),
        ]
    )
    model.load_weights(DATA / "keras_seq.weights.h5")
    for got, want in zip(model.get_weights(), golden_weights("seq")):
        np.testing.assert_array_equal(got, want)


# -- Keras' errors ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["my_checkpoint", "w.h5", "w.weights.npz"])
def test_save_weights_filename_error(tmp_path, name):
    model = build("seq")
    with pytest.raises(ValueError) as e:
        model.save_weights(tmp_path / name)
    # observed on TF 2.21 (paths relative in the golden)
    assert str(e.value).replace(f"{tmp_path}/", "") == GOLDENS["errors"][f"save_weights:{name}"]
    assert not list(tmp_path.iterdir())


def test_load_weights_format_error(tmp_path):
    model = build("seq")
    with pytest.raises(ValueError) as e:
        model.load_weights(tmp_path / "my_checkpoint")
    assert (
        str(e.value).replace(f"{tmp_path}/", "") == GOLDENS["errors"]["load_weights:my_checkpoint"]
    )


def test_checkpoint_hint_is_opt_in(tmp_path):
    from tapeflow.keras._src.saving import enable_checkpoint_hint

    model = build("seq")
    enable_checkpoint_hint()
    try:
        with pytest.raises(ValueError, match=r"tf\.train\.Checkpoint\(model=model\)"):
            model.save_weights("my_checkpoint")
        with pytest.raises(ValueError) as e:
            model.save_weights("w.h5")  # not a prefix: Keras' text alone
        assert str(e.value) == GOLDENS["errors"]["save_weights:w.h5"]
    finally:
        enable_checkpoint_hint(False)
    with pytest.raises(ValueError) as e:
        model.save_weights("my_checkpoint")
    assert str(e.value) == GOLDENS["errors"]["save_weights:my_checkpoint"]


def test_missing_directory(tmp_path):
    with pytest.raises(FileNotFoundError):
        build("seq").save_weights(tmp_path / "ckpt" / "w.weights.h5")


def test_unbuilt_model_errors(tmp_path):
    model = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="You are saving a model that has not yet been built"):
        model.save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match="You are loading weights into a model that has not"):
        model.load_weights(DATA / "keras_seq.weights.h5")


def test_mismatched_shape_error_leaves_model_unchanged():
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    before = model.get_weights()
    with pytest.raises(ValueError) as e:
        model.load_weights(DATA / "keras_seq.weights.h5")
    golden = GOLDENS["errors"]["load_weights:mismatch"]
    target = model.layers[0].kernel
    assert str(e.value) == golden["head"] + f"Target variable: {target}" + golden["tail"]
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_mismatch_after_loaded_layers_is_undone():
    keras.backend.clear_session()
    # first layer matches the file, the second does not: nothing may stay loaded
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(5)])
    before = model.get_weights()
    with pytest.raises(ValueError, match="A total of 1 objects could not be loaded"):
        model.load_weights(DATA / "keras_seq.weights.h5")
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_variable_count_error():
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, use_bias=False)])
    with pytest.raises(ValueError) as e:
        model.load_weights(DATA / "keras_seq.weights.h5")
    assert str(e.value) == GOLDENS["errors"]["load_weights:count"]


def test_skip_mismatch_warns_and_loads_the_rest():
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(5)])
    second = model.layers[1].get_weights()
    with pytest.warns(UserWarning, match="A total of 1 objects could not be loaded"):
        model.load_weights(DATA / "keras_seq.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], golden_weights("seq")[0])
    for a, b in zip(second, model.layers[1].get_weights()):
        np.testing.assert_array_equal(a, b)


def test_without_h5py(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "h5py", None)
    model = build("seq")
    for call in (
        lambda: model.save_weights(tmp_path / "w.weights.h5"),
        lambda: model.load_weights(DATA / "keras_seq.weights.h5"),
        lambda: model.save(tmp_path / "m.keras"),
    ):
        with pytest.raises(ImportError, match=r"pip install h5py.*tapeflow\[h5\]"):
            call()
    assert not list(tmp_path.iterdir())


def test_overwrite_false_asks(tmp_path, monkeypatch):
    model = build("seq")
    path = tmp_path / "w.weights.h5"
    model.save_weights(path)
    stamp = path.stat().st_mtime_ns
    answers = iter(["n"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    model.save_weights(path, overwrite=False)
    assert path.stat().st_mtime_ns == stamp


# -- .keras archives -------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["seq", "func"])
def test_archive_matches_keras(tmp_path, key):
    model = build(key)
    model.set_weights(golden_weights(key))
    path = tmp_path / "m.keras"
    model.save(path)
    golden = GOLDENS["models"][key]
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == golden["archive_members"]
        metadata = json.loads(archive.read("metadata.json"))
        config = json.loads(archive.read("config.json"))
        (tmp_path / "inner.h5").write_bytes(archive.read("model.weights.h5"))
    assert sorted(metadata) == golden["metadata_keys"]
    assert metadata["keras_version"] == "3.15.1"
    assert layout(tmp_path / "inner.h5") == golden["archive_layout"]
    want = golden["config"]
    for field in ("module", "class_name", "registered_name", "build_config", "compile_config"):
        assert config[field] == want[field], field
    assert config["config"]["name"] == want["config"]["name"]
    layers, want_layers = config["config"]["layers"], want["config"]["layers"]
    assert [(c["class_name"], c["module"], c["config"]["name"]) for c in layers] == [
        (c["class_name"], c["module"], c["config"]["name"]) for c in want_layers
    ]
    assert [c.get("build_config") for c in layers] == [c.get("build_config") for c in want_layers]
    if key == "func":
        for field in ("input_layers", "output_layers"):
            assert config["config"][field] == want["config"][field]
        assert [c["inbound_nodes"] for c in layers] == [c["inbound_nodes"] for c in want_layers]
    else:
        assert config["config"]["build_input_shape"] == want["config"]["build_input_shape"]


@pytest.mark.parametrize("key", ["seq", "func", "func2out", "nested"])
def test_archive_round_trip(tmp_path, key):
    model = build(key)
    path = tmp_path / "m.keras"
    model.save(str(path))
    loaded = keras.models.load_model(path)
    assert type(loaded) is type(model)
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(tf.nest.flatten(model(X)), tf.nest.flatten(loaded(X))):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


def test_archive_of_subclassed_model_with_custom_objects(tmp_path):
    model = build("sub")
    model.save(tmp_path / "s.keras")
    loaded = keras.models.load_model(tmp_path / "s.keras", custom_objects={"Sub": Sub})
    assert isinstance(loaded, Sub)
    np.testing.assert_allclose(loaded(X).numpy(), model(X).numpy(), rtol=1e-6)


def test_registered_custom_layer(tmp_path):
    from tapeflow.keras._src import saving

    @saving.register_keras_serializable(package="tests")
    class Doubler(keras.layers.Dense):
        def call(self, inputs):
            return 2.0 * super().call(inputs)

    assert saving.get_registered_name(Doubler) == "tests>Doubler"
    assert saving.get_registered_object("tests>Doubler") is Doubler
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((3,)), Doubler(2)])
    model.save(tmp_path / "d.keras")
    try:
        loaded = keras.models.load_model(tmp_path / "d.keras")
    finally:
        saving.get_custom_objects().pop("tests>Doubler")
    assert type(loaded.layers[0]) is Doubler
    np.testing.assert_allclose(loaded(X).numpy(), model(X).numpy(), rtol=1e-6)
    with pytest.raises(TypeError, match="Could not locate class 'Doubler'"):
        keras.models.load_model(tmp_path / "d.keras")
    with saving.custom_object_scope({"Doubler": Doubler}):
        assert type(keras.models.load_model(tmp_path / "d.keras").layers[0]) is Doubler


def test_compile_state_saved_when_the_model_has_it(tmp_path):
    model = build("seq")
    model.get_compile_config = lambda: {"loss": "mse"}
    model.save(tmp_path / "c.keras")
    with zipfile.ZipFile(tmp_path / "c.keras") as archive:
        assert json.loads(archive.read("config.json"))["compile_config"] == {"loss": "mse"}
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        keras.models.load_model(tmp_path / "c.keras", compile=False)
    assert not record
    if not hasattr(keras.Model, "compile_from_config"):
        with pytest.warns(UserWarning, match="returned uncompiled"):
            keras.models.load_model(tmp_path / "c.keras")


def test_to_json_round_trip():
    from tapeflow.keras._src.saving.serialization_lib import model_from_json

    model = build("func")
    text = model.to_json()
    assert json.loads(text)["class_name"] == "Functional"
    rebuilt = model_from_json(text)
    assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in model.layers]
    assert rebuilt.output_shape == model.output_shape


def test_save_model_errors(tmp_path):
    model = build("seq")
    with pytest.raises(ValueError) as e:
        model.save(tmp_path / "model_dir")
    assert str(e.value).replace(f"{tmp_path}/", "") == GOLDENS["errors"]["save:model_dir"]
    with pytest.raises(ValueError) as e:
        keras.models.load_model(tmp_path / "missing.keras")
    assert str(e.value).replace(f"{tmp_path}/", "") == GOLDENS["errors"]["load_model:missing.keras"]
    with pytest.raises(ValueError) as e:
        keras.models.load_model(tmp_path / "my_checkpoint")
    assert str(e.value).replace(f"{tmp_path}/", "") == GOLDENS["errors"]["load_model:my_checkpoint"]


@pytest.mark.parametrize("key", ["seq", "func"])
def test_load_keras_written_archive_through_a_dense_shim(key):
    """The archive machinery on Keras' own config.json (shared_object_id entries, Functional's
    module, compile_config {}), with Dense's config narrowed to what tapeflow's Dense takes
    today (until it takes `quantization_config` and initializer configs: see the next test)."""

    class Dense(keras.layers.Dense):  # named so: the weights' paths are layers/dense...
        @classmethod
        def from_config(cls, config):
            config = dict(config)
            assert config.pop("quantization_config") is None
            assert config.pop("kernel_initializer")["class_name"] == "GlorotUniform"
            assert config.pop("bias_initializer")["class_name"] == "Zeros"
            return super().from_config(config)

    model = keras.models.load_model(DATA / f"keras_{key}.keras", custom_objects={"Dense": Dense})
    assert type(model).__name__ == GOLDENS["models"][key]["config"]["class_name"]
    assert [layer.name for layer in model.layers] == [
        c["config"]["name"]
        for c in GOLDENS["models"][key]["config"]["config"]["layers"]
        if key == "func" or c["class_name"] != "InputLayer"
    ]
    np.testing.assert_allclose(
        model(X).numpy(), np.array(GOLDENS["models"][key]["prediction"]), rtol=1e-6, atol=1e-6
    )


@pytest.mark.parametrize("key", ["seq", "func"])
def test_load_keras_written_archive(key):
    model = keras.models.load_model(DATA / f"keras_{key}.keras")
    np.testing.assert_allclose(
        model(X).numpy(), np.array(GOLDENS["models"][key]["prediction"]), rtol=1e-6, atol=1e-6
    )


# -- the keras.saving namespace (Keras 3's `import keras` only) -----------------------------
def test_keras_saving_namespace_names():
    from tapeflow.keras._keras3 import saving

    # observed on Keras 3.15.1: dir(keras.saving), KerasFileEditor left out
    keras3_names = [
        "CustomObjectScope", "custom_object_scope", "deserialize_keras_object",
        "get_custom_objects", "get_registered_name", "get_registered_object", "load_model",
        "load_weights", "register_keras_serializable", "save_model", "save_weights",
        "serialize_keras_object",
    ]  # fmt: skip
    assert sorted(n for n in dir(saving) if not n.startswith("_")) == sorted(keras3_names)
    assert saving.load_model is keras.models.load_model
    assert not hasattr(keras, "saving")  # tf.keras has no `saving` in TF 2.21


def test_saving_functions_take_the_model(tmp_path):
    from tapeflow.keras._keras3 import saving

    model = build("seq")
    saving.save_weights(model, tmp_path / "w.weights.h5")
    other = build("seq")
    saving.load_weights(other, tmp_path / "w.weights.h5")
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    saving.save_model(model, tmp_path / "m.keras")
    assert [w.shape for w in saving.load_model(tmp_path / "m.keras").get_weights()] == [
        w.shape for w in model.get_weights()
    ]


# observed on Keras 3.15.1: keras.saving.serialize_keras_object of each value
SERIALIZED = [
    (None, None),
    (3, 3),
    ((1, 2), [1, 2]),
    ([1, (2, 3)], [1, [2, 3]]),
    ({"a": (1,)}, {"a": [1]}),
    (np.array([1.0, 2.0], "float32"),
     {"class_name": "__numpy__", "config": {"value": [1.0, 2.0], "dtype": "float32"}}),
    (np.float32(2.0), 2.0),
    (b"ab", {"class_name": "__bytes__", "config": {"value": "ab"}}),
    (tf.constant([1, 2]),
     {"class_name": "__tensor__", "config": {"value": [1, 2], "dtype": "int32"}}),
]  # fmt: skip


@pytest.mark.parametrize("value,want", SERIALIZED)
def test_serialize_keras_object(value, want):
    from tapeflow.keras._keras3 import saving

    got = saving.serialize_keras_object(value)
    assert json.loads(json.dumps(got)) == want
    back = saving.deserialize_keras_object(json.loads(json.dumps(got)))
    if isinstance(value, (np.ndarray, tf.Tensor)):
        np.testing.assert_array_equal(np.asarray(back), np.asarray(value))
    elif isinstance(value, bytes):
        assert back == value
    else:  # observed on Keras 3.15.1: tuples come back as lists
        assert back == want


def test_serialize_functions_and_lambdas():
    from tapeflow.keras._keras3 import saving

    def scaled(x):
        return 3 * x

    saving.register_keras_serializable("tests")(scaled)
    try:
        config = saving.serialize_keras_object(scaled)
        # observed on Keras 3.15.1 (a function's class is "function", its module "builtins")
        assert config == {
            "module": "builtins",
            "class_name": "function",
            "config": "tests>scaled",
            "registered_name": "function",
        }
        assert saving.deserialize_keras_object(config) is scaled
    finally:
        saving.get_custom_objects().pop("tests>scaled")
    with pytest.raises(TypeError, match="Could not locate function 'tests>scaled'"):
        saving.deserialize_keras_object(config)
    with pytest.warns(UserWarning, match="includes a `lambda`"):
        config = saving.serialize_keras_object(lambda x, k=2: x * k)
    config = json.loads(json.dumps(config))
    with pytest.raises(ValueError, match="Requested the deserialization of a Python lambda"):
        saving.deserialize_keras_object(config)
    assert saving.deserialize_keras_object(config, safe_mode=False)(5) == 10


def test_serialize_layer_round_trip():
    from tapeflow.keras._keras3 import saving

    layer = keras.layers.Dense(3, activation="relu", name="d3")
    config = saving.serialize_keras_object(layer)
    assert (config["module"], config["class_name"], config["registered_name"]) == (
        "keras.layers", "Dense", None,
    )  # fmt: skip
    rebuilt = saving.deserialize_keras_object(json.loads(json.dumps(config)))
    assert type(rebuilt) is keras.layers.Dense
    assert (rebuilt.name, rebuilt.units) == ("d3", 3)


# -- the legacy HDF5 model format (`.h5`) ----------------------------------------------------
@pytest.mark.parametrize("key", ["seq", "func"])
def test_legacy_h5_layout_equals_keras(tmp_path, key, caplog):
    model = build(key)
    model.set_weights(golden_weights(key))
    path = tmp_path / "m.h5"
    with caplog.at_level("WARNING", logger="tapeflow"):
        model.save(path)
    # observed on TF 2.21: Keras' warning for the legacy format
    assert "This file format is considered legacy." in caplog.text
    got, want = layout(path), GOLDENS["models"][key]["legacy_layout"]
    assert got[1:] == want[1:]  # every group, dataset and attribute below the root
    root, want_root = got[0][4], want[0][4]
    assert sorted(root) == sorted(want_root)
    assert (root["keras_version"], root["backend"]) == ("3.15.1", "tensorflow")
    config, want_config = json.loads(root["model_config"]), json.loads(want_root["model_config"])
    assert sorted(config) == ["class_name", "config"]
    assert config["class_name"] == want_config["class_name"]
    strip = lambda layers: [{k: v for k, v in c.items() if k != "config"} for c in layers]  # noqa: E731
    assert strip(config["config"]["layers"]) == strip(want_config["config"]["layers"])
    with h5py.File(path, "r") as f:
        for name in ("kernel", "bias"):
            prefix = "sequential/" if key == "seq" else ""
            np.testing.assert_array_equal(
                f[f"model_weights/dense/{prefix}dense/{name}"][()],
                golden_weights(key)[0 if name == "kernel" else 1],
            )


@pytest.mark.parametrize("key", ["seq", "func", "compiled"])
def test_legacy_load_weights_from_keras_file(key):
    model = build(key)
    model.load_weights(DATA / f"keras_{key}.h5")
    for got, want in zip(model.get_weights(), golden_weights(key)):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("key", ["seq", "func", "nested"])
def test_legacy_round_trip(tmp_path, key, caplog):
    model = build(key)
    model.save(tmp_path / "m.h5")
    with caplog.at_level("WARNING", logger="tapeflow"):
        loaded = keras.models.load_model(tmp_path / "m.h5")
    # observed on TF 2.21 (Keras logs it through absl)
    assert (
        "No training configuration found in the save file, so the model was *not* compiled. "
        "Compile it manually." in caplog.text
    )
    assert type(loaded) is type(model)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_legacy_errors_leave_the_model_unchanged():
    keras.backend.clear_session()
    wide = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(5)])
    before = wide.get_weights()
    with pytest.raises(ValueError) as e:
        wide.load_weights(DATA / "keras_seq.h5")
    # observed on TF 2.21 (the missing space after "(named dense_1)" included)
    assert str(e.value) == (
        "Shape mismatch in layer #1 (named dense_1)for weight sequential/dense_1/kernel. "
        "Weight expects shape (4, 5). Received saved weight with shape (4, 2)"
    )
    for a, b in zip(before, wide.get_weights()):
        np.testing.assert_array_equal(a, b)
    short = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])
    with pytest.raises(ValueError) as e:
        short.load_weights(DATA / "keras_seq.h5")
    assert str(e.value) == (
        "Layer count mismatch when loading weights from file. Model expected 1 layers, "
        "found 2 saved layers."
    )
    keras.backend.clear_session()
    no_bias = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4, use_bias=False), keras.layers.Dense(2)]
    )
    with pytest.raises(ValueError) as e:
        no_bias.load_weights(DATA / "keras_seq.h5")
    assert str(e.value) == (
        "Weight count mismatch for layer #0 (named dense in the current model, dense in the "
        "save file). Layer expects 1 weight(s). Received 2 saved weight(s)"
    )


def test_legacy_skip_mismatch_and_by_name():
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(5)])
    skipped = r"Skipping loading weights for layer #1 \(named dense_1\)"
    with pytest.warns(UserWarning, match=skipped):
        model.load_weights(DATA / "keras_seq.h5", skip_mismatch=True)
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], golden_weights("seq")[0])
    keras.backend.clear_session()
    other, second = keras.layers.Dense(4, name="other"), keras.layers.Dense(2, name="dense_1")
    renamed = keras.Sequential([keras.Input((3,)), other, second])
    first = renamed.layers[0].get_weights()
    renamed.load_weights(DATA / "keras_seq.h5", by_name=True)
    for a, b in zip(first, renamed.layers[0].get_weights()):
        np.testing.assert_array_equal(a, b)  # no layer of that name in the file
    np.testing.assert_array_equal(renamed.layers[1].get_weights()[0], golden_weights("seq")[2])
    with pytest.raises(ValueError, match="`by_name` only supports loading legacy"):
        renamed.load_weights(DATA / "keras_seq.weights.h5", by_name=True)


def test_legacy_training_config_without_a_trainer(tmp_path):
    model = build("seq")
    model.get_compile_config = lambda: {"optimizer": "sgd", "loss": "mse", "metrics": None}
    model.save(tmp_path / "c.h5")
    with h5py.File(tmp_path / "c.h5", "r") as f:
        training = json.loads(f.attrs["training_config"])
    assert training == {"loss": "mse", "metrics": None, "optimizer_config": "sgd"}
    if not hasattr(keras.Model, "compile"):
        with pytest.warns(UserWarning, match="has no `compile`: it is returned uncompiled"):
            keras.models.load_model(tmp_path / "c.h5")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        keras.models.load_model(tmp_path / "c.h5", compile=False)


@pytest.mark.parametrize("key", ["seq", "func"])
def test_load_keras_written_legacy_model(key):
    model = keras.models.load_model(DATA / f"keras_{key}.h5")
    np.testing.assert_allclose(
        model(X).numpy(), np.array(GOLDENS["models"][key]["prediction"]), rtol=1e-6, atol=1e-6
    )


def test_unzipped_folder(tmp_path):
    model = build("func")
    folder = tmp_path / "model_dir"
    model.save(folder, zipped=False)
    # observed on Keras 3.15.1 (an empty assets folder included)
    assert sorted(p.name for p in folder.iterdir()) == [
        "assets", "config.json", "metadata.json", "model.weights.h5",
    ]  # fmt: skip
    loaded = keras.models.load_model(folder)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError) as e:
        model.save(tmp_path / "m.keras", zipped=False)
    # observed on Keras 3.15.1 (saving_lib.save_model)
    assert str(e.value) == (
        "When using `zipped=False`, the `filepath` argument should not end in `.keras`. "
        f"Received: filepath={tmp_path / 'm.keras'}"
    )


def test_save_format_argument(tmp_path, caplog):
    model = build("seq")
    with pytest.raises(ValueError, match="The `save_format` argument is deprecated in Keras 3"):
        model.save(tmp_path / "m", save_format="tf")
    with caplog.at_level("WARNING", logger="tapeflow"):
        model.save(tmp_path / "m.keras", save_format="keras")
    assert "We recommend removing this argument" in caplog.text
    assert zipfile.is_zipfile(tmp_path / "m.keras")


def test_npz_weights_are_opt_in(tmp_path, monkeypatch):
    from tapeflow.keras._src.saving import enable_npz_weights

    model = build("block")
    path = tmp_path / "w.weights.npz"
    with pytest.raises(ValueError, match="The filename must end in `.weights.h5`"):
        model.save_weights(path)
    with pytest.raises(ValueError, match="File format not supported"):
        model.load_weights(path)
    monkeypatch.setitem(sys.modules, "h5py", None)  # NumPy only
    enable_npz_weights()
    try:
        model.save_weights(path)
        with np.load(path) as f:
            keys = sorted(f.files)
        # the .weights.h5 datasets' paths, as keys
        assert keys == sorted(
            e[0] for e in GOLDENS["models"]["block"]["layout"] if e[1] == "Dataset"
        )
        other = build("block")
        other.load_weights(path)
        for a, b in zip(model.get_weights(), other.get_weights()):
            np.testing.assert_array_equal(a, b)
        keras.backend.clear_session()
        wide = keras.Sequential([keras.Input((4,)), Block()])
        before = wide.get_weights()
        with pytest.raises(ValueError, match="A total of 1 objects could not be loaded"):
            wide.load_weights(path)
        for a, b in zip(before, wide.get_weights()):
            np.testing.assert_array_equal(a, b)
    finally:
        enable_npz_weights(False)
