"""`tf.bitwise`: the public bitwise namespace (explicit re-exports, no logic)."""

from .ops.bitwise_ops import (  # noqa: F401
    bitwise_and,
    bitwise_or,
    bitwise_xor,
    invert,
    left_shift,
    right_shift,
)
