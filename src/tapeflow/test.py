"""`tf.test`: the public test-utilities namespace (explicit re-exports, no logic)."""

from .gradient_checker import compute_gradient  # noqa: F401
