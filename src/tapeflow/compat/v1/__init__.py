"""`tf.compat.v1`: the TF 1 names tapeflow provides (explicit re-exports, no logic)."""

from . import random  # noqa: F401
