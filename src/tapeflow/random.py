"""`tf.random`: the public random namespace (explicit re-exports, no logic).

The random family loads on first use (_lazy.py)."""

from . import _lazy

_lazy.install(
    globals(),
    _lazy.names(
        "tapeflow.ops.random_ops",
        "Generator categorical get_global_generator normal set_global_generator set_seed "
        "shuffle stateless_categorical stateless_normal stateless_truncated_normal "
        "stateless_uniform truncated_normal uniform",
    ),
)
