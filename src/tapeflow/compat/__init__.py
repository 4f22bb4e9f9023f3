"""`tf.compat`: the compatibility namespaces and TF1-to-TF2 shape bridges (re-exports only)."""

from .._core.tensor_shape import dimension_at_index, dimension_value  # noqa: F401
from . import v1  # noqa: F401
