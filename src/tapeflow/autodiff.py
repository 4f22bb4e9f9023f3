"""`tf.autodiff`: the public autodiff namespace (explicit re-exports, no logic)."""

from .backprop import GradientTape  # noqa: F401
from .forward import ForwardAccumulator  # noqa: F401
