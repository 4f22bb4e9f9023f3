"""Public names whose modules load on first use (PEP 562), so `import tapeflow` costs what
starting needs: `tf.function`, `tf.cond`, `tf.linalg.svd`, `tf.random.normal` and the other
names of the op families and the tracer that an eager program may never touch.

A namespace module declares its lazy names with `names(module, "a b alias=attribute")` and
installs the module-level `__getattr__`/`__dir__` with `install(globals(), table)`: the
first access imports the module and caches the value in the namespace, `dir()` lists every
name from the start, and a name outside the table is the AttributeError a module gives.
"""

from __future__ import annotations

import importlib


def names(module: str, spec: str) -> dict:
    """{public name: (module, attribute)} for `spec`'s words ("name", or "name=attribute")."""
    table = {}
    for word in spec.split():
        name, _, attribute = word.partition("=")
        table[name] = (module, attribute or name)
    return table


def install(namespace: dict, table: dict):
    """Gives the module whose globals are `namespace` the lazy names of `table`; returns
    its `__getattr__` (for a namespace that adds its own cases)."""
    module_name = namespace["__name__"]

    def __getattr__(name: str):  # noqa: N807 - the PEP 562 hook
        try:
            module, attribute = table[name]
        except KeyError:
            if name == "__all__":  # `from namespace import *`: every public name, loaded
                return [n for n in __dir__() if not n.startswith("_")]
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module), attribute)
        namespace[name] = value
        return value

    def __dir__():  # noqa: N807 - the PEP 562 hook
        return sorted(set(namespace) | set(table))

    for hook in (__getattr__, __dir__):  # the namespace's own functions, by their names
        hook.__module__, hook.__qualname__ = module_name, hook.__name__
        namespace[hook.__name__] = hook
    return __getattr__
