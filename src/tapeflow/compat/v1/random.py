"""`tf.compat.v1.random`: TF 1 random names (explicit re-exports, no logic).

The random family loads on first use (_lazy.py)."""

from ... import _lazy

_lazy.install(globals(), _lazy.names("tapeflow.ops.random_ops", "get_seed"))
