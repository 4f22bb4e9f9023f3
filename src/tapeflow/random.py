"""`tf.random`: the public random namespace (explicit re-exports, no logic)."""

from .ops.random_ops import (  # noqa: F401
    Generator,
    categorical,
    get_global_generator,
    normal,
    set_global_generator,
    set_seed,
    shuffle,
    stateless_categorical,
    stateless_normal,
    stateless_truncated_normal,
    stateless_uniform,
    truncated_normal,
    uniform,
)
