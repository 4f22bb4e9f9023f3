"""tapeflow extensions that TensorFlow does not have (diagnostics), not TF names."""

from .._diagnostics.numpy_warning import NumpyRoundTripWarning, warn_on_numpy

__all__ = ["NumpyRoundTripWarning", "warn_on_numpy"]
