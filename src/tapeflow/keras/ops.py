"""`tf.keras.ops`: Keras 3's NumPy-like operations (re-exports of keras/_src/ops.py)."""

from ._src.ops import *  # noqa: F401, F403
from ._src.ops import abs, all, any, max, min, round, sum  # noqa: F401 - shadowed builtins
