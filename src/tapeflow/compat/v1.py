"""`tf.compat.v1`: the few TF1 names tapeflow has (explicit re-exports, no logic)."""

from .._core.tensor_shape import Dimension, dimension_at_index, dimension_value  # noqa: F401
