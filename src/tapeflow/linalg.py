"""`tf.linalg`: the public linear-algebra namespace (explicit re-exports, no logic)."""

from .ops.array_ops import matrix_transpose  # noqa: F401
from .ops.array_ops import eye  # noqa: F401
from .ops.linalg_ops import matmul  # noqa: F401
