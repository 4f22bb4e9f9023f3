"""Running existing TensorFlow and Keras 3 code unchanged: `tensorflow` and `keras` as
aliases of tapeflow in the import system.

After `alias()` (which `python -m tapeflow run script.py` calls), `import tensorflow as tf`
gives `tapeflow`, `from tensorflow.keras import layers` gives `tapeflow.keras.layers`, and
`import keras` gives Keras 3's own namespace, which differs from tf.keras only in a few name
lists (`keras.losses.mean_squared_error` exists, `keras.losses.MSE` does not; `keras.saving`
exists): those modules come from `tapeflow.keras._keras3` when it has them.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types


def _target(fullname: str):
    """The tapeflow module an aliased name stands for (None when it is not aliased)."""
    head, _, rest = fullname.partition(".")
    if head == "tensorflow":
        return importlib.import_module("tapeflow" + ("." + rest if rest else ""))
    if head == "keras":
        if not rest:
            return _keras3_namespace()
        try:
            return importlib.import_module(f"tapeflow.keras._keras3.{rest}")
        except ModuleNotFoundError as e:
            if e.name is None or not e.name.startswith("tapeflow.keras._keras3"):
                raise
        return importlib.import_module(f"tapeflow.keras.{rest}")
    return None


_KERAS3: list = []


def _keras3_namespace():
    """`keras` (Keras 3's top level): tf.keras' names, with Keras 3's own submodules."""
    if _KERAS3:
        return _KERAS3[0]
    tf_keras = importlib.import_module("tapeflow.keras")
    module = types.ModuleType("keras", "Keras 3's `keras` namespace on tapeflow.")
    for name in dir(tf_keras):
        if not name.startswith("_"):
            setattr(module, name, getattr(tf_keras, name))
    for name in ("losses", "metrics", "saving"):
        try:
            setattr(module, name, importlib.import_module(f"tapeflow.keras._keras3.{name}"))
        except ModuleNotFoundError:
            pass
    module.__path__ = []  # a package, so that `import keras.layers` resolves through us
    _KERAS3.append(module)
    return module


class _Loader(importlib.abc.Loader):
    def __init__(self, module):
        self._module = module

    def create_module(self, spec):
        return self._module

    def exec_module(self, module):
        return None


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname.partition(".")[0] not in ("tensorflow", "keras"):
            return None
        module = _target(fullname)
        if module is None:
            return None
        return importlib.util.spec_from_loader(fullname, _Loader(module))


def alias() -> None:
    """Makes `import tensorflow` and `import keras` import tapeflow (idempotent)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
    for name in [n for n in sys.modules if n.partition(".")[0] in ("tensorflow", "keras")]:
        del sys.modules[name]


def run(path: str, argv: list) -> None:
    """Runs the script at `path` as `__main__` with tapeflow standing in for TF and Keras."""
    import runpy

    alias()
    sys.argv = [path, *argv]
    runpy.run_path(path, run_name="__main__")
