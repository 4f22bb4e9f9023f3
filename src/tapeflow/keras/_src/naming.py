"""Keras' names: per-class auto-naming (`dense`, `dense_1`, ...), name scopes and paths.

Keras 3 keeps one process-wide counter per snake_case base name; the first object of a kind
gets the bare name. `keras.backend.clear_session()` resets every counter. Variables created
inside `name_scope(...)` blocks get the scopes joined by `/` as their `path`.
"""

from __future__ import annotations

import collections
import re
import threading

_counts: collections.Counter = collections.Counter()
_local = threading.local()


def to_snake_case(name: str) -> str:
    """`Conv2DTranspose` -> `conv2d_transpose`, `HTTPLayer` -> `http_layer` (Keras' rule)."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    if name[0] != "_":
        return name
    return "private" + name


def uniquify(base: str) -> str:
    """`base` for the first request of a process (or since clear_session), then `base_N`."""
    n = _counts[base]
    _counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


def auto_name(class_name: str) -> str:
    return uniquify(to_snake_case(class_name))


def reset() -> None:
    _counts.clear()


def _stack() -> list:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


class name_scope:  # noqa: N801 - Keras' name
    """Pushes `name` on the path of the variables created inside (nestable, per thread).

    A scope opened by the same `caller` with the same name as the innermost one is not
    pushed twice (a layer's `__call__`, `build` and `add_weight` each open the layer's).
    """

    def __init__(self, name: str, caller=None):
        self.name = name
        self.caller = caller
        self._pushed = False

    def __enter__(self):
        stack = _stack()
        if stack and self.caller is not None:
            top = stack[-1]
            if top.caller is self.caller and top.name == self.name:
                return self
        stack.append(self)
        self._pushed = True
        return self

    def __exit__(self, *exc):
        if self._pushed:
            _stack().pop()
            self._pushed = False
        return False


def current_path() -> str:
    return "/".join(scope.name for scope in _stack())
