"""`tf.compat`: the bridges between TF1-style and TF2 shapes (explicit re-exports, no logic)."""

from .._core.tensor_shape import dimension_at_index, dimension_value  # noqa: F401
from . import v1  # noqa: F401
