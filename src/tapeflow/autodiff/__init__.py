"""`tf.autodiff`: the public autodiff namespace (explicit re-exports, no logic)."""

from .forward import ForwardAccumulator  # noqa: F401
from .gradient_tape import GradientTape  # noqa: F401
