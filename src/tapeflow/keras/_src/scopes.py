"""The symbolic scope: while a layer's output spec is computed on placeholders, variable
assignments and added losses are discarded (Keras' stateless/symbolic scopes)."""

from __future__ import annotations

import contextlib
import threading

_state = threading.local()


def in_symbolic_scope() -> bool:
    return getattr(_state, "symbolic", 0) > 0


@contextlib.contextmanager
def symbolic_scope():
    _state.symbolic = getattr(_state, "symbolic", 0) + 1
    try:
        yield
    finally:
        _state.symbolic -= 1
