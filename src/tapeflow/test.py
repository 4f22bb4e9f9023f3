"""`tf.test`: the public test-utilities namespace (explicit re-exports, no logic)."""

from .autodiff.gradient_checker import compute_gradient  # noqa: F401
