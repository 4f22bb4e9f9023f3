"""`tf.keras.utils` (the parts built so far: seeding, one-hot encoding, normalization)."""

from ._src.utils import normalize, set_random_seed, to_categorical  # noqa: F401
from ._src.variable import standardize_dtype  # noqa: F401
