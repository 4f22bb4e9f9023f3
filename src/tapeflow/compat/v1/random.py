"""`tf.compat.v1.random`: TF 1 random names (explicit re-exports, no logic)."""

from ...ops.random_ops import get_seed  # noqa: F401
