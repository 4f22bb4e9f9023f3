"""`tf.keras.regularizers` (with the snake_case class aliases)."""

from ._src.regularizers import (  # noqa: F401
    L1,
    L1L2,
    L2,
    OrthogonalRegularizer,
    Regularizer,
    deserialize,
    get,
    serialize,
)

l1 = L1
l1_l2 = L1L2
l2 = L2
orthogonal_regularizer = OrthogonalRegularizer
