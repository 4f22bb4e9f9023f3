"""`tf.compat.v1`: the TF 1 names tapeflow provides (explicit re-exports, no logic)."""

from ..._core.tensor_shape import Dimension, dimension_at_index, dimension_value  # noqa: F401
from . import random  # noqa: F401
