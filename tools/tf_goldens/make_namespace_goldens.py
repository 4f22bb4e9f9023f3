"""Generates tests/data/tf_namespaces.json: which public names TensorFlow exports, where.

Usage (TensorFlow lives in its own venv)::

    /tmp/tfvenv/bin/python tools/tf_goldens/make_namespace_goldens.py

For each namespace tapeflow mirrors (`tf`, `tf.math`, `tf.linalg`, ...) the file lists every
public name and an identity for the object behind it (module and qualified name; `<type>` for
non-callables), so that tests/test_namespaces.py can check that a function tapeflow exports
under one of TF's names is exported under all of them (TF's aliases: `tf.nn.softmax` is
`tf.math.softmax`), as the same object.
"""

from __future__ import annotations

import types

from family import DATA, import_tensorflow, write

OUTPUT = DATA / "tf_namespaces.json"
NAMESPACES = [
    "tf",
    "math",
    "linalg",
    "nn",
    "random",
    "bitwise",
    "debugging",
    "dtypes",
    "autodiff",
    "test",
    "config",
    "nest",
    "errors",
]


def identity(value) -> str:
    if not callable(value):
        return f"<{type(value).__name__}>"
    module = getattr(value, "__module__", None) or ""
    name = getattr(value, "__qualname__", None) or getattr(value, "__name__", type(value).__name__)
    return f"{module}.{name}"


def main() -> None:
    tf = import_tensorflow()
    namespaces = {}
    for name in NAMESPACES:
        ns = tf if name == "tf" else getattr(tf, name)
        namespaces[name] = {
            k: identity(getattr(ns, k))
            for k in dir(ns)
            if not k.startswith("_") and not isinstance(getattr(ns, k), types.ModuleType)
        }
    document = {
        "header": {"tensorflow_version": tf.__version__, "generator": __file__.split("/")[-1]},
        "namespaces": namespaces,
    }
    write(OUTPUT, document, sum(len(v) for v in namespaces.values()))


if __name__ == "__main__":
    main()
