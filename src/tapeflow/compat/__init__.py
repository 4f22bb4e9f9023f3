"""`tf.compat`: the compatibility namespaces (only `tf.compat.v1.random` so far)."""

from . import v1  # noqa: F401
