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


@contextlib.contextmanager
def real_state():
    """Leaves the symbolic scope for real state changes made while it is active (a
    checkpoint value arriving into a weight built during a symbolic pass)."""
    saved = getattr(_state, "symbolic", 0)
    _state.symbolic = 0
    try:
        yield
    finally:
        _state.symbolic = saved
